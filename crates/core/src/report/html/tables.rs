//! The table inventory, merged from every source: one row per table, its key posture, and for
//! each value the file that said it (on hover, and as a numbered source listed under the
//! table, for print).

use std::collections::BTreeMap;

use crate::analysis::inventory::Sourced;
use crate::ingest::thousands;
use crate::model::inventory::EncryptionKind;
use crate::report::html::{number, text, Cell, Html, Table};
use crate::report::tables::TableEntry;
use crate::report::Report;
use crate::time::format_iso_ms;

/// A value as shown: its text, class, and note with its source's number; `None`: unknown.
type Shown = Option<(String, &'static str, (String, usize))>;

/// Anchor prefix of the source notes.
const SOURCE_ANCHOR: &str = "tables-src-";

pub fn render(report: &Report, out: &mut Html) {
    out.based_on(&format!(
        "Based on DynamoDB list-tables, describe-table and the per-table exports, AWS Config items, and the tables CloudTrail events name; each value is the latest any source gave, and says which file gave it{}.",
        if report.settings.filters.accounts.is_empty() && report.settings.filters.regions.is_empty() {
            ""
        } else {
            " (tables within the report's accounts and regions)"
        }
    ));
    let tables = &report.tables;
    if tables.is_empty() {
        out.no_data(report, "tables", "no loaded export names a table");
        notes(report, out);
        return;
    }
    figures(tables, out);

    let mut sources = Sources::default();
    let rows = tables
        .iter()
        .map(|t| {
            let trail_only = t.sources.is_empty() && t.config_items == 0;
            let unknown_note = if trail_only {
                "only CloudTrail events name this table: no export describes it"
            } else {
                "no loaded export says"
            };
            let cell = |shown: Shown| match shown {
                Some((text, class, (note, n))) => Cell::Sourced {
                    text,
                    class,
                    note,
                    footnote: Some((SOURCE_ANCHOR, n)),
                },
                None => Cell::Sourced {
                    text: "–".to_string(),
                    class: "unknown",
                    note: unknown_note.to_string(),
                    footnote: None,
                },
            };
            let status = t.status.as_ref().map(|s| {
                let class = if t.is_deleted() { "off" } else { "" };
                (s.value.clone(), class, sources.note(s, ""))
            });
            let encryption = t.encryption.as_ref().map(|e| {
                // The key's ARN and how its kind was told are on hover: a key id in the
                // cell would make every row five lines tall.
                let detail = match &e.value.key_arn {
                    Some(key) => format!("{key}: {}", e.value.reason),
                    None => e.value.reason.clone(),
                };
                let short = match e.value.kind {
                    EncryptionKind::AwsOwned => "AWS owned key",
                    EncryptionKind::AwsManaged => "AWS managed key",
                    EncryptionKind::CustomerManaged => "customer managed key",
                    EncryptionKind::Unknown => "KMS key (manager unknown)",
                };
                (
                    short.to_string(),
                    "",
                    sources.note(e, &format!("{}: {detail}", e.value.kind.label())),
                )
            });
            let on_off = |s: &Option<Sourced<bool>>, sources: &mut Sources| {
                s.as_ref().map(|s| {
                    let (text, class) = if s.value { ("on", "") } else { ("off", "off") };
                    (text.to_string(), class, sources.note(s, ""))
                })
            };
            let pitr = on_off(&t.pitr, &mut sources);
            let protection = on_off(&t.deletion_protection, &mut sources);
            let stream = t.stream.as_ref().map(|s| {
                // NEW_AND_OLD_IMAGES as words, so the column can wrap.
                let text = match (s.value.enabled, &s.value.view_type) {
                    (true, Some(view)) => view.to_lowercase().replace('_', " "),
                    (true, None) => "on".to_string(),
                    (false, _) => "off".to_string(),
                };
                (text, "", sources.note(s, ""))
            });
            let ttl = t.ttl.as_ref().map(|s| {
                let text = match &s.value.attribute {
                    Some(attribute) if !attribute.is_empty() => {
                        format!("{} ({attribute})", s.value.status)
                    }
                    _ => s.value.status.clone(),
                };
                (text, "", sources.note(s, ""))
            });
            let backup = t.backup.as_ref().map(|s| {
                let (text, class) = match (s.value.protected, s.value.last_backup_ms) {
                    (true, Some(ms)) => {
                        (format!("protected, last {}", &format_iso_ms(ms)[..10]), "")
                    }
                    (true, None) => ("protected".to_string(), ""),
                    (false, _) => ("not protected".to_string(), "off"),
                };
                (text, class, sources.note(s, ""))
            });
            let tags = t.tags.as_ref().map(|s| {
                let listed: Vec<String> = s.value.iter().map(|(k, v)| format!("{k}={v}")).collect();
                (
                    thousands(s.value.len() as u64),
                    "",
                    sources.note(s, &listed.join(", ")),
                )
            });
            vec![
                Cell::Sourced {
                    text: t.name.clone(),
                    class: "",
                    note: t.arn.as_ref().map(|a| a.value.clone()).unwrap_or_default(),
                    footnote: None,
                },
                Cell::CodeLines(vec![or_unknown(&t.account), or_unknown(&t.region)]),
                cell(status),
                cell(encryption),
                cell(pitr),
                cell(protection),
                cell(stream),
                cell(ttl),
                cell(backup),
                cell(tags),
                Cell::Count(t.cloudtrail_events),
            ]
        })
        .collect();
    out.table(&Table {
        id: "tables-inventory",
        caption: "Tables, one row per account, region and name",
        columns: &[
            text("Table"),
            text("Account and region"),
            text("Status"),
            text("Encryption"),
            text("PITR"),
            text("Deletion protection"),
            text("Stream"),
            text("TTL"),
            text("Backup"),
            number("Tags"),
            number("CloudTrail events"),
        ],
        rows,
    });
    out.para("– : no loaded export says. Each value's source file is numbered and listed below; on hover a value also shows the time it held (its source's own time, else its collection's; a source with neither counts as the latest).");
    sources.render(out);
    notes(report, out);
}

fn or_unknown(text: &str) -> String {
    if text.is_empty() {
        "(unknown)".to_string()
    } else {
        text.to_string()
    }
}

fn figures(tables: &[TableEntry], out: &mut Html) {
    let live: Vec<&TableEntry> = tables.iter().filter(|t| !t.is_deleted()).collect();
    // "3 of 5 that say": the denominator is the tables whose exports state the setting.
    let known = |get: fn(&TableEntry) -> Option<bool>| {
        let values: Vec<bool> = live.iter().filter_map(|t| get(t)).collect();
        match values.len() {
            0 => "unknown for all".to_string(),
            n => format!(
                "{} of {} that say",
                thousands(values.iter().filter(|v| **v).count() as u64),
                thousands(n as u64)
            ),
        }
    };
    let mut figures = vec![("Tables", thousands(tables.len() as u64))];
    if live.len() < tables.len() {
        figures.push(("deleted", thousands((tables.len() - live.len()) as u64)));
    }
    let described = live
        .iter()
        .filter(|t| !t.sources.is_empty() || t.config_items > 0)
        .count();
    figures.push(("described by an export", thousands(described as u64)));
    figures.push(("PITR on", known(|t| t.pitr.as_ref().map(|s| s.value))));
    figures.push((
        "Deletion protection on",
        known(|t| t.deletion_protection.as_ref().map(|s| s.value)),
    ));
    let mut kinds: BTreeMap<&str, u64> = BTreeMap::new();
    for t in &live {
        if let Some(e) = &t.encryption {
            *kinds.entry(e.value.kind.label()).or_default() += 1;
        }
    }
    for (label, n) in kinds {
        figures.push((label, thousands(n)));
    }
    out.figures(&figures);
}

fn notes(report: &Report, out: &mut Html) {
    if report.table_notes.is_empty() {
        return;
    }
    out.raw("<h3>What could not be merged</h3>\n<ul>");
    for note in &report.table_notes {
        out.element("li", &[], note);
    }
    out.raw("</ul>\n");
}

/// The distinct files the values shown came from, numbered in order of first use. A value's
/// time is in its note: one Config snapshot holds every table's item, each at its own time.
#[derive(Default)]
struct Sources {
    numbers: BTreeMap<String, usize>,
    /// (file, kind label), by number - 1.
    listed: Vec<(String, &'static str)>,
}

impl Sources {
    /// "from FILE (kind), as of TIME", after `detail` when given; and the source's number.
    fn note<T>(&mut self, value: &Sourced<T>, detail: &str) -> (String, usize) {
        let next = self.listed.len() + 1;
        let n = *self.numbers.entry(value.file.clone()).or_insert(next);
        if n == next {
            self.listed.push((value.file.clone(), value.kind.label()));
        }
        let when = match value.observed_at_ms {
            Some(ms) => format!("as of {}", format_iso_ms(ms)),
            None => "time not stated".to_string(),
        };
        let from = format!("from {} ({}), {when}", value.file, value.kind.label());
        let note = if detail.is_empty() {
            from
        } else {
            format!("{detail}; {from}")
        };
        (note, n)
    }

    fn render(&self, out: &mut Html) {
        if self.listed.is_empty() {
            return;
        }
        out.raw("<ol class=\"sources\">\n");
        for (i, (file, kind)) in self.listed.iter().enumerate() {
            out.open("li", &[("id", &format!("{SOURCE_ANCHOR}{}", i + 1))]);
            out.element("code", &[], file);
            out.text(&format!(" ({kind})"));
            out.raw("</li>\n");
        }
        out.raw("</ol>\n");
    }
}
