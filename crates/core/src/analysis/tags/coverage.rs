//! Coverage of a [`TagPolicy`] over a set of tables.
//!
//! Every share's denominator is every distinct table seen (account, region, name), tagged or
//! not: a percentage over "tables that have tags" would flatter an estate that leaves many
//! tables bare.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::normalise::normalise_value;
use super::policy::{RequiredKey, TagPolicy};
use super::TaggedTable;

/// `count` of `of` tables, kept as integers so the page and report state both.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Share {
    pub count: u64,
    pub of: u64,
}

impl Share {
    /// The share in percent, 0 when there is nothing to count.
    pub fn percent(&self) -> f64 {
        if self.of == 0 {
            0.0
        } else {
            self.count as f64 * 100.0 / self.of as f64
        }
    }

    /// Whole percent, rounded to nearest, except that a share short of all never reads 100%
    /// and one above none never reads 0% (1 of 1,000 is "<1%", 999 of 1,000 is "99%").
    pub fn percent_label(&self) -> String {
        if self.of == 0 {
            return "–".to_string();
        }
        let rounded = (self.count * 200 + self.of) / (self.of * 2);
        match (self.count, rounded) {
            (0, _) => "0%".to_string(),
            (_, 0) => "<1%".to_string(),
            (c, 100) if c < self.of => "99%".to_string(),
            (_, r) => format!("{r}%"),
        }
    }

    /// "270 of 300 (90%)".
    pub fn label(&self) -> String {
        format!(
            "{} of {} ({})",
            crate::ingest::thousands(self.count),
            crate::ingest::thousands(self.of),
            self.percent_label()
        )
    }
}

/// How one table stands against one required key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Cell {
    /// The key, with a value the policy allows.
    AllowedValue {
        value: String,
    },
    /// The key, with a value the policy does not allow.
    OtherValue {
        value: String,
    },
    /// Not the key, but a spelling of it that differs only in case or surrounding spaces
    /// (`environment`, `Environment `).
    NearMiss {
        found_key: String,
        value: String,
    },
    Missing,
}

impl Cell {
    pub fn is_allowed(&self) -> bool {
        matches!(self, Cell::AllowedValue { .. })
    }
}

/// A table named in a list (untagged tables).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct TableRef {
    pub account: String,
    pub region: String,
    pub name: String,
    pub arn: String,
}

/// One row of the tables-by-keys matrix.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TableRow {
    pub account: String,
    pub region: String,
    pub name: String,
    pub arn: String,
    /// One cell per policy key, in the policy's key order.
    pub cells: Vec<Cell>,
    /// Every required key present with an allowed value.
    pub compliant: bool,
    /// All the table's tags, required or not.
    pub tag_count: u64,
}

/// One required key over a set of tables. `with_key`, `near_miss` and `missing` partition the
/// tables; `with_allowed_value` is part of `with_key`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyCoverage {
    pub key: String,
    pub with_key: Share,
    pub with_allowed_value: Share,
    /// Tables with only a near-miss spelling of the key.
    pub near_miss: Share,
    /// Tables with neither the key nor a near miss.
    pub missing: Share,
}

/// Coverage within one account or region.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupCoverage {
    /// The account id or region; "(unknown)" for tables whose inventory did not say.
    pub group: String,
    pub tables: u64,
    pub compliant: Share,
    /// In the policy's key order.
    pub keys: Vec<KeyCoverage>,
}

/// One spelling of a value and how many tables carry it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValueVariant {
    pub value: String,
    pub tables: u64,
    /// Whether the policy allows it for this key.
    pub allowed: bool,
}

/// Spellings that normalise alike ([`normalise_value`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValueGroup {
    /// The normalised value ("prod"); empty for empty values.
    pub normalised: String,
    pub tables: u64,
    /// Most tables first, then by value.
    pub variants: Vec<ValueVariant>,
}

/// The values one required key takes, grouped; counted from the key itself and from its near
/// misses, since `environment = Prod` is drift the user needs to see too.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyValues {
    pub key: String,
    /// Tables with a value for the key or a near miss of it.
    pub tables: u64,
    /// Most tables first, then by normalised value.
    pub groups: Vec<ValueGroup>,
}

/// Everything the tags view and report show about coverage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TagCoverage {
    /// The policy measured against; its key order is the order of every per-key list here.
    pub policy: TagPolicy,
    /// Distinct tables seen: the denominator of every share.
    pub tables: u64,
    /// Repeated (account, region, name) entries in the input; the first was kept.
    pub duplicates_ignored: u64,
    /// Tables with every required key and an allowed value for each.
    pub compliant: Share,
    /// Tables with no tags at all.
    pub untagged: Share,
    /// Sorted by account, region, name.
    pub untagged_tables: Vec<TableRef>,
    pub keys: Vec<KeyCoverage>,
    /// Sorted by account id.
    pub by_account: Vec<GroupCoverage>,
    /// Sorted by region.
    pub by_region: Vec<GroupCoverage>,
    /// The tables-by-keys matrix, sorted by account, region, name.
    pub rows: Vec<TableRow>,
    pub values: Vec<KeyValues>,
}

/// How `tables` stand against `policy`.
pub fn coverage(tables: &[TaggedTable], policy: &TagPolicy) -> TagCoverage {
    let mut distinct: BTreeMap<(&str, &str, &str), &TaggedTable> = BTreeMap::new();
    let mut duplicates_ignored = 0;
    for table in tables {
        let key = (
            table.account.as_str(),
            table.region.as_str(),
            table.name.as_str(),
        );
        match distinct.entry(key) {
            std::collections::btree_map::Entry::Occupied(_) => duplicates_ignored += 1,
            std::collections::btree_map::Entry::Vacant(slot) => {
                slot.insert(table);
            }
        }
    }
    let total = distinct.len() as u64;
    let mut rows = Vec::with_capacity(distinct.len());
    let mut untagged_tables = Vec::new();
    // Per policy key: normalised value -> spelling -> tables.
    let mut values: Vec<BTreeMap<String, BTreeMap<String, u64>>> =
        vec![BTreeMap::new(); policy.keys.len()];
    for table in distinct.values() {
        let cells: Vec<Cell> = policy
            .keys
            .iter()
            .map(|required| cell(required, table))
            .collect();
        for (i, c) in cells.iter().enumerate() {
            let value = match c {
                Cell::AllowedValue { value }
                | Cell::OtherValue { value }
                | Cell::NearMiss { value, .. } => value,
                Cell::Missing => continue,
            };
            *values[i]
                .entry(normalise_value(value))
                .or_default()
                .entry(value.clone())
                .or_default() += 1;
        }
        if table.tags.is_empty() {
            untagged_tables.push(TableRef {
                account: table.account.clone(),
                region: table.region.clone(),
                name: table.name.clone(),
                arn: table.arn.clone(),
            });
        }
        rows.push(TableRow {
            account: table.account.clone(),
            region: table.region.clone(),
            name: table.name.clone(),
            arn: table.arn.clone(),
            compliant: cells.iter().all(Cell::is_allowed),
            cells,
            tag_count: table.tags.len() as u64,
        });
    }
    let all: Vec<&TableRow> = rows.iter().collect();
    let group_by = |field: fn(&TableRow) -> &str| -> Vec<GroupCoverage> {
        let mut groups: BTreeMap<&str, Vec<&TableRow>> = BTreeMap::new();
        for row in &rows {
            groups.entry(field(row)).or_default().push(row);
        }
        groups
            .into_iter()
            .map(|(group, members)| GroupCoverage {
                group: if group.is_empty() {
                    "(unknown)".to_string()
                } else {
                    group.to_string()
                },
                tables: members.len() as u64,
                compliant: compliant_share(&members),
                keys: key_coverage(policy, &members),
            })
            .collect()
    };
    let by_account = group_by(|row| &row.account);
    let by_region = group_by(|row| &row.region);
    TagCoverage {
        policy: policy.clone(),
        tables: total,
        duplicates_ignored,
        compliant: compliant_share(&all),
        untagged: Share {
            count: untagged_tables.len() as u64,
            of: total,
        },
        untagged_tables,
        keys: key_coverage(policy, &all),
        by_account,
        by_region,
        values: policy
            .keys
            .iter()
            .zip(values)
            .map(|(required, groups)| key_values(required, groups))
            .collect(),
        rows,
    }
}

/// The cell of `table` for `required`: the key itself (an exact spelling preferred when the
/// policy ignores case and several match), else a near miss, else missing. Tags are a
/// BTreeMap, so "first" is deterministic.
fn cell(required: &RequiredKey, table: &TaggedTable) -> Cell {
    let found = table
        .tags
        .get_key_value(&required.key)
        .or_else(|| table.tags.iter().find(|(key, _)| required.matches_key(key)));
    if let Some((_, value)) = found {
        return if required.allows(value) {
            Cell::AllowedValue {
                value: value.clone(),
            }
        } else {
            Cell::OtherValue {
                value: value.clone(),
            }
        };
    }
    match table
        .tags
        .iter()
        .find(|(key, _)| required.is_near_miss(key))
    {
        Some((key, value)) => Cell::NearMiss {
            found_key: key.clone(),
            value: value.clone(),
        },
        None => Cell::Missing,
    }
}

fn compliant_share(rows: &[&TableRow]) -> Share {
    Share {
        count: rows.iter().filter(|row| row.compliant).count() as u64,
        of: rows.len() as u64,
    }
}

fn key_coverage(policy: &TagPolicy, rows: &[&TableRow]) -> Vec<KeyCoverage> {
    let of = rows.len() as u64;
    policy
        .keys
        .iter()
        .enumerate()
        .map(|(i, required)| {
            let (mut with_key, mut allowed, mut near_miss) = (0, 0, 0);
            for row in rows {
                match &row.cells[i] {
                    Cell::AllowedValue { .. } => {
                        with_key += 1;
                        allowed += 1;
                    }
                    Cell::OtherValue { .. } => with_key += 1,
                    Cell::NearMiss { .. } => near_miss += 1,
                    Cell::Missing => {}
                }
            }
            KeyCoverage {
                key: required.key.clone(),
                with_key: Share {
                    count: with_key,
                    of,
                },
                with_allowed_value: Share { count: allowed, of },
                near_miss: Share {
                    count: near_miss,
                    of,
                },
                missing: Share {
                    count: of - with_key - near_miss,
                    of,
                },
            }
        })
        .collect()
}

fn key_values(
    required: &RequiredKey,
    groups: BTreeMap<String, BTreeMap<String, u64>>,
) -> KeyValues {
    let mut out: Vec<ValueGroup> = groups
        .into_iter()
        .map(|(normalised, spellings)| {
            let mut variants: Vec<ValueVariant> = spellings
                .into_iter()
                .map(|(value, tables)| ValueVariant {
                    allowed: required.allows(&value),
                    value,
                    tables,
                })
                .collect();
            variants.sort_by(|a, b| b.tables.cmp(&a.tables).then_with(|| a.value.cmp(&b.value)));
            ValueGroup {
                normalised,
                tables: variants.iter().map(|v| v.tables).sum(),
                variants,
            }
        })
        .collect();
    out.sort_by(|a, b| {
        b.tables
            .cmp(&a.tables)
            .then_with(|| a.normalised.cmp(&b.normalised))
    });
    KeyValues {
        key: required.key.clone(),
        tables: out.iter().map(|g| g.tables).sum(),
        groups: out,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_labels_never_overstate() {
        let label = |count, of| Share { count, of }.percent_label();
        assert_eq!(label(0, 0), "–");
        assert_eq!(label(0, 5), "0%");
        assert_eq!(label(1, 1000), "<1%");
        assert_eq!(label(5, 1000), "1%");
        assert_eq!(label(999, 1000), "99%");
        assert_eq!(label(1000, 1000), "100%");
        assert_eq!(label(1, 3), "33%");
        assert_eq!(label(2, 3), "67%");
        assert_eq!(
            Share {
                count: 1234,
                of: 2000
            }
            .label(),
            "1,234 of 2,000 (62%)"
        );
    }
}
