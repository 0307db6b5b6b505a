//! Reading request and response fields from an event's kept detail
//! ([`crate::Model::detail_json`]), which the analyses parse only for their few candidate
//! events.
//!
//! CloudTrail writes request fields in lower camel case (`trailName`, `kMSMasterKeyId`), but
//! exports re-serialised by other tools sometimes keep the API's own casing (`TrailName`), so
//! a field is found by its exact name first and then ignoring ASCII case. Every read has a
//! default: a hostile or odd record gives "absent", never a panic.

use serde_json::Value;

/// `value[name]`, by exact name, else ignoring ASCII case.
pub(crate) fn field<'v>(value: &'v Value, name: &str) -> Option<&'v Value> {
    let object = value.as_object()?;
    object.get(name).or_else(|| {
        object
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, v)| v)
    })
}

/// A nested field by path.
pub(crate) fn path<'v>(value: &'v Value, names: &[&str]) -> Option<&'v Value> {
    names
        .iter()
        .try_fold(value, |current, name| field(current, name))
}

/// A nested string field, when present and non-empty.
pub(crate) fn str_at<'v>(value: &'v Value, names: &[&str]) -> Option<&'v str> {
    path(value, names)
        .and_then(Value::as_str)
        .filter(|text| !text.is_empty())
}

/// A boolean field, also when written as "true" or "false".
pub(crate) fn bool_at(value: &Value, names: &[&str]) -> Option<bool> {
    match path(value, names)? {
        Value::Bool(b) => Some(*b),
        Value::String(text) if text.eq_ignore_ascii_case("true") => Some(true),
        Value::String(text) if text.eq_ignore_ascii_case("false") => Some(false),
        _ => None,
    }
}

/// The strings of an array field (a lone string counts as one); other elements are skipped.
pub(crate) fn strings_at<'v>(value: &'v Value, names: &[&str]) -> Vec<&'v str> {
    match path(value, names) {
        Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).collect(),
        Some(Value::String(text)) => vec![text.as_str()],
        _ => Vec::new(),
    }
}

/// The elements of an array field (none when absent or not an array).
pub(crate) fn array_at<'v>(value: &'v Value, names: &[&str]) -> &'v [Value] {
    match path(value, names) {
        Some(Value::Array(items)) => items,
        _ => &[],
    }
}

/// Longest text a field value keeps for display (a key policy can be 32 KB).
pub(crate) const MAX_FIELD_CHARS: usize = 4000;

/// A field value as one line of text for display: strings as they are, arrays of strings
/// joined by ", ", other values as compact JSON; cut at [`MAX_FIELD_CHARS`] characters.
pub(crate) fn display(value: &Value) -> String {
    let text = match value {
        Value::String(text) => text.clone(),
        Value::Array(items) if items.iter().all(Value::is_string) => items
            .iter()
            .filter_map(Value::as_str)
            .collect::<Vec<_>>()
            .join(", "),
        other => other.to_string(),
    };
    match text.char_indices().nth(MAX_FIELD_CHARS) {
        Some((cut, _)) => format!("{}… (cut)", &text[..cut]),
        None => text,
    }
}
