// Starts the ingest worker. Trunk builds the `worker` binary as worker.js (wasm-bindgen's
// no-modules glue, which defines `wasm_bindgen`) and worker_bg.wasm. Their names carry no
// content hash (the page must know them), so the page loads this script with `?v=<version>`
// and the same query goes on to them: a host's cache cannot pair a new page with an old worker.
// Paths are relative to this script, which sits beside them in dist/.
const version = self.location.search;
importScripts("./worker.js" + version);
wasm_bindgen({ module_or_path: "./worker_bg.wasm" + version });
