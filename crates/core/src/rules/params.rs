//! Lenient reads of a notable event's request and response.
//!
//! CloudTrail writes request parameters in lowerCamelCase (`pointInTimeRecoverySpecification`,
//! `sSESpecification`), the APIs and hand-written samples in UpperCamelCase
//! (`PointInTimeRecoverySpecification`); booleans sometimes arrive as strings. Every read here
//! has a default, so a rule never fails on an odd shape: it just does not see what is not there.

use serde_json::Value;

use crate::model::{Event, Model};

/// A notable event's `requestParameters` and `responseElements` (`Null` when absent).
#[derive(Debug, Default)]
pub struct Detail {
    request_value: Value,
    response_value: Value,
}

impl Detail {
    /// Parses the event's detail (see [`Model::detail_json`]).
    pub fn of(model: &Model, event: &Event) -> Detail {
        let Some(Value::Object(mut all)) = model.detail_json(event) else {
            return Detail::default();
        };
        Detail {
            request_value: all.remove("requestParameters").unwrap_or(Value::Null),
            response_value: all.remove("responseElements").unwrap_or(Value::Null),
        }
    }

    pub fn request(&self) -> Node<'_> {
        Node(Some(&self.request_value))
    }

    pub fn response(&self) -> Node<'_> {
        Node(Some(&self.response_value))
    }
}

/// A place in a JSON document that may not exist; every read has a default.
#[derive(Debug, Clone, Copy, Default)]
pub struct Node<'v>(pub Option<&'v Value>);

impl<'v> Node<'v> {
    /// The member `key` of an object, as CloudTrail spells it or with its first letter's case
    /// flipped (the API's spelling).
    pub fn field(self, key: &str) -> Node<'v> {
        let Some(Value::Object(map)) = self.0 else {
            return Node(None);
        };
        if let Some(v) = map.get(key) {
            return Node(Some(v));
        }
        let mut chars = key.chars();
        let flipped = match chars.next() {
            Some(c) if c.is_ascii_lowercase() => {
                format!("{}{}", c.to_ascii_uppercase(), chars.as_str())
            }
            Some(c) if c.is_ascii_uppercase() => {
                format!("{}{}", c.to_ascii_lowercase(), chars.as_str())
            }
            _ => return Node(None),
        };
        Node(map.get(&flipped))
    }

    /// Nested members: `at(&["a", "b"])` is `field("a").field("b")`.
    pub fn at(self, path: &[&str]) -> Node<'v> {
        path.iter().fold(self, |node, key| node.field(key))
    }

    pub fn exists(self) -> bool {
        !matches!(self.0, None | Some(Value::Null))
    }

    /// A string value.
    pub fn text(self) -> Option<&'v str> {
        match self.0 {
            Some(Value::String(s)) => Some(s),
            _ => None,
        }
    }

    /// A string value, or "" when absent or not a string.
    pub fn text_or_empty(self) -> &'v str {
        self.text().unwrap_or("")
    }

    /// A boolean, or the string "true"/"false" (any case).
    pub fn flag(self) -> Option<bool> {
        match self.0 {
            Some(Value::Bool(b)) => Some(*b),
            Some(Value::String(s)) if s.eq_ignore_ascii_case("true") => Some(true),
            Some(Value::String(s)) if s.eq_ignore_ascii_case("false") => Some(false),
            _ => None,
        }
    }

    /// A number, or a string holding one.
    pub fn number(self) -> Option<f64> {
        match self.0 {
            Some(Value::Number(n)) => n.as_f64(),
            Some(Value::String(s)) => s.trim().parse().ok(),
            _ => None,
        }
    }

    /// The elements of an array; a single non-array value counts as a one-element list (IAM
    /// and selector fields take either), absent as none.
    pub fn items(self) -> Vec<Node<'v>> {
        match self.0 {
            Some(Value::Array(items)) => items.iter().map(|v| Node(Some(v))).collect(),
            None | Some(Value::Null) => Vec::new(),
            Some(other) => vec![Node(Some(other))],
        }
    }

    /// The strings of an array (or a single string); other elements are skipped.
    pub fn strings(self) -> Vec<&'v str> {
        self.items().into_iter().filter_map(Node::text).collect()
    }

    /// The members of an object, in the document's order.
    pub fn entries(self) -> Vec<(&'v str, Node<'v>)> {
        match self.0 {
            Some(Value::Object(map)) => map
                .iter()
                .map(|(k, v)| (k.as_str(), Node(Some(v))))
                .collect(),
            _ => Vec::new(),
        }
    }
}

/// The account of an ARN (`arn:aws:dynamodb:eu-west-1:111122223333:table/T` → `111122223333`).
pub fn arn_account(arn: &str) -> Option<&str> {
    let account = arn.strip_prefix("arn:")?.split(':').nth(3)?;
    (!account.is_empty()).then_some(account)
}

/// The last path segment of a name that may be an ARN: a trail's
/// `arn:aws:cloudtrail:r:a:trail/main` → `main`; a bare name stays as it is.
pub fn short_name(name_or_arn: &str) -> &str {
    if name_or_arn.starts_with("arn:") {
        name_or_arn
            .rsplit_once('/')
            .map_or(name_or_arn, |(_, last)| last)
    } else {
        name_or_arn
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_in_either_case_with_defaults() {
        let v: Value = serde_json::json!({
            "pointInTimeRecoverySpecification": {"pointInTimeRecoveryEnabled": "false"},
            "SSESpecification": {"KMSMasterKeyId": "k"},
            "tagKeys": "Security",
        });
        let n = Node(Some(&v));
        assert_eq!(
            n.at(&[
                "pointInTimeRecoverySpecification",
                "pointInTimeRecoveryEnabled"
            ])
            .flag(),
            Some(false)
        );
        assert_eq!(
            n.at(&["sSESpecification", "kMSMasterKeyId"]).text(),
            Some("k")
        );
        assert_eq!(n.field("tagKeys").strings(), ["Security"]);
        assert!(n.at(&["missing", "deeper"]).text().is_none());
        assert!(n.field("missing").items().is_empty());
    }

    #[test]
    fn arns() {
        assert_eq!(
            arn_account("arn:aws:dynamodb:eu-west-1:111122223333:table/T"),
            Some("111122223333")
        );
        assert_eq!(arn_account("arn:aws:s3:::bucket"), None);
        assert_eq!(
            short_name("arn:aws:cloudtrail:eu-west-1:1:trail/main"),
            "main"
        );
        assert_eq!(short_name("main"), "main");
    }
}
