//! The report as one self-contained HTML file: inline CSS, inline SVG, one small inline script
//! allowed by its hash, nothing fetched. Opens from `file://` with no network, prints through
//! its print stylesheet, and reads the same with scripts off.
//!
//! Every string from an export goes through [`escape`]: [`Html::text`] and attribute values are
//! escaped, and [`Html::raw`] takes only `&'static str`, so markup can only come from this code.
//! SVG charts are embedded only after [`svg::checked`] has validated them.
//!
//! A section is a file here with `pub fn render(report: &Report, out: &mut Html)` and one line
//! in [`SECTIONS`].

mod activity;
mod compliance;
mod config;
mod findings;
mod gaps;
mod generic;
mod kms;
mod manifest;
mod markdown;
mod streams;
mod summary;
pub mod svg;
mod tables;
mod tags;

use std::borrow::Cow;

use sha2::{Digest, Sha256};

use crate::ingest::thousands;
use crate::report::gaps::requirement;
use crate::report::Report;
use crate::time::format_iso_ms;

/// The stylesheet, inline; allowed by its hash.
pub const STYLE: &str = include_str!("style.css");
/// The sort-and-filter script, inline; allowed by its hash.
pub const SCRIPT: &str = include_str!("script.js");

/// A section of the report: its anchor id, its heading, and how it renders.
pub struct Section {
    pub id: &'static str,
    pub title: &'static str,
    pub render: fn(&Report, &mut Html),
}

/// The sections, in reading order. Adding a section is a file in this folder and a line here.
pub const SECTIONS: &[Section] = &[
    Section {
        id: "summary",
        title: "At a glance",
        render: summary::render,
    },
    Section {
        id: "activity",
        title: "Activity",
        render: activity::render,
    },
    Section {
        id: "gaps",
        title: "Evidence gaps",
        render: gaps::render,
    },
    Section {
        id: "findings",
        title: "Findings",
        render: findings::render,
    },
    Section {
        id: "kms",
        title: "KMS key usage",
        render: kms::render,
    },
    Section {
        id: "streams",
        title: "Streams",
        render: streams::render,
    },
    Section {
        id: "tables",
        title: "Tables",
        render: tables::render,
    },
    Section {
        id: "config",
        title: "Configuration history",
        render: config::render,
    },
    Section {
        id: "compliance",
        title: "Compliance",
        render: compliance::render,
    },
    Section {
        id: "tags",
        title: "Tags",
        render: tags::render,
    },
    Section {
        id: "manifest",
        title: "Evidence manifest",
        render: manifest::render,
    },
];

/// The report as one HTML document.
pub fn render(report: &Report) -> String {
    let mut out = Html::default();
    out.raw("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    out.open(
        "meta",
        &[
            ("http-equiv", "Content-Security-Policy"),
            ("content", &csp()),
        ],
    );
    out.raw("\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    let generator = format!("{} {}", report.generator.name, report.generator.version);
    out.open("meta", &[("name", "generator"), ("content", &generator)]);
    out.raw("\n<title>");
    out.text(&format!(
        "DynamoDB detective-security report, {}",
        as_of(report)
    ));
    out.raw("</title>\n<style>");
    out.raw(STYLE);
    out.raw("</style>\n</head>\n<body>\n<header>\n<h1>DynamoDB detective-security report</h1>\n");
    header(report, &mut out);
    out.raw("</header>\n<nav aria-label=\"Sections\"><ol>");
    for section in SECTIONS {
        out.raw("<li>");
        out.open("a", &[("href", &format!("#{}", section.id))]);
        out.text(section.title);
        out.raw("</a></li>");
    }
    out.raw("</ol></nav>\n<main>\n");
    for section in SECTIONS {
        let heading = format!("{}-heading", section.id);
        out.open(
            "section",
            &[("id", section.id), ("aria-labelledby", &heading)],
        );
        out.raw("\n");
        out.open("h2", &[("id", &heading)]);
        out.text(section.title);
        out.raw("</h2>\n");
        (section.render)(report, &mut out);
        out.raw("</section>\n");
    }
    out.raw("</main>\n<footer>\n");
    out.para(&format!(
        "Made by {generator} (report schema {}). Fingerprint SHA-256 {}.",
        report.schema, report.fingerprint_sha256
    ));
    out.raw("</footer>\n<script>");
    out.raw(SCRIPT);
    out.raw("</script>\n</body>\n</html>\n");
    out.into_string()
}

fn header(report: &Report, out: &mut Html) {
    let totals = &report.inputs.totals;
    out.open("p", &[("class", "meta")]);
    out.text(&format!(
        "As of {} · made from {} ({} with errors) · ddb-lens {}",
        as_of(report),
        plural(totals.files, "input file", "input files"),
        thousands(totals.files_with_errors),
        report.generator.version
    ));
    out.raw("</p>\n");
    out.open("p", &[("class", "meta")]);
    out.text("Report fingerprint (SHA-256): ");
    out.element("code", &[], &report.fingerprint_sha256);
    out.raw("</p>\n");
}

/// "2026-03-05T10:00:01Z (newest evidence)" or "no time in the evidence".
fn as_of(report: &Report) -> String {
    use crate::report::ReportTimeSource;
    match (report.report_time.time_ms, report.report_time.source) {
        (Some(ms), ReportTimeSource::Setting) => format!("{} (set)", format_iso_ms(ms)),
        (Some(ms), _) => format!("{} (newest evidence)", format_iso_ms(ms)),
        (None, _) => "an unknown time (no evidence with a time)".to_string(),
    }
}

/// The Content-Security-Policy of the document: nothing may load, only our own style and
/// script run (by hash), images only as data: URLs.
pub fn csp() -> String {
    format!(
        "default-src 'none'; style-src 'sha256-{}'; script-src 'sha256-{}'; img-src data:; base-uri 'none'; form-action 'none'",
        base64_sha256(STYLE),
        base64_sha256(SCRIPT)
    )
}

/// The base64 SHA-256 of `text`, as CSP hash sources write it.
fn base64_sha256(text: &str) -> String {
    base64(&Sha256::digest(text.as_bytes()))
}

fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, &b)| n | u32::from(b) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[(n >> (18 - 6 * i) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Escapes `text` for HTML text and for double- or single-quoted attribute values (the same
/// function for both, so no caller picks the wrong one).
///
/// `& < > " '` become character references, and so do `=` and `` ` `` (harmless in text; they
/// keep a payload's `onerror=` from ever appearing verbatim). Characters that hide or reorder
/// text — C0 and C1 controls other than tab, line feed and carriage return (NUL included), DEL,
/// bidirectional overrides and isolates (U+202A–U+202E, U+2066–U+2069, marks U+200E, U+200F,
/// U+061C) and invisible U+200B, U+2060, U+FEFF — are shown as a visible `[U+XXXX]`, so an
/// auditor sees that a name holds them.
pub fn escape(text: &str) -> Cow<'_, str> {
    if !text.chars().any(needs_escape) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '=' => out.push_str("&#61;"),
            '`' => out.push_str("&#96;"),
            c if is_hidden(c) => out.push_str(&format!("[U+{:04X}]", u32::from(c))),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

fn needs_escape(c: char) -> bool {
    matches!(c, '&' | '<' | '>' | '"' | '\'' | '=' | '`') || is_hidden(c)
}

fn is_hidden(c: char) -> bool {
    (c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
        || matches!(
            c,
            '\u{061C}'
                | '\u{200B}'
                | '\u{200E}'
                | '\u{200F}'
                | '\u{202A}'..='\u{202E}'
                | '\u{2060}'
                | '\u{2066}'..='\u{2069}'
                | '\u{FEFF}'
        )
}

fn plural(n: u64, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{} {many}", thousands(n))
    }
}

/// A document being written. Text and attribute values are always escaped; markup comes only
/// from `&'static str`.
#[derive(Debug, Default)]
pub struct Html {
    buf: String,
}

impl Html {
    /// Markup written by this code (never data: the type keeps formatted strings out).
    pub fn raw(&mut self, markup: &'static str) {
        self.buf.push_str(markup);
    }

    /// Text, escaped.
    pub fn text(&mut self, text: &str) {
        self.buf.push_str(&escape(text));
    }

    /// `<tag a="v" ...>` with every value escaped.
    pub fn open(&mut self, tag: &'static str, attrs: &[(&'static str, &str)]) {
        self.buf.push('<');
        self.buf.push_str(tag);
        for (name, value) in attrs {
            self.buf.push(' ');
            self.buf.push_str(name);
            self.buf.push_str("=\"");
            self.buf.push_str(&escape(value));
            self.buf.push('"');
        }
        self.buf.push('>');
    }

    pub fn close(&mut self, tag: &'static str) {
        self.buf.push_str("</");
        self.buf.push_str(tag);
        self.buf.push('>');
    }

    /// `<tag ...>text</tag>`.
    pub fn element(&mut self, tag: &'static str, attrs: &[(&'static str, &str)], text: &str) {
        self.open(tag, attrs);
        self.text(text);
        self.close(tag);
    }

    /// A note beside figures (caveats, what an export cannot show).
    pub fn note(&mut self, text: &str) {
        self.element("p", &[("class", "note")], text);
        self.buf.push('\n');
    }

    /// Content folded under a summary line, open on demand (and for printing: the script
    /// opens every fold before the page prints; without scripts the fold still opens by hand).
    pub fn folded(&mut self, summary: &str, body: impl FnOnce(&mut Html)) {
        self.raw("<details>\n");
        self.element("summary", &[], summary);
        self.raw("\n");
        body(self);
        self.raw("</details>\n");
    }

    /// A paragraph of text.
    pub fn para(&mut self, text: &str) {
        self.element("p", &[], text);
        self.buf.push('\n');
    }

    /// What a section is made from, stated first.
    pub fn based_on(&mut self, text: &str) {
        self.element("p", &[("class", "based-on")], text);
        self.buf.push('\n');
    }

    /// A list of figures: `(label, value)`.
    pub fn figures(&mut self, items: &[(&str, String)]) {
        self.raw("<ul class=\"figures\">");
        for (label, value) in items {
            self.raw("<li>");
            self.text(label);
            self.raw(" <strong>");
            self.text(value);
            self.raw("</strong></li>");
        }
        self.raw("</ul>\n");
    }

    /// An SVG chart, inline, after [`svg::checked`] validated it; a note instead otherwise.
    pub fn svg(&mut self, svg: &str) {
        match svg::checked(svg) {
            Ok(svg) => svg::push_text_escaped(&mut self.buf, svg),
            Err(why) => self.para(&format!("Chart left out: {why}.")),
        }
    }

    /// The note of a section with nothing to show: what it needs, when that is not loaded,
    /// else `reason` (why it is empty although its exports are loaded).
    pub fn no_data(&mut self, report: &Report, check: &str, reason: &str) {
        let missing = report
            .gaps
            .insufficient_data
            .iter()
            .find(|m| m.check == check);
        let text = match (missing, requirement(check)) {
            (Some(missing), _) => format!(
                "No data loaded for this section: needs {}.",
                missing
                    .missing
                    .iter()
                    .map(|n| n.what.as_str())
                    .collect::<Vec<_>>()
                    .join(", and ")
            ),
            _ => format!("No data for this section: {reason}."),
        };
        self.element("p", &[("class", "no-data")], &text);
        self.buf.push('\n');
    }

    /// A table that the script can sort and filter; "None." when it has no rows.
    pub fn table(&mut self, table: &Table) {
        if table.rows.is_empty() {
            self.para(&format!("{}: none.", table.caption));
            return;
        }
        self.raw("<div class=\"table-wrap\">\n");
        let label = format!("Filter: {}", table.caption);
        self.open(
            "input",
            &[
                ("type", "search"),
                ("class", "filter"),
                ("data-table", table.id),
                ("aria-label", &label),
                ("placeholder", "Filter rows"),
                ("hidden", ""),
            ],
        );
        self.raw("\n");
        self.open("table", &[("id", table.id), ("class", "sortable")]);
        self.element("caption", &[], table.caption);
        self.raw("\n<thead><tr>");
        for column in table.columns {
            let class = match column.sort {
                SortAs::Text => "text",
                SortAs::Number => "num",
                SortAs::Time => "time",
            };
            self.open("th", &[("scope", "col"), ("class", class)]);
            self.text(&column.title);
            self.raw("</th>");
        }
        self.raw("</tr></thead>\n<tbody>\n");
        for row in &table.rows {
            self.raw("<tr>");
            for cell in row {
                self.cell(cell);
            }
            self.raw("</tr>\n");
        }
        self.raw("</tbody>\n</table>\n</div>\n");
    }

    fn cell(&mut self, cell: &Cell) {
        match cell {
            Cell::Text(text) => self.element("td", &[], text),
            Cell::Code(text) => {
                self.raw("<td class=\"id\"><code>");
                self.text(text);
                self.raw("</code></td>");
            }
            Cell::Count(n) => {
                self.open("td", &[("class", "num"), ("data-sort", &n.to_string())]);
                self.text(&thousands(*n));
                self.raw("</td>");
            }
            Cell::Time(ms) => {
                let sort = ms.map(|ms| ms.to_string()).unwrap_or_default();
                self.open("td", &[("class", "time"), ("data-sort", &sort)]);
                self.text(&ms.map(format_iso_ms).unwrap_or_else(|| "-".into()));
                self.raw("</td>");
            }
            Cell::Status { text, class } => {
                self.open("td", &[("class", class)]);
                self.text(text);
                self.raw("</td>");
            }
            Cell::Ids(lines) => {
                let sort = lines.first().map(String::as_str).unwrap_or("");
                self.open("td", &[("class", "id"), ("data-sort", sort)]);
                for (i, line) in lines.iter().enumerate() {
                    if i > 0 {
                        self.raw("<br>");
                    }
                    self.element("code", &[], line);
                }
                self.raw("</td>");
            }
            Cell::CodeLines(lines) => {
                let sort = lines.first().map(String::as_str).unwrap_or("");
                self.open("td", &[("data-sort", sort)]);
                for (i, line) in lines.iter().enumerate() {
                    if i > 0 {
                        self.raw("<br>");
                    }
                    self.element("code", &[], line);
                }
                self.raw("</td>");
            }
            Cell::TimeRange(first, last) => {
                let sort = first.map(|ms| ms.to_string()).unwrap_or_default();
                self.open("td", &[("class", "time"), ("data-sort", &sort)]);
                match (first, last) {
                    (Some(first), Some(last)) if first == last => self.text(&format_iso_ms(*first)),
                    (Some(first), Some(last)) => {
                        self.text(&format_iso_ms(*first));
                        self.raw("<br>to ");
                        self.text(&format_iso_ms(*last));
                    }
                    _ => self.text("-"),
                }
                self.raw("</td>");
            }
            Cell::Verdict {
                lines,
                class,
                title,
            } => {
                let sort = lines.first().map(String::as_str).unwrap_or("");
                self.open(
                    "td",
                    &[("class", class), ("title", title), ("data-sort", sort)],
                );
                for (i, line) in lines.iter().enumerate() {
                    if i > 0 {
                        self.raw("<br>");
                    }
                    self.text(line);
                }
                self.raw("</td>");
            }
            Cell::Detailed {
                text,
                class,
                detail,
            } => {
                self.open("td", &[("class", class), ("data-sort", text)]);
                self.text(text);
                if !detail.is_empty() {
                    self.raw("<br><small>");
                    self.text(detail);
                    self.raw("</small>");
                }
                self.raw("</td>");
            }
            Cell::Ranked { text, class, rank } => {
                self.open("td", &[("class", class), ("data-sort", &rank.to_string())]);
                self.text(text);
                self.raw("</td>");
            }
            Cell::Sourced {
                text,
                class,
                note,
                footnote,
            } => {
                let mut attrs = vec![("class", *class), ("title", note.as_str())];
                if class.is_empty() {
                    attrs.remove(0);
                }
                if note.is_empty() {
                    attrs.pop();
                }
                self.open("td", &attrs);
                self.text(text);
                if let Some((prefix, n)) = footnote {
                    self.raw("<sup>");
                    self.open("a", &[("href", &format!("#{prefix}{n}"))]);
                    self.text(&n.to_string());
                    self.raw("</a></sup>");
                }
                self.raw("</td>");
            }
            Cell::Labelled { lines, more } => {
                let sort = lines.first().map(|(_, v)| v.as_str()).unwrap_or("");
                self.open("td", &[("data-sort", sort)]);
                for (i, (label, value)) in lines.iter().enumerate() {
                    if i > 0 {
                        self.raw("<br>");
                    }
                    self.element("span", &[("class", "label")], label);
                    self.raw(" ");
                    self.element("code", &[], value);
                }
                for (summary, folded) in more {
                    self.details(summary, folded);
                }
                self.raw("</td>");
            }
            Cell::Folded { summary, lines } if lines.len() > 1 => {
                self.open("td", &[("data-sort", summary)]);
                self.details(summary, lines);
                self.raw("</td>");
            }
            Cell::Folded { lines, .. } => {
                let line = lines.first().map(String::as_str).unwrap_or("");
                self.open("td", &[("data-sort", line)]);
                self.element("code", &[], line);
                self.raw("</td>");
            }
            Cell::Linked {
                anchor,
                text,
                detail,
            } => {
                self.raw("<td>");
                self.open("a", &[("href", &format!("#{anchor}"))]);
                self.text(text);
                self.raw("</a>");
                if !detail.is_empty() {
                    self.raw("<br><span class=\"detail\">");
                    self.text(detail);
                    self.raw("</span>");
                }
                self.raw("</td>");
            }
            Cell::Lines(lines) => {
                self.raw("<td>");
                if !lines.is_empty() {
                    self.raw("<ul class=\"compact\">");
                    for line in lines {
                        self.element("li", &[], line);
                    }
                    self.raw("</ul>");
                }
                self.raw("</td>");
            }
        }
    }

    /// Code lines folded under a summary line.
    fn details(&mut self, summary: &str, lines: &[String]) {
        self.raw("<details><summary>");
        self.text(summary);
        self.raw("</summary>");
        for (i, line) in lines.iter().enumerate() {
            if i > 0 {
                self.raw("<br>");
            }
            self.element("code", &[], line);
        }
        self.raw("</details>");
    }

    pub fn into_string(self) -> String {
        self.buf
    }
}

/// A table to render: an id unique in the document, a caption, columns and rows of cells.
pub struct Table<'a> {
    pub id: &'static str,
    pub caption: &'a str,
    pub columns: &'a [Column],
    pub rows: Vec<Vec<Cell>>,
}

/// A column heading and how its cells sort.
pub struct Column {
    /// Ours, or from the report (a tag policy's key, a compliance check's id): escaped like
    /// any text.
    pub title: Cow<'static, str>,
    pub sort: SortAs,
}

impl Column {
    /// A text column whose heading is made at run time.
    pub fn text_owned(title: String) -> Column {
        Column {
            title: Cow::Owned(title),
            sort: SortAs::Text,
        }
    }

    /// A count column whose heading is made at run time.
    pub fn number_owned(title: String) -> Column {
        Column {
            title: Cow::Owned(title),
            sort: SortAs::Number,
        }
    }
}

/// How a column sorts: by text, or by number (counts, aligned right; times, by their
/// milliseconds).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortAs {
    Text,
    Number,
    Time,
}

/// A text column.
pub const fn text(title: &'static str) -> Column {
    Column {
        title: Cow::Borrowed(title),
        sort: SortAs::Text,
    }
}

/// A count column.
pub const fn number(title: &'static str) -> Column {
    Column {
        title: Cow::Borrowed(title),
        sort: SortAs::Number,
    }
}

/// A time column (cells are [`Cell::Time`]).
pub const fn time(title: &'static str) -> Column {
    Column {
        title: Cow::Borrowed(title),
        sort: SortAs::Time,
    }
}

/// A table cell.
pub enum Cell {
    Text(String),
    /// An identifier (table, account, check id), in monospace, broken only where it has a
    /// break opportunity (a hyphen) so a narrow column does not cut it letter by letter.
    Code(String),
    /// A count, shown with thousands separators.
    Count(u64),
    /// A time (ms), shown as ISO 8601 UTC, sorted by its number; "-" when unknown.
    Time(Option<i64>),
    /// Text with a class for its colour (`status-error`, `status-warning`).
    Status {
        text: String,
        class: &'static str,
    },
    /// Several lines (messages, warnings).
    Lines(Vec<String>),
    /// A short value with a class for its colour, and under it, smaller, why (a sentence);
    /// sorted by the value.
    Detailed {
        text: String,
        class: &'static str,
        detail: String,
    },
    /// A verdict: short lines ("PASS", "Config: COMPLIANT") with a class for its colour and a
    /// tooltip (the reason), sorted by the first line.
    Verdict {
        lines: Vec<String>,
        class: &'static str,
        title: String,
    },
    /// Identifiers (tables, check ids), one a line, broken like [`Cell::Code`]; sorted by the
    /// first.
    Ids(Vec<String>),
    /// Identifier lines in monospace (a file name and its hash), sorted by the first.
    CodeLines(Vec<String>),
    /// A time range (ms), each end ISO 8601 UTC or "-", sorted by its start.
    TimeRange(Option<i64>, Option<i64>),
    /// Text with a class, sorted by `rank` (a severity: most severe first).
    Ranked {
        text: String,
        class: &'static str,
        rank: u32,
    },
    /// A value with where it came from: `note` on hover, and a footnote mark linking to
    /// `#{prefix}{n}` when given (print shows the mark, not the hover).
    Sourced {
        text: String,
        class: &'static str,
        note: String,
        footnote: Option<(&'static str, usize)>,
    },
    /// Identifier lines in monospace, each after a label of ours ("table", "in"), sorted by
    /// the first value; then each of `more`, lines folded under their summary (`<details>`).
    Labelled {
        lines: Vec<(&'static str, String)>,
        more: Vec<(String, Vec<String>)>,
    },
    /// Identifier lines in monospace folded under a summary line (`<details>`, unfolded when
    /// printed), sorted by the summary; a single line is shown unfolded.
    Folded {
        summary: String,
        lines: Vec<String>,
    },
    /// A link within the document (to `#anchor`) with a line of detail under it.
    Linked {
        anchor: String,
        text: String,
        detail: String,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_covers_text_and_attributes() {
        assert_eq!(escape("orders"), Cow::Borrowed("orders"));
        assert_eq!(
            escape(r#""><img src=x onerror=alert(1)>"#),
            "&quot;&gt;&lt;img src&#61;x onerror&#61;alert(1)&gt;"
        );
        assert_eq!(escape("a&b 'c' `d`"), "a&amp;b &#39;c&#39; &#96;d&#96;");
        assert_eq!(escape("</style><script>"), "&lt;/style&gt;&lt;script&gt;");
        assert_eq!(escape("evil\u{202E}gnp.exe"), "evil[U+202E]gnp.exe");
        assert_eq!(escape("a\0b\u{7}c\td\ne"), "a[U+0000]b[U+0007]c\td\ne");
        assert_eq!(escape("\u{85}\u{2066}\u{FEFF}"), "[U+0085][U+2066][U+FEFF]");
        // Characters with no meaning to HTML pass through.
        assert_eq!(
            escape("ключ 表 {{x}} javascript:"),
            "ключ 表 {{x}} javascript:"
        );
        assert_eq!(escape("]]>"), "]]&gt;");
    }

    #[test]
    fn base64_matches_known_vectors() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"foobar"), "Zm9vYmFy");
        // CSP hash of the empty string, as browsers compute it.
        assert_eq!(
            base64_sha256(""),
            "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="
        );
    }

    #[test]
    fn csp_names_the_hashes_of_the_inline_style_and_script() {
        let policy = csp();
        assert!(policy.starts_with("default-src 'none'; "));
        assert!(policy.contains(&format!("'sha256-{}'", base64_sha256(STYLE))));
        assert!(policy.contains(&format!("'sha256-{}'", base64_sha256(SCRIPT))));
        assert!(!policy.contains("unsafe"));
    }
}
