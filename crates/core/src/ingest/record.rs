//! One CloudTrail record's full JSON, read again from its source file on demand.
//!
//! The model keeps a few integers per event, never its JSON: a view that wants to show an event in
//! full hands its file's bytes back here with [`crate::Event::record_index`], and gets the
//! record's text, pretty-printed with its keys in their original order. Records are numbered as
//! ingest numbers them, in every CloudTrail shape [`super::sniff`] accepts:
//!
//! - a delivered log `{"Records":[...]}`: the position in `Records` (skipped records count);
//! - a bare array of events: the position in the array;
//! - `lookup-events` output: the position in `Events`; the record is that entry's
//!   `CloudTrailEvent`, a JSON string, read as the JSON it holds;
//! - a single event object: record 0 is the whole file.
//!
//! Only the wanted record is kept: the others are skipped without building anything.
//!
//! ```
//! use ddb_lens_core::ingest::record::record_json;
//! let file = br#"{"Records":[{"eventName":"GetItem"},{"eventName":"PutItem","eventID":"e-2"}]}"#;
//! let text = record_json("trail.json", file, 1).unwrap();
//! assert_eq!(text, "{\n  \"eventName\": \"PutItem\",\n  \"eventID\": \"e-2\"\n}");
//! ```

use std::borrow::Cow;
use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;

use crate::ingest::cloudtrail::Key;
use crate::ingest::decompress::{decompress, DecompressError};
use crate::ingest::{thousands, Limits};

/// Why a record could not be read again. The file was read once at load, so these mean the
/// file changed since, or the caller asked for a record that is not there.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum RecordError {
    /// The bytes could not be decompressed (a file replaced since it was loaded).
    #[error("{name}: {source}")]
    Decompress {
        name: String,
        source: DecompressError,
    },
    /// The content is not JSON (any more).
    #[error("{name}: not valid JSON: {message}")]
    Json { name: String, message: String },
    /// The file holds fewer records than `record_index + 1`.
    #[error("{name} has no record {number} (it holds {count})", number = thousands(*.record_index as u64 + 1), count = thousands(*.records))]
    NoSuchRecord {
        name: String,
        record_index: u32,
        records: u64,
    },
    /// The file's shape holds no CloudTrail records at all.
    #[error("{name} holds no CloudTrail records")]
    NotCloudTrail { name: String },
    /// A lookup-events entry whose `CloudTrailEvent` is not a JSON string of an event.
    #[error("{name}: record {number}'s CloudTrailEvent is not a JSON text: {message}", number = thousands(*.record_index as u64 + 1))]
    BadLookupEvent {
        name: String,
        record_index: u32,
        message: String,
    },
}

/// The record `record_index` of the file `name` (its bytes as loaded: plain or gzip), as
/// pretty-printed JSON text. Text that is not UTF-8 is decoded lossily.
pub fn record_json(name: &str, bytes: &[u8], record_index: u32) -> Result<String, RecordError> {
    let decoded =
        decompress(bytes, Limits::default().max_uncompressed_bytes).map_err(|source| {
            RecordError::Decompress {
                name: name.to_string(),
                source,
            }
        })?;
    let text = String::from_utf8_lossy(&decoded.bytes);
    // PowerShell's Out-File and some editors write a byte-order mark; ingest skips it too.
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let json_error = |err: serde_json::Error| RecordError::Json {
        name: name.to_string(),
        message: err.to_string(),
    };
    let mut de = serde_json::Deserializer::from_str(text);
    let found = de
        .deserialize_any(TopSeed {
            wanted: u64::from(record_index),
        })
        .map_err(json_error)?;
    de.end().map_err(json_error)?;
    let no_such = |records| RecordError::NoSuchRecord {
        name: name.to_string(),
        record_index,
        records,
    };
    match found {
        Found::Record(raw) => Ok(pretty(raw.get())),
        Found::Lookup(Some(event_text)) => {
            // The string holds an event as JSON: validate it, then print it as its own record.
            let raw: &RawValue =
                serde_json::from_str(&event_text).map_err(|err| RecordError::BadLookupEvent {
                    name: name.to_string(),
                    record_index,
                    message: err.to_string(),
                })?;
            Ok(pretty(raw.get()))
        }
        Found::Lookup(None) => Err(RecordError::BadLookupEvent {
            name: name.to_string(),
            record_index,
            message: "it is not a string".to_string(),
        }),
        Found::Missing { records } => Err(no_such(records)),
        Found::SingleEvent if record_index == 0 => Ok(pretty(text.trim())),
        Found::SingleEvent => Err(no_such(1)),
        Found::NoRecords => Err(RecordError::NotCloudTrail {
            name: name.to_string(),
        }),
    }
}

/// What the top level gave for the wanted record.
enum Found<'de> {
    /// An element of `Records` or of a bare array.
    Record(&'de RawValue),
    /// A lookup-events entry's `CloudTrailEvent` (`None`: it was not a string).
    Lookup(Option<String>),
    /// The container held only `records` elements.
    Missing { records: u64 },
    /// A top-level object without a container: the file is one event.
    SingleEvent,
    /// A top-level scalar: no records.
    NoRecords,
}

struct TopSeed {
    wanted: u64,
}

impl<'de> Visitor<'de> for TopSeed {
    type Value = Found<'de>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON object or array")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        ElementSeed {
            wanted: self.wanted,
            lookup: false,
        }
        .visit_seq(seq)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut found = None;
        while let Some(Key(key)) = map.next_key()? {
            // The first container wins, as in ingest (a file has one).
            let lookup = match &*key {
                "Records" if found.is_none() => false,
                "Events" if found.is_none() => true,
                _ => {
                    map.next_value::<IgnoredAny>()?;
                    continue;
                }
            };
            found = Some(map.next_value_seed(ElementSeed {
                wanted: self.wanted,
                lookup,
            })?);
        }
        Ok(found.unwrap_or(Found::SingleEvent))
    }

    scalars_are!(Found::NoRecords);
}

/// Walks an array to its `wanted` element, skipping the others unread.
struct ElementSeed {
    wanted: u64,
    /// Elements are lookup-events entries, the record in their `CloudTrailEvent`.
    lookup: bool,
}

impl<'de> DeserializeSeed<'de> for ElementSeed {
    type Value = Found<'de>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ElementSeed {
    type Value = Found<'de>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of records")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut index = 0u64;
        while index < self.wanted {
            if seq.next_element::<IgnoredAny>()?.is_none() {
                return Ok(Found::Missing { records: index });
            }
            index += 1;
        }
        let found = if self.lookup {
            match seq.next_element::<LookupEntry>()? {
                Some(entry) => Found::Lookup(entry.0.map(Cow::into_owned)),
                None => Found::Missing { records: index },
            }
        } else {
            match seq.next_element::<&RawValue>()? {
                Some(raw) => Found::Record(raw),
                None => Found::Missing { records: index },
            }
        };
        // The rest must still be read: the array has to end well for the file to be valid.
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(found)
    }

    scalars_are!(Found::Missing { records: 0 });

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Found::Missing { records: 0 })
    }
}

/// A lookup-events entry's `CloudTrailEvent` when it is a string.
struct LookupEntry<'de>(Option<Cow<'de, str>>);

impl<'de> serde::Deserialize<'de> for LookupEntry<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = LookupEntry<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a lookup-events entry")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut event = None;
                while let Some(Key(key)) = map.next_key()? {
                    if key == "CloudTrailEvent" {
                        event = map.next_value::<StrOrNot>()?.0;
                    } else {
                        map.next_value::<IgnoredAny>()?;
                    }
                }
                Ok(LookupEntry(event))
            }
            scalars_are!(LookupEntry(None));
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(LookupEntry(None))
            }
        }
        d.deserialize_any(V)
    }
}

/// A string (borrowed when it has no escapes), or `None` for any other value.
struct StrOrNot<'de>(Option<Cow<'de, str>>);

impl<'de> serde::Deserialize<'de> for StrOrNot<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = StrOrNot<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(StrOrNot(Some(Cow::Borrowed(v))))
            }
            fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
                Ok(StrOrNot(Some(Cow::Owned(v.to_string()))))
            }
            fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
                Ok(StrOrNot(Some(Cow::Owned(v))))
            }
            fn visit_unit<E>(self) -> Result<Self::Value, E> {
                Ok(StrOrNot(None))
            }
            fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
                Ok(StrOrNot(None))
            }
            fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
                Ok(StrOrNot(None))
            }
            fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
                Ok(StrOrNot(None))
            }
            fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
                Ok(StrOrNot(None))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(StrOrNot(None))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(StrOrNot(None))
            }
        }
        d.deserialize_any(V)
    }
}

/// Re-indents valid JSON text (two spaces, `": "`, empty containers kept on one line) without
/// parsing it into a tree: keys keep their order and numbers their spelling, as in the file.
fn pretty(json: &str) -> String {
    let bytes = json.as_bytes();
    let mut out = String::with_capacity(json.len() + json.len() / 2);
    let mut depth = 0usize;
    let newline = |out: &mut String, depth: usize| {
        out.push('\n');
        for _ in 0..depth {
            out.push_str("  ");
        }
    };
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                let start = i;
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                let end = (i + 1).min(bytes.len());
                out.push_str(&json[start..end]);
                i = end;
                continue;
            }
            open @ (b'{' | b'[') => {
                let close = if open == b'{' { b'}' } else { b']' };
                let next = bytes[i + 1..]
                    .iter()
                    .position(|b| !b.is_ascii_whitespace())
                    .map(|at| i + 1 + at);
                out.push(open as char);
                if let Some(at) = next.filter(|&at| bytes[at] == close) {
                    out.push(close as char);
                    i = at + 1;
                    continue;
                }
                depth += 1;
                newline(&mut out, depth);
            }
            close @ (b'}' | b']') => {
                depth = depth.saturating_sub(1);
                newline(&mut out, depth);
                out.push(close as char);
            }
            b',' => {
                out.push(',');
                newline(&mut out, depth);
            }
            b':' => out.push_str(": "),
            b' ' | b'\t' | b'\n' | b'\r' => {}
            _ => {
                // Numbers and literals: ASCII up to the next structural character.
                let start = i;
                while i < bytes.len()
                    && !matches!(
                        bytes[i],
                        b',' | b'}' | b']' | b':' | b' ' | b'\t' | b'\n' | b'\r'
                    )
                {
                    i += 1;
                }
                out.push_str(&json[start..i]);
                continue;
            }
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pretty_keeps_order_and_spelling() {
        let text = r#" {"b":1.50,"a":[ ],"c":{},"d":[true,null,"x, \"y\": {z}"],"e":{"f":-2e3}} "#;
        assert_eq!(
            pretty(text.trim()),
            "{\n  \"b\": 1.50,\n  \"a\": [],\n  \"c\": {},\n  \"d\": [\n    true,\n    null,\n    \"x, \\\"y\\\": {z}\"\n  ],\n  \"e\": {\n    \"f\": -2e3\n  }\n}"
        );
        // Valid JSON out, meaning unchanged.
        let a: serde_json::Value = serde_json::from_str(text).unwrap();
        let b: serde_json::Value = serde_json::from_str(&pretty(text.trim())).unwrap();
        assert_eq!(a, b);
    }

    #[test]
    fn pretty_scalars_and_unicode() {
        assert_eq!(pretty("\"é\\u00e9\""), "\"é\\u00e9\"");
        assert_eq!(pretty("[\"😀\",1]"), "[\n  \"😀\",\n  1\n]");
    }
}
