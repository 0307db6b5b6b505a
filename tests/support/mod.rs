//! DOM helpers shared by the wasm-bindgen tests: mount a view into a fresh container, query it.
#![allow(dead_code)]

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement};

/// A fresh container in the document, and the handle that keeps the mounted view alive.
pub fn mount<N: IntoView + 'static>(view: impl FnOnce() -> N + 'static) -> (Element, impl Drop) {
    let document = document();
    let container = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&container).unwrap();
    let handle = leptos::mount::mount_to(container.clone().unchecked_into::<HtmlElement>(), view);
    (container.clone(), DropGuard(Some(handle), container))
}

struct DropGuard<T>(Option<T>, Element);

impl<T> Drop for DropGuard<T> {
    fn drop(&mut self) {
        drop(self.0.take());
        self.1.remove();
    }
}

pub fn all(container: &Element, selector: &str) -> Vec<Element> {
    let list = container.query_selector_all(selector).unwrap();
    (0..list.length())
        .map(|i| list.item(i).unwrap().unchecked_into())
        .collect()
}

pub fn one(container: &Element, selector: &str) -> Element {
    container
        .query_selector(selector)
        .unwrap()
        .unwrap_or_else(|| panic!("no {selector}"))
}

pub fn text(element: &Element, selector: &str) -> String {
    one(element, selector).text_content().unwrap_or_default()
}

pub fn click(element: &Element, selector: &str) {
    one(element, selector)
        .unchecked_into::<HtmlElement>()
        .click();
}

/// Lets Leptos run its effects (a microtask turn).
pub async fn tick() {
    wasm_bindgen_futures::JsFuture::from(js_sys::Promise::resolve(&wasm_bindgen::JsValue::NULL))
        .await
        .unwrap();
}

/// Waits `ms` milliseconds (a macrotask: queued events such as `toggle` have fired after it).
pub async fn sleep_ms(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window()
            .unwrap()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms)
            .unwrap();
    });
    wasm_bindgen_futures::JsFuture::from(promise).await.unwrap();
}

/// Opens every `<details>` under `container` matching `selector`, as a click on its summary
/// does, and waits for their `toggle` events and what they render.
pub async fn open_all(container: &Element, selector: &str) {
    for details in all(container, selector) {
        details
            .unchecked_into::<web_sys::HtmlDetailsElement>()
            .set_open(true);
    }
    sleep_ms(20).await;
    tick().await;
}
