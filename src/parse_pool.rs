//! Parsing on every core: the ingest worker starts helper workers ("parsers") that read and
//! parse files and hand back each [`ParsedFile`] as bytes; the ingest worker commits them, with
//! the files it parses itself, in file order — so the model is the same as a one-worker load,
//! only sooner.
//!
//! A parser is the same worker binary started with `role=parser` in its URL. It answers
//! `{type:"parse", index, name, file}` with `{type:"parsed", index, data}` (`data` an
//! `ArrayBuffer` moved, not copied, by the transfer list). A parser that fails is dropped and
//! the files it held are parsed by the ingest worker instead.

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::rc::Rc;

use ddb_lens_core::ingest::{parse_file, ParsedFile};
use ddb_lens_core::Limits;
use js_sys::{Array, Object, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::{spawn_local, JsFuture};
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent, Worker, WorkerGlobalScope};

use crate::worker_client::WORKER_URL;

/// Files sent to one parser and not yet answered: enough that it never waits for the next one.
const IN_FLIGHT_PER_PARSER: usize = 2;
/// At most this many parsers, whatever the machine: beyond it the ingest worker's commits and
/// the page's thread become the limit.
const MAX_PARSERS: usize = 3;

/// Whether this worker was started as a parser.
pub fn is_parser() -> bool {
    js_sys::global()
        .unchecked_into::<WorkerGlobalScope>()
        .location()
        .search()
        .contains("role=parser")
}

/// Runs this worker as a parser: answers `parse` messages until it is terminated.
pub fn start_parser() {
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let reply_scope = scope.clone();
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        let data = event.data();
        let field = |name: &str| Reflect::get(&data, &name.into()).unwrap_or(JsValue::UNDEFINED);
        if field("type").as_string().as_deref() != Some("parse") {
            return;
        }
        let index = field("index");
        let name = field("name").as_string().unwrap_or_default();
        let Ok(file) = field("file").dyn_into::<web_sys::File>() else {
            return;
        };
        let scope = reply_scope.clone();
        spawn_local(async move {
            let size_bytes = file.size() as u64;
            let parsed = match JsFuture::from(file.array_buffer()).await {
                Ok(buffer) => {
                    let bytes = Uint8Array::new(&buffer).to_vec();
                    parse_file(&name, &bytes, &Limits::default())
                }
                Err(err) => ParsedFile::unreadable(&name, size_bytes, &js_text(&err)),
            };
            let data = Uint8Array::from(&parsed.to_bytes()[..]).buffer();
            let message = Object::new();
            let _ = Reflect::set(&message, &"type".into(), &"parsed".into());
            let _ = Reflect::set(&message, &"index".into(), &index);
            let _ = Reflect::set(&message, &"data".into(), &data);
            let transfer = Array::of1(&data);
            if let Err(err) = scope.post_message_with_transfer(&message, &transfer) {
                web_sys::console::error_2(&"ddb-lens parser could not post:".into(), &err);
            }
        });
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();
    warm_up();
    let ready = Object::new();
    let _ = Reflect::set(&ready, &"type".into(), &"ready".into());
    let _ = scope.post_message(&ready);
}

/// A file handed to a parser, kept so it can be parsed here if the parser fails.
pub struct Assigned {
    pub index: u64,
    pub name: String,
    pub file: web_sys::File,
}

/// What came back from the parsers since the last look.
#[derive(Default)]
pub struct Returns {
    /// Parsed files by index.
    pub parsed: Vec<(u64, ParsedFile)>,
    /// Files whose parser failed: to be parsed by the caller.
    pub orphaned: Vec<Assigned>,
}

struct Parser {
    worker: Worker,
    ready: Cell<bool>,
    alive: Cell<bool>,
    in_flight: RefCell<BTreeMap<u64, Assigned>>,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_error: Closure<dyn FnMut(web_sys::Event)>,
}

/// The parsers of one ingest worker.
pub struct ParsePool {
    parsers: Vec<Rc<Parser>>,
    returns: Rc<RefCell<Returns>>,
}

impl ParsePool {
    /// Starts one parser per core beyond the first (at least one). `wake` is
    /// called whenever a parser answers, becomes ready or fails.
    pub fn start(wake: Rc<dyn Fn()>) -> ParsePool {
        let cores = js_sys::global()
            .unchecked_into::<web_sys::WorkerGlobalScope>()
            .navigator()
            .hardware_concurrency() as usize;
        // One per core beyond this worker's; at least one, so a two-core machine uses both.
        let count = cores.saturating_sub(1).clamp(1, MAX_PARSERS);
        let returns: Rc<RefCell<Returns>> = Rc::default();
        let parsers = (0..count)
            .filter_map(|_| start_parser_worker(returns.clone(), wake.clone()))
            .collect();
        ParsePool { parsers, returns }
    }

    /// Whether a parser can take another file now.
    pub fn has_room(&self) -> bool {
        self.parsers.iter().any(|p| p.has_room())
    }

    /// Files handed out and not yet returned.
    pub fn in_flight(&self) -> usize {
        self.parsers
            .iter()
            .filter(|p| p.alive.get())
            .map(|p| p.in_flight.borrow().len())
            .sum()
    }

    /// Hands `file` to the parser with the fewest files in flight. Gives it back when no parser
    /// has room.
    pub fn assign(&self, assigned: Assigned) -> Result<(), Assigned> {
        let Some(parser) = self
            .parsers
            .iter()
            .filter(|p| p.has_room())
            .min_by_key(|p| p.in_flight.borrow().len())
        else {
            return Err(assigned);
        };
        let message = Object::new();
        let _ = Reflect::set(&message, &"type".into(), &"parse".into());
        let _ = Reflect::set(&message, &"index".into(), &(assigned.index as f64).into());
        let _ = Reflect::set(&message, &"name".into(), &assigned.name.as_str().into());
        let _ = Reflect::set(&message, &"file".into(), &assigned.file);
        if parser.worker.post_message(&message).is_err() {
            parser.alive.set(false);
            return Err(assigned);
        }
        parser
            .in_flight
            .borrow_mut()
            .insert(assigned.index, assigned);
        Ok(())
    }

    /// Everything returned since the last call.
    pub fn take_returns(&self) -> Returns {
        std::mem::take(&mut *self.returns.borrow_mut())
    }
}

impl Parser {
    fn has_room(&self) -> bool {
        self.alive.get() && self.ready.get() && self.in_flight.borrow().len() < IN_FLIGHT_PER_PARSER
    }
}

impl Drop for Parser {
    fn drop(&mut self) {
        self.worker.set_onmessage(None);
        self.worker.set_onerror(None);
        self.worker.terminate();
    }
}

fn start_parser_worker(returns: Rc<RefCell<Returns>>, wake: Rc<dyn Fn()>) -> Option<Rc<Parser>> {
    let worker = match Worker::new(&format!("{WORKER_URL}&role=parser")) {
        Ok(worker) => worker,
        Err(err) => {
            // Not fatal: the ingest worker parses everything itself.
            web_sys::console::warn_2(&"ddb-lens: no parser worker:".into(), &err);
            return None;
        }
    };
    Some(Rc::new_cyclic(|weak: &std::rc::Weak<Parser>| {
        let on_message = {
            let (weak, returns, wake) = (weak.clone(), returns.clone(), wake.clone());
            Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
                let Some(parser) = weak.upgrade() else { return };
                let data = event.data();
                let field =
                    |name: &str| Reflect::get(&data, &name.into()).unwrap_or(JsValue::UNDEFINED);
                match field("type").as_string().as_deref() {
                    Some("ready") => parser.ready.set(true),
                    Some("parsed") => {
                        let index = field("index").as_f64().unwrap_or(-1.0) as u64;
                        let bytes = Uint8Array::new(&field("data")).to_vec();
                        let assigned = parser.in_flight.borrow_mut().remove(&index);
                        match (assigned, ParsedFile::from_bytes(&bytes)) {
                            (Some(_), Ok(parsed)) => {
                                returns.borrow_mut().parsed.push((index, parsed))
                            }
                            (Some(assigned), Err(err)) => {
                                // A build mismatch or a bug: parse it here rather than lose it.
                                web_sys::console::error_1(&format!("ddb-lens: {err}").into());
                                returns.borrow_mut().orphaned.push(assigned);
                            }
                            (None, _) => {}
                        }
                    }
                    _ => return,
                }
                wake();
            })
        };
        let on_error = {
            let (weak, returns, wake) = (weak.clone(), returns.clone(), wake.clone());
            Closure::<dyn FnMut(web_sys::Event)>::new(move |event: web_sys::Event| {
                event.prevent_default();
                let Some(parser) = weak.upgrade() else { return };
                parser.alive.set(false);
                let orphans = std::mem::take(&mut *parser.in_flight.borrow_mut());
                returns.borrow_mut().orphaned.extend(orphans.into_values());
                wake();
            })
        };
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        Parser {
            worker,
            ready: Cell::new(false),
            alive: Cell::new(true),
            in_flight: RefCell::default(),
            _on_message: on_message,
            _on_error: on_error,
        }
    }))
}

fn js_text(err: &JsValue) -> String {
    err.dyn_ref::<js_sys::Error>()
        .map(|err| String::from(err.message()))
        .or_else(|| err.as_string())
        .unwrap_or_else(|| "unknown error".to_string())
}

/// Runs the ingest path a few times on a small made-up log so the browser compiles it fully
/// before the user's files arrive. V8 starts wasm in its baseline compiler and optimises a
/// function only once it is hot: without this, the first ~100 files of a load ran at half
/// speed. Takes a few tens of milliseconds, while the user is still choosing files.
pub fn warm_up() {
    use std::io::Write;
    let mut text = String::from("{\"Records\":[");
    for i in 0..500u32 {
        if i > 0 {
            text.push(',');
        }
        text.push_str(&format!(
            "{{\"eventVersion\":\"1.08\",\"userIdentity\":{{\"type\":\"AssumedRole\",\
             \"principalId\":\"AROAWARMUP:s{i}\",\"arn\":\"arn:aws:sts::111122223333:assumed-role/r/s{}\",\
             \"accountId\":\"111122223333\",\"sessionContext\":{{\"attributes\":{{\"mfaAuthenticated\":\"false\"}}}}}},\
             \"eventTime\":\"2026-01-01T00:{:02}:{:02}Z\",\"eventSource\":\"dynamodb.amazonaws.com\",\
             \"eventName\":\"GetItem\",\"awsRegion\":\"eu-west-1\",\"sourceIPAddress\":\"192.0.2.{}\",\
             \"userAgent\":\"aws-sdk-java/2.20 Linux/6.1\",\"requestParameters\":{{\"tableName\":\"t{}\",\
             \"key\":{{\"pk\":{{\"S\":\"x\"}}}}}},\"responseElements\":null,\"requestID\":\"R{i}\",\
             \"eventID\":\"00000000-0000-4000-8000-{i:012}\",\"readOnly\":true,\"eventType\":\"AwsApiCall\",\
             \"managementEvent\":false,\"recipientAccountId\":\"111122223333\",\"eventCategory\":\"Data\"}}",
            i % 7,
            i / 60 % 60,
            i % 60,
            i % 200,
            i % 13
        ));
    }
    text.push_str("]}");
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    if encoder.write_all(text.as_bytes()).is_err() {
        return;
    }
    let Ok(gz) = encoder.finish() else { return };
    let mut loader = ddb_lens_core::Loader::new(Limits::default());
    for round in 0..6 {
        loader.commit(parse_file(
            &format!("warm-up-{round}.json.gz"),
            &gz,
            &Limits::default(),
        ));
    }
}
