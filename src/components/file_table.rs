//! The file table: one row per file loaded, and what became of it.

use leptos::prelude::*;

use crate::format;
use crate::session::FileRow;

/// The table of files (`#file-table`), sorted as given. Every string from a file (its name,
/// the core's messages about it) is rendered as text.
#[component]
pub fn FileTable(
    /// The rows to show, in order.
    #[prop(into)]
    rows: Signal<Vec<FileRow>>,
) -> impl IntoView {
    // The scroll box is focusable so that keyboard users can scroll a long table.
    view! {
        <div class="table-scroll" tabindex="0" role="region" aria-label="Files loaded">
            <table id="file-table" class="file-table">
                <caption class="visually-hidden">"Files loaded, by name"</caption>
                <thead>
                    <tr>
                        <th scope="col" class="col-name">"Name"</th>
                        <th scope="col" class="col-size numeric">"Size"</th>
                        <th scope="col" class="col-kind">"Kind"</th>
                        <th scope="col" class="col-records numeric">"Records"</th>
                        <th scope="col" class="col-time">"Time range"</th>
                        <th scope="col" class="col-status">"Status"</th>
                    </tr>
                </thead>
                <tbody>
                    <For each=move || rows.get() key=|row| row.id let:row>
                        <FileRowView row=row />
                    </For>
                </tbody>
            </table>
        </div>
    }
}

/// One `tr.file-row`.
#[component]
fn FileRowView(
    /// The file and its report.
    row: FileRow,
) -> impl IntoView {
    let report = row.report;
    let status_key = format::status_key(report.status);
    let size_detail = if report.gzip {
        format!(
            "{} bytes, gzip; {} bytes uncompressed",
            report.size_bytes, report.uncompressed_bytes
        )
    } else {
        format!("{} bytes", report.size_bytes)
    };
    let time_detail = match (&report.time_first, &report.time_last) {
        (Some(first), Some(last)) => format!("{first} to {last}"),
        _ => String::new(),
    };
    let warnings = report.warnings.join("\n");
    view! {
        <tr class="file-row" data-status=status_key>
            <td class="name">{report.name.clone()}</td>
            <td class="size numeric" title=size_detail>
                {format::bytes(report.size_bytes)}
                {report.gzip.then_some(" gz")}
            </td>
            <td class="kind">{format::kind(&report)}</td>
            <td class="records numeric">{format::records(&report)}</td>
            <td class="time" title=time_detail>
                {format::time_range(report.time_first.as_deref(), report.time_last.as_deref())}
            </td>
            <td class="status" title=warnings>{format::status(&report)}</td>
        </tr>
    }
}
