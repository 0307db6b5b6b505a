//! The page's handle on the ingest worker: starts it, queues commands until it is ready, and
//! turns its messages into [`Event`]s.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{MessageEvent, Worker};

use crate::protocol::{Command, Event, ProtocolError};

/// The worker's entry script, relative to the page. Trunk builds the `worker` binary as
/// `worker.js` + `worker_bg.wasm` (unhashed: the name is needed at run time); this small loader
/// (copied from `src/js/worker-loader.js`) imports and starts them, passing on the version
/// query so that no cache serves an older worker to this page. A same-origin classic script,
/// so the page's CSP (`worker-src 'self'`) allows it.
pub const WORKER_URL: &str = concat!("./worker-loader.js?v=", env!("CARGO_PKG_VERSION"));

/// Why the worker failed, for the page to show.
#[derive(Debug, Clone, thiserror::Error, PartialEq)]
pub enum WorkerError {
    #[error("the loader could not start: {0}")]
    Start(String),
    #[error("the loader stopped: {0}")]
    Crashed(String),
    #[error("the loader stopped on an {0}")]
    Failed(String),
    #[error("the loader sent a message the page does not understand: {0}")]
    Protocol(#[from] ProtocolError),
}

/// A running ingest worker.
pub struct WorkerClient {
    worker: Worker,
    ready: Rc<Cell<bool>>,
    /// Commands sent before the worker's wasm started listening: a message that arrives before
    /// the worker sets its `onmessage` would be lost.
    queued: Rc<RefCell<Vec<JsValue>>>,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_error: Closure<dyn FnMut(web_sys::Event)>,
}

impl WorkerClient {
    /// Starts the worker; `on_event` gets every event it posts, and errors if it fails.
    pub fn spawn(
        on_event: impl FnMut(Result<Event, WorkerError>) + 'static,
    ) -> Result<WorkerClient, WorkerError> {
        let worker = Worker::new(WORKER_URL).map_err(|err| WorkerError::Start(js_text(&err)))?;
        let ready = Rc::new(Cell::new(false));
        let queued: Rc<RefCell<Vec<JsValue>>> = Rc::default();
        let on_event = Rc::new(RefCell::new(on_event));

        let on_message = {
            let (worker, ready, queued, on_event) = (
                worker.clone(),
                ready.clone(),
                queued.clone(),
                on_event.clone(),
            );
            Closure::<dyn FnMut(MessageEvent)>::new(move |message: MessageEvent| {
                let event = Event::from_js(&message.data()).map_err(WorkerError::from);
                if matches!(event, Ok(Event::Ready)) {
                    ready.set(true);
                    for command in queued.borrow_mut().drain(..) {
                        post(&worker, &command);
                    }
                }
                (on_event.borrow_mut())(event);
            })
        };
        let on_error = Closure::<dyn FnMut(web_sys::Event)>::new(move |event: web_sys::Event| {
            let message = js_sys::Reflect::get(&event, &"message".into())
                .ok()
                .and_then(|message| message.as_string())
                .unwrap_or_else(|| "see the browser console".to_string());
            (on_event.borrow_mut())(Err(WorkerError::Crashed(message)));
        });
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        Ok(WorkerClient {
            worker,
            ready,
            queued,
            _on_message: on_message,
            _on_error: on_error,
        })
    }

    /// Sends a command now, or when the worker is ready.
    pub fn send(&self, command: &Command) {
        let message = command.to_js();
        if self.ready.get() {
            post(&self.worker, &message);
        } else {
            self.queued.borrow_mut().push(message);
        }
    }
}

impl Drop for WorkerClient {
    fn drop(&mut self) {
        // The handlers' closures are freed with this client: nothing may call them after.
        self.worker.set_onmessage(None);
        self.worker.set_onerror(None);
        self.worker.terminate();
    }
}

fn post(worker: &Worker, message: &JsValue) {
    if let Err(err) = worker.post_message(message) {
        web_sys::console::error_2(&"ddb-lens: could not post to the loader:".into(), &err);
    }
}

fn js_text(err: &JsValue) -> String {
    err.dyn_ref::<js_sys::Error>()
        .map(|err| String::from(err.message()))
        .or_else(|| err.as_string())
        .unwrap_or_else(|| format!("{err:?}"))
}
