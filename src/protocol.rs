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
//! worker → page  {type:"ready"}
//!                {type:"files", reports:"[<FileReport JSON>, …]"}   (a batch, at most every 50 ms)
//!                {type:"progress", files_done, files_total, bytes_done, bytes_total, totals:"<Totals JSON>"}
//!                {type:"done", cancelled, files_not_loaded, elapsed_ms, totals:"<JSON>", overview:"<JSON>", timeline_svg}
//!                {type:"failed", message}   (the worker panicked and is about to stop)
//! ```
//!
//! A long list of files comes in chunks (`load`, then `load_more` until `more` is false): the
//! page pays for cloning each `File` into the message (Chromium stats the file then), and chunks
//! spread that over several tasks so the page keeps answering. `files_total` announces the whole
//! list, so progress is right from the first chunk.

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
    /// Over everything loaded so far, not only this load.
    pub totals: Totals,
    pub overview: Overview,
    /// The timeline chart; empty when no events are loaded.
    pub timeline_svg: String,
}

/// What the worker tells the page.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// The worker's wasm has started and listens for commands.
    Ready,
    /// Files loaded (or failed to load) since the last batch, in load order. Batched: one
    /// message per file cost the page more than the parse on folders of small files.
    Files(Vec<FileReport>),
    /// Progress of the current load, with the totals so far.
    Progress { progress: Progress, totals: Totals },
    /// The load (or clear) finished.
    Done(Box<Done>),
    /// The worker hit a bug and stops; everything it had loaded is lost.
    Failed(String),
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
            other => Err(ProtocolError::UnknownType(other.to_string())),
        }
    }
}

impl Event {
    pub fn to_js(&self) -> JsValue {
        match self {
            Event::Ready => message("ready").into(),
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
                totals: from_json(value, "totals")?,
                overview: from_json(value, "overview")?,
                timeline_svg: string(value, "timeline_svg")?,
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
