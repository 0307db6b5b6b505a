//! Lenient readers over one export's `serde_json::Value` (a file or one record of it, never a
//! CloudTrail event): the non-CloudTrail exports are small next to CloudTrail, and the same
//! facts arrive under several spellings.
//!
//! Keys are matched exactly first, then ignoring ASCII case, because one DescribeTable reaches
//! us as the CLI's `SSEDescription`, CloudTrail's `sSEDescription` and AWS Config's
//! `ssedescription`/`sseDescription`. A value of the wrong type reads as absent (`None`), never
//! as an error: the caller decides whether the record is still worth keeping.

use std::borrow::Cow;
use std::collections::BTreeMap;

use serde_json::Value;

use crate::time::{epoch_secs_to_ms, parse_iso_ms};

/// `v[key]`, matching the key exactly or else ignoring ASCII case; `null` reads as absent.
pub(crate) fn get<'v>(v: &'v Value, key: &str) -> Option<&'v Value> {
    let map = v.as_object()?;
    let found = match map.get(key) {
        Some(found) => found,
        None => map.iter().find(|(k, _)| k.eq_ignore_ascii_case(key))?.1,
    };
    (!found.is_null()).then_some(found)
}

/// A string field; numbers are read as their text (Config writes `configurationStateId` both
/// ways). Empty strings read as absent.
pub(crate) fn text(v: &Value, key: &str) -> Option<String> {
    scalar_text(get(v, key)?)
}

/// A field that must be a string (a name): a number there is a wrongly typed field, not a
/// name. Empty strings read as absent.
pub(crate) fn string(v: &Value, key: &str) -> Option<String> {
    get(v, key)?
        .as_str()
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

pub(crate) fn text_any(v: &Value, keys: &[&str]) -> Option<String> {
    keys.iter().find_map(|key| text(v, key))
}

pub(crate) fn scalar_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// A boolean, also written as the string "true" or "false".
pub(crate) fn flag(v: &Value, key: &str) -> Option<bool> {
    match get(v, key)? {
        Value::Bool(b) => Some(*b),
        Value::String(s) if s.eq_ignore_ascii_case("true") => Some(true),
        Value::String(s) if s.eq_ignore_ascii_case("false") => Some(false),
        _ => None,
    }
}

/// A non-negative count, also written as a numeric string.
pub(crate) fn count(v: &Value, key: &str) -> Option<u64> {
    match get(v, key)? {
        Value::Number(n) => n
            .as_u64()
            .or_else(|| n.as_f64().filter(|f| *f >= 0.0).map(|f| f as u64)),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// A time field in ms since the epoch; see [`time_value`].
pub(crate) fn time(v: &Value, key: &str) -> Option<i64> {
    time_value(get(v, key)?)
}

/// A time as the exports write it: ISO 8601 (CLI v2, delivered Config files), epoch seconds
/// as a float (CLI v1), or epoch milliseconds (AWS Config's `configuration` of a table). A
/// number at or above 1e11 cannot be seconds (that is the year 5138) so it is milliseconds.
pub(crate) fn time_value(v: &Value) -> Option<i64> {
    match v {
        Value::String(s) => parse_iso_ms(s.trim()),
        Value::Number(n) => {
            let f = n.as_f64()?;
            if f.abs() >= 1e11 {
                (f.is_finite() && f < 1e14).then(|| f.round() as i64)
            } else {
                epoch_secs_to_ms(f)
            }
        }
        _ => None,
    }
}

/// An object, or a JSON string holding one (Config's `configuration` in API outputs and
/// `supplementaryConfiguration` values, select-resource-config results).
pub(crate) fn object_or_json(v: &Value) -> Option<Cow<'_, Value>> {
    match v {
        Value::Object(_) => Some(Cow::Borrowed(v)),
        Value::String(s) => match serde_json::from_str::<Value>(s) {
            Ok(parsed @ Value::Object(_)) => Some(Cow::Owned(parsed)),
            _ => None,
        },
        _ => None,
    }
}

/// Like [`object_or_json`] for an array.
pub(crate) fn array_or_json(v: &Value) -> Option<Cow<'_, [Value]>> {
    match v {
        Value::Array(items) => Some(Cow::Borrowed(items)),
        Value::String(s) => match serde_json::from_str::<Value>(s) {
            Ok(Value::Array(items)) => Some(Cow::Owned(items)),
            _ => None,
        },
        _ => None,
    }
}

/// The elements of an array field (absent or not an array: none).
pub(crate) fn items<'v>(v: &'v Value, key: &str) -> &'v [Value] {
    get(v, key)
        .and_then(Value::as_array)
        .map_or(&[][..], Vec::as_slice)
}

/// Tags as a sorted map, from `{"k":"v"}` (Config's `tags`) or `[{"Key":..,"Value":..}]`
/// (DynamoDB, the tagging API; Config's supplementary `Tags` in lower case), either possibly
/// as a JSON string. Entries without a key are left out.
pub(crate) fn tags(v: &Value) -> Option<BTreeMap<String, String>> {
    if let Some(list) = array_or_json(v) {
        let mut out = BTreeMap::new();
        for tag in list.iter() {
            if let Some(key) = text(tag, "Key") {
                out.insert(key, text(tag, "Value").unwrap_or_default());
            }
        }
        return Some(out);
    }
    let map = object_or_json(v)?;
    Some(
        map.as_object()?
            .iter()
            .filter(|(k, _)| !k.is_empty())
            .map(|(k, v)| (k.clone(), scalar_text(v).unwrap_or_default()))
            .collect(),
    )
}

/// One-word description of a value for warnings: "a number", "an array", ...
pub(crate) fn describe(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// The parts of an ARN: `arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Arn<'a> {
    pub service: &'a str,
    pub region: &'a str,
    pub account: &'a str,
    pub resource: &'a str,
}

pub fn parse_arn(arn: &str) -> Option<Arn<'_>> {
    let mut parts = arn.strip_prefix("arn:")?.splitn(5, ':');
    let _partition = parts.next()?;
    Some(Arn {
        service: parts.next()?,
        region: parts.next()?,
        account: parts.next()?,
        resource: parts.next()?,
    })
}

/// A DynamoDB table ARN (`…:table/NAME`, nothing after the name) → its parts and the name.
pub(crate) fn table_arn(arn: &str) -> Option<(Arn<'_>, &str)> {
    let parts = parse_arn(arn)?;
    let name = parts.resource.strip_prefix("table/")?;
    (parts.service == "dynamodb" && !name.is_empty() && !name.contains('/'))
        .then_some((parts, name))
}

/// A table's stream ARN (`…:table/NAME/stream/LABEL`) → its parts and the table name.
pub(crate) fn stream_arn(arn: &str) -> Option<(Arn<'_>, &str)> {
    let parts = parse_arn(arn)?;
    let rest = parts.resource.strip_prefix("table/")?;
    let (name, label) = rest.split_once("/stream/")?;
    (parts.service == "dynamodb" && !name.is_empty() && !label.is_empty()).then_some((parts, name))
}

/// Text fit to be a name: not empty, no control characters (which would only be an attack on
/// whoever reads the report).
pub(crate) fn clean_name(name: &str) -> Option<&str> {
    (!name.is_empty() && !name.chars().any(char::is_control)).then_some(name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn keys_match_whatever_the_casing() {
        let v = json!({"sSEDescription": {"kMSMasterKeyArn": "k"}, "Tags": 1, "tags": 2});
        let sse = get(&v, "SSEDescription").unwrap();
        assert_eq!(text(sse, "KMSMasterKeyArn").as_deref(), Some("k"));
        // Exact matches win over case-folded ones.
        assert_eq!(get(&v, "tags"), Some(&json!(2)));
        assert_eq!(get(&json!({"a": null}), "a"), None);
    }

    #[test]
    fn times_in_every_form() {
        let iso = json!("2024-03-01T00:00:00.250000+00:00");
        let v1 = json!(1_709_251_200.25);
        let ms = json!(1_709_251_200_250_i64);
        for v in [iso, v1, ms] {
            assert_eq!(time_value(&v), Some(1_709_251_200_250), "{v}");
        }
        assert_eq!(time_value(&json!("soon")), None);
    }

    #[test]
    fn tags_as_maps_lists_and_strings() {
        let want: BTreeMap<String, String> = [("env".to_string(), "prod".to_string())]
            .into_iter()
            .collect();
        for v in [
            json!({"env": "prod"}),
            json!([{"Key": "env", "Value": "prod"}]),
            json!([{"key": "env", "value": "prod"}]),
            json!("[{\"key\":\"env\",\"value\":\"prod\"}]"),
        ] {
            assert_eq!(tags(&v).as_ref(), Some(&want), "{v}");
        }
    }

    #[test]
    fn arns() {
        let (parts, name) =
            table_arn("arn:aws:dynamodb:eu-west-1:111122223333:table/orders").unwrap();
        assert_eq!(
            (parts.region, parts.account, name),
            ("eu-west-1", "111122223333", "orders")
        );
        assert!(table_arn("arn:aws:dynamodb:eu-west-1:1:table/orders/index/x").is_none());
        let (_, name) =
            stream_arn("arn:aws:dynamodb:eu-west-1:1:table/orders/stream/2024-01-01T00:00:00.000")
                .unwrap();
        assert_eq!(name, "orders");
    }
}
