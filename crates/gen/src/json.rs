//! A minimal streaming JSON writer into a reused `String`, and a re-indenter.
//!
//! Writing by hand keeps key order exactly as AWS writes it (serde_json's default map sorts
//! keys) and is several times faster than building `serde_json::Value` trees, which matters
//! at a million events.
//!
//! ```text
//! let mut j = Json::default();
//! j.obj();
//! j.ks("eventName", "GetItem");
//! j.ka("resources");
//! j.end_arr();
//! j.end_obj();
//! assert_eq!(j.out, r#"{"eventName":"GetItem","resources":[]}"#);
//! ```

use std::fmt::Write;

#[derive(Default)]
pub(crate) struct Json {
    pub(crate) out: String,
    /// One entry per open container: whether it is still empty.
    empty: Vec<bool>,
    after_key: bool,
}

impl Json {
    pub(crate) fn with_capacity(bytes: usize) -> Self {
        Json {
            out: String::with_capacity(bytes),
            empty: Vec::with_capacity(16),
            after_key: false,
        }
    }

    pub(crate) fn clear(&mut self) {
        self.out.clear();
        self.empty.clear();
        self.after_key = false;
    }

    /// Writes the separator a new value needs in the current container.
    fn sep(&mut self) {
        if self.after_key {
            self.after_key = false;
            return;
        }
        if let Some(empty) = self.empty.last_mut() {
            if *empty {
                *empty = false;
            } else {
                self.out.push(',');
            }
        }
    }

    pub(crate) fn obj(&mut self) {
        self.sep();
        self.out.push('{');
        self.empty.push(true);
    }

    pub(crate) fn end_obj(&mut self) {
        self.out.push('}');
        self.empty.pop();
    }

    pub(crate) fn arr(&mut self) {
        self.sep();
        self.out.push('[');
        self.empty.push(true);
    }

    pub(crate) fn end_arr(&mut self) {
        self.out.push(']');
        self.empty.pop();
    }

    pub(crate) fn key(&mut self, k: &str) {
        self.sep();
        push_quoted(&mut self.out, k);
        self.out.push(':');
        self.after_key = true;
    }

    pub(crate) fn str(&mut self, v: &str) {
        self.sep();
        push_quoted(&mut self.out, v);
    }

    /// A value already in JSON form (a number, `true`, a pre-rendered fragment).
    pub(crate) fn raw(&mut self, v: &str) {
        self.sep();
        self.out.push_str(v);
    }

    pub(crate) fn int(&mut self, v: i64) {
        self.sep();
        push_int(&mut self.out, v);
    }

    pub(crate) fn bool(&mut self, v: bool) {
        self.raw(if v { "true" } else { "false" });
    }

    pub(crate) fn null(&mut self) {
        self.raw("null");
    }

    pub(crate) fn ks(&mut self, k: &str, v: &str) {
        self.key(k);
        self.str(v);
    }

    pub(crate) fn ki(&mut self, k: &str, v: i64) {
        self.key(k);
        self.int(v);
    }

    pub(crate) fn kb(&mut self, k: &str, v: bool) {
        self.key(k);
        self.bool(v);
    }

    pub(crate) fn knull(&mut self, k: &str) {
        self.key(k);
        self.null();
    }

    pub(crate) fn ko(&mut self, k: &str) {
        self.key(k);
        self.obj();
    }

    pub(crate) fn ka(&mut self, k: &str) {
        self.key(k);
        self.arr();
    }

    /// A string value assembled in place with `write!`, without a temporary `String`.
    pub(crate) fn kfmt(&mut self, k: &str, args: std::fmt::Arguments<'_>) {
        self.key(k);
        self.sep();
        self.out.push('"');
        let start = self.out.len();
        let _ = self.out.write_fmt(args);
        debug_assert!(
            !self.out[start..].contains(['"', '\\']),
            "kfmt needs escaping"
        );
        self.out.push('"');
    }

    /// A string value whose (escape-free) content `fill` appends in place.
    pub(crate) fn kstr_with(&mut self, k: &str, fill: impl FnOnce(&mut String)) {
        self.key(k);
        self.sep();
        self.out.push('"');
        fill(&mut self.out);
        self.out.push('"');
    }
}

/// Appends the decimal form of `v` (`core::fmt` is markedly slower in wasm).
pub(crate) fn push_int(out: &mut String, v: i64) {
    let mut digits = [0u8; 20];
    let mut n = v.unsigned_abs();
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    if v < 0 {
        out.push('-');
    }
    for &d in &digits[i..] {
        out.push(d as char);
    }
}

/// Appends `v` as a JSON string literal with the escapes RFC 8259 requires.
pub(crate) fn push_quoted(out: &mut String, v: &str) {
    out.push('"');
    let bytes = v.as_bytes();
    // Almost nothing needs escaping: check cheaply, copy in one go.
    // A fold without early exit, so the compiler can vectorise it.
    let special = bytes.iter().fold(false, |acc, &b| {
        acc | (b == b'"') | (b == b'\\') | (b < 0x20)
    });
    if !special {
        out.push_str(v);
        out.push('"');
        return;
    }
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let esc: &str = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0..=0x1F => "",
            _ => continue,
        };
        out.push_str(&v[start..i]);
        if esc.is_empty() {
            let _ = write!(out, "\\u{b:04x}");
        } else {
            out.push_str(esc);
        }
        start = i + 1;
    }
    out.push_str(&v[start..]);
    out.push('"');
}

/// Re-indents compact JSON the way the AWS CLI prints it (Python's `json.dumps(indent=4)`):
/// `": "` after keys, one member per line, empty containers kept as `{}` and `[]`.
pub(crate) fn pretty(compact: &str) -> String {
    let bytes = compact.as_bytes();
    let mut out = String::with_capacity(compact.len() * 2);
    let mut depth = 0usize;
    let mut in_str = false;
    let mut i = 0;
    let mut run_start = 0;
    let newline = |out: &mut String, depth: usize| {
        out.push('\n');
        for _ in 0..depth {
            out.push_str("    ");
        }
    };
    while i < bytes.len() {
        let b = bytes[i];
        if in_str {
            match b {
                b'\\' => i += 1,
                b'"' => in_str = false,
                _ => {}
            }
            i += 1;
            continue;
        }
        match b {
            b'"' => in_str = true,
            b'{' | b'[' => {
                out.push_str(&compact[run_start..=i]);
                let close = if b == b'{' { b'}' } else { b']' };
                if bytes.get(i + 1) == Some(&close) {
                    out.push(close as char);
                    i += 1;
                } else {
                    depth += 1;
                    newline(&mut out, depth);
                }
                run_start = i + 1;
            }
            b'}' | b']' => {
                out.push_str(&compact[run_start..i]);
                depth -= 1;
                newline(&mut out, depth);
                out.push(b as char);
                run_start = i + 1;
            }
            b',' => {
                out.push_str(&compact[run_start..=i]);
                newline(&mut out, depth);
                run_start = i + 1;
            }
            b':' => {
                out.push_str(&compact[run_start..=i]);
                out.push(' ');
                run_start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    out.push_str(&compact[run_start..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_nested_with_commas() {
        let mut j = Json::default();
        j.obj();
        j.ks("a", "x\"y\n\u{1}");
        j.ka("b");
        j.int(1);
        j.obj();
        j.end_obj();
        j.null();
        j.end_arr();
        j.kb("c", true);
        j.kfmt("d", format_args!("{}-{}", 1, 2));
        j.ki("e", i64::MIN);
        j.ki("f", 0);
        j.end_obj();
        assert_eq!(
            j.out,
            r#"{"a":"x\"y\n\u0001","b":[1,{},null],"c":true,"d":"1-2","e":-9223372036854775808,"f":0}"#
        );
        let v: serde_json::Value = serde_json::from_str(&j.out).unwrap();
        assert_eq!(v["a"], "x\"y\n\u{1}");
    }

    #[test]
    fn pretty_matches_python_indent_4() {
        let p = pretty(r#"{"Table":{"A":[{"k":"v, :{}"}],"E":[],"O":{},"N":1}}"#);
        let expected = "{\n    \"Table\": {\n        \"A\": [\n            {\n                \"k\": \"v, :{}\"\n            }\n        ],\n        \"E\": [],\n        \"O\": {},\n        \"N\": 1\n    }\n}";
        assert_eq!(p, expected);
    }
}
