//! The ingest worker: owns the core's [`Loader`] off the page's thread and runs one command at a
//! time.
//!
//! A load reads file *n + 1* (`Blob.arrayBuffer()`, done by the browser off this thread) while
//! the core parses file *n*. Between files the worker yields a real task (a `MessageChannel`
//! round trip, which unlike `setTimeout(0)` is not clamped to 4 ms), so a `cancel` command sent
//! by the page is seen before the next file starts.
//!
//! A list of files may arrive in chunks (`load`, then `load_more`): the load starts with the
//! first chunk and waits for the next one only if it runs out of files before it arrives.
//!
//! Only reports, progress and summaries are posted back; the bytes stay here.
//!
//! After each load the worker sorts the events by time once ([`ActivityIndex`]) and keeps a
//! handle on every file that added events (a `File` is a handle, not its bytes; the sample's
//! bytes are kept), so the activity view's queries, pages of rows and "show this event's JSON"
//! run here, off the page's thread. A burst of queries is answered once, for the latest.

use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, VecDeque};
use std::rc::Rc;

use ddb_lens_core::analysis::activity::{
    matching, principal_summaries, query_with_matching, rows_at, table_summaries, ActivityIndex,
    ActivitySummary, Filter, PrincipalSummary, TableSummary,
};
use ddb_lens_core::charts::activity::activity_svg;
use ddb_lens_core::ingest::record::record_json;
use ddb_lens_core::ingest::{parse_file, ParsedFile};
use ddb_lens_core::report::{self, ReportSettings};
use ddb_lens_core::{overview, timeline_svg, FileReport, Limits, Loader};
use js_sys::{Function, Promise, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::{spawn_local, JsFuture};
use web_sys::{DedicatedWorkerGlobalScope, MessageChannel, MessageEvent, WorkerGlobalScope};

use crate::parse_pool::{Assigned, ParsePool};
use crate::protocol::{Activity, Command, Done, Event, Progress, ReportMessage, Summaries};

/// Size of the timeline chart the worker draws, in CSS pixels (the page scales it to fit).
pub const TIMELINE_WIDTH_PX: u32 = 900;
pub const TIMELINE_HEIGHT_PX: u32 = 260;

/// Progress messages are posted at most this often (and always after the last file).
const PROGRESS_INTERVAL_MS: f64 = 50.0;

/// Size of the activity timeline, in CSS pixels; the page maps a drag on it back to times with
/// [`ddb_lens_core::charts::activity::time_at`] at this width.
pub const ACTIVITY_WIDTH_PX: u32 = 900;
pub const ACTIVITY_HEIGHT_PX: u32 = 240;
/// Most rows one `rows` answer carries: a screenful and its margins, many times over.
const MAX_ROWS_PER_ANSWER: u64 = 2_000;

/// Starts the worker: listens for commands and tells the page it is ready.
///
/// Call once, from the worker binary's `main`.
pub fn start() {
    std::panic::set_hook(Box::new(report_panic));
    if crate::parse_pool::is_parser() {
        crate::parse_pool::start_parser();
        return;
    }
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let worker = match IngestWorker::new(scope.clone()) {
        Ok(worker) => Rc::new(worker),
        Err(err) => {
            web_sys::console::error_2(&"ddb-lens worker could not start:".into(), &err);
            return;
        }
    };
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new({
        let worker = worker.clone();
        move |event: MessageEvent| IngestWorker::on_message(&worker, &event.data())
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // The handler lives as long as the worker.
    on_message.forget();
    post(&scope, &Event::Ready);
    crate::parse_pool::warm_up();
    spawn_local(async move {
        // After the page's first commands, if any: a load asked for at once (`?sample`) goes first.
        sleep_ms(&scope, 100).await;
        if worker.queue.borrow().is_empty() && !worker.running.get() {
            let started_ms = now_ms();
            let report_json = warm_up_analyses();
            post(
                &scope,
                &Event::WarmedUp {
                    elapsed_ms: now_ms() - started_ms,
                    report_json,
                },
            );
        }
    });
}

/// Resolves after `ms` milliseconds.
async fn sleep_ms(scope: &WorkerGlobalScope, ms: i32) {
    let promise = Promise::new(&mut |resolve, _reject| {
        let _ = scope.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
    });
    let _ = JsFuture::from(promise).await;
}

/// The analyses' counterpart of [`crate::parse_pool::warm_up`]: a small generated estate
/// ([`ddb_lens_gen::warm_up_config`]) is loaded, indexed, queried and reported twice, then
/// dropped; its report's JSON is returned for the page to read once. V8 runs a wasm function's
/// first calls in its baseline compiler and a call already running stays there, so the first
/// report of a session ran mostly on baseline code: on 1M events its build took 1.2–1.6 s,
/// about 0.5 s more than the same build run again. This moves that cost to the moment the page
/// opens, while the user picks files, and takes a few hundred milliseconds of this worker's time.
fn warm_up_analyses() -> String {
    use ddb_lens_gen::{Generator, Scratch};
    let generator = Generator::new(&ddb_lens_gen::warm_up_config());
    let mut scratch = Scratch::default();
    let mut loader = Loader::new(Limits::default());
    for index in 0..generator.file_count() {
        let file = generator.render_into(index, &mut scratch);
        loader.ingest(&file.path, &file.bytes);
    }
    let model = loader.model();
    let index = ActivityIndex::build(model);
    let everything = Filter::default();
    let mut report_json = String::new();
    for _ in 0..2 {
        let (summary, list) = query_with_matching(model, &index, &everything);
        let _ = activity_svg(&summary, ACTIVITY_WIDTH_PX, ACTIVITY_HEIGHT_PX);
        let _ = rows_at(model, &index, &list, 0, 100);
        let _ = (table_summaries(model), principal_summaries(model));
        let overview = overview(&loader);
        let _ = timeline_svg(&overview, TIMELINE_WIDTH_PX, TIMELINE_HEIGHT_PX);
        report_json =
            report::build_compact_json(model, loader.reports(), &ReportSettings::default());
    }
    report_json
}

thread_local! {
    /// The file the core is reading, named in the report of a panic.
    static CURRENT_FILE: RefCell<String> = const { RefCell::new(String::new()) };
}

/// A panic is a bug, and with `panic = "abort"` it ends the worker: log it, and tell the page
/// which file it was reading, so the user can report it and load the rest without that file.
fn report_panic(info: &std::panic::PanicHookInfo) {
    console_error_panic_hook::hook(info);
    let file = CURRENT_FILE.with_borrow(Clone::clone);
    let message = if file.is_empty() {
        format!("internal error: {info}")
    } else {
        format!("internal error while reading {file}: {info}")
    };
    post(&js_sys::global().unchecked_into(), &Event::Failed(message));
}

struct IngestWorker {
    scope: DedicatedWorkerGlobalScope,
    loader: RefCell<Loader>,
    queue: RefCell<VecDeque<(Task, f64)>>,
    /// The load whose later chunks are still to come.
    receiving: RefCell<Option<Rc<Job>>>,
    running: Cell<bool>,
    cancel_requested: Cell<bool>,
    yielder: Yielder,
    /// Woken by a new chunk of files, a cancel, or a parser's answer.
    wake: Rc<Waker>,
    pool: ParsePool,
    /// Where each file of `Model::files` can be read again, at the same index.
    sources: RefCell<Vec<FileSource>>,
    /// The events in time order, as of the last finished load.
    activity: RefCell<Option<ActivityState>>,
    /// The latest query not answered yet; older ones waiting are dropped.
    pending_query: RefCell<Option<(u64, Filter)>>,
    pending_summaries: RefCell<Option<u64>>,
    /// A task to answer the pending query and summaries is on its way.
    query_scheduled: Cell<bool>,
    /// Queries wait one task so a burst of them is answered once. Not `yielder`: a load may be
    /// waiting on that one.
    query_yielder: Yielder,
    /// The settings reports are built with (the page sends them at start and on each edit).
    settings: RefCell<ReportSettings>,
    /// Where each file of `Loader::reports` can be read again, failed files included: the
    /// evidence manifest hashes every input.
    report_sources: RefCell<Vec<Option<FileSource>>>,
    /// Bumped by every load and clear, so background hashing of an older load stops.
    generation: Cell<u64>,
    /// Background hashing yields here between files.
    hash_yielder: Yielder,
}

/// The activity index and what the last query found, for paging through it.
struct ActivityState {
    index: ActivityIndex,
    /// The last filter's matching list (positions in the index).
    last: Option<(Filter, Vec<u32>)>,
    /// Computed on first request after a load.
    summaries: Option<(Vec<TableSummary>, Vec<PrincipalSummary>)>,
    /// The latest answers (summary and chart), newest first, at most [`ANSWERS_KEPT`]: going
    /// back to a filter (clearing it, or "all" after "errors only") is answered at once instead
    /// of walking a million events again.
    answers: VecDeque<(Filter, ActivitySummary, String)>,
}

/// Query answers kept per load: each is a few dozen KB.
const ANSWERS_KEPT: usize = 8;

impl ActivityState {
    /// Makes `last` hold `filter`'s matching list, computing it if it is another filter's.
    fn ensure_matching(&mut self, loader: &Loader, filter: &Filter) {
        if self.last.as_ref().map(|(last, _)| last) != Some(filter) {
            let list = matching(loader.model(), &self.index, filter);
            self.last = Some((filter.clone(), list));
        }
    }
}

/// A loaded file, to read one of its records again.
#[derive(Clone)]
enum FileSource {
    Blob(web_sys::File),
    Bytes(Rc<Vec<u8>>),
}

/// What the worker runs, one at a time, in the order asked.
enum Task {
    Load(Rc<Job>),
    Sample,
    Clear,
}

/// The files of one load: those not read yet, and whether the page will send more.
struct Job {
    sources: RefCell<VecDeque<Source>>,
    more_expected: Cell<bool>,
    files_total: u64,
    bytes_total: Cell<u64>,
    /// Wakes the load when a chunk arrives (shared with the parsers' answers).
    wake: Rc<Waker>,
}

impl Job {
    fn new(files_total: u64, wake: Rc<Waker>) -> Job {
        Job {
            sources: RefCell::default(),
            more_expected: Cell::new(false),
            files_total,
            bytes_total: Cell::new(0),
            wake,
        }
    }

    fn add(&self, files: Vec<web_sys::File>, names: Vec<String>, more: bool) {
        let mut sources = self.sources.borrow_mut();
        for (file, name) in files.into_iter().zip(names) {
            let source = Source::Blob { name, file };
            self.bytes_total
                .set(self.bytes_total.get() + source.size_bytes());
            sources.push_back(source);
        }
        self.more_expected.set(more);
        self.wake.wake();
    }

    /// The next file to load, if it is a `File` a parser can take.
    fn next_blob(&self) -> Option<(String, web_sys::File)> {
        let mut sources = self.sources.borrow_mut();
        if !matches!(sources.front(), Some(Source::Blob { .. })) {
            return None;
        }
        match sources.pop_front() {
            Some(Source::Blob { name, file }) => Some((name, file)),
            _ => None,
        }
    }

    fn next_source(&self) -> Option<Source> {
        self.sources.borrow_mut().pop_front()
    }
}

impl IngestWorker {
    fn new(scope: DedicatedWorkerGlobalScope) -> Result<Self, JsValue> {
        let wake: Rc<Waker> = Rc::default();
        Ok(IngestWorker {
            scope,
            loader: RefCell::new(Loader::new(Limits::default())),
            queue: RefCell::new(VecDeque::new()),
            receiving: RefCell::new(None),
            running: Cell::new(false),
            cancel_requested: Cell::new(false),
            yielder: Yielder::new()?,
            sources: RefCell::default(),
            activity: RefCell::default(),
            pending_query: RefCell::default(),
            pending_summaries: RefCell::default(),
            query_scheduled: Cell::new(false),
            query_yielder: Yielder::new()?,
            settings: RefCell::default(),
            report_sources: RefCell::default(),
            generation: Cell::new(0),
            hash_yielder: Yielder::new()?,
            pool: ParsePool::start({
                let wake = wake.clone();
                Rc::new(move || wake.wake())
            }),
            wake,
        })
    }

    fn on_message(this: &Rc<Self>, data: &JsValue) {
        let command = match Command::from_js(data) {
            Ok(command) => command,
            Err(err) => {
                web_sys::console::error_1(&format!("ddb-lens worker: {err}").into());
                return;
            }
        };
        let task = match command {
            Command::Cancel => {
                this.cancel_requested.set(true);
                this.wake.wake();
                // A load waiting for its next chunk stops now.
                if let Some(job) = this.receiving.borrow_mut().take() {
                    job.more_expected.set(false);
                    job.wake.wake();
                }
                return;
            }
            Command::LoadMore { files, names, more } => {
                let mut receiving = this.receiving.borrow_mut();
                // Chunks after a cancel find no load to join: they are dropped.
                if let Some(job) = receiving.as_ref() {
                    job.add(files, names, more);
                    if !more {
                        *receiving = None;
                    }
                }
                return;
            }
            Command::Load {
                files,
                names,
                files_total,
                more,
            } => {
                let job = Rc::new(Job::new(files_total, this.wake.clone()));
                job.add(files, names, more);
                *this.receiving.borrow_mut() = more.then(|| job.clone());
                Task::Load(job)
            }
            Command::Sample => Task::Sample,
            Command::Clear => Task::Clear,
            Command::Query { id, filter } => {
                *this.pending_query.borrow_mut() = Some((id, filter));
                if !this.query_scheduled.replace(true) {
                    spawn_local(Self::answer_query(this.clone()));
                }
                return;
            }
            Command::Rows {
                id,
                filter,
                offset,
                limit,
            } => {
                this.answer_rows(id, &filter, offset, limit);
                return;
            }
            Command::Record {
                id,
                file,
                record_index,
            } => {
                spawn_local(Self::answer_record(this.clone(), id, file, record_index));
                return;
            }
            Command::Evidence {
                id,
                file_name,
                record_index,
            } => {
                let file = this
                    .loader
                    .borrow()
                    .model()
                    .files
                    .iter()
                    .position(|name| *name == file_name);
                match file {
                    Some(file) => spawn_local(Self::answer_record(
                        this.clone(),
                        id,
                        file as u32,
                        record_index,
                    )),
                    None => post(
                        &this.scope,
                        &Event::Record {
                            id,
                            result: Err(format!(
                                "{file_name} is not loaded in this tab: load the exports to see the event"
                            )),
                        },
                    ),
                }
                return;
            }
            Command::Settings(settings) => {
                *this.settings.borrow_mut() = *settings;
                // A load in progress builds its report when it ends.
                if !this.running.get() && !this.loader.borrow().reports().is_empty() {
                    this.post_report();
                }
                return;
            }
            Command::Summaries { id } => {
                // After any query waiting: the view's count and list matter first.
                *this.pending_summaries.borrow_mut() = Some(id);
                if !this.query_scheduled.replace(true) {
                    spawn_local(Self::answer_query(this.clone()));
                }
                return;
            }
        };
        if matches!(task, Task::Load(_) | Task::Sample) {
            // A cancel applies to loads already asked for, not to this new one.
            this.cancel_requested.set(false);
        }
        this.queue.borrow_mut().push_back((task, now_ms()));
        if !this.running.get() {
            this.running.set(true);
            spawn_local(Self::drain(this.clone()));
        }
    }

    async fn drain(this: Rc<Self>) {
        loop {
            let next = this.queue.borrow_mut().pop_front();
            let Some((task, received_ms)) = next else {
                break;
            };
            match task {
                Task::Load(job) => {
                    this.generation.set(this.generation.get() + 1);
                    this.load(&job, received_ms).await;
                    Self::after_load(&this);
                }
                Task::Sample => {
                    let files = ddb_lens_gen::sample_files();
                    let job = Job::new(files.len() as u64, this.wake.clone());
                    for (name, bytes) in files {
                        job.bytes_total
                            .set(job.bytes_total.get() + bytes.len() as u64);
                        job.sources.borrow_mut().push_back(Source::Bytes {
                            name,
                            bytes: Rc::new(bytes),
                        });
                    }
                    this.generation.set(this.generation.get() + 1);
                    this.load(&job, received_ms).await;
                    Self::after_load(&this);
                }
                Task::Clear => {
                    this.generation.set(this.generation.get() + 1);
                    this.loader.borrow_mut().clear();
                    this.sources.borrow_mut().clear();
                    this.report_sources.borrow_mut().clear();
                    *this.activity.borrow_mut() = None;
                    this.post_done(false, 0, received_ms);
                }
            }
        }
        this.running.set(false);
    }

    /// Loads the job's files: parsers take `File`s while they have room, this worker parses
    /// the rest itself, and every parsed file is committed in file order.
    async fn load(&self, job: &Job, started_ms: f64) {
        let mut progress = Progress {
            files_total: job.files_total,
            bytes_total: job.bytes_total.get(),
            ..Progress::default()
        };
        self.post_progress(progress);
        let mut last_progress_ms = now_ms();

        let mut next_index = 0u64;
        let mut next_commit = 0u64;
        let mut parsed_waiting: BTreeMap<u64, ParsedFile> = BTreeMap::new();
        // Files this worker parses, by index: orphans of a failed parser first.
        let mut local: VecDeque<(u64, Source)> = VecDeque::new();
        let mut reading: Option<(u64, Reading)> = None;
        // Each file's source by index, until it is committed.
        let mut handles: BTreeMap<u64, FileSource> = BTreeMap::new();
        // Reports not yet posted: sent with each progress message, not one message per file.
        let mut reports: Vec<FileReport> = Vec::new();
        loop {
            let returns = self.pool.take_returns();
            parsed_waiting.extend(returns.parsed);
            for orphan in returns.orphaned {
                let source = Source::Blob {
                    name: orphan.name,
                    file: orphan.file,
                };
                local.push_back((orphan.index, source));
            }
            local.make_contiguous().sort_by_key(|(index, _)| *index);

            while let Some(parsed) = parsed_waiting.remove(&next_commit) {
                let handle = handles.remove(&next_commit);
                next_commit += 1;
                let size_bytes = parsed.report.size_bytes;
                let files_before = self.loader.borrow().model().files.len();
                let report = self.loader.borrow_mut().commit(parsed);
                self.report_sources.borrow_mut().push(handle.clone());
                // A file that added to `Model::files` keeps its source at the same index.
                if self.loader.borrow().model().files.len() > files_before {
                    if let Some(handle) = handle {
                        self.sources.borrow_mut().push(handle);
                    }
                }
                reports.push(report);
                progress.files_done += 1;
                progress.bytes_done += size_bytes;
                progress.bytes_total = job.bytes_total.get();
                if now_ms() - last_progress_ms >= PROGRESS_INTERVAL_MS {
                    self.post_files(&mut reports);
                    self.post_progress(progress);
                    last_progress_ms = now_ms();
                }
            }

            let cancelled = self.cancel_requested.get();
            if !cancelled {
                while self.pool.has_room() {
                    let Some((name, file)) = job.next_blob() else {
                        break;
                    };
                    handles.insert(next_index, FileSource::Blob(file.clone()));
                    let assigned = Assigned {
                        index: next_index,
                        name,
                        file,
                    };
                    next_index += 1;
                    if let Err(back) = self.pool.assign(assigned) {
                        let source = Source::Blob {
                            name: back.name,
                            file: back.file,
                        };
                        local.push_back((back.index, source));
                        break;
                    }
                }
            }

            // Parse one file here: an orphan, or (unless cancelled) the next of the job. Its
            // read was started before the previous parse, so the browser reads while we parse.
            if reading.is_none() {
                reading = next_local(&mut local, job, cancelled, &mut next_index, &mut handles);
            }
            if let Some((index, current)) = reading.take() {
                let (name, size_bytes, bytes) = current.finish().await;
                reading = next_local(
                    &mut local,
                    job,
                    self.cancel_requested.get(),
                    &mut next_index,
                    &mut handles,
                );
                let parsed = match bytes {
                    Ok(bytes) => {
                        CURRENT_FILE.with_borrow_mut(|current| current.clone_from(&name));
                        let parsed = parse_file(&name, &bytes, &self.loader.borrow().limits());
                        CURRENT_FILE.with_borrow_mut(String::clear);
                        parsed
                    }
                    Err(message) => ParsedFile::unreadable(&name, size_bytes, &message),
                };
                parsed_waiting.insert(index, parsed);
                // A real task boundary: parsers' answers, new chunks and a cancel get in.
                self.yielder.yield_now().await;
                continue;
            }
            if self.pool.in_flight() > 0 || next_commit < next_index {
                // Waiting for a parser. (Committed files all came back; a gap means one is
                // still out.)
                self.wake.wait().await;
                continue;
            }
            if job.more_expected.get() && !cancelled {
                job.wake.wait().await;
                continue;
            }
            break;
        }
        self.post_files(&mut reports);
        self.post_progress(progress);
        let files_not_loaded = job.files_total.saturating_sub(progress.files_done);
        self.cancel_requested.set(false);
        self.post_done(files_not_loaded > 0, files_not_loaded, started_ms);
    }

    fn post_files(&self, reports: &mut Vec<FileReport>) {
        if !reports.is_empty() {
            post(&self.scope, &Event::Files(std::mem::take(reports)));
        }
    }

    fn post_progress(&self, progress: Progress) {
        let totals = self.loader.borrow().totals();
        post(&self.scope, &Event::Progress { progress, totals });
    }

    /// Answers the latest waiting query, one task after the first of a burst arrived, then a
    /// waiting request for the summaries.
    async fn answer_query(this: Rc<Self>) {
        this.query_yielder.yield_now().await;
        this.query_scheduled.set(false);
        let query = this.pending_query.borrow_mut().take();
        if let Some((id, filter)) = query {
            this.answer_one_query(id, filter);
        }
        let summaries = this.pending_summaries.borrow_mut().take();
        if let Some(id) = summaries {
            this.answer_summaries(id);
        }
    }

    fn answer_one_query(&self, id: u64, filter: Filter) {
        let started_ms = now_ms();
        let loader = self.loader.borrow();
        let mut activity = self.activity.borrow_mut();
        let (summary, timeline_svg) = match activity.as_mut() {
            Some(state) => {
                // A kept answer moves to the front; a new one is computed and put there.
                match state
                    .answers
                    .iter()
                    .position(|(kept, _, _)| *kept == filter)
                {
                    Some(at) => {
                        let kept = state.answers.remove(at).expect("position is in range");
                        state.answers.push_front(kept);
                    }
                    None => {
                        let (summary, list) =
                            query_with_matching(loader.model(), &state.index, &filter);
                        let svg = activity_svg(&summary, ACTIVITY_WIDTH_PX, ACTIVITY_HEIGHT_PX);
                        state.answers.truncate(ANSWERS_KEPT - 1);
                        state.answers.push_front((filter.clone(), summary, svg));
                        state.last = Some((filter, list));
                    }
                }
                let (_, summary, svg) = &state.answers[0];
                (summary.clone(), svg.clone())
            }
            None => {
                let summary = ActivitySummary::default();
                let svg = activity_svg(&summary, ACTIVITY_WIDTH_PX, ACTIVITY_HEIGHT_PX);
                (summary, svg)
            }
        };
        let answer = Activity {
            id,
            elapsed_ms: now_ms() - started_ms,
            summary,
            timeline_svg,
        };
        post(&self.scope, &Event::Activity(Box::new(answer)));
    }

    fn answer_rows(&self, id: u64, filter: &Filter, offset: u64, limit: u64) {
        let loader = self.loader.borrow();
        let mut activity = self.activity.borrow_mut();
        let (total, rows) = match activity.as_mut() {
            Some(state) => {
                state.ensure_matching(&loader, filter);
                let list = state.last.as_ref().map_or(&[][..], |(_, list)| list);
                let rows = rows_at(
                    loader.model(),
                    &state.index,
                    list,
                    offset,
                    limit.min(MAX_ROWS_PER_ANSWER) as usize,
                );
                (list.len() as u64, rows)
            }
            None => (0, Vec::new()),
        };
        post(
            &self.scope,
            &Event::Rows {
                id,
                offset,
                total,
                rows,
            },
        );
    }

    /// Reads one record again from its file: a `File` is read anew (the user may have changed
    /// it since, which the error then says), the sample's bytes are still here.
    async fn answer_record(this: Rc<Self>, id: u64, file: u32, record_index: u32) {
        let name = this
            .loader
            .borrow()
            .model()
            .files
            .get(file as usize)
            .cloned();
        let source = this.sources.borrow().get(file as usize).cloned();
        let result = match (name, source) {
            (Some(name), Some(FileSource::Bytes(bytes))) => {
                record_json(&name, &bytes, record_index).map_err(|err| err.to_string())
            }
            (Some(name), Some(FileSource::Blob(blob))) => {
                match JsFuture::from(blob.array_buffer()).await {
                    Ok(buffer) => {
                        let bytes = Uint8Array::new(&buffer).to_vec();
                        record_json(&name, &bytes, record_index).map_err(|err| err.to_string())
                    }
                    Err(err) => Err(format!(
                        "{name}: could not read the file again: {}",
                        js_error_text(&err)
                    )),
                }
            }
            _ => Err(format!("no loaded file number {file}")),
        };
        post(&this.scope, &Event::Record { id, result });
    }

    fn answer_summaries(&self, id: u64) {
        let loader = self.loader.borrow();
        let mut activity = self.activity.borrow_mut();
        let (tables, principals) = match activity.as_mut() {
            Some(state) => state
                .summaries
                .get_or_insert_with(|| {
                    (
                        table_summaries(loader.model()),
                        principal_summaries(loader.model()),
                    )
                })
                .clone(),
            None => (Vec::new(), Vec::new()),
        };
        post(
            &self.scope,
            &Event::Summaries(Box::new(Summaries {
                id,
                tables,
                principals,
            })),
        );
    }

    /// After a load: the report at once (its manifest says which hashes are still being
    /// computed), then every file's SHA-256 in the background and the report again.
    fn after_load(this: &Rc<Self>) {
        this.post_report();
        spawn_local(Self::hash_files(this.clone(), this.generation.get()));
    }

    /// Builds the report of everything loaded with the current settings and sends it.
    fn post_report(&self) {
        let started_ms = now_ms();
        let loader = self.loader.borrow();
        let json =
            report::build_compact_json(loader.model(), loader.reports(), &self.settings.borrow());
        let hashes_done = loader
            .reports()
            .iter()
            .filter(|r| r.sha256.is_some())
            .count() as u64;
        post(
            &self.scope,
            &Event::Report(Box::new(ReportMessage {
                json,
                build_ms: now_ms() - started_ms,
                hashes_done,
                hashes_total: loader.reports().len() as u64,
            })),
        );
    }

    /// Reads every input file again and records its SHA-256 for the evidence manifest. Runs
    /// after the load so it never slows it; yields between files so queries are answered; stops
    /// when a newer load or a clear begins.
    async fn hash_files(this: Rc<Self>, generation: u64) {
        let total = this.report_sources.borrow().len();
        let mut hashed_any = false;
        for index in 0..total {
            if this.generation.get() != generation {
                return;
            }
            let done = this
                .loader
                .borrow()
                .reports()
                .get(index)
                .is_none_or(|r| r.sha256.is_some());
            if done {
                continue;
            }
            let source = this.report_sources.borrow().get(index).cloned().flatten();
            let hex = match source {
                Some(FileSource::Bytes(bytes)) => Some(report::sha256_hex(&bytes)),
                Some(FileSource::Blob(file)) => match JsFuture::from(file.array_buffer()).await {
                    Ok(buffer) => Some(report::sha256_hex(&Uint8Array::new(&buffer).to_vec())),
                    // Moved or deleted since it was loaded: the manifest says "not computed".
                    Err(_) => None,
                },
                None => None,
            };
            if this.generation.get() != generation {
                return;
            }
            if let Some(hex) = hex {
                this.loader.borrow_mut().set_sha256(index, hex);
                hashed_any = true;
            }
            this.hash_yielder.yield_now().await;
        }
        if hashed_any && this.generation.get() == generation {
            this.post_report();
        }
    }

    fn post_done(&self, cancelled: bool, files_not_loaded: u64, started_ms: f64) {
        let loader = self.loader.borrow();
        // Sorted once per load; every query after walks this.
        let index_started_ms = now_ms();
        *self.activity.borrow_mut() =
            (!loader.model().events_unsorted.is_empty()).then(|| ActivityState {
                index: ActivityIndex::build(loader.model()),
                last: None,
                summaries: None,
                answers: VecDeque::new(),
            });
        let index_ms = now_ms() - index_started_ms;
        let overview = overview(&loader);
        let timeline_svg = if overview.events > 0 {
            timeline_svg(&overview, TIMELINE_WIDTH_PX, TIMELINE_HEIGHT_PX)
        } else {
            String::new()
        };
        let done = Done {
            cancelled,
            files_not_loaded,
            elapsed_ms: now_ms() - started_ms,
            index_ms,
            totals: loader.totals(),
            overview,
            timeline_svg,
        };
        post(&self.scope, &Event::Done(Box::new(done)));
    }
}

/// Starts reading the next file this worker parses itself: an orphan of a failed parser, else
/// (unless the load was cancelled) the job's next file, numbered in file order, its source kept
/// in `handles`.
fn next_local(
    local: &mut VecDeque<(u64, Source)>,
    job: &Job,
    cancelled: bool,
    next_index: &mut u64,
    handles: &mut BTreeMap<u64, FileSource>,
) -> Option<(u64, Reading)> {
    if let Some((index, source)) = local.pop_front() {
        return Some((index, source.start_read()));
    }
    if cancelled {
        return None;
    }
    let source = job.next_source()?;
    handles.insert(*next_index, source.handle());
    *next_index += 1;
    Some((*next_index - 1, source.start_read()))
}

/// A file to load: a `File` the user gave, or bytes the worker made (the sample).
enum Source {
    Blob { name: String, file: web_sys::File },
    Bytes { name: String, bytes: Rc<Vec<u8>> },
}

/// A file whose read has started.
enum Reading {
    Blob {
        name: String,
        size_bytes: u64,
        bytes: JsFuture,
    },
    Bytes {
        name: String,
        bytes: Rc<Vec<u8>>,
    },
}

impl Source {
    /// Where the file can be read again.
    fn handle(&self) -> FileSource {
        match self {
            Source::Blob { file, .. } => FileSource::Blob(file.clone()),
            Source::Bytes { bytes, .. } => FileSource::Bytes(bytes.clone()),
        }
    }

    fn size_bytes(&self) -> u64 {
        match self {
            Source::Blob { file, .. } => file.size() as u64,
            Source::Bytes { bytes, .. } => bytes.len() as u64,
        }
    }

    fn start_read(self) -> Reading {
        match self {
            Source::Blob { name, file } => Reading::Blob {
                name,
                size_bytes: file.size() as u64,
                bytes: JsFuture::from(file.array_buffer()),
            },
            Source::Bytes { name, bytes } => Reading::Bytes { name, bytes },
        }
    }
}

impl Reading {
    /// The file's name, size and bytes, or why they could not be read.
    async fn finish(self) -> (String, u64, Result<Rc<Vec<u8>>, String>) {
        match self {
            Reading::Blob {
                name,
                size_bytes,
                bytes,
            } => {
                let bytes = match bytes.await {
                    Ok(buffer) => Ok(Rc::new(Uint8Array::new(&buffer).to_vec())),
                    Err(err) => Err(js_error_text(&err)),
                };
                (name, size_bytes, bytes)
            }
            Reading::Bytes { name, bytes } => {
                let size_bytes = bytes.len() as u64;
                (name, size_bytes, Ok(bytes))
            }
        }
    }
}

fn js_error_text(err: &JsValue) -> String {
    err.dyn_ref::<js_sys::Error>()
        .map(|err| String::from(err.message()))
        .or_else(|| err.as_string())
        .unwrap_or_else(|| "unknown error".to_string())
}

fn post(scope: &DedicatedWorkerGlobalScope, event: &Event) {
    if let Err(err) = scope.post_message(&event.to_js()) {
        web_sys::console::error_2(&"ddb-lens worker could not post:".into(), &err);
    }
}

fn now_ms() -> f64 {
    js_sys::global()
        .unchecked_into::<WorkerGlobalScope>()
        .performance()
        .map(|performance| performance.now())
        .unwrap_or_else(js_sys::Date::now)
}

/// Lets a load wait for the page's next chunk: `wait` resolves at the next `wake` (or at once
/// if a `wake` came since the last `wait`).
#[derive(Default)]
struct Waker {
    resolve: RefCell<Option<Function>>,
    woken: Cell<bool>,
}

impl Waker {
    fn wake(&self) {
        match self.resolve.borrow_mut().take() {
            Some(resolve) => {
                let _ = resolve.call0(&JsValue::UNDEFINED);
            }
            None => self.woken.set(true),
        }
    }

    async fn wait(&self) {
        if self.woken.replace(false) {
            return;
        }
        let promise = Promise::new(&mut |resolve, _reject| {
            *self.resolve.borrow_mut() = Some(resolve);
        });
        let _ = JsFuture::from(promise).await;
    }
}

/// Yields to the worker's event loop: resolves after one `MessageChannel` round trip, which
/// queues a task (so pending `message` events run first) without timer clamping.
struct Yielder {
    channel: MessageChannel,
    pending: Rc<RefCell<Option<Function>>>,
    _on_message: Closure<dyn FnMut()>,
}

impl Yielder {
    fn new() -> Result<Self, JsValue> {
        let channel = MessageChannel::new()?;
        let pending: Rc<RefCell<Option<Function>>> = Rc::default();
        let resolve_pending = pending.clone();
        let on_message = Closure::<dyn FnMut()>::new(move || {
            if let Some(resolve) = resolve_pending.borrow_mut().take() {
                let _ = resolve.call0(&JsValue::UNDEFINED);
            }
        });
        channel
            .port1()
            .set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        Ok(Yielder {
            channel,
            pending,
            _on_message: on_message,
        })
    }

    async fn yield_now(&self) {
        let promise = Promise::new(&mut |resolve, _reject| {
            *self.pending.borrow_mut() = Some(resolve);
        });
        if self.channel.port2().post_message(&JsValue::NULL).is_err() {
            return;
        }
        let _ = JsFuture::from(promise).await;
    }
}
