//! When tables gained or lost a required tag, or its value changed, and who did it.
//!
//! Two sources, each seeing half the picture: CloudTrail names who tagged and when, but a
//! TagResource records only the new value; AWS Config items record the tags before and after,
//! but not who. [`history`] joins them: a Config change that repeats a CloudTrail change (same
//! table, key and new value, recorded within an hour after it) lends the event its old value
//! and is not listed twice. Where neither says the old value, it is taken from an earlier
//! change to the same table and key in the input, else the entry says the tag "was set".

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::policy::{RequiredKey, TagPolicy};
use super::{TagChange, TagChangeSource};
use crate::model::Model;
use crate::time::format_iso_ms;

/// How long after a CloudTrail change AWS Config may record the same change and still be
/// taken for it. Config records within minutes; an hour leaves room for a busy recorder.
const CONFIG_LAG_MS: i64 = 60 * 60 * 1000;

/// What happened to a required tag.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TagHistoryKind {
    /// Absent before, present after.
    Gained,
    /// Removed.
    Lost,
    /// Present before and after, with another value.
    ValueChanged,
    /// Present after; whether it existed before is not recorded (a TagResource alone).
    Set,
}

/// One change to a required tag, with a sentence ready for display.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TagHistoryEntry {
    pub time_ms: i64,
    pub account: String,
    pub region: String,
    pub table: String,
    /// The policy key concerned.
    pub key: String,
    /// The key as the change wrote it: the policy key, or a near miss of it.
    pub found_key: String,
    pub near_miss: bool,
    pub kind: TagHistoryKind,
    pub old: Option<String>,
    pub new: Option<String>,
    /// Whether the policy allows the new value; `None` when the tag was removed.
    pub allowed_after: Option<bool>,
    /// The principal's ARN; empty when only AWS Config saw the change.
    pub actor: String,
    /// Where it was read: the CloudTrail event first, then a Config item that confirms it.
    pub sources: Vec<TagChangeSource>,
    /// "orders lost its Confidentiality tag (was "confidential") on 2026-03-02 (UntagResource
    /// by arn:aws:iam::111122223333:user/bob)". Plain text: escape it like any export string.
    pub sentence: String,
}

/// One AWS Config item's view of a table's tags, for [`changes_from_snapshots`]. Pass only
/// items that describe the table (`OK` or `ResourceDiscovered`), not `ResourceDeleted` ones,
/// whose empty tags would read as every tag lost.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TagSnapshot {
    /// configurationItemCaptureTime, ms since the epoch.
    pub time_ms: i64,
    pub account: String,
    pub region: String,
    pub table: String,
    pub tags: BTreeMap<String, String>,
    pub file: String,
}

/// The tag changes between successive Config items of each table. The first item of a table
/// has nothing to compare with and yields none. Sorted like [`TagChange`]'s `Ord`.
pub fn changes_from_snapshots(snapshots: &[TagSnapshot]) -> Vec<TagChange> {
    let mut by_table: BTreeMap<(&str, &str, &str), Vec<&TagSnapshot>> = BTreeMap::new();
    for snapshot in snapshots {
        by_table
            .entry((&snapshot.account, &snapshot.region, &snapshot.table))
            .or_default()
            .push(snapshot);
    }
    let mut changes = Vec::new();
    for items in by_table.values_mut() {
        items.sort_by(|a, b| a.time_ms.cmp(&b.time_ms).then_with(|| a.file.cmp(&b.file)));
        for pair in items.windows(2) {
            let (before, after) = (pair[0], pair[1]);
            let change = |key: &str, old: Option<&String>, new: Option<&String>| TagChange {
                time_ms: after.time_ms,
                account: after.account.clone(),
                region: after.region.clone(),
                table: after.table.clone(),
                key: key.to_string(),
                old: old.cloned(),
                new: new.cloned(),
                old_known: true,
                actor: String::new(),
                source: TagChangeSource::ConfigItem {
                    file: after.file.clone(),
                    capture_time_ms: after.time_ms,
                },
            };
            for (key, old) in &before.tags {
                match after.tags.get(key) {
                    None => changes.push(change(key, Some(old), None)),
                    Some(new) if new != old => changes.push(change(key, Some(old), Some(new))),
                    Some(_) => {}
                }
            }
            for (key, new) in &after.tags {
                if !before.tags.contains_key(key) {
                    changes.push(change(key, None, Some(new)));
                }
            }
        }
    }
    changes.sort();
    changes
}

/// The history of the policy's keys in `changes` (any order), oldest first. Changes to keys
/// the policy does not name, and changes that change nothing, are left out.
pub fn history(changes: &[TagChange], policy: &TagPolicy) -> Vec<TagHistoryEntry> {
    let mut sorted: Vec<&TagChange> = changes.iter().collect();
    sorted.sort();
    let (events, configs): (Vec<&TagChange>, Vec<&TagChange>) = sorted
        .into_iter()
        .partition(|c| matches!(c.source, TagChangeSource::Event { .. }));

    // Each change as it will be listed: the change, its sources.
    let mut listed: Vec<(TagChange, Vec<TagChangeSource>)> = events
        .iter()
        .map(|c| ((*c).clone(), vec![c.source.clone()]))
        .collect();
    // Events by what they changed, to find a Config item's twin without a scan per item.
    let mut by_change: BTreeMap<(&str, &str, Option<&str>), Vec<usize>> = BTreeMap::new();
    for (i, c) in events.iter().enumerate() {
        by_change
            .entry((&c.table, &c.key, c.new.as_deref()))
            .or_default()
            .push(i);
    }
    let mut confirmed = vec![false; listed.len()];
    let mut unmatched = Vec::new();
    for config in configs {
        let candidates = by_change
            .get(&(
                config.table.as_str(),
                config.key.as_str(),
                config.new.as_deref(),
            ))
            .map_or(&[][..], Vec::as_slice);
        // The closest event before the item is the likeliest cause.
        let twin = candidates.iter().rev().copied().find(|&i| {
            let event = events[i];
            !confirmed[i]
                && same_or_unknown(&event.account, &config.account)
                && same_or_unknown(&event.region, &config.region)
                && (0..=CONFIG_LAG_MS).contains(&(config.time_ms - event.time_ms))
        });
        match twin {
            Some(i) => {
                confirmed[i] = true;
                let (event, sources) = &mut listed[i];
                if !event.old_known {
                    event.old = config.old.clone();
                    event.old_known = true;
                }
                sources.push(config.source.clone());
            }
            None => unmatched.push(((*config).clone(), vec![config.source.clone()])),
        }
    }
    listed.extend(unmatched);
    listed.sort_by(|a, b| a.0.cmp(&b.0));

    // The last value seen per (account, region, table, key): fills the old value a TagResource
    // does not record.
    let mut last: BTreeMap<(String, String, String, String), Option<String>> = BTreeMap::new();
    let mut entries = Vec::new();
    for (mut change, sources) in listed {
        let state_key = (
            change.account.clone(),
            change.region.clone(),
            change.table.clone(),
            change.key.clone(),
        );
        if !change.old_known {
            if let Some(previous) = last.get(&state_key) {
                change.old = previous.clone();
                change.old_known = true;
            }
        }
        last.insert(state_key, change.new.clone());
        let Some((required, near_miss)) = required_key_of(policy, &change.key) else {
            continue;
        };
        let kind = match (&change.old, &change.new, change.old_known) {
            (_, None, false) | (Some(_), None, true) => TagHistoryKind::Lost,
            (None, None, true) => continue,
            (_, Some(_), false) => TagHistoryKind::Set,
            (None, Some(_), true) => TagHistoryKind::Gained,
            (Some(old), Some(new), true) if old == new => continue,
            (Some(_), Some(_), true) => TagHistoryKind::ValueChanged,
        };
        let allowed_after = change.new.as_deref().map(|v| required.allows(v));
        let mut entry = TagHistoryEntry {
            time_ms: change.time_ms,
            account: change.account,
            region: change.region,
            table: change.table,
            key: required.key.clone(),
            found_key: change.key,
            near_miss,
            kind,
            old: change.old,
            new: change.new,
            allowed_after,
            actor: change.actor,
            sources,
            sentence: String::new(),
        };
        entry.sentence = sentence(&entry);
        entries.push(entry);
    }
    entries.sort_by(|a, b| {
        (
            a.time_ms,
            &a.account,
            &a.region,
            &a.table,
            &a.key,
            &a.found_key,
        )
            .cmp(&(
                b.time_ms,
                &b.account,
                &b.region,
                &b.table,
                &b.key,
                &b.found_key,
            ))
    });
    entries
}

fn same_or_unknown(a: &str, b: &str) -> bool {
    a.is_empty() || b.is_empty() || a == b
}

/// The policy key `found` is, or is a near miss of.
fn required_key_of<'p>(policy: &'p TagPolicy, found: &str) -> Option<(&'p RequiredKey, bool)> {
    if let Some(required) = policy.keys.iter().find(|k| k.matches_key(found)) {
        return Some((required, false));
    }
    policy
        .keys
        .iter()
        .find(|k| k.is_near_miss(found))
        .map(|required| (required, true))
}

/// "orders lost its Confidentiality tag (was "confidential") on 2026-03-02 (UntagResource by
/// arn:...)". Values are quoted so surrounding spaces show.
fn sentence(entry: &TagHistoryEntry) -> String {
    let tag = if entry.near_miss {
        format!("\"{}\" tag (near miss of {})", entry.found_key, entry.key)
    } else {
        format!("{} tag", entry.key)
    };
    let new = match (&entry.new, entry.allowed_after) {
        (Some(value), Some(false)) => format!("\"{value}\" (not allowed)"),
        (Some(value), _) => format!("\"{value}\""),
        (None, _) => String::new(),
    };
    let date = &format_iso_ms(entry.time_ms)[..10];
    let how = how(entry);
    let table = &entry.table;
    match (entry.kind, &entry.old) {
        (TagHistoryKind::Gained, _) => {
            format!("{table} gained its {tag} with {new} on {date} ({how})")
        }
        (TagHistoryKind::Set, _) => format!("{table} had its {tag} set to {new} on {date} ({how})"),
        (TagHistoryKind::ValueChanged, old) => format!(
            "{table} had its {tag} changed from \"{}\" to {new} on {date} ({how})",
            old.as_deref().unwrap_or_default()
        ),
        (TagHistoryKind::Lost, Some(old)) => {
            format!("{table} lost its {tag} (was \"{old}\") on {date} ({how})")
        }
        (TagHistoryKind::Lost, None) => format!("{table} lost its {tag} on {date} ({how})"),
    }
}

/// "UntagResource by arn:...", or "recorded by AWS Config" when no event names the actor.
fn how(entry: &TagHistoryEntry) -> String {
    let event_name = entry.sources.iter().find_map(|s| match s {
        TagChangeSource::Event { event_name, .. } => Some(event_name.as_str()),
        TagChangeSource::ConfigItem { .. } => None,
    });
    match (event_name, entry.actor.as_str()) {
        (Some(name), "") => name.to_string(),
        (Some(name), actor) => format!("{name} by {actor}"),
        (None, "") => "recorded by AWS Config".to_string(),
        (None, actor) => format!("by {actor}"),
    }
}

/// What one CloudTrail event says about a table's tags, for [`changes_from_events`].
#[derive(Clone, Copy)]
pub(crate) struct EventContext<'a> {
    pub time_ms: i64,
    pub account: &'a str,
    pub region: &'a str,
    pub actor: &'a str,
    pub file: &'a str,
    pub record_index: u32,
    pub event_name: &'a str,
}

/// The tag changes a successful DynamoDB TagResource, UntagResource or CreateTable request
/// makes, from its `requestParameters`: `resourceArn` with `tags: [{key, value}]` or
/// `tagKeys: [..]`, or CreateTable's `tableName` with `tags`. Account and region come from the
/// ARN when it has them, else from the event.
pub(crate) fn changes_from_request(ctx: &EventContext<'_>, params: &Value) -> Vec<TagChange> {
    let (table, account, region, old_known) = match ctx.event_name {
        "TagResource" | "UntagResource" => {
            let Some(arn) = params.get("resourceArn").and_then(Value::as_str) else {
                return Vec::new();
            };
            let Some(table) = crate::ingest::cloudtrail::table_from_arn(arn) else {
                return Vec::new();
            };
            // A table's index has no tags of its own: tagging one tags nothing we track.
            if arn.contains("/index/") {
                return Vec::new();
            }
            let mut parts = arn.split(':');
            let region = parts.nth(3).filter(|r| !r.is_empty()).unwrap_or(ctx.region);
            let account = parts
                .next()
                .filter(|a| !a.is_empty())
                .unwrap_or(ctx.account);
            (table, account, region, false)
        }
        "CreateTable" => {
            let Some(table) = params.get("tableName").and_then(Value::as_str) else {
                return Vec::new();
            };
            // A new table had no tags before.
            (table, ctx.account, ctx.region, true)
        }
        _ => return Vec::new(),
    };
    let change = |key: &str, new: Option<&str>| TagChange {
        time_ms: ctx.time_ms,
        account: account.to_string(),
        region: region.to_string(),
        table: table.to_string(),
        key: key.to_string(),
        old: None,
        new: new.map(str::to_string),
        old_known,
        actor: ctx.actor.to_string(),
        source: TagChangeSource::Event {
            file: ctx.file.to_string(),
            record_index: ctx.record_index,
            event_name: ctx.event_name.to_string(),
        },
    };
    let mut out = Vec::new();
    if ctx.event_name == "UntagResource" {
        for key in params
            .get("tagKeys")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
        {
            out.push(change(key, None));
        }
    } else {
        for tag in params
            .get("tags")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            // CloudTrail writes tags as {key, value}; a missing value is an empty one.
            let Some(key) = tag.get("key").and_then(Value::as_str) else {
                continue;
            };
            let value = tag.get("value").and_then(Value::as_str).unwrap_or("");
            out.push(change(key, Some(value)));
        }
    }
    out
}

/// Tag changes from the successful tagging events in `model`: DynamoDB's TagResource,
/// UntagResource and CreateTable (with tags), and the Resource Groups Tagging API's
/// TagResources and UntagResources on DynamoDB table ARNs (the Tag Editor's calls). A tagging
/// API change that repeats a DynamoDB event (same table, key, value and actor within five
/// minutes) is dropped, in case both are logged. Sorted like [`TagChange`]'s `Ord`.
pub fn changes_from_events(model: &Model) -> Vec<TagChange> {
    let mut changes = Vec::new();
    for event in &model.events_unsorted {
        let source = model.str(event.event_source);
        let name = model.str(event.event_name);
        let relevant = match source {
            "dynamodb.amazonaws.com" => {
                matches!(name, "TagResource" | "UntagResource" | "CreateTable")
            }
            "tagging.amazonaws.com" => matches!(name, "TagResources" | "UntagResources"),
            _ => false,
        };
        // A refused call changed nothing.
        if !relevant || !event.error_code.is_empty() {
            continue;
        }
        let Some(detail) = model.detail_json(event) else {
            continue;
        };
        let Some(params) = detail.get("requestParameters").filter(|p| p.is_object()) else {
            continue;
        };
        let ctx = EventContext {
            time_ms: event.time_ms,
            account: model.str(event.account),
            region: model.str(event.region),
            actor: model.str(event.principal),
            file: model
                .files
                .get(event.file as usize)
                .map_or("", String::as_str),
            record_index: event.record_index,
            event_name: name,
        };
        if source == "tagging.amazonaws.com" {
            changes.extend(changes_from_tagging_api(&ctx, params));
        } else {
            changes.extend(changes_from_request(&ctx, params));
        }
    }
    changes.sort();
    drop_tagging_api_echoes(changes)
}

/// How close in time a Tagging API change and a DynamoDB event must be to be one change.
const ECHO_MS: i64 = 5 * 60 * 1000;

/// `changes` sorted by time; only neighbours within [`ECHO_MS`] are compared.
fn drop_tagging_api_echoes(changes: Vec<TagChange>) -> Vec<TagChange> {
    let is_tagging_api = |c: &TagChange| {
        matches!(&c.source, TagChangeSource::Event { event_name, .. }
            if event_name == "TagResources" || event_name == "UntagResources")
    };
    let echoes = |c: &TagChange, d: &TagChange| {
        !is_tagging_api(d)
            && d.table == c.table
            && d.key == c.key
            && d.new == c.new
            && d.actor == c.actor
            && same_or_unknown(&d.account, &c.account)
            && same_or_unknown(&d.region, &c.region)
    };
    let keep: Vec<bool> = (0..changes.len())
        .map(|i| {
            let c = &changes[i];
            if !is_tagging_api(c) {
                return true;
            }
            let near = |d: &&TagChange| (d.time_ms - c.time_ms).abs() <= ECHO_MS;
            let before = changes[..i].iter().rev().take_while(near);
            let after = changes[i + 1..].iter().take_while(near);
            !before.chain(after).any(|d| echoes(c, d))
        })
        .collect();
    changes
        .into_iter()
        .zip(keep)
        .filter_map(|(c, keep)| keep.then_some(c))
        .collect()
}

/// The Resource Groups Tagging API's `TagResources` (`resourceARNList`, `tags` as an object)
/// and `UntagResources` (`resourceARNList`, `tagKeys`), for the DynamoDB tables listed.
fn changes_from_tagging_api(ctx: &EventContext<'_>, params: &Value) -> Vec<TagChange> {
    let arns = params
        .get("resourceARNList")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .filter(|arn| arn.starts_with("arn:") && arn.split(':').nth(2) == Some("dynamodb"));
    let mut out = Vec::new();
    for arn in arns {
        // The same request as DynamoDB's own, one table at a time.
        let mut single = serde_json::Map::new();
        single.insert("resourceArn".into(), Value::String(arn.to_string()));
        let event_name = if ctx.event_name == "TagResources" {
            let mut tags: Vec<(&String, &Value)> = params
                .get("tags")
                .and_then(Value::as_object)
                .map(|m| m.iter().collect())
                .unwrap_or_default();
            tags.sort_by(|a, b| a.0.cmp(b.0));
            let list = tags
                .into_iter()
                .map(|(key, value)| {
                    serde_json::json!({"key": key, "value": value.as_str().unwrap_or("")})
                })
                .collect();
            single.insert("tags".into(), Value::Array(list));
            "TagResource"
        } else {
            single.insert(
                "tagKeys".into(),
                params.get("tagKeys").cloned().unwrap_or(Value::Null),
            );
            "UntagResource"
        };
        let as_dynamodb = EventContext { event_name, ..*ctx };
        for mut change in changes_from_request(&as_dynamodb, &Value::Object(single)) {
            if let TagChangeSource::Event { event_name, .. } = &mut change.source {
                *event_name = ctx.event_name.to_string();
            }
            out.push(change);
        }
    }
    out
}
