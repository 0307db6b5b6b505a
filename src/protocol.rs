//! The messages between the page and the ingest worker.
//!
//! Messages are plain JS objects with a `type` field, so they survive `postMessage`'s structured
//! clone and can be read in the browser's devtools. `File`s travel as `File`s (a structured clone
//! of a `File` is a handle, not a copy of its bytes); the core's report types travel as JSON
//! strings, which keeps one serde definition for both sides.
//!
//! ```text
//! page → worker  {type:"load", files:[File…], names:[path…], files_total?, more?}
//!                {type:"load_more", files:[File…], names:[path…], more}
//!                {type:"sample"} | {type:"cancel"} | {type:"clear"}
//!                {type:"query", id, filter:"<Filter JSON>"}
//!                {type:"rows", id, filter:"<Filter JSON>", offset, limit}
//!                {type:"record", id, file, record_index}
//!                {type:"summaries", id}
//!                {type:"settings", settings:"<ReportSettings JSON>"}
//!                {type:"evidence", id, file_name, record_index}   (answered by a `record`)
//! worker → page  {type:"ready"}
//!                {type:"warmed_up", elapsed_ms, report:"<Report JSON>"}   (once, if idle at start)
//!                {type:"files", reports:"[<FileReport JSON>, …]"}   (a batch, at most every 50 ms)
//!                {type:"progress", files_done, files_total, bytes_done, bytes_total, totals:"<Totals JSON>"}
//!                {type:"done", cancelled, files_not_loaded, elapsed_ms, index_ms, totals:"<JSON>", overview:"<JSON>", timeline_svg}
//!                {type:"activity", id, elapsed_ms, summary:"<ActivitySummary JSON>", timeline_svg}
//!                {type:"rows", id, offset, total, rows:"[<ActivityRow JSON>, …]"}
//!                {type:"record", id, json} | {type:"record", id, error}
//!                {type:"summaries", id, tables:"[<TableSummary JSON>, …]", principals:"[<PrincipalSummary JSON>, …]"}
//!                {type:"report", report:"<Report JSON>", build_ms, hashes_done, hashes_total}
//!                {type:"failed", message}   (the worker panicked and is about to stop)
//! ```
//!
//! The activity commands (`query`, `rows`, `record`, `summaries`) carry an `id` that their answer
//! repeats: the page keeps the id of its latest request and drops answers to older ones, so a
//! new filter supersedes a query still in flight. The worker answers only the latest of the
//! queries waiting for it. `record` reads one event's JSON again from its file (`file` indexes
//! the files that added events, in load order, as `ActivityRow::file` does).
//!
//! A long list of files comes in chunks (`load`, then `load_more` until `more` is false): the
//! page pays for cloning each `File` into the message (Chromium stats the file then), and chunks
//! spread that over several tasks so the page keeps answering. `files_total` announces the whole
//! list, so progress is right from the first chunk.

use ddb_lens_core::analysis::activity::{
    ActivityRow, ActivitySummary, Filter, PrincipalSummary, TableSummary,
};
use ddb_lens_core::report::ReportSettings;
use ddb_lens_core::{FileReport, Overview, Totals};
use js_sys::{Array, Object, Reflect};
use serde::{de::DeserializeOwned, Serialize};
use wasm_bindgen::{JsCast, JsValue};

/// Why a message could not be read. Both sides are built together, so any of these is a bug.
#[derive(Debug, Clone, thiserror::Error, PartialEq)]
pub enum ProtocolError {
    /// The message is not an object, or its `type` is missing or unknown.
    #[error("unknown message type {0:?}")]
    UnknownType(String),
    /// A field the message type requires is missing or has the wrong JS type.
    #[error("message field `{0}` is missing or malformed")]
    BadField(&'static str),
    /// A JSON payload does not match the report types.
    #[error("message field `{field}` is not valid JSON: {message}")]
    BadJson {
        field: &'static str,
        message: String,
    },
}

/// What the page asks of the worker.
#[derive(Debug, Clone)]
pub enum Command {
    /// Load these files; `names[i]` is the name (a relative path for folders) of `files[i]`.
    /// `files_total` counts this chunk and the `LoadMore` chunks still to come; `more` says
    /// whether any are.
    Load {
        files: Vec<web_sys::File>,
        names: Vec<String>,
        files_total: u64,
        more: bool,
    },
    /// The next chunk of the files of the last `Load`.
    LoadMore {
        files: Vec<web_sys::File>,
        names: Vec<String>,
        more: bool,
    },
    /// Load the built-in sample from `ddb_lens_gen`.
    Sample,
    /// Stop the current load after the file being read; files already loaded stay loaded.
    Cancel,
    /// Forget everything loaded.
    Clear,
    /// The activity summary and timeline of the events `filter` keeps.
    Query { id: u64, filter: Filter },
    /// Rows `offset..offset + limit` of the events `filter` keeps.
    Rows {
        id: u64,
        filter: Filter,
        offset: u64,
        limit: u64,
    },
    /// One event's full JSON, read again from its file.
    Record {
        id: u64,
        file: u32,
        record_index: u32,
    },
    /// The per-table and per-principal summaries of everything loaded.
    Summaries { id: u64 },
    /// One event's full JSON by its file's name, as a report's evidence names it; answered by
    /// a `Record` event with the same id.
    Evidence {
        id: u64,
        file_name: String,
        record_index: u32,
    },
    /// The report's settings (tag policy, rule and check parameters): the report is rebuilt
    /// with them and sent again.
    Settings(Box<ReportSettings>),
}

/// How far the current load is.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Progress {
    pub files_done: u64,
    pub files_total: u64,
    pub bytes_done: u64,
    pub bytes_total: u64,
}

/// The end of a load (or of a clear).
#[derive(Debug, Clone, PartialEq)]
pub struct Done {
    /// The load was cancelled; `files_not_loaded` files were never read.
    pub cancelled: bool,
    pub files_not_loaded: u64,
    /// From the worker receiving the command to this message.
    pub elapsed_ms: f64,
    /// Of `elapsed_ms`, the worker's time sorting the events for the activity view.
    pub index_ms: f64,
    /// Over everything loaded so far, not only this load.
    pub totals: Totals,
    pub overview: Overview,
    /// The timeline chart; empty when no events are loaded.
    pub timeline_svg: String,
}

/// A report, as the JSON the core writes (the page reads it back with `report::from_json`, as
/// it reads a saved report), and how many of the input files are hashed in it so far.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportMessage {
    pub json: String,
    /// The worker's time building the report and writing its JSON.
    pub build_ms: f64,
    pub hashes_done: u64,
    pub hashes_total: u64,
}

/// What the worker tells the page.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// The worker's wasm has started and listens for commands.
    Ready,
    /// The worker ran its analyses once on a small generated estate while idle after starting
    /// (so the first real report runs on optimised code), taking `elapsed_ms`; `report_json` is
    /// that estate's report, which the page reads once for the same reason and drops.
    WarmedUp {
        elapsed_ms: f64,
        report_json: String,
    },
    /// Files loaded (or failed to load) since the last batch, in load order. Batched: one
    /// message per file cost the page more than the parse on folders of small files.
    Files(Vec<FileReport>),
    /// Progress of the current load, with the totals so far.
    Progress { progress: Progress, totals: Totals },
    /// The load (or clear) finished.
    Done(Box<Done>),
    /// The answer to a `Query`.
    Activity(Box<Activity>),
    /// The answer to a `Rows`: `total` is how many events the filter keeps.
    Rows {
        id: u64,
        offset: u64,
        total: u64,
        rows: Vec<ActivityRow>,
    },
    /// The answer to a `Record`: the event's pretty-printed JSON, or why it could not be read.
    Record {
        id: u64,
        result: Result<String, String>,
    },
    /// The answer to a `Summaries`.
    Summaries(Box<Summaries>),
    /// The report of everything loaded, after each load and each settings change, and again
    /// as the files' SHA-256 hashes are computed in the background.
    Report(Box<ReportMessage>),
    /// The worker hit a bug and stops; everything it had loaded is lost.
    Failed(String),
}

/// A query's answer.
#[derive(Debug, Clone, PartialEq)]
pub struct Activity {
    pub id: u64,
    /// The worker's time for the query and the chart.
    pub elapsed_ms: f64,
    pub summary: ActivitySummary,
    /// The stacked timeline; drawn even when nothing matches (it says so).
    pub timeline_svg: String,
}

/// The per-table and per-principal summaries.
#[derive(Debug, Clone, PartialEq)]
pub struct Summaries {
    pub id: u64,
    pub tables: Vec<TableSummary>,
    pub principals: Vec<PrincipalSummary>,
}

impl Command {
    pub fn to_js(&self) -> JsValue {
        match self {
            Command::Load {
                files,
                names,
                files_total,
                more,
            } => {
                let message = files_message("load", files, names, *more);
                set_number(&message, "files_total", *files_total as f64);
                message.into()
            }
            Command::LoadMore { files, names, more } => {
                files_message("load_more", files, names, *more).into()
            }
            Command::Sample => message("sample").into(),
            Command::Cancel => message("cancel").into(),
            Command::Clear => message("clear").into(),
            Command::Query { id, filter } => {
                let message = message("query");
                set_number(&message, "id", *id as f64);
                set(&message, "filter", &json(filter));
                message.into()
            }
            Command::Rows {
                id,
                filter,
                offset,
                limit,
            } => {
                let message = message("rows");
                set_number(&message, "id", *id as f64);
                set(&message, "filter", &json(filter));
                set_number(&message, "offset", *offset as f64);
                set_number(&message, "limit", *limit as f64);
                message.into()
            }
            Command::Record {
                id,
                file,
                record_index,
            } => {
                let message = message("record");
                set_number(&message, "id", *id as f64);
                set_number(&message, "file", f64::from(*file));
                set_number(&message, "record_index", f64::from(*record_index));
                message.into()
            }
            Command::Summaries { id } => {
                let message = message("summaries");
                set_number(&message, "id", *id as f64);
                message.into()
            }
            Command::Evidence {
                id,
                file_name,
                record_index,
            } => {
                let message = message("evidence");
                set_number(&message, "id", *id as f64);
                set(&message, "file_name", &JsValue::from_str(file_name));
                set_number(&message, "record_index", f64::from(*record_index));
                message.into()
            }
            Command::Settings(settings) => {
                let message = message("settings");
                set(&message, "settings", &json(settings));
                message.into()
            }
        }
    }

    pub fn from_js(value: &JsValue) -> Result<Command, ProtocolError> {
        match message_type(value)?.as_str() {
            "load" => {
                let (files, names) = files_and_names(value)?;
                // Both optional: a plain {type, files, names} is one whole list.
                let files_total = match get(value, "files_total").is_undefined() {
                    true => files.len() as u64,
                    false => count(value, "files_total")?,
                };
                let more = get(value, "more").as_bool().unwrap_or(false);
                Ok(Command::Load {
                    files,
                    names,
                    files_total,
                    more,
                })
            }
            "load_more" => {
                let (files, names) = files_and_names(value)?;
                let more = get(value, "more")
                    .as_bool()
                    .ok_or(ProtocolError::BadField("more"))?;
                Ok(Command::LoadMore { files, names, more })
            }
            "sample" => Ok(Command::Sample),
            "cancel" => Ok(Command::Cancel),
            "clear" => Ok(Command::Clear),
            "query" => Ok(Command::Query {
                id: count(value, "id")?,
                filter: from_json(value, "filter")?,
            }),
            "rows" => Ok(Command::Rows {
                id: count(value, "id")?,
                filter: from_json(value, "filter")?,
                offset: count(value, "offset")?,
                limit: count(value, "limit")?,
            }),
            "record" => Ok(Command::Record {
                id: count(value, "id")?,
                file: small(value, "file")?,
                record_index: small(value, "record_index")?,
            }),
            "summaries" => Ok(Command::Summaries {
                id: count(value, "id")?,
            }),
            "evidence" => Ok(Command::Evidence {
                id: count(value, "id")?,
                file_name: string(value, "file_name")?,
                record_index: small(value, "record_index")?,
            }),
            "settings" => Ok(Command::Settings(Box::new(from_json(value, "settings")?))),
            other => Err(ProtocolError::UnknownType(other.to_string())),
        }
    }
}

impl Event {
    pub fn to_js(&self) -> JsValue {
        match self {
            Event::Ready => message("ready").into(),
            Event::WarmedUp {
                elapsed_ms,
                report_json,
            } => {
                let message = message("warmed_up");
                set_number(&message, "elapsed_ms", *elapsed_ms);
                set(&message, "report", &JsValue::from_str(report_json));
                message.into()
            }
            Event::Files(reports) => {
                let message = message("files");
                set(&message, "reports", &json(reports));
                message.into()
            }
            Event::Progress { progress, totals } => {
                let message = message("progress");
                set_number(&message, "files_done", progress.files_done as f64);
                set_number(&message, "files_total", progress.files_total as f64);
                set_number(&message, "bytes_done", progress.bytes_done as f64);
                set_number(&message, "bytes_total", progress.bytes_total as f64);
                set(&message, "totals", &json(totals));
                message.into()
            }
            Event::Activity(activity) => {
                let message = message("activity");
                set_number(&message, "id", activity.id as f64);
                set_number(&message, "elapsed_ms", activity.elapsed_ms);
                set(&message, "summary", &json(&activity.summary));
                set(
                    &message,
                    "timeline_svg",
                    &JsValue::from_str(&activity.timeline_svg),
                );
                message.into()
            }
            Event::Rows {
                id,
                offset,
                total,
                rows,
            } => {
                let message = message("rows");
                set_number(&message, "id", *id as f64);
                set_number(&message, "offset", *offset as f64);
                set_number(&message, "total", *total as f64);
                set(&message, "rows", &json(rows));
                message.into()
            }
            Event::Record { id, result } => {
                let message = message("record");
                set_number(&message, "id", *id as f64);
                match result {
                    Ok(text) => set(&message, "json", &JsValue::from_str(text)),
                    Err(text) => set(&message, "error", &JsValue::from_str(text)),
                }
                message.into()
            }
            Event::Summaries(summaries) => {
                let message = message("summaries");
                set_number(&message, "id", summaries.id as f64);
                set(&message, "tables", &json(&summaries.tables));
                set(&message, "principals", &json(&summaries.principals));
                message.into()
            }
            Event::Report(report) => {
                let message = message("report");
                set(&message, "report", &JsValue::from_str(&report.json));
                set_number(&message, "build_ms", report.build_ms);
                set_number(&message, "hashes_done", report.hashes_done as f64);
                set_number(&message, "hashes_total", report.hashes_total as f64);
                message.into()
            }
            Event::Failed(text) => {
                let message = message("failed");
                set(&message, "message", &JsValue::from_str(text));
                message.into()
            }
            Event::Done(done) => {
                let message = message("done");
                set(&message, "cancelled", &JsValue::from_bool(done.cancelled));
                set_number(&message, "files_not_loaded", done.files_not_loaded as f64);
                set_number(&message, "elapsed_ms", done.elapsed_ms);
                set_number(&message, "index_ms", done.index_ms);
                set(&message, "totals", &json(&done.totals));
                set(&message, "overview", &json(&done.overview));
                set(
                    &message,
                    "timeline_svg",
                    &JsValue::from_str(&done.timeline_svg),
                );
                message.into()
            }
        }
    }

    pub fn from_js(value: &JsValue) -> Result<Event, ProtocolError> {
        match message_type(value)?.as_str() {
            "ready" => Ok(Event::Ready),
            "warmed_up" => Ok(Event::WarmedUp {
                elapsed_ms: number(value, "elapsed_ms")?,
                report_json: string(value, "report")?,
            }),
            "files" => Ok(Event::Files(from_json(value, "reports")?)),
            "progress" => Ok(Event::Progress {
                progress: Progress {
                    files_done: count(value, "files_done")?,
                    files_total: count(value, "files_total")?,
                    bytes_done: count(value, "bytes_done")?,
                    bytes_total: count(value, "bytes_total")?,
                },
                totals: from_json(value, "totals")?,
            }),
            "done" => Ok(Event::Done(Box::new(Done {
                cancelled: get(value, "cancelled")
                    .as_bool()
                    .ok_or(ProtocolError::BadField("cancelled"))?,
                files_not_loaded: count(value, "files_not_loaded")?,
                elapsed_ms: number(value, "elapsed_ms")?,
                index_ms: number(value, "index_ms")?,
                totals: from_json(value, "totals")?,
                overview: from_json(value, "overview")?,
                timeline_svg: string(value, "timeline_svg")?,
            }))),
            "activity" => Ok(Event::Activity(Box::new(Activity {
                id: count(value, "id")?,
                elapsed_ms: number(value, "elapsed_ms")?,
                summary: from_json(value, "summary")?,
                timeline_svg: string(value, "timeline_svg")?,
            }))),
            "rows" => Ok(Event::Rows {
                id: count(value, "id")?,
                offset: count(value, "offset")?,
                total: count(value, "total")?,
                rows: from_json(value, "rows")?,
            }),
            "record" => {
                let id = count(value, "id")?;
                let result = match get(value, "json").as_string() {
                    Some(text) => Ok(text),
                    None => Err(string(value, "error")?),
                };
                Ok(Event::Record { id, result })
            }
            "summaries" => Ok(Event::Summaries(Box::new(Summaries {
                id: count(value, "id")?,
                tables: from_json(value, "tables")?,
                principals: from_json(value, "principals")?,
            }))),
            "report" => Ok(Event::Report(Box::new(ReportMessage {
                json: string(value, "report")?,
                build_ms: number(value, "build_ms")?,
                hashes_done: count(value, "hashes_done")?,
                hashes_total: count(value, "hashes_total")?,
            }))),
            "failed" => Ok(Event::Failed(string(value, "message")?)),
            other => Err(ProtocolError::UnknownType(other.to_string())),
        }
    }
}

fn files_message(kind: &str, files: &[web_sys::File], names: &[String], more: bool) -> Object {
    let message = message(kind);
    let file_array: Array = files.iter().collect();
    let name_array: Array = names.iter().map(|name| JsValue::from_str(name)).collect();
    set(&message, "files", &file_array);
    set(&message, "names", &name_array);
    set(&message, "more", &JsValue::from_bool(more));
    message
}

fn files_and_names(value: &JsValue) -> Result<(Vec<web_sys::File>, Vec<String>), ProtocolError> {
    let files: Array = get(value, "files")
        .dyn_into()
        .map_err(|_| ProtocolError::BadField("files"))?;
    let names: Array = get(value, "names")
        .dyn_into()
        .map_err(|_| ProtocolError::BadField("names"))?;
    if files.length() != names.length() {
        return Err(ProtocolError::BadField("names"));
    }
    let files = files
        .iter()
        .map(|file| file.dyn_into::<web_sys::File>())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|_| ProtocolError::BadField("files"))?;
    let names = names
        .iter()
        .map(|name| name.as_string())
        .collect::<Option<Vec<_>>>()
        .ok_or(ProtocolError::BadField("names"))?;
    Ok((files, names))
}

fn message(kind: &str) -> Object {
    let message = Object::new();
    set(&message, "type", &JsValue::from_str(kind));
    message
}

fn set(target: &Object, key: &str, value: &JsValue) {
    // Reflect.set only fails on frozen objects or proxies; these are fresh plain objects.
    let _ = Reflect::set(target, &JsValue::from_str(key), value);
}

fn set_number(target: &Object, key: &str, value: f64) {
    set(target, key, &JsValue::from_f64(value));
}

fn get(value: &JsValue, key: &str) -> JsValue {
    Reflect::get(value, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

fn message_type(value: &JsValue) -> Result<String, ProtocolError> {
    if !value.is_object() {
        return Err(ProtocolError::UnknownType(format!("{value:?}")));
    }
    get(value, "type")
        .as_string()
        .ok_or_else(|| ProtocolError::UnknownType(String::new()))
}

fn json<T: Serialize>(value: &T) -> JsValue {
    // The report types are plain data (strings, numbers, vectors): serialising cannot fail.
    JsValue::from_str(&serde_json::to_string(value).unwrap_or_default())
}

fn string(value: &JsValue, field: &'static str) -> Result<String, ProtocolError> {
    get(value, field)
        .as_string()
        .ok_or(ProtocolError::BadField(field))
}

fn from_json<T: DeserializeOwned>(
    value: &JsValue,
    field: &'static str,
) -> Result<T, ProtocolError> {
    serde_json::from_str(&string(value, field)?).map_err(|err| ProtocolError::BadJson {
        field,
        message: err.to_string(),
    })
}

fn number(value: &JsValue, field: &'static str) -> Result<f64, ProtocolError> {
    get(value, field)
        .as_f64()
        .filter(|n| n.is_finite())
        .ok_or(ProtocolError::BadField(field))
}

fn count(value: &JsValue, field: &'static str) -> Result<u64, ProtocolError> {
    let n = number(value, field)?;
    if n < 0.0 || n.fract() != 0.0 {
        return Err(ProtocolError::BadField(field));
    }
    Ok(n as u64)
}

fn small(value: &JsValue, field: &'static str) -> Result<u32, ProtocolError> {
    u32::try_from(count(value, field)?).map_err(|_| ProtocolError::BadField(field))
}
