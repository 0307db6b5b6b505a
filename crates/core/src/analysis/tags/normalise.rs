//! Near-duplicate tag values: "prod", "Prod", "production ", "PROD" and "prd" are one value
//! spelled five ways, and the user needs to see that drift as one group.
//!
//! [`normalise_value`] is the grouping key, exactly:
//!
//! 1. trim whitespace at both ends;
//! 2. lower-case (Unicode simple lower-casing, so the same on every platform);
//! 3. every run of whitespace, `-` and `_` becomes one `-`, and `-` at either end is dropped
//!    (`"Pre Prod"`, `"pre_prod"` and `"pre--prod"` all become `"pre-prod"`); other punctuation
//!    (`.`, `/`, `:`, `@`) is kept, since it usually carries meaning (`v1.2`, paths, ARNs);
//! 4. a whole value found in the environment synonym list becomes its canonical word:
//!
//! | canonical | also |
//! |---|---|
//! | `prod` | `production`, `prd`, `prod-env` |
//! | `staging` | `stage`, `stg` |
//! | `dev` | `development`, `develop` |
//! | `test` | `testing`, `tst` |
//! | `sandbox` | `sbx` |
//!
//! `qa`, `uat` and `preprod` stay their own groups: many estates run them as stages apart from
//! test and prod, and merging them would hide a real difference. The synonyms apply to every
//! key's values (they are environment words, which other keys do not use as whole values).

/// Environment words and the canonical word of their group.
const SYNONYMS: &[(&str, &str)] = &[
    ("develop", "dev"),
    ("development", "dev"),
    ("prd", "prod"),
    ("prod-env", "prod"),
    ("production", "prod"),
    ("sbx", "sandbox"),
    ("stage", "staging"),
    ("stg", "staging"),
    ("testing", "test"),
    ("tst", "test"),
];

fn is_separator(c: char) -> bool {
    c.is_whitespace() || c == '-' || c == '_'
}

/// The grouping key of a tag value (see the module documentation for the exact rules).
pub fn normalise_value(value: &str) -> String {
    let lower = value.trim().to_lowercase();
    let mut out = String::with_capacity(lower.len());
    let mut pending_separator = false;
    for c in lower.chars() {
        if is_separator(c) {
            pending_separator = true;
            continue;
        }
        if pending_separator && !out.is_empty() {
            out.push('-');
        }
        pending_separator = false;
        out.push(c);
    }
    match SYNONYMS.binary_search_by(|(word, _)| (*word).cmp(out.as_str())) {
        Ok(i) => SYNONYMS[i].1.to_string(),
        Err(_) => out,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn synonyms_are_sorted_for_binary_search() {
        assert!(SYNONYMS.windows(2).all(|w| w[0].0 < w[1].0));
    }

    #[test]
    fn normalises_as_documented() {
        for (raw, key) in [
            ("prod", "prod"),
            ("Prod", "prod"),
            ("production ", "prod"),
            ("PROD", "prod"),
            ("prd", "prod"),
            (" Prod-Env ", "prod"),
            ("Pre Prod", "pre-prod"),
            ("pre__prod", "pre-prod"),
            ("-pre--prod-", "pre-prod"),
            ("Stage", "staging"),
            ("STG", "staging"),
            ("Development", "dev"),
            ("QA", "qa"),
            ("v1.2", "v1.2"),
            ("", ""),
            ("   ", ""),
            ("Ünïcode Ä", "ünïcode-ä"),
        ] {
            assert_eq!(normalise_value(raw), key, "{raw:?}");
        }
    }
}
