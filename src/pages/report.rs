//! The report view: export the report (HTML, JSON, CSV), open a saved one, and the evidence
//! manifest and gaps it rests on.
//!
//! Exports are written by the core's `report` module from the same [`Report`] the views show,
//! so a file saved here is byte-identical to `ddb-lens report` over the same files and
//! settings.

use ddb_lens_core::ingest::thousands;
use ddb_lens_core::report::{self, Report};
use ddb_lens_core::time::format_iso_ms;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::components::{Cell, Column, DataTable, TableData};
use crate::format;
use crate::session::{ReportOrigin, Session, ShownReport};

/// `ddb-lens-report-2026-03-05T10-00-00Z`: named after the report's time, not the clock, so the
/// same report saves under the same name.
pub fn file_stem(report: &Report) -> String {
    let time = report
        .report_time
        .time_ms
        .map(|ms| format_iso_ms(ms).replace(':', "-"))
        .unwrap_or_else(|| "undated".to_string());
    format!("ddb-lens-report-{time}")
}

/// The evidence manifest as a table: every input file and its SHA-256.
pub fn manifest_table(report: &Report) -> TableData {
    TableData {
        columns: vec![
            Column::text("File"),
            Column::number("Size"),
            Column::text("Kind"),
            Column::number("Records"),
            Column::text("Time covered"),
            Column::text("Status"),
            Column::text("SHA-256"),
        ],
        rows: report
            .inputs
            .files
            .iter()
            .map(|f| {
                vec![
                    Cell::text(f.name.clone()),
                    Cell::number(f.size_bytes as f64, format::bytes(f.size_bytes)),
                    Cell::text(f.kind.label()),
                    Cell::count(f.records),
                    Cell::text(format::time_range(
                        f.time_first.as_deref(),
                        f.time_last.as_deref(),
                    )),
                    Cell::text(format::status(f)).with_class(match f.status {
                        ddb_lens_core::FileStatus::Ok => "pill-pass",
                        ddb_lens_core::FileStatus::Warning => "pill-insufficient",
                        ddb_lens_core::FileStatus::Error => "pill-fail",
                    }),
                    match &f.sha256 {
                        Some(hex) => Cell::text(hex.clone()),
                        None => Cell::text("not computed").with_class("pill-na"),
                    },
                ]
            })
            .collect(),
    }
}

/// Checks that read "insufficient data", and the exports that would decide them.
pub fn missing_table(report: &Report) -> TableData {
    TableData {
        columns: vec![Column::text("Check or section"), Column::text("Needs")],
        rows: report
            .gaps
            .insufficient_data
            .iter()
            .map(|m| {
                let needs = m
                    .missing
                    .iter()
                    .map(|n| n.what.clone())
                    .collect::<Vec<_>>()
                    .join("; ");
                vec![Cell::text(m.title.clone()), Cell::text(needs)]
            })
            .collect(),
    }
}

/// Offers `text` as a file download named `name`, from a Blob URL (nothing leaves the tab).
fn download(name: &str, mime: &str, text: &str) -> Result<(), String> {
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options)
        .map_err(|_| "the browser refused to make the file".to_string())?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)
        .map_err(|_| "the browser refused to make the file".to_string())?;
    let anchor: web_sys::HtmlAnchorElement = document()
        .create_element("a")
        .map_err(|_| "no document".to_string())?
        .unchecked_into();
    anchor.set_href(&url);
    anchor.set_download(name);
    anchor.click();
    // The click has started the download; the URL is not needed after this task.
    let _ = web_sys::Url::revoke_object_url(&url);
    Ok(())
}

/// `#report-view`: export buttons, open a saved report, the manifest and the gaps.
#[component]
pub fn ReportPage() -> impl IntoView {
    let session = expect_context::<Session>();
    let problem = RwSignal::new(None::<String>);
    let shown = move || session.report.get();
    let export = move |format: &str| {
        let Some(ShownReport { report, .. }) = session.report.get_untracked() else {
            return;
        };
        let stem = file_stem(&report);
        let outcome = match format {
            "html" => download(
                &format!("{stem}.html"),
                "text/html;charset=utf-8",
                &report::html::render(&report),
            ),
            "json" => download(
                &format!("{stem}.json"),
                "application/json",
                &report::to_json(&report),
            ),
            csv_name => report::csv::write_all(&report)
                .into_iter()
                .find(|(name, _)| name == csv_name)
                .map_or(Err(format!("no CSV file {csv_name}")), |(name, text)| {
                    download(&format!("{stem}-{name}"), "text/csv;charset=utf-8", &text)
                }),
        };
        problem.set(outcome.err());
    };
    let open = move |ev: leptos::ev::Event| {
        let input: web_sys::HtmlInputElement = event_target(&ev);
        if let Some(file) = input.files().and_then(|files| files.get(0)) {
            let name = file.name();
            let file = gloo_file::File::from(file);
            leptos::task::spawn_local(async move {
                match gloo_file::futures::read_as_text(&file).await {
                    Ok(text) => session.open_report(name, &text),
                    Err(err) => session
                        .report_error
                        .set(Some(format!("{name} could not be read: {err}"))),
                }
            });
        }
        input.set_value("");
    };
    view! {
        <main id="report-view" class="page">
            <section class="panel" aria-labelledby="report-title">
                <h2 id="report-title">"Report"</h2>
                <p class="hint">
                    "One HTML file that opens anywhere with nothing fetched, the same report as JSON (it can be opened here again), "
                    "and CSV files for spreadsheets and ticket systems. The same files and settings give the same bytes, here and from "
                    <code>"ddb-lens report"</code>"."
                </p>
                <div class="report-open">
                    <label class="button" for="open-report">"Open a saved report (.json)…"</label>
                    <input
                        id="open-report"
                        class="visually-hidden"
                        type="file"
                        accept=".json,application/json"
                        on:change=open
                    />
                </div>
                {move || session.report_error.get().map(|e| view! { <p class="policy-problem" role="alert">{e}</p> })}
                {move || match shown() {
                    None => view! { <crate::components::NoReport /> }.into_any(),
                    Some(shown) => {
                        let report = shown.report.clone();
                        let origin = match &shown.origin {
                            ReportOrigin::Loaded => "made from the files loaded in this tab".to_string(),
                            ReportOrigin::Reopened { file_name } => format!(
                                "opened from {file_name}: the exports it was made from are not loaded, so the Activity view is empty"
                            ),
                        };
                        let hashing = if shown.hashes_done < shown.hashes_total
                            && shown.origin == ReportOrigin::Loaded
                        {
                            format!(
                                "SHA-256 computed for {} of {} files; computing the rest…",
                                thousands(shown.hashes_done),
                                thousands(shown.hashes_total)
                            )
                        } else {
                            format!(
                                "SHA-256 computed for {} of {} files.",
                                thousands(shown.hashes_done),
                                thousands(shown.hashes_total)
                            )
                        };
                        let csv_files: Vec<String> = report::csv::write_all(&report)
                            .into_iter()
                            .map(|(name, _)| name)
                            .collect();
                        let time = report
                            .report_time
                            .time_ms
                            .map(format_iso_ms)
                            .unwrap_or_else(|| "no time in the evidence".to_string());
                        view! {
                            <dl class="facts report-facts">
                                <div class="fact"><dt>"Report time"</dt><dd id="report-time">{time}</dd></div>
                                <div class="fact"><dt>"Input files"</dt><dd>{thousands(report.inputs.files.len() as u64)}</dd></div>
                                <div class="fact"><dt>"Fingerprint (SHA-256)"</dt><dd id="report-fingerprint" class="mono">{report.fingerprint_sha256.clone()}</dd></div>
                                <div class="fact"><dt>"Made by"</dt><dd>{format!("{} {}", report.generator.name, report.generator.version)}</dd></div>
                            </dl>
                            <p id="report-origin">{format!("This report was {origin}.")}</p>
                            <p id="report-hashes" data-done=shown.hashes_done data-total=shown.hashes_total>{hashing}</p>
                            <div class="export-buttons">
                                <button type="button" class="button button-primary" id="export-html" on:click=move |_| export("html")>"Download HTML report"</button>
                                <button type="button" class="button" id="export-json" on:click=move |_| export("json")>"Download JSON"</button>
                                {csv_files
                                    .into_iter()
                                    .map(|name| {
                                        let id = format!("export-csv-{}", name.trim_end_matches(".csv"));
                                        let label = format!("CSV: {name}");
                                        view! { <button type="button" class="button" id=id on:click=move |_| export(&name)>{label}</button> }
                                    })
                                    .collect_view()}
                            </div>
                        }
                        .into_any()
                    }
                }}
                {move || problem.get().map(|p| view! { <p class="policy-problem" role="alert">{p}</p> })}
            </section>
            <Show when=move || shown().is_some()>
                <section class="panel" aria-labelledby="manifest-title">
                    <h2 id="manifest-title">"Evidence manifest"</h2>
                    <p class="hint">"Every input file, what it was, and its SHA-256, so an auditor can check the report rests on these exact files."</p>
                    <DataTable
                        id="manifest"
                        caption="Input files".to_string()
                        data=Signal::derive(move || shown().map(|s| manifest_table(&s.report)).unwrap_or_default())
                    />
                </section>
                <section class="panel" aria-labelledby="gaps-title">
                    <h2 id="gaps-title">"Gaps in the evidence"</h2>
                    {move || shown().map(|s| {
                        let g = &s.report.gaps;
                        let hours = if g.hours_in_span == 0 {
                            "No CloudTrail events loaded.".to_string()
                        } else {
                            format!(
                                "{} of the {} hours between the first and last CloudTrail event have no event at all{}.",
                                thousands(g.hours_without_events),
                                thousands(g.hours_in_span),
                                if g.hour_ranges_without_events.is_empty() {
                                    String::new()
                                } else {
                                    format!(
                                        " ({})",
                                        g.hour_ranges_without_events
                                            .iter()
                                            .take(10)
                                            .map(|r| format!("{} for {} h", format_iso_ms(r.start_ms), r.hours))
                                            .collect::<Vec<_>>()
                                            .join("; ")
                                    )
                                }
                            )
                        };
                        let scopes = g
                            .scopes_without_cloudtrail
                            .iter()
                            .map(|sg| format!("{} {}: named by {} other exports, no CloudTrail", sg.account, sg.region, sg.seen_in_total))
                            .collect::<Vec<_>>();
                        view! {
                            <p id="gap-hours">{hours}</p>
                            <ul id="gap-scopes">{scopes.into_iter().map(|t| view! { <li>{t}</li> }).collect_view()}</ul>
                        }
                    })}
                    <h3>"Checks without the exports they need"</h3>
                    <DataTable
                        id="missing-exports"
                        caption="Insufficient data".to_string()
                        data=Signal::derive(move || shown().map(|s| missing_table(&s.report)).unwrap_or_default())
                    />
                </section>
            </Show>
        </main>
    }
}
