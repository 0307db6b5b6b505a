//! What a file's path says about its content: the account, region and table of an export that
//! does not name them itself (describe-continuous-backups, describe-time-to-live,
//! get-resource-policy, list-tags-of-resource, list-tables...).
//!
//! The layout is the one `collect-exports` writes (docs/exports.md, the helpers' contract 4):
//!
//! ```text
//! <out>/<account-id>/<region>/dynamodb/tables/<TableName>/describe-continuous-backups.json
//! <out>/<account-id>/<region>/kms/keys/<key-id>/describe-key.json
//! ```
//!
//! A script's own layout that keeps the operation as a folder and the table as the file name
//! (`.../describe-continuous-backups/<TableName>.json`) is understood too, and so is the S3
//! layout of AWS deliveries (`AWSLogs/<account-id>/<Service>/<region>/...`).
//!
//! ```
//! use ddb_lens_core::ingest::layout::PathHints;
//! let hints = PathHints::of("out/111122223333/eu-west-1/dynamodb/tables/orders/describe-time-to-live.json");
//! assert_eq!(hints.account.as_deref(), Some("111122223333"));
//! assert_eq!(hints.region.as_deref(), Some("eu-west-1"));
//! assert_eq!(hints.table.as_deref(), Some("orders"));
//! ```

/// The account, region, table and KMS key a path names; `None` where it does not.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PathHints {
    pub account: Option<String>,
    pub region: Option<String>,
    pub table: Option<String>,
    pub key_id: Option<String>,
}

/// Operations whose output does not name its table; as a folder name, the file inside is named
/// after the table.
const PER_TABLE_OPERATIONS: [&str; 6] = [
    "describe-table",
    "describe-continuous-backups",
    "describe-time-to-live",
    "describe-kinesis-streaming-destination",
    "get-resource-policy",
    "list-tags-of-resource",
];

impl PathHints {
    pub fn of(name: &str) -> PathHints {
        let segments: Vec<&str> = name
            .split(['/', '\\'])
            .filter(|s| !s.is_empty() && *s != ".")
            .collect();
        let mut hints = PathHints::default();
        let Some((file, dirs)) = segments.split_last() else {
            return hints;
        };
        // The last account/region pair wins: an outer folder may itself be named after an
        // account, the collector's own segments are innermost.
        for (i, pair) in dirs.windows(2).enumerate() {
            if is_account(pair[0]) {
                if is_region(pair[1]) {
                    hints.account = Some(pair[0].to_string());
                    hints.region = Some(pair[1].to_string());
                } else if dirs.get(i + 2).is_some_and(|r| is_region(r)) {
                    // AWSLogs/<account>/<Service>/<region>/
                    hints.account = Some(pair[0].to_string());
                    hints.region = Some(dirs[i + 2].to_string());
                }
            }
        }
        for (i, dir) in dirs.iter().enumerate() {
            match (*dir, dirs.get(i + 1)) {
                ("tables", Some(table)) if is_table_name(table) => {
                    hints.table = Some(table.to_string())
                }
                ("keys", Some(key)) if !key.is_empty() => hints.key_id = Some(key.to_string()),
                _ => {}
            }
        }
        if hints.table.is_none() {
            if let Some(op) = dirs.last() {
                let stem = strip_json_suffix(file);
                if PER_TABLE_OPERATIONS.contains(op) && is_table_name(stem) {
                    hints.table = Some(stem.to_string());
                }
            }
        }
        hints
    }
}

fn strip_json_suffix(file: &str) -> &str {
    let file = file.strip_suffix(".gz").unwrap_or(file);
    file.strip_suffix(".json").unwrap_or(file)
}

fn is_account(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
}

/// `eu-west-1`, `us-gov-west-1`, `ap-southeast-3`, `cn-north-1`, `us-isob-east-1`...: letters,
/// dash-separated words, a number last.
pub(crate) fn is_region(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    parts.len() >= 3
        && parts.len() <= 4
        && parts[0].len() == 2
        && parts[..parts.len() - 1]
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase()))
        && parts[parts.len() - 1].bytes().all(|b| b.is_ascii_digit())
        && !parts[parts.len() - 1].is_empty()
}

/// DynamoDB's rule: 3 to 255 of `A-Z a-z 0-9 _ - .`.
pub(crate) fn is_table_name(s: &str) -> bool {
    (3..=255).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collector_layout() {
        let h = PathHints::of(
            "111122223333/us-gov-west-1/dynamodb/tables/my.table_1/get-resource-policy.json",
        );
        assert_eq!(h.account.as_deref(), Some("111122223333"));
        assert_eq!(h.region.as_deref(), Some("us-gov-west-1"));
        assert_eq!(h.table.as_deref(), Some("my.table_1"));
        let h = PathHints::of("x/111122223333/eu-west-1/kms/keys/1234abcd-12ab/describe-key.json");
        assert_eq!(h.key_id.as_deref(), Some("1234abcd-12ab"));
        assert_eq!(h.table, None);
    }

    #[test]
    fn operation_folders_and_deliveries() {
        let h = PathHints::of("inv/111122223333/eu-west-1/describe-continuous-backups/orders.json");
        assert_eq!(h.table.as_deref(), Some("orders"));
        let h =
            PathHints::of("AWSLogs/111122223333/Config/eu-west-1/2026/3/1/ConfigHistory/x.json.gz");
        assert_eq!(
            (h.account.as_deref(), h.region.as_deref()),
            (Some("111122223333"), Some("eu-west-1"))
        );
    }

    #[test]
    fn nothing_from_a_bare_name() {
        assert_eq!(
            PathHints::of("describe-continuous-backups.json"),
            PathHints::default()
        );
        assert!(!is_region("eu-west"));
        assert!(!is_region("dynamodb"));
        assert!(is_region("cn-northwest-1"));
        assert!(!is_table_name("ab"));
    }
}
