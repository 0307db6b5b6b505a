//! Scripted records that are not table changes: the trail, recorder and key administration,
//! Lambda trigger calls, a denied burst, the root user, an export to another account. Each is
//! placed into a file of its account and region like a planned change, and where it has an
//! effect on what the logs hold, the placement respects it:
//!
//! * StopLogging and StartLogging bracket a gap between two consecutive files of the
//!   account in every region, so nothing is logged while the trail is off;
//! * StopConfigurationRecorder and StartConfigurationRecorder bracket a gap of the region in
//!   which no Config item is captured;
//! * a key disabled (or scheduled for deletion) is enabled again across a gap of its region,
//!   so no DynamoDB call needs it meanwhile;
//! * between a PutEventSelectors that drops DynamoDB data events and the one that restores
//!   them, the account's files hold no data events ([`World::data_off`]);
//! * a trigger disabled stops its function's GetRecords calls ([`Stream::consumer_until_ms`]).
//!
//! [`Stream::consumer_until_ms`]: crate::world::Stream::consumer_until_ms

use super::{FilePlan, Slot};
use crate::config::capture_ms;
use crate::rng::{label, mix};
use crate::time::{MINUTE_MS, SECOND_MS};
use crate::world::{ChangeKind, Role, World};

/// A scripted record: when, where, by whom and what.
pub(crate) struct Script {
    pub stream: usize,
    pub time_ms: i64,
    /// (account index, principal index).
    pub actor: (usize, usize),
    pub kind: ScriptKind,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum ScriptKind {
    /// UpdateEventSourceMapping disabling `Stream::mappings[mapping]`.
    TriggerDisabled {
        mapping: usize,
    },
    /// CreateEventSourceMapping of `Stream::mappings[mapping]`.
    TriggerCreated {
        mapping: usize,
    },
    LoggingStopped,
    LoggingStarted,
    /// PutEventSelectors with basic selectors and no data resources.
    SelectorsWithoutDynamoDb,
    /// PutEventSelectors with advanced selectors for DynamoDB tables and streams.
    SelectorsWithDynamoDb,
    TrailUpdated,
    /// DeleteTrail of a trail no longer used (not the one delivering these files).
    TrailDeleted,
    RecorderStopped,
    RecorderStarted,
    ConfigRuleDeleted,
    /// A DynamoDB call denied to the forgotten user.
    Denied {
        op: &'static str,
        table: usize,
    },
    /// The root user at the console.
    Root {
        op: &'static str,
        table: usize,
    },
    /// ExportTableToPointInTime into the partner account's bucket.
    PartnerExport {
        table: usize,
    },
    KeyPolicyPut {
        key: usize,
    },
    GrantRevoked {
        key: usize,
    },
    KeyDisabled {
        key: usize,
    },
    KeyEnabled {
        key: usize,
    },
    KeyDeletionScheduled {
        key: usize,
    },
    KeyDeletionCancelled {
        key: usize,
    },
}

/// The trail every account logs to, and the one deleted during the window.
pub(crate) const TRAIL: &str = "org-trail";
pub(crate) const OLD_TRAIL: &str = "legacy-audit-trail";
/// The Config rule deleted during the window (replaced by `dynamodb-table-encrypted-kms`).
pub(crate) const OLD_RULE: &str = "dynamodb-table-encryption-enabled";
/// The denied burst's calls, in order; tables are picked per call.
const DENIED: [&str; 14] = [
    "ListTables",
    "DescribeTable",
    "Scan",
    "DescribeTable",
    "Scan",
    "GetItem",
    "Scan",
    "ListBackups",
    "DescribeContinuousBackups",
    "Scan",
    "CreateBackup",
    "ExportTableToPointInTime",
    "GetItem",
    "DescribeTable",
];

struct Planner<'p> {
    plans: &'p mut [FilePlan],
    /// Files of each stream, by window start.
    by_stream: Vec<Vec<usize>>,
    /// Files of each account, by window start.
    by_account: Vec<Vec<usize>>,
    scripts: Vec<Script>,
    seed: u64,
    /// Gaps already used: (first file, second file).
    used_gaps: Vec<(usize, usize)>,
}

impl Planner<'_> {
    fn at(&self, w: &World, per_mille: i64) -> i64 {
        w.start_ms + w.span_ms * per_mille / 1000
    }

    /// The file of `stream` whose middle is nearest `target_ms`, among those ending after
    /// `after_ms` and passing `ok`.
    fn nearest(
        &self,
        stream: usize,
        target_ms: i64,
        after_ms: i64,
        ok: impl Fn(&FilePlan) -> bool,
    ) -> Option<usize> {
        self.by_stream
            .get(stream)?
            .iter()
            .copied()
            .filter(|&fi| {
                let p = &self.plans[fi];
                p.window_end_ms() > after_ms + SECOND_MS && p.free_slot(0).is_some() && ok(p)
            })
            .min_by_key(|&fi| {
                let p = &self.plans[fi];
                ((p.window_start_ms + p.window_ms / 2 - target_ms).abs(), fi)
            })
    }

    /// A time inside file `fi` drawn from `h`, not before `after_ms` (when the window allows).
    fn time_in(&self, fi: usize, h: u64, after_ms: i64) -> i64 {
        let p = &self.plans[fi];
        let lo = p
            .window_start_ms
            .max(after_ms + SECOND_MS)
            .min(p.window_end_ms() - 1);
        lo + (mix(h) % (p.window_end_ms() - lo).max(1) as u64) as i64
    }

    /// Puts a script into a free slot of file `fi`; false when the file is full.
    fn put(&mut self, fi: usize, script: Script) -> bool {
        let h = mix(self.seed ^ label("script") ^ self.scripts.len() as u64);
        let Some(slot) = self.plans[fi].free_slot(h) else {
            return false;
        };
        self.plans[fi]
            .scripted
            .push((slot, Slot::Script(self.scripts.len())));
        self.scripts.push(script);
        true
    }

    /// Places a script near `target_ms` in `stream`; its time if placed.
    fn place(
        &mut self,
        stream: usize,
        target_ms: i64,
        after_ms: i64,
        actor: (usize, usize),
        kind: ScriptKind,
    ) -> Option<i64> {
        let fi = self.nearest(stream, target_ms, after_ms, |_| true)?;
        let h = mix(self.seed ^ label("script-time") ^ self.scripts.len() as u64);
        let time_ms = self.time_in(fi, h, after_ms);
        self.put(
            fi,
            Script {
                stream,
                time_ms,
                actor,
                kind,
            },
        )
        .then_some(time_ms)
    }

    /// Two consecutive files of `files` (by window start) with nothing of `files` between
    /// them: the first ends last among those before it, and the second starts at least ten
    /// minutes after. The pair whose gap's middle is nearest `target_ms`, not used before,
    /// both passing `ok`.
    fn gap(
        &self,
        files: &[usize],
        target_ms: i64,
        ok: impl Fn(usize, usize) -> bool,
    ) -> Option<(usize, usize)> {
        let mut max_end = i64::MIN;
        let mut best: Option<(i64, (usize, usize))> = None;
        for pair in files.windows(2) {
            let (a, b) = (pair[0], pair[1]);
            let (pa, pb) = (&self.plans[a], &self.plans[b]);
            max_end = max_end.max(pa.window_end_ms());
            if max_end != pa.window_end_ms()
                || pb.window_start_ms < pa.window_end_ms() + 10 * MINUTE_MS
                || self.used_gaps.contains(&(a, b))
                || pa.free_slot(0).is_none()
                || pb.free_slot(0).is_none()
                || !ok(a, b)
            {
                continue;
            }
            let middle = (pa.window_end_ms() + pb.window_start_ms) / 2;
            let d = (middle - target_ms).abs();
            if best.is_none_or(|(bd, _)| d < bd) {
                best = Some((d, (a, b)));
            }
        }
        best.map(|(_, pair)| pair)
    }

    /// Scripts `before` at the end of file `a` and `after` at the start of file `b`; the
    /// times, or `None` if either file is full.
    fn bracket(
        &mut self,
        (a, b): (usize, usize),
        before: (usize, (usize, usize), ScriptKind),
        after: &[(usize, (usize, usize), ScriptKind, i64)],
    ) -> Option<(i64, i64)> {
        if self.plans[b].count < after.len() as u32 + 1 {
            return None;
        }
        self.used_gaps.push((a, b));
        let stop = self.plans[a].window_end_ms() - 1;
        let start = self.plans[b].window_start_ms;
        let (stream, actor, kind) = before;
        if !self.put(
            a,
            Script {
                stream,
                time_ms: stop,
                actor,
                kind,
            },
        ) {
            return None;
        }
        for &(stream, actor, kind, offset_ms) in after {
            self.put(
                b,
                Script {
                    stream,
                    time_ms: start + offset_ms,
                    actor,
                    kind,
                },
            );
        }
        Some((stop, start))
    }
}

/// A principal of `role` in account `a` who may make the change.
fn who(w: &World, a: usize, role: Role, pick: u64) -> (usize, usize) {
    (a, w.accounts[a].changer(role, pick))
}

/// Plans every script into `plans`, into `w.scripts`, and sets the effects they have on the
/// estate (data events off, triggers disabled or created).
pub(crate) fn plan(w: &mut World, plans: &mut [FilePlan]) {
    if plans.is_empty() || w.streams.is_empty() {
        return;
    }
    let mut by_stream: Vec<Vec<usize>> = vec![Vec::new(); w.streams.len()];
    let mut by_account: Vec<Vec<usize>> = vec![Vec::new(); w.accounts.len()];
    for (fi, p) in plans.iter().enumerate() {
        by_stream[p.stream].push(fi);
        by_account[w.streams[p.stream].account].push(fi);
    }
    for files in by_stream.iter_mut().chain(by_account.iter_mut()) {
        files.sort_by_key(|&fi| (plans[fi].window_start_ms, fi));
    }
    let mut pl = Planner {
        plans,
        by_stream,
        by_account,
        scripts: Vec::new(),
        seed: w.seed,
        used_gaps: Vec::new(),
    };
    let seed = w.seed;
    let pick = |what: &str| mix(seed ^ label(what));
    // The primary stream: the first account's home region.
    let primary = 0;
    let primary_account = w.streams[primary].account;

    triggers(w, &mut pl);

    // DynamoDB data events dropped by a selector change, and restored an hour or two later.
    {
        let ci = who(w, primary_account, Role::Ci, pick("selectors-drop"));
        let target = pl.at(w, 550);
        if let Some(f) = pl.nearest(primary, target, i64::MIN, |_| true) {
            let drop = pl.time_in(f, pick("selectors-drop-time"), i64::MIN);
            let restore_file = pl.nearest(
                primary,
                drop + 100 * MINUTE_MS,
                drop + 70 * MINUTE_MS,
                |p| p.window_start_ms >= drop + 70 * MINUTE_MS,
            );
            if let Some(g) = restore_file {
                let restore = pl.time_in(g, pick("selectors-restore-time"), i64::MIN);
                let admin = who(w, primary_account, Role::Admin, pick("selectors-restore"));
                if pl.put(
                    f,
                    Script {
                        stream: primary,
                        time_ms: drop,
                        actor: ci,
                        kind: ScriptKind::SelectorsWithoutDynamoDb,
                    },
                ) && pl.put(
                    g,
                    Script {
                        stream: primary,
                        time_ms: restore,
                        actor: admin,
                        kind: ScriptKind::SelectorsWithDynamoDb,
                    },
                ) {
                    w.data_off.push((primary_account, drop, restore));
                }
            }
        }
    }

    // The trail stopped for maintenance and started again: a gap in every region's files.
    {
        let files = pl.by_account[primary_account].clone();
        let admin = who(w, primary_account, Role::Admin, pick("logging"));
        let target = pl.at(w, 400);
        let pair = pl.gap(&files, target, |a, b| {
            pl.plans[a].stream == primary && pl.plans[b].stream == primary
        });
        if let Some(pair) = pair {
            pl.bracket(
                pair,
                (primary, admin, ScriptKind::LoggingStopped),
                &[(primary, admin, ScriptKind::LoggingStarted, 0)],
            );
        }
    }

    // The Config recorder of the second region stopped and started, between two captures.
    {
        let si = if w.streams.len() > 1 && w.streams[1].account == primary_account {
            1
        } else {
            primary
        };
        let captures: Vec<i64> = w.streams[si]
            .tables
            .iter()
            .flat_map(|t| {
                (0..t.changes.len())
                    .filter(|&ci| t.changes[ci].kind.recorded_by_config())
                    .map(|ci| capture_ms(seed, t, ci))
            })
            .collect();
        let files = pl.by_stream[si].clone();
        let human = who(w, w.streams[si].account, Role::Human, pick("recorder"));
        let admin = who(
            w,
            w.streams[si].account,
            Role::Admin,
            pick("recorder-start"),
        );
        let target = pl.at(w, 650);
        let pair = pl.gap(&files, target, |a, b| {
            let (stop, start) = (pl.plans[a].window_end_ms() - 1, pl.plans[b].window_start_ms);
            !captures
                .iter()
                .any(|&c| c >= stop && c <= start + MINUTE_MS)
        });
        if let Some(pair) = pair {
            pl.bracket(
                pair,
                (si, human, ScriptKind::RecorderStopped),
                &[(si, admin, ScriptKind::RecorderStarted, 0)],
            );
        }
    }

    // Keys: a table's key disabled by mistake and enabled again; another (or the same)
    // scheduled for deletion, cancelled and enabled.
    if let Some((si, key)) = w.targets.key_admin {
        let account = w.streams[si].account;
        let admin = who(w, account, Role::Admin, pick("key-admin"));
        let human = who(w, account, Role::Human, pick("key-disable"));
        pl.place(
            si,
            pl.at(w, 200),
            i64::MIN,
            admin,
            ScriptKind::KeyPolicyPut { key },
        );
        pl.place(
            si,
            pl.at(w, 330),
            i64::MIN,
            admin,
            ScriptKind::GrantRevoked { key },
        );
        let files = pl.by_stream[si].clone();
        if let Some(pair) = pl.gap(&files, pl.at(w, 750), |_, _| true) {
            pl.bracket(
                pair,
                (si, human, ScriptKind::KeyDisabled { key }),
                &[(si, admin, ScriptKind::KeyEnabled { key }, 0)],
            );
        }
    }
    if let Some((si, key)) = w.targets.key_deletion {
        let account = w.streams[si].account;
        let ci = who(w, account, Role::Human, pick("key-deletion"));
        let admin = who(w, account, Role::Admin, pick("key-cancel"));
        let files = pl.by_stream[si].clone();
        if let Some(pair) = pl.gap(&files, pl.at(w, 850), |_, _| true) {
            pl.bracket(
                pair,
                (si, ci, ScriptKind::KeyDeletionScheduled { key }),
                &[
                    (si, admin, ScriptKind::KeyDeletionCancelled { key }, 0),
                    (si, admin, ScriptKind::KeyEnabled { key }, 41 * SECOND_MS),
                ],
            );
        }
    }

    // Trail and Config rule housekeeping.
    {
        let terraform = who(w, primary_account, Role::Ci, pick("trail-update"));
        pl.place(
            primary,
            pl.at(w, 150),
            i64::MIN,
            terraform,
            ScriptKind::TrailUpdated,
        );
        let other = (0..w.streams.len())
            .find(|&s| {
                w.streams[s].account != primary_account
                    && w.streams[s].region == w.streams[primary].region
            })
            .unwrap_or(primary);
        let admin = who(
            w,
            w.streams[other].account,
            Role::Admin,
            pick("trail-delete"),
        );
        pl.place(
            other,
            pl.at(w, 800),
            i64::MIN,
            admin,
            ScriptKind::TrailDeleted,
        );
        let admin = who(
            w,
            w.streams[other].account,
            Role::Admin,
            pick("rule-delete"),
        );
        pl.place(
            other,
            pl.at(w, 100),
            i64::MIN,
            admin,
            ScriptKind::ConfigRuleDeleted,
        );
    }

    // The forgotten user probing, denied every time, a few seconds apart, while data events
    // are logged.
    if let Some(&suspicious) = w.accounts[primary_account]
        .of_role(Role::Suspicious)
        .first()
    {
        let data_off = w.data_off.clone();
        let target = pl.at(w, 300);
        let n = DENIED.len() as u32;
        let file = pl.nearest(primary, target, i64::MIN, |p| {
            p.count >= 3 * n
                && p.scripted.len() as u32 + n <= p.count
                && !data_off.iter().any(|&(a, from, to)| {
                    a == primary_account && p.window_start_ms < to && p.window_end_ms() > from
                })
        });
        let tables = w.streams[primary].tables.len();
        if let (Some(fi), true) = (file, tables > 0) {
            let p = &pl.plans[fi];
            let span = i64::from(n) * 7 * SECOND_MS;
            let base = p.window_start_ms
                + (pick("denied-base") % (p.window_ms - span).max(1) as u64) as i64;
            let sensitive: Vec<usize> = (0..tables)
                .filter(|&i| w.streams[primary].tables[i].sensitive)
                .collect();
            for (k, op) in DENIED.iter().enumerate() {
                let h = pick("denied") ^ k as u64;
                let pool: &[usize] = if *op == "Scan" && !sensitive.is_empty() {
                    &sensitive
                } else {
                    &[]
                };
                let table = if pool.is_empty() {
                    (mix(h) % tables as u64) as usize
                } else {
                    pool[(mix(h) % pool.len() as u64) as usize]
                };
                let time_ms = (base + k as i64 * 6 * SECOND_MS + (mix(h ^ 1) % 2_500) as i64)
                    .min(pl.plans[fi].window_end_ms() - 1);
                pl.put(
                    fi,
                    Script {
                        stream: primary,
                        time_ms,
                        actor: (primary_account, suspicious),
                        kind: ScriptKind::Denied { op, table },
                    },
                );
            }
        }
    }

    // The root user looking at a table from the console.
    if let Some(&root) = w.accounts[primary_account].of_role(Role::Root).first() {
        let tables = w.streams[primary].tables.len();
        let table = (0..tables).find(|&i| w.streams[primary].tables[i].exists_at_end());
        if let Some(table) = table {
            let actor = (primary_account, root);
            if let Some(t) = pl.place(
                primary,
                pl.at(w, 700),
                i64::MIN,
                actor,
                ScriptKind::Root {
                    op: "ListTables",
                    table,
                },
            ) {
                pl.place(
                    primary,
                    t + 40 * SECOND_MS,
                    t,
                    actor,
                    ScriptKind::Root {
                        op: "DescribeTable",
                        table,
                    },
                );
            }
        }
    }

    // A data engineer exporting a table into the partner account's bucket.
    if let Some((si, table)) = w.targets.partner_export {
        let human = who(
            w,
            w.streams[si].account,
            Role::Human,
            pick("partner-export"),
        );
        pl.place(
            si,
            pl.at(w, 620),
            i64::MIN,
            human,
            ScriptKind::PartnerExport { table },
        );
    }

    w.scripts = pl.scripts;
}

/// The Lambda trigger calls around the stream changes: the trigger of a stream about to be
/// turned off is disabled first; a stream turned on gets one a few minutes later.
fn triggers(w: &mut World, pl: &mut Planner<'_>) {
    let seed = w.seed;
    if let Some((si, ti, k)) = w.targets.stream_off {
        let change = w.streams[si].tables[ti]
            .changes
            .iter()
            .find(|c| c.kind == ChangeKind::StreamOff)
            .map(|c| (c.time_ms, c.actor, c.event_gidx));
        let mapping = w.streams[si]
            .mappings
            .iter()
            .position(|m| m.lambda == Some(k));
        if let (Some((time_ms, actor, gidx)), Some(mapping)) = (change, mapping) {
            // In the same file as the UpdateTable, a minute or two before it.
            let file = gidx.and_then(|g| {
                pl.by_stream[si].iter().copied().find(|&fi| {
                    let p = &pl.plans[fi];
                    g >= p.first_gidx && g < p.first_gidx + u64::from(p.count)
                })
            });
            let mut at = time_ms - 97 * SECOND_MS;
            if let Some(fi) = file {
                at = at.max(pl.plans[fi].window_start_ms);
                pl.put(
                    fi,
                    Script {
                        stream: si,
                        time_ms: at,
                        actor,
                        kind: ScriptKind::TriggerDisabled { mapping },
                    },
                );
            }
            let m = &mut w.streams[si].mappings[mapping];
            m.disabled_ms = Some(at);
            m.last_modified_ms = at;
            w.streams[si].consumer_until_ms[k] = at;
        }
    }
    if let Some((si, ti)) = w.targets.stream_on {
        let change = w.streams[si].tables[ti]
            .changes
            .iter()
            .find(|c| matches!(c.kind, ChangeKind::StreamOn(_)))
            .map(|c| (c.time_ms, c.actor));
        let mapping = w.streams[si]
            .mappings
            .iter()
            .position(|m| m.table == ti && m.lambda.is_none());
        if let (Some((time_ms, actor)), Some(mapping)) = (change, mapping) {
            let target = time_ms + 6 * MINUTE_MS + (mix(seed ^ label("trigger")) % 300_000) as i64;
            let at = pl
                .place(
                    si,
                    target,
                    time_ms + 2 * MINUTE_MS,
                    actor,
                    ScriptKind::TriggerCreated { mapping },
                )
                .unwrap_or(target);
            let m = &mut w.streams[si].mappings[mapping];
            m.created_ms = Some(at);
            m.last_modified_ms = at;
        }
    }
}
