//! Any serialisable value as readable HTML: objects as definition lists, lists as lists. Used
//! for the settings, whose shape belongs to other modules, so the report renders them without
//! knowing their fields.

use serde_json::Value;

use crate::report::html::Html;

/// `value` as HTML, every string escaped.
pub fn value(out: &mut Html, value: &Value) {
    match value {
        Value::Object(map) if map.is_empty() => out.text("(none)"),
        Value::Object(map) => {
            out.raw("<dl class=\"settings\">");
            for (key, item) in map {
                out.element("dt", &[], &key.replace('_', " "));
                out.raw("<dd>");
                self::value(out, item);
                out.raw("</dd>");
            }
            out.raw("</dl>");
        }
        Value::Array(items) if items.is_empty() => out.text("(none)"),
        Value::Array(items) => {
            out.raw("<ul class=\"compact\">");
            for item in items {
                out.raw("<li>");
                self::value(out, item);
                out.raw("</li>");
            }
            out.raw("</ul>");
        }
        Value::Null => out.text("not set"),
        Value::Bool(b) => out.text(if *b { "yes" } else { "no" }),
        Value::Number(n) => out.text(&n.to_string()),
        Value::String(s) => out.text(s),
    }
}
