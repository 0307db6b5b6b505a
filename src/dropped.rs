//! The files a user gives the page: from the file and folder pickers, or dropped (folders
//! included, walked recursively).

use js_sys::{Array, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    DataTransfer, File, FileSystemDirectoryEntry, FileSystemDirectoryReader, FileSystemEntry,
    FileSystemFileEntry, HtmlInputElement,
};

/// A file to load and the name to report it under: its path within a picked or dropped folder,
/// else its file name.
#[derive(Debug, Clone)]
pub struct PickedFile {
    pub file: File,
    pub name: String,
}

/// `File.webkitRelativePath`: the path below the picked folder (`webkitdirectory` inputs),
/// empty for files picked one by one. web-sys does not bind it.
fn webkit_relative_path(file: &File) -> String {
    js_sys::Reflect::get(file, &JsValue::from_str("webkitRelativePath"))
        .ok()
        .and_then(|path| path.as_string())
        .unwrap_or_default()
}

/// The files an `<input type=file>` holds (plain or `webkitdirectory`).
pub fn from_input(input: &HtmlInputElement) -> Vec<PickedFile> {
    let Some(list) = input.files() else {
        return Vec::new();
    };
    (0..list.length())
        .filter_map(|index| list.get(index))
        .map(|file| {
            let path = webkit_relative_path(&file);
            let name = if path.is_empty() { file.name() } else { path };
            PickedFile { file, name }
        })
        .collect()
}

/// What was dropped: entries (files or folders), or plain files where the browser gives no
/// entry.
#[derive(Debug, Clone)]
pub enum DroppedItem {
    Entry(FileSystemEntry),
    File(File),
}

/// Takes the dropped items out of a drop event's `DataTransfer`.
///
/// Call it inside the `drop` handler: the browser empties the `DataTransfer` once the handler
/// returns, and only the entries taken here stay readable afterwards.
pub fn dropped_items(data: &DataTransfer) -> Vec<DroppedItem> {
    let items = data.items();
    let mut dropped = Vec::new();
    for index in 0..items.length() {
        let Some(item) = items.get(index) else {
            continue;
        };
        if item.kind() != "file" {
            continue;
        }
        match item.webkit_get_as_entry() {
            Ok(Some(entry)) => dropped.push(DroppedItem::Entry(entry)),
            _ => {
                if let Ok(Some(file)) = item.get_as_file() {
                    dropped.push(DroppedItem::File(file));
                }
            }
        }
    }
    if dropped.is_empty() {
        if let Some(list) = data.files() {
            dropped.extend(
                (0..list.length())
                    .filter_map(|i| list.get(i))
                    .map(DroppedItem::File),
            );
        }
    }
    dropped
}

/// The files of the dropped items, walking folders. Entries that cannot be read are named in
/// the second list, with why.
pub async fn collect_files(items: Vec<DroppedItem>) -> (Vec<PickedFile>, Vec<String>) {
    let mut files = Vec::new();
    let mut problems = Vec::new();
    let mut stack: Vec<FileSystemEntry> = Vec::new();
    for item in items {
        match item {
            DroppedItem::File(file) => files.push(PickedFile {
                name: file.name(),
                file,
            }),
            DroppedItem::Entry(entry) => stack.push(entry),
        }
    }
    while let Some(entry) = stack.pop() {
        let path = entry.full_path().trim_start_matches('/').to_string();
        if entry.is_directory() {
            let reader = entry
                .unchecked_into::<FileSystemDirectoryEntry>()
                .create_reader();
            // readEntries returns at most a batch (100 in Chromium) per call: call it until it
            // returns nothing.
            loop {
                match read_entries(&reader).await {
                    Ok(batch) if batch.length() == 0 => break,
                    Ok(batch) => stack.extend(batch.iter().map(JsCast::unchecked_into)),
                    Err(err) => {
                        problems.push(format!("{path}: {}", js_text(&err)));
                        break;
                    }
                }
            }
        } else if entry.is_file() {
            match entry_file(entry.unchecked_ref()).await {
                Ok(file) => files.push(PickedFile { file, name: path }),
                Err(err) => problems.push(format!("{path}: {}", js_text(&err))),
            }
        }
    }
    (files, problems)
}

async fn read_entries(reader: &FileSystemDirectoryReader) -> Result<Array, JsValue> {
    let mut call_result = Ok(());
    let promise = Promise::new(&mut |resolve, reject| {
        call_result = reader.read_entries_with_callback_and_callback(&resolve, &reject);
    });
    call_result?;
    Ok(JsFuture::from(promise).await?.unchecked_into())
}

async fn entry_file(entry: &FileSystemFileEntry) -> Result<File, JsValue> {
    let promise = Promise::new(&mut |resolve, reject| {
        entry.file_with_callback_and_callback(&resolve, &reject);
    });
    Ok(JsFuture::from(promise).await?.unchecked_into())
}

fn js_text(err: &JsValue) -> String {
    err.dyn_ref::<js_sys::Error>()
        .map(|err| String::from(err.message()))
        .or_else(|| err.as_string())
        .unwrap_or_else(|| "could not be read".to_string())
}
