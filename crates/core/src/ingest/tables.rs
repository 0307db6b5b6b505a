//! Which DynamoDB tables an event touches, read from wherever CloudTrail records them:
//! `requestParameters` (tableName, tableArn, resourceArn, streamArn, shardIterator,
//! globalTableName, backupArn, exportArn, source/target tables of restores), the batch and
//! transaction item lists (`requestItems` as an object keyed by table or as a list of items,
//! `transactItems`), PartiQL statements (`statement`, `statements`, `transactStatements`,
//! and the statements of `requestItems`), and the event's `resources[]` ARNs.
//!
//! An event may touch several tables (a batch write, a transaction). The model keeps one symbol
//! per event: the sorted, distinct table names joined by [`TABLE_SEPARATOR`], so a set interns
//! once and events stay fixed-size. [`split_tables`] reads it back. An event whose table cannot
//! be found has none: the analyses count it under "unknown table".

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use crate::ingest::cloudtrail::{Key, Val};

/// Joins the names of a multi-table event. A control character: never part of a table name
/// DynamoDB accepts, and names carrying one are dropped (see [`table_set_key`]).
pub const TABLE_SEPARATOR: char = '\u{1f}';

/// The table names of a table-set symbol's text.
pub fn split_tables(key: &str) -> impl Iterator<Item = &str> {
    key.split(TABLE_SEPARATOR).filter(|name| !name.is_empty())
}

/// Raw table references (names or ARNs) found in one event. Nearly every event names one
/// table (often twice: tableName and resources[]), so one is kept inline: this runs for every
/// DynamoDB event and an allocation each would cost more than the rest of the table lookup.
#[derive(Debug, Default)]
pub(crate) enum TableRefs<'de> {
    #[default]
    None,
    One(Cow<'de, str>),
    Many(Vec<Cow<'de, str>>),
}

impl<'de> TableRefs<'de> {
    pub(crate) fn push(&mut self, table: Cow<'de, str>) {
        *self = match std::mem::take(self) {
            TableRefs::None => TableRefs::One(table),
            TableRefs::One(first) => TableRefs::Many(vec![first, table]),
            TableRefs::Many(mut all) => {
                all.push(table);
                TableRefs::Many(all)
            }
        };
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = &str> {
        let (one, many): (Option<&str>, &[Cow<'de, str>]) = match self {
            TableRefs::None => (None, &[]),
            TableRefs::One(table) => (Some(table), &[]),
            TableRefs::Many(all) => (None, all),
        };
        one.into_iter().chain(many.iter().map(|t| &**t))
    }
}

/// The model's key for the tables `refs` name: ARNs reduced to table names, control characters
/// refused, sorted, de-duplicated and joined. `None` when no table was found; borrowed when
/// there is one table (the common case: no allocation).
pub(crate) fn table_set_key<'a>(refs: impl Iterator<Item = &'a str>) -> Option<Cow<'a, str>> {
    let mut names = refs
        .filter_map(|text| {
            if text.starts_with("arn:") {
                crate::ingest::cloudtrail::table_from_arn(text)
            } else {
                Some(text)
            }
        })
        .filter(|name| !name.is_empty() && !name.chars().any(char::is_control));
    let first = names.next()?;
    let mut others: Vec<&str> = names.filter(|name| *name != first).collect();
    if others.is_empty() {
        return Some(Cow::Borrowed(first));
    }
    others.push(first);
    others.sort_unstable();
    others.dedup();
    Some(Cow::Owned(others.join(&TABLE_SEPARATOR.to_string())))
}

/// Reads one `requestParameters` key that may name tables; returns whether it did.
pub(crate) fn read_param<'de, A: MapAccess<'de>>(
    key: &str,
    map: &mut A,
    refs: &mut TableRefs<'de>,
) -> Result<bool, A::Error> {
    match key {
        "tableName" | "globalTableName" | "targetTableName" | "sourceTableName" | "tableArn"
        | "resourceArn" | "streamArn" | "backupArn" | "exportArn" | "sourceTableArn" => {
            if let Val::Str(text) = map.next_value()? {
                refs.push(text);
            }
        }
        // "arn:aws:dynamodb:...:table/NAME/stream/LABEL|1|AAAA..."
        "shardIterator" => {
            if let Val::Str(text) = map.next_value()? {
                if let Some(arn) = text.split('|').next().filter(|a| a.starts_with("arn:")) {
                    refs.push(Cow::Owned(arn.to_string()));
                }
            }
        }
        "statement" => {
            if let Val::Str(text) = map.next_value()? {
                partiql_tables(&text, refs);
            }
        }
        "requestItems" | "transactItems" | "transactStatements" | "statements" => {
            map.next_value_seed(ItemsRefs { refs })?;
        }
        _ => return Ok(false),
    }
    Ok(true)
}

/// A list of items or statements, or an object keyed by table name (BatchGetItem /
/// BatchWriteItem as the API shapes them).
struct ItemsRefs<'r, 'de> {
    refs: &'r mut TableRefs<'de>,
}

impl<'de> de::DeserializeSeed<'de> for ItemsRefs<'_, 'de> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ItemsRefs<'_, 'de> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("request items")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(Key(table)) = map.next_key()? {
            map.next_value::<IgnoredAny>()?;
            self.refs.push(table);
        }
        Ok(())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq
            .next_element_seed(ItemRefs {
                refs: &mut *self.refs,
            })?
            .is_some()
        {}
        Ok(())
    }
    scalars_are!(());
}

/// One item of a list: `{tableName, ...}`, `{statement}`, or `{put|update|delete|get|
/// conditionCheck: {tableName, ...}}` (TransactWriteItems / TransactGetItems as the API
/// shapes them).
struct ItemRefs<'r, 'de> {
    refs: &'r mut TableRefs<'de>,
}

impl<'de> de::DeserializeSeed<'de> for ItemRefs<'_, 'de> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ItemRefs<'_, 'de> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a request item")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(Key(key)) = map.next_key()? {
            match &*key {
                "tableName" | "statement" => {
                    read_param(&key, &mut map, self.refs)?;
                }
                "put" | "update" | "delete" | "get" | "conditionCheck" | "Put" | "Update"
                | "Delete" | "Get" | "ConditionCheck" => {
                    map.next_value_seed(ItemRefs {
                        refs: &mut *self.refs,
                    })?;
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(())
    }
    scalars_are!(());
}

/// The event's `resources[]`: the ARN of each entry (tables, streams, indexes; KMS keys and
/// others are dropped later because they name no table).
pub(crate) struct ResourceRefs<'de>(pub TableRefs<'de>);

impl<'de> de::Deserialize<'de> for ResourceRefs<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = ResourceRefs<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("resources")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut refs = TableRefs::None;
                while let Some(resource) = seq.next_element::<Resource>()? {
                    if let Some(arn) = resource.0 {
                        refs.push(arn);
                    }
                }
                Ok(ResourceRefs(refs))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(ResourceRefs(TableRefs::None))
            }
            scalars_are!(ResourceRefs(TableRefs::None));
        }
        d.deserialize_any(V)
    }
}

/// One `resources[]` entry's ARN, if it is an object with a string `ARN`.
struct Resource<'de>(Option<Cow<'de, str>>);

impl<'de> de::Deserialize<'de> for Resource<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Resource<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a resource")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut arn = None;
                while let Some(Key(key)) = map.next_key()? {
                    if key == "ARN" {
                        if let Val::Str(text) = map.next_value()? {
                            arn = Some(text);
                        }
                    } else {
                        map.next_value::<IgnoredAny>()?;
                    }
                }
                Ok(Resource(arn))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Resource(None))
            }
            scalars_are!(Resource(None));
        }
        d.deserialize_any(V)
    }
}

/// Adds the tables a PartiQL statement names: the identifier after each FROM, INTO or UPDATE
/// outside string literals, quoted (`"orders"`, `"orders"."byDate"`) or bare (`orders`).
/// CloudTrail redacts values (`***(Redacted)`) but keeps the table.
pub(crate) fn partiql_tables<'de>(statement: &str, refs: &mut TableRefs<'de>) {
    let bytes = statement.as_bytes();
    let mut i = 0;
    let mut expect_table = false;
    while i < bytes.len() {
        let c = bytes[i];
        match c {
            b'\'' => {
                // A string literal; '' is an escaped quote.
                i += 1;
                while i < bytes.len() {
                    if bytes[i] == b'\'' {
                        if bytes.get(i + 1) == Some(&b'\'') {
                            i += 2;
                            continue;
                        }
                        break;
                    }
                    i += 1;
                }
                i += 1;
                expect_table = false;
            }
            b'"' => {
                let start = i + 1;
                let mut end = start;
                let mut name = String::new();
                while end < bytes.len() {
                    if bytes[end] == b'"' {
                        if bytes.get(end + 1) == Some(&b'"') {
                            name.push('"');
                            end += 2;
                            continue;
                        }
                        break;
                    }
                    let ch_len = utf8_len(bytes[end]);
                    name.push_str(&statement[end..(end + ch_len).min(bytes.len())]);
                    end += ch_len;
                }
                if expect_table && !name.is_empty() {
                    refs.push(Cow::Owned(name));
                }
                expect_table = false;
                i = end + 1;
            }
            c if c.is_ascii_alphanumeric() || c == b'_' => {
                let start = i;
                while i < bytes.len()
                    && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_' || bytes[i] == b'-')
                {
                    i += 1;
                }
                let word = &statement[start..i];
                if expect_table {
                    refs.push(Cow::Owned(word.to_string()));
                    expect_table = false;
                } else {
                    expect_table = word.eq_ignore_ascii_case("from")
                        || word.eq_ignore_ascii_case("into")
                        || word.eq_ignore_ascii_case("update");
                }
            }
            c if c.is_ascii_whitespace() => i += 1,
            _ => {
                expect_table = false;
                i += utf8_len(c);
            }
        }
    }
}

fn utf8_len(first_byte: u8) -> usize {
    match first_byte {
        0xF0..=0xFF => 4,
        0xE0..=0xEF => 3,
        0xC0..=0xDF => 2,
        _ => 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tables(statement: &str) -> Vec<String> {
        let mut refs = TableRefs::None;
        partiql_tables(statement, &mut refs);
        refs.iter().map(str::to_string).collect()
    }

    #[test]
    fn partiql_statements_name_their_tables() {
        assert_eq!(
            tables("SELECT * FROM Music WHERE Artist = 'No One You Know' AND x = ***(Redacted)"),
            ["Music"]
        );
        assert_eq!(
            tables(r#"select * from "orders"."byDate" where pk = ?"#),
            ["orders"]
        );
        assert_eq!(
            tables("UPDATE Music SET Album = ***(Redacted) WHERE Artist = 'x'"),
            ["Music"]
        );
        assert_eq!(
            tables("INSERT INTO Music VALUE {'Artist' : ***(Redacted)}"),
            ["Music"]
        );
        assert_eq!(
            tables(r#"DELETE FROM "payments-ledger" WHERE pk='a'"#),
            ["payments-ledger"]
        );
        assert_eq!(
            tables("EXISTS(SELECT * FROM \"a\" WHERE pk = 'x') "),
            ["a"],
            "condition checks in ExecuteTransaction"
        );
        // Keywords inside string literals are not tables.
        assert_eq!(tables("SELECT * FROM t WHERE note = 'moved from x'"), ["t"]);
        assert_eq!(tables(r#"SELECT * FROM "we""ird""#), ["we\"ird"]);
        assert!(tables("").is_empty());
        assert!(tables("SELECT * FROM").is_empty());
    }

    #[test]
    fn sets_are_sorted_distinct_and_from_arns() {
        let refs = [
            "orders",
            "arn:aws:dynamodb:eu-west-1:111122223333:table/customers/stream/x",
            "orders",
            "arn:aws:kms:eu-west-1:111122223333:key/abc",
            "bad\u{1f}name",
        ];
        let key = table_set_key(refs.into_iter()).unwrap();
        assert_eq!(
            split_tables(&key).collect::<Vec<_>>(),
            ["customers", "orders"]
        );
        assert_eq!(table_set_key([].into_iter()), None);
        assert_eq!(table_set_key(["arn:aws:kms:x:1:key/a"].into_iter()), None);
        // One table named twice (tableName and resources[]) is borrowed: no allocation.
        let same = [
            "orders",
            "arn:aws:dynamodb:eu-west-1:111122223333:table/orders",
        ];
        assert!(matches!(
            table_set_key(same.into_iter()),
            Some(Cow::Borrowed("orders"))
        ));
    }
}
