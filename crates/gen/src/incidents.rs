//! The incidents every estate has, so each page and detection has something real to show:
//! which tables and keys they happen to, and the table changes they make.
//!
//! [`prepare`] runs on the new tables before the random changes are planned. It gives a few
//! tables the settings the story needs (a Kinesis destination, resource policies, a stream
//! nobody reads, the tag drift of a production account), picks the table or key of each
//! incident and reserves it, so no random change can undo what the incident relies on (PITR on
//! for a restore or an export, the key of a table whose key is disabled), and plans the
//! incidents that change a table: a required tag removed, a stream turned off and another on,
//! two restores, a resource policy deleted and one granting the partner account, a Kinesis
//! destination disabled, TTL enabled. [`finish`] runs once the streams are indexed and lists
//! the Lambda triggers. The incidents that are not table changes (trail, recorder and key
//! administration, a denied burst, the root user...) are placed among the CloudTrail files by
//! `cloudtrail::scripts`, as they depend on where the files fall.
//!
//! Every choice is a deterministic function of the seed and the tables; an estate too small
//! for an incident simply does without it.

use crate::rng::{format_uuid, label, mix, Rng};
use crate::time::DAY_MS;
use crate::world::{
    Account, Change, ChangeKind, Env, Grant, Kinesis, Lifecycle, Mapping, Role, Sse, Stream, Table,
    Targets, World, WorldParams,
};

/// The keys the tag policy requires (ddb-lens's default policy, and the sample's
/// `required-tags` Config rule).
pub(crate) const REQUIRED_TAGS: [&str; 3] = ["Environment", "Confidentiality", "Security"];

/// The production account's Environment values that must all occur: the drift a tag page
/// exists to show.
const PROD_DRIFT: [&str; 3] = ["prod", "Prod", "production "];

/// The stream index of account `a`'s region `r` (streams are account-major, two regions).
fn stream_of(streams: &[Stream], account: usize, region: usize) -> Option<usize> {
    streams
        .iter()
        .position(|s| s.account == account && crate::world::REGIONS[region] == s.region)
}

/// The first of the preferred streams that exists, else stream 0.
fn pick_stream(streams: &[Stream], preferred: &[(usize, usize)]) -> Option<usize> {
    preferred
        .iter()
        .find_map(|&(a, r)| stream_of(streams, a, r))
        .or(if streams.is_empty() { None } else { Some(0) })
}

fn free(t: &Table) -> bool {
    t.lifecycle == Lifecycle::Stable && !t.reserved
}

/// Tables of `st` that pass `ok`, most popular first (ties by index).
fn ranked(st: &Stream, ok: impl Fn(&Table) -> bool) -> Vec<usize> {
    let mut v: Vec<usize> = (0..st.tables.len())
        .filter(|&i| ok(&st.tables[i]))
        .collect();
    v.sort_by_key(|&i| (std::cmp::Reverse(st.tables[i].popularity), i));
    v
}

/// A principal of `role` in account `a` who may make the change.
fn actor(accounts: &[Account], a: usize, role: Role, pick: u64) -> (usize, usize) {
    (a, accounts[a].changer(role, pick))
}

pub(crate) fn prepare(p: &WorldParams, streams: &mut [Stream], accounts: &[Account]) -> Targets {
    let mut targets = Targets::default();
    if streams.iter().all(|s| s.tables.is_empty()) {
        return targets;
    }
    let mut rng = Rng::sub(p.seed, label("incidents"));
    let at = |fraction_per_mille: i64| p.start_ms + p.span_ms * fraction_per_mille / 1000;
    let primary = pick_stream(streams, &[(0, 0)]).unwrap_or(0);
    let secondary = pick_stream(streams, &[(0, 1), (0, 0)]).unwrap_or(0);
    let other_account = pick_stream(streams, &[(1, 0), (0, 1), (0, 0)]).unwrap_or(0);

    drift_production_tags(streams, accounts);

    // Each region's partner table: the partner account's role reads it through a resource
    // policy. Tables under the AWS managed key cannot be shared with another account, so the
    // table chosen uses its own key or DynamoDB's.
    for st in streams.iter_mut() {
        let candidates = ranked(st, |t| free(t) && t.popularity > 0 && !t.sensitive);
        let Some(&ti) = candidates
            .iter()
            .find(|&&i| st.tables[i].initial.sse != Sse::AwsManaged)
            .or(candidates.first())
        else {
            continue;
        };
        let t = &mut st.tables[ti];
        if t.initial.sse == Sse::AwsManaged {
            t.initial.sse = Sse::Owned;
        }
        t.initial.policy = Some(Grant::Partner);
        t.reserved = true;
    }

    // A reporting role's policy: deleted in the primary region, kept in the other account.
    for (si, delete) in [(primary, true), (other_account, false)] {
        let Some(&ti) = ranked(&streams[si], |t| free(t) && t.initial.policy.is_none()).get(1)
        else {
            continue;
        };
        let t = &mut streams[si].tables[ti];
        t.initial.policy = Some(Grant::Internal);
        if delete && targets.delete_policy.is_none() {
            t.reserved = true;
            let who = actor(accounts, streams[si].account, Role::Admin, rng.next_u64());
            push(
                &mut streams[si].tables[ti],
                at(700),
                ChangeKind::DeleteResourcePolicy,
                who,
            );
            targets.delete_policy = Some((si, ti));
        }
    }

    // A resource policy newly granting the partner account (a table not under the AWS
    // managed key, for the same reason as above).
    {
        let si = other_account;
        let st = &mut streams[si];
        let candidates = ranked(st, |t| {
            free(t) && t.popularity > 0 && t.initial.policy.is_none()
        });
        if let Some(&ti) = candidates
            .iter()
            .find(|&&i| st.tables[i].initial.sse != Sse::AwsManaged)
            .or(candidates.last())
        {
            if st.tables[ti].initial.sse == Sse::AwsManaged {
                st.tables[ti].initial.sse = Sse::Owned;
            }
            st.tables[ti].reserved = true;
            let who = actor(accounts, st.account, Role::Ci, rng.next_u64());
            push(
                &mut st.tables[ti],
                at(300),
                ChangeKind::ResourcePolicy(Grant::Partner),
                who,
            );
            targets.partner_policy = Some((si, ti));
        }
    }

    // Kinesis Data Streams destinations: one disabled during the window, one left active.
    for (si, disable) in [(primary, true), (secondary, false)] {
        let st = &mut streams[si];
        let Some(&ti) = ranked(st, |t| free(t) && t.popularity > 0).get(2) else {
            continue;
        };
        let t = &mut st.tables[ti];
        t.initial.kinesis = Kinesis::Active;
        if disable && targets.kinesis_off.is_none() {
            t.reserved = true;
            let who = actor(accounts, st.account, Role::Admin, rng.next_u64());
            push(&mut st.tables[ti], at(500), ChangeKind::KinesisOff, who);
            targets.kinesis_off = Some((si, ti));
        }
    }

    // TTL enabled on a table that had none.
    {
        let st = &mut streams[primary];
        if let Some(&ti) = ranked(st, |t| free(t) && t.initial.ttl.is_none()).get(3) {
            st.tables[ti].reserved = true;
            let who = actor(accounts, st.account, Role::Ci, rng.next_u64());
            push(
                &mut st.tables[ti],
                at(200),
                ChangeKind::Ttl("expiresAt"),
                who,
            );
            targets.ttl_on = Some((primary, ti));
        }
    }

    // A required tag removed: Confidentiality from a sensitive table, else any required key.
    {
        let st = &mut streams[primary];
        let has = |t: &Table, key: &str| t.initial.tags.iter().any(|(k, _)| k == key);
        let pick = ranked(st, |t| free(t) && t.sensitive && has(t, "Confidentiality"))
            .first()
            .map(|&ti| (ti, "Confidentiality"))
            .or_else(|| {
                REQUIRED_TAGS.iter().find_map(|key| {
                    ranked(st, |t| free(t) && has(t, key))
                        .first()
                        .map(|&ti| (ti, *key))
                })
            });
        if let Some((ti, key)) = pick {
            st.tables[ti].reserved = true;
            let who = actor(accounts, st.account, Role::Human, rng.next_u64());
            push(
                &mut st.tables[ti],
                at(350),
                ChangeKind::TagsRemove(vec![key.to_string()]),
                who,
            );
            targets.tag_removal = Some((primary, ti));
        }
    }

    // Late in the window, point-in-time recovery and deletion protection switched off on two
    // production tables: changes Config has recorded but not yet re-evaluated (see
    // `collected::compliance`).
    {
        let st = &mut streams[primary];
        let pick = ranked(st, |t| free(t) && t.initial.pitr).get(1).copied();
        if let Some(ti) = pick {
            st.tables[ti].reserved = true;
            let who = actor(accounts, st.account, Role::Human, rng.next_u64());
            push(&mut st.tables[ti], at(930), ChangeKind::Pitr(false), who);
        }
        let pick = ranked(st, |t| free(t) && t.initial.deletion_protection)
            .first()
            .copied()
            .or_else(|| ranked(st, free).last().copied());
        if let Some(ti) = pick {
            let t = &mut st.tables[ti];
            t.reserved = true;
            t.initial.deletion_protection = true;
            let who = actor(accounts, st.account, Role::Admin, rng.next_u64());
            push(
                &mut st.tables[ti],
                at(960),
                ChangeKind::DeletionProtection(false),
                who,
            );
        }
    }

    // A stream turned off (its trigger disabled first, by `cloudtrail::scripts`) and one
    // turned on, then given a trigger.
    {
        let st = &mut streams[primary];
        if let Some(&ti) = ranked(st, |t| {
            free(t) && t.popularity > 0 && t.initial.stream_view.is_some()
        })
        .first()
        {
            st.tables[ti].reserved = true;
            let who = actor(accounts, st.account, Role::Ci, rng.next_u64());
            push(&mut st.tables[ti], at(600), ChangeKind::StreamOff, who);
            // The Lambda index is known once the streams are indexed (`finish`).
            targets.stream_off = Some((primary, ti, usize::MAX));
        }
        if let Some(&ti) = ranked(st, |t| {
            free(t) && t.popularity > 0 && t.initial.stream_view.is_none()
        })
        .first()
        {
            st.tables[ti].reserved = true;
            let who = actor(accounts, st.account, Role::Ci, rng.next_u64());
            push(
                &mut st.tables[ti],
                at(250),
                ChangeKind::StreamOn("NEW_AND_OLD_IMAGES"),
                who,
            );
            targets.stream_on = Some((primary, ti));
        }
    }

    // An idle table (control-plane events only) with a stream no function reads.
    {
        let st = &mut streams[primary];
        let idle_with_stream = |t: &Table| {
            t.lifecycle == Lifecycle::Stable && t.popularity == 0 && t.initial.stream_view.is_some()
        };
        if !st.tables.iter().any(idle_with_stream) {
            let idle = ranked(st, |t| free(t) && t.popularity == 0);
            let chosen = idle.first().copied().or_else(|| {
                // No idle table: the least used goes quiet.
                ranked(st, |t| {
                    free(t) && t.initial.policy.is_none() && t.initial.kinesis == Kinesis::None
                })
                .last()
                .copied()
            });
            if let Some(ti) = chosen {
                let t = &mut st.tables[ti];
                t.popularity = 0;
                t.initial.stream_view = Some("NEW_IMAGE");
                t.reserved = true;
            }
        }
    }

    // Restores: from a point in time in the second region, from a backup in the other
    // account. The restored table replaces the region's table created during the window.
    for (si, from_backup, when) in [(secondary, false, 450), (other_account, true, 550)] {
        if targets.restores.iter().any(|&(s, _)| s == si) {
            continue;
        }
        let st = &mut streams[si];
        let Some(target) = st
            .tables
            .iter()
            .position(|t| t.lifecycle == Lifecycle::Created && !t.reserved)
        else {
            continue;
        };
        let Some(&source) = ranked(st, |t| {
            free(t) && t.popularity > 0 && (from_backup || t.initial.pitr)
        })
        .first() else {
            continue;
        };
        st.tables[source].reserved = true;
        restore_into(st, target, source, from_backup);
        let who = actor(accounts, st.account, Role::Admin, rng.next_u64());
        push(
            &mut st.tables[target],
            at(when),
            ChangeKind::Restore {
                source,
                from_backup,
            },
            who,
        );
        targets.restores.push((si, target));
    }

    // A table exported into the partner account's bucket: one with PITR on throughout.
    {
        let st = &mut streams[primary];
        let pick = ranked(st, |t| {
            t.lifecycle == Lifecycle::Stable && t.popularity > 0 && t.initial.pitr
        });
        let pick = pick
            .iter()
            .find(|&&i| st.tables[i].initial.policy == Some(Grant::Partner))
            .or(pick.iter().find(|&&i| !st.tables[i].reserved))
            .copied();
        if let Some(ti) = pick {
            st.tables[ti].reserved = true;
            targets.partner_export = Some((primary, ti));
        }
    }

    // Customer managed keys protecting busy tables: one administered (policy, grant,
    // disabled and enabled), one scheduled for deletion and saved.
    targets.key_admin = cmk_target(streams, &[primary, secondary, other_account], None);
    targets.key_deletion = cmk_target(
        streams,
        &[other_account, secondary, primary],
        targets.key_admin,
    )
    .or(targets.key_admin);
    targets
}

/// A (stream, CMK) whose key protects the busiest table using one, preferring the streams in
/// order and avoiding `not`; the table is reserved so its key does not change. With no such
/// table anywhere, the first preferred stream's busiest free table is moved to its first CMK.
fn cmk_target(
    streams: &mut [Stream],
    preferred: &[usize],
    not: Option<(usize, usize)>,
) -> Option<(usize, usize)> {
    for &si in preferred {
        let st = &mut streams[si];
        let found = ranked(st, |t| {
            t.lifecycle == Lifecycle::Stable
                && t.popularity > 0
                && matches!(t.initial.sse, Sse::Cmk(k) if Some((si, k)) != not)
        })
        .first()
        .copied();
        if let Some(ti) = found {
            st.tables[ti].reserved = true;
            if let Sse::Cmk(k) = st.tables[ti].initial.sse {
                return Some((si, k));
            }
        }
    }
    if not.is_some() {
        return None;
    }
    let si = *preferred.first()?;
    let st = &mut streams[si];
    if st.cmks.is_empty() {
        return None;
    }
    let ti = *ranked(st, |t| {
        free(t) && t.popularity > 0 && t.initial.policy.is_none()
    })
    .first()?;
    st.tables[ti].initial.sse = Sse::Cmk(0);
    st.tables[ti].reserved = true;
    Some((si, 0))
}

fn push(t: &mut Table, time_ms: i64, kind: ChangeKind, actor: (usize, usize)) {
    t.changes.push(Change {
        time_ms,
        kind,
        actor,
        event_gidx: None,
    });
}

/// Turns table `target` (created during the window) into a restore of table `source`: the
/// same keys, indexes, items, billing and encryption (DynamoDB restores these), but none of
/// what a restore does not carry over: tags, streams, TTL, PITR, deletion protection,
/// policies, auto scaling.
fn restore_into(st: &mut Stream, target: usize, source: usize, from_backup: bool) {
    let src = &st.tables[source];
    let mut name = format!(
        "{}-{}",
        src.name,
        if from_backup { "copy" } else { "restored" }
    );
    let mut n = 2;
    while st.tables.iter().any(|t| t.name == name) {
        name = format!(
            "{}-{}-{n}",
            src.name,
            if from_backup { "copy" } else { "restored" }
        );
        n += 1;
    }
    let (hash, range, gsis, entity) = (
        src.hash.clone(),
        src.range.clone(),
        src.gsis.clone(),
        src.entity.clone(),
    );
    let (items, size, sensitive, sse, provisioned) = (
        src.item_count,
        src.size_bytes,
        src.sensitive,
        src.initial.sse,
        src.initial.provisioned,
    );
    let account_region = src
        .arn
        .rsplit_once(":table/")
        .map(|(prefix, _)| prefix.to_string())
        .unwrap_or_default();
    let t = &mut st.tables[target];
    t.arn = format!("{account_region}:table/{name}");
    t.name = name;
    t.hash = hash;
    t.range = range;
    t.gsis = gsis;
    t.entity = entity;
    t.item_count = items;
    t.size_bytes = size;
    t.sensitive = sensitive;
    t.popularity = 0;
    t.reserved = true;
    t.changes.clear();
    let s = &mut t.initial;
    s.provisioned = provisioned;
    s.sse = sse;
    s.stream_view = None;
    s.stream_kept = false;
    s.pitr = false;
    s.deletion_protection = false;
    s.tags.clear();
    s.ttl = None;
    s.policy = None;
    s.kinesis = Kinesis::None;
}

/// Makes sure the production account's tables spell Environment every way the drift rule
/// must catch, by re-spelling tables whose value another table already shares.
fn drift_production_tags(streams: &mut [Stream], accounts: &[Account]) {
    let Some(prod) = accounts.iter().position(|a| a.env == Env::Prod) else {
        return;
    };
    for wanted in PROD_DRIFT {
        let mut values: Vec<(usize, usize, String)> = Vec::new();
        for (si, st) in streams
            .iter()
            .enumerate()
            .filter(|(_, s)| s.account == prod)
        {
            for (ti, t) in st.tables.iter().enumerate() {
                if t.lifecycle != Lifecycle::Stable {
                    continue;
                }
                if let Some((_, v)) = t.initial.tags.iter().find(|(k, _)| k == "Environment") {
                    values.push((si, ti, v.clone()));
                }
            }
        }
        if values.iter().any(|(_, _, v)| v == wanted) {
            continue;
        }
        let count = |v: &str| values.iter().filter(|(_, _, x)| x == v).count();
        let donor = values
            .iter()
            .rev()
            .find(|(_, _, v)| !PROD_DRIFT.contains(&v.as_str()) || count(v) > 1);
        if let Some((si, ti, _)) = donor {
            let t = &mut streams[*si].tables[*ti];
            if let Some(tag) = t.initial.tags.iter_mut().find(|(k, _)| k == "Environment") {
                tag.1 = wanted.to_string();
            }
        }
    }
}

/// Completes the targets and lists the Lambda triggers, once the streams are indexed.
pub(crate) fn finish(w: &mut World) {
    if let Some((si, ti, _)) = w.targets.stream_off {
        w.targets.stream_off = w.streams[si]
            .stream_tables
            .iter()
            .position(|&i| i == ti)
            .map(|k| (si, ti, k));
    }
    let seed = w.seed;
    let start = w.start_ms;
    let mut failing_given = false;
    for (si, st) in w.streams.iter_mut().enumerate() {
        st.consumer_until_ms = vec![i64::MAX; st.lambdas.len()];
        let mut mappings: Vec<Mapping> = Vec::new();
        for (k, &ti) in st.stream_tables.iter().enumerate() {
            let t = &st.tables[ti];
            let h = mix(seed ^ label(&t.name) ^ label("mapping"));
            // Triggers were set up after the stream, before the window.
            let since = t.initial.stream_label_ms.max(t.created_ms);
            let room = (start - since).clamp(DAY_MS, 200 * DAY_MS);
            let modified = start - 1 - (h % room as u64) as i64;
            let is_off = matches!(w.targets.stream_off, Some((s, i, _)) if s == si && i == ti);
            // One trigger whose function keeps failing, on a busy stream that stays on.
            let failing = !failing_given && !is_off && (k >= 1 || st.stream_tables.len() == 1);
            failing_given |= failing;
            mappings.push(Mapping {
                table: ti,
                lambda: Some(k),
                function: function_name(&t.name),
                uuid: format_uuid(h, mix(h ^ 0x5EED)),
                batch_size: [100, 100, 50, 500, 10][(h >> 40) as usize % 5],
                created_ms: None,
                disabled_ms: None,
                failing,
                last_modified_ms: modified.max(since + 60_000),
            });
        }
        if let Some((s, ti)) = w.targets.stream_on {
            if s == si {
                let t = &st.tables[ti];
                let h = mix(seed ^ label(&t.name) ^ label("mapping"));
                mappings.push(Mapping {
                    table: ti,
                    lambda: None,
                    function: function_name(&t.name),
                    uuid: format_uuid(h, mix(h ^ 0x5EED)),
                    batch_size: 100,
                    // Set when `cloudtrail::scripts` places its CreateEventSourceMapping.
                    created_ms: None,
                    disabled_ms: None,
                    failing: false,
                    last_modified_ms: start,
                });
            }
        }
        st.mappings = mappings;
    }
}

/// The stream-processing function of a table, as the Lambda principals are named.
pub(crate) fn function_name(table: &str) -> String {
    let short: String = table.chars().take(40).collect();
    format!("{short}-stream-processor")
}
