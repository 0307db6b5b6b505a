//! The page's loading session: what the worker has reported, as signals the views read, and the
//! commands the controls send.
//!
//! File reports arrive one message per file. They are buffered and added to the table with a
//! progress message at most every 400 ms, and with the done message: each update of a table of
//! thousands of rows costs a layout of all of them, and the page shares two cores with the
//! worker.

use std::sync::Arc;

use ddb_lens_core::analysis::tags::TagPolicy;
use ddb_lens_core::report::{self, Report, ReportSettings};
use ddb_lens_core::{FileReport, Overview, Totals};
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use crate::activity::ActivityState;
use crate::dropped::PickedFile;
use crate::protocol::{Command, Done, Event, Progress};
use crate::worker_client::{WorkerClient, WorkerError};

/// Files per load message. Posting a `File` costs about 0.15 ms in Chromium (it stats the
/// file), so a chunk keeps the page busy for some 40 ms at most.
const FILES_PER_MESSAGE: usize = 256;

/// While loading, new rows join the table at most this often.
const TABLE_REFRESH_MS: f64 = 400.0;

/// Where the session is; the value of `#load-status[data-state]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Phase {
    /// Nothing loaded, or cleared.
    #[default]
    Idle,
    Loading,
    Done,
    Cancelled,
    /// The worker failed; the session's `error` says how.
    Error,
}

impl Phase {
    pub fn as_str(self) -> &'static str {
        match self {
            Phase::Idle => "idle",
            Phase::Loading => "loading",
            Phase::Done => "done",
            Phase::Cancelled => "cancelled",
            Phase::Error => "error",
        }
    }
}

/// One row of the file table. `id` is unique in the session (the same name can be loaded twice).
#[derive(Debug, Clone, PartialEq)]
pub struct FileRow {
    pub id: u64,
    pub report: Arc<FileReport>,
}

/// The overview of everything loaded and its timeline chart, as of the last finished load.
#[derive(Debug, Clone, PartialEq)]
pub struct Analysis {
    pub overview: Overview,
    /// SVG markup drawn by the core (numbers and dates only); empty when there are no events.
    pub timeline_svg: String,
}

/// Where the report on screen came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReportOrigin {
    /// Built by the worker from the files loaded in this tab.
    Loaded,
    /// A report saved earlier and opened from this file: no raw exports behind it.
    Reopened { file_name: String },
}

/// The report the analysis views show, and how complete its manifest's hashes are.
#[derive(Debug, Clone, PartialEq)]
pub struct ShownReport {
    pub report: Arc<Report>,
    pub origin: ReportOrigin,
    pub hashes_done: u64,
    pub hashes_total: u64,
    /// The worker's time building it; `None` for a reopened report.
    pub build_ms: Option<f64>,
}

/// An evidence event on show: its label, and its JSON (or why it cannot be read) once read.
pub type EvidenceShown = (String, Option<Result<String, String>>);

/// Record requests for evidence use ids from here up, so their answers are told apart from
/// the activity view's (which count up from 1).
const EVIDENCE_IDS: u64 = 1 << 48;

/// Where the tag policy is kept between visits.
pub const TAG_POLICY_STORAGE_KEY: &str = "ddb-lens.tag-policy";

/// The session's signals and its link to the worker. `Copy`: handlers capture it freely.
#[derive(Clone, Copy)]
pub struct Session {
    pub phase: RwSignal<Phase>,
    /// Sorted by file name, then load order.
    pub rows: RwSignal<Vec<FileRow>>,
    pub progress: RwSignal<Progress>,
    pub totals: RwSignal<Totals>,
    pub analysis: RwSignal<Option<Analysis>>,
    /// Of the last finished load.
    pub elapsed_ms: RwSignal<Option<f64>>,
    /// Of `elapsed_ms`, the time the worker spent sorting the events for the activity view.
    pub index_ms: RwSignal<Option<f64>>,
    /// The worker's and then the page's time warming up their code after the page opened
    /// ([`Event::WarmedUp`]), in ms; `None` until both are done (or when the worker was busy).
    pub warm_up_ms: RwSignal<Option<(f64, f64)>>,
    /// Files a cancelled load did not read.
    pub files_not_loaded: RwSignal<u64>,
    /// Why the worker failed, or why dropped items could not be read.
    pub error: RwSignal<Option<String>>,
    /// The activity view's filter and the worker's answers to it.
    pub activity: ActivityState,
    /// The report every analysis view renders; `None` until a load finishes or one is opened.
    pub report: RwSignal<Option<ShownReport>>,
    /// Why a saved report could not be opened.
    pub report_error: RwSignal<Option<String>>,
    /// The tag policy in force (kept in localStorage), part of the report's settings.
    pub tag_policy: RwSignal<TagPolicy>,
    /// The evidence event on show in the findings view: its label and its JSON or why not.
    pub evidence: RwSignal<Option<EvidenceShown>>,
    evidence_id: StoredValue<u64>,
    pending: StoredValue<Vec<FileReport>>,
    /// Set by Cancel: the chunks of the load not sent yet stay unsent.
    stop_sending: StoredValue<bool>,
    last_flush_ms: StoredValue<f64>,
    /// Set when the worker was replaced: the table shows files the new one never loaded.
    reset_on_next_load: StoredValue<bool>,
    next_row_id: StoredValue<u64>,
    client: StoredValue<Option<WorkerClient>, LocalStorage>,
}

impl Default for Session {
    fn default() -> Self {
        Session::new()
    }
}

impl Session {
    /// A session with no worker yet: [`Session::connect`] starts one. Tests apply events
    /// directly.
    pub fn new() -> Session {
        Session {
            phase: RwSignal::new(Phase::Idle),
            rows: RwSignal::new(Vec::new()),
            progress: RwSignal::new(Progress::default()),
            totals: RwSignal::new(Totals::default()),
            analysis: RwSignal::new(None),
            elapsed_ms: RwSignal::new(None),
            index_ms: RwSignal::new(None),
            warm_up_ms: RwSignal::new(None),
            files_not_loaded: RwSignal::new(0),
            error: RwSignal::new(None),
            activity: ActivityState::new(),
            report: RwSignal::new(None),
            report_error: RwSignal::new(None),
            tag_policy: RwSignal::new(stored_tag_policy()),
            evidence: RwSignal::new(None),
            evidence_id: StoredValue::new(EVIDENCE_IDS),
            pending: StoredValue::new(Vec::new()),
            stop_sending: StoredValue::new(false),
            last_flush_ms: StoredValue::new(f64::NEG_INFINITY),
            reset_on_next_load: StoredValue::new(false),
            next_row_id: StoredValue::new(0),
            client: StoredValue::new_local(None),
        }
    }

    /// Starts the ingest worker and routes its events into this session.
    pub fn connect(self) {
        match WorkerClient::spawn(move |event| self.apply(event)) {
            Ok(client) => {
                self.client.set_value(Some(client));
                self.send(&Command::Settings(Box::new(self.settings())));
            }
            Err(err) => self.fail(err),
        }
    }

    /// The report settings of this session: the tag policy in force, the rest at defaults.
    pub fn settings(self) -> ReportSettings {
        ReportSettings {
            tag_policy: self.tag_policy.get_untracked(),
            ..ReportSettings::default()
        }
    }

    /// A new tag policy: kept for the next visit, and the report rebuilt with it.
    pub fn set_tag_policy(self, policy: TagPolicy) {
        if let Some(storage) = window().local_storage().ok().flatten() {
            // A full or disabled storage only loses the policy for the next visit.
            let _ = storage.set_item(TAG_POLICY_STORAGE_KEY, &policy.to_json());
        }
        self.tag_policy.set(policy);
        self.send(&Command::Settings(Box::new(self.settings())));
    }

    /// Asks for one evidence event's JSON (a finding's), shown in `evidence` when it comes.
    pub fn show_evidence(self, label: String, file_name: String, record_index: u32) {
        let id = self.evidence_id.get_value() + 1;
        self.evidence_id.set_value(id);
        self.evidence.set(Some((label, None)));
        self.send(&Command::Evidence {
            id,
            file_name,
            record_index,
        });
    }

    /// Shows a report saved earlier (its JSON export), without the exports it was made from.
    pub fn open_report(self, file_name: String, text: &str) {
        match report::from_json(text) {
            Ok(opened) => {
                self.report_error.set(None);
                self.report.set(Some(ShownReport {
                    hashes_done: opened
                        .inputs
                        .files
                        .iter()
                        .filter(|f| f.sha256.is_some())
                        .count() as u64,
                    hashes_total: opened.inputs.files.len() as u64,
                    report: Arc::new(opened),
                    origin: ReportOrigin::Reopened { file_name },
                    build_ms: None,
                }));
            }
            Err(err) => self
                .report_error
                .set(Some(format!("{file_name} could not be opened: {err}"))),
        }
    }

    pub fn is_loading(self) -> bool {
        self.phase.get() == Phase::Loading
    }

    /// Loads files, sorted by name so that the same files give the same result whatever order
    /// the browser listed them in (the first of two copies of an event keeps it).
    pub fn load_files(self, mut files: Vec<PickedFile>) {
        if files.is_empty() || self.phase.get_untracked() == Phase::Loading {
            return;
        }
        files.sort_by(|a, b| a.name.cmp(&b.name));
        // Bytes are counted by the worker: `File.size` can cost a synchronous stat per file
        // (0.15 ms each in Chromium for picked files), too slow here for thousands of files.
        let progress = Progress {
            files_total: files.len() as u64,
            ..Progress::default()
        };
        let mut chunks: Vec<(Vec<web_sys::File>, Vec<String>)> = files
            .chunks(FILES_PER_MESSAGE)
            .map(|chunk| {
                chunk
                    .iter()
                    .map(|picked| (picked.file.clone(), picked.name.clone()))
                    .unzip()
            })
            .collect();
        let rest = chunks.split_off(1);
        let Some((files, names)) = chunks.pop() else {
            return;
        };
        self.stop_sending.set_value(false);
        self.start(
            progress,
            Command::Load {
                files,
                names,
                files_total: progress.files_total,
                more: !rest.is_empty(),
            },
        );
        if rest.is_empty() {
            return;
        }
        // One chunk per task, so the page answers between them.
        spawn_local(async move {
            let last = rest.len() - 1;
            for (index, (files, names)) in rest.into_iter().enumerate() {
                next_task().await;
                if self.stop_sending.get_value() {
                    break;
                }
                self.send(&Command::LoadMore {
                    files,
                    names,
                    more: index < last,
                });
            }
        });
    }

    /// Loads the built-in sample.
    pub fn load_sample(self) {
        if self.phase.get_untracked() == Phase::Loading {
            return;
        }
        self.start(Progress::default(), Command::Sample);
    }

    pub fn cancel(self) {
        if self.phase.get_untracked() == Phase::Loading {
            self.stop_sending.set_value(true);
            self.send(&Command::Cancel);
        }
    }

    /// Forgets everything loaded, here and in the worker.
    pub fn clear(self) {
        if self.phase.get_untracked() == Phase::Loading {
            return;
        }
        self.send(&Command::Clear);
        self.reset_on_next_load.set_value(false);
        self.pending.update_value(Vec::clear);
        self.rows.set(Vec::new());
        self.totals.set(Totals::default());
        self.progress.set(Progress::default());
        self.analysis.set(None);
        self.elapsed_ms.set(None);
        self.index_ms.set(None);
        self.files_not_loaded.set(0);
        self.error.set(None);
        self.activity.reset();
        self.phase.set(Phase::Idle);
    }

    /// Shows a problem that is not the worker's (e.g. a dropped folder that cannot be read).
    pub fn report_problem(self, message: String) {
        self.error.set(Some(message));
    }

    /// Applies one worker event.
    pub fn apply(self, event: Result<Event, WorkerError>) {
        match event {
            Ok(Event::Ready) => {}
            // The first report of a session was read on the page's baseline code: ~280 ms for
            // the 15 MB report of 1M events, against ~50 ms the second time. Reading this small
            // one first, in a task of its own, moves most of that to when the page opens.
            Ok(Event::WarmedUp {
                elapsed_ms,
                report_json,
            }) => leptos::task::spawn_local(async move {
                next_task().await;
                let started_ms = now_ms();
                let _ = report::from_json(&report_json);
                self.warm_up_ms
                    .set(Some((elapsed_ms, now_ms() - started_ms)));
            }),
            Ok(Event::Files(reports)) => {
                self.pending.update_value(|pending| pending.extend(reports))
            }
            Ok(Event::Progress { progress, totals }) => {
                // The bar and totals follow every progress message; the table, whose every
                // update costs a layout of all its rows, at most every TABLE_REFRESH_MS.
                let now = now_ms();
                if now - self.last_flush_ms.get_value() >= TABLE_REFRESH_MS {
                    self.flush();
                    self.last_flush_ms.set_value(now);
                }
                self.progress.set(progress);
                self.totals.set(totals);
            }
            Ok(Event::Done(done)) => self.finish(*done),
            Ok(Event::Activity(activity)) => self.activity.on_activity(*activity),
            Ok(Event::Rows {
                id,
                offset,
                total,
                rows,
            }) => self.activity.on_rows(id, offset, total, rows),
            Ok(Event::Record { id, result }) if id >= EVIDENCE_IDS => {
                if id == self.evidence_id.get_value() {
                    self.evidence.update(|shown| {
                        if let Some((_, answer)) = shown {
                            *answer = Some(result);
                        }
                    });
                }
            }
            Ok(Event::Record { id, result }) => self.activity.on_record(id, result),
            Ok(Event::Summaries(summaries)) => self.activity.on_summaries(*summaries),
            Ok(Event::Report(message)) => match report::from_json(&message.json) {
                Ok(made) => self.report.set(Some(ShownReport {
                    report: Arc::new(made),
                    origin: ReportOrigin::Loaded,
                    hashes_done: message.hashes_done,
                    hashes_total: message.hashes_total,
                    build_ms: Some(message.build_ms),
                })),
                // Both sides are one build: a report that does not read back is a bug.
                Err(err) => self.fail(WorkerError::Failed(format!(
                    "the report could not be read: {err}"
                ))),
            },
            Ok(Event::Failed(message)) => self.fail(WorkerError::Failed(message)),
            Err(err) => self.fail(err),
        }
    }

    fn start(self, progress: Progress, command: Command) {
        if self.reset_on_next_load.get_value() {
            self.reset_on_next_load.set_value(false);
            self.pending.update_value(Vec::clear);
            self.rows.set(Vec::new());
            self.totals.set(Totals::default());
        }
        // The first rows of a load show at once.
        self.last_flush_ms.set_value(f64::NEG_INFINITY);
        self.progress.set(progress);
        self.analysis.set(None);
        self.report.set(None);
        self.elapsed_ms.set(None);
        self.index_ms.set(None);
        self.files_not_loaded.set(0);
        self.error.set(None);
        self.phase.set(Phase::Loading);
        self.send(&command);
    }

    fn finish(self, done: Done) {
        self.flush();
        self.totals.set(done.totals);
        // The done message of a clear finds the page idle already: nothing to show.
        if self.phase.get_untracked() == Phase::Idle {
            return;
        }
        self.files_not_loaded.set(done.files_not_loaded);
        self.elapsed_ms.set(Some(done.elapsed_ms));
        self.index_ms.set(Some(done.index_ms));
        self.activity.loaded();
        if self.activity.shown.get_value() {
            self.activity.refresh(move |command| self.send(command));
        }
        self.analysis.set(Some(Analysis {
            overview: done.overview,
            timeline_svg: done.timeline_svg,
        }));
        self.phase.set(if done.cancelled {
            Phase::Cancelled
        } else {
            Phase::Done
        });
    }

    /// The worker stopped: show why, and start a fresh one. Its loader starts empty, so the
    /// next load starts from an empty table too.
    fn fail(self, err: WorkerError) {
        self.flush();
        self.stop_sending.set_value(true);
        // A worker that failed to start would fail again; one that crashed is replaced once per
        // failure (its "failed" message and its error event count as one).
        if self.phase.get_untracked() != Phase::Error {
            self.error.set(Some(err.to_string()));
            self.phase.set(Phase::Error);
            self.reset_on_next_load.set_value(true);
            // The new worker starts empty: nothing it could answer about the old events.
            self.activity.reset();
            if !matches!(err, WorkerError::Start(_)) {
                // Not from inside the old worker's handler, which dropping the client frees.
                spawn_local(async move {
                    self.client.set_value(None);
                    self.connect();
                });
            }
        }
    }

    /// Moves buffered reports into the table, keeping it sorted.
    fn flush(self) {
        let reports = self
            .pending
            .try_update_value(std::mem::take)
            .unwrap_or_default();
        if reports.is_empty() {
            return;
        }
        let mut next_id = self.next_row_id.get_value();
        self.rows.update(|rows| {
            rows.extend(reports.into_iter().map(|report| {
                next_id += 1;
                FileRow {
                    id: next_id,
                    report: Arc::new(report),
                }
            }));
            rows.sort_by(|a, b| a.report.name.cmp(&b.report.name).then(a.id.cmp(&b.id)));
        });
        self.next_row_id.set_value(next_id);
    }

    /// Sends a command to the worker (queued until it is ready; dropped if it failed to start).
    pub fn send(self, command: &Command) {
        self.client.with_value(|client| {
            if let Some(client) = client {
                client.send(command);
            }
        });
    }
}

fn now_ms() -> f64 {
    window()
        .performance()
        .map(|performance| performance.now())
        .unwrap_or_else(js_sys::Date::now)
}

/// Resolves in a later task (`setTimeout(0)`), letting the page handle input and paint first.
async fn next_task() {
    let promise = js_sys::Promise::new(&mut |resolve, _reject| {
        let scheduled = window()
            .set_timeout_with_callback_and_timeout_and_arguments_0(resolve.unchecked_ref(), 0);
        if scheduled.is_err() {
            let _ = resolve.call0(&wasm_bindgen::JsValue::UNDEFINED);
        }
    });
    let _ = JsFuture::from(promise).await;
}

/// The tag policy saved on an earlier visit, else the default; a saved policy that no longer
/// reads (an older format, a hand edit) falls back to the default.
fn stored_tag_policy() -> TagPolicy {
    window()
        .local_storage()
        .ok()
        .flatten()
        .and_then(|storage| storage.get_item(TAG_POLICY_STORAGE_KEY).ok().flatten())
        .and_then(|text| TagPolicy::from_json(&text).ok())
        .unwrap_or_default()
}
