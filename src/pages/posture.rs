//! What the four posture views (KMS, Streams, Config history, Compliance) share: taking their
//! section out of the report, saying which exports an empty section needs, the evidence panel
//! and a button that opens one evidence event.

use ddb_lens_core::report::Report;
use leptos::prelude::*;

use crate::session::Session;

/// The exports the report's gaps say are missing for any of `checks` (section or check ids as
/// `report::gaps` names them), as "Needs …" lines; every missing export when none of `checks`
/// is listed, so an empty view always says what would fill it.
pub fn missing_exports(report: &Report, checks: &[&str]) -> Vec<String> {
    let gaps = &report.gaps.insufficient_data;
    let chosen: Vec<_> = gaps
        .iter()
        .filter(|g| checks.contains(&g.check.as_str()))
        .collect();
    let listed = if chosen.is_empty() {
        gaps.iter().collect()
    } else {
        chosen
    };
    listed
        .into_iter()
        .map(|g| {
            let needs: Vec<&str> = g.missing.iter().map(|m| m.what.as_str()).collect();
            format!("{}: needs {}", g.title, needs.join("; "))
        })
        .collect()
}

/// The paragraph an empty section shows: what it is, and the exports that would fill it.
#[component]
pub fn EmptySection(
    /// "No KMS events or key exports are loaded."
    what: String,
    /// From [`missing_exports`].
    needs: Vec<String>,
) -> impl IntoView {
    view! {
        <div class="empty posture-empty">
            <p>{what}</p>
            {(!needs.is_empty()).then(|| view! {
                <ul class="posture-needs">{needs.into_iter().map(|n| view! { <li>{n}</li> }).collect_view()}</ul>
            })}
        </div>
    }
}

/// A button that opens an evidence event (by file name and record index) in the evidence
/// panel; plain text where no session is (a view mounted on its own).
#[component]
pub fn EvidenceButton(label: String, file: String, record_index: u32) -> impl IntoView {
    let session = use_context::<Session>();
    let shown = label.clone();
    view! {
        <button
            type="button"
            class="link-button evidence-link"
            title=format!("{file} record {record_index}")
            on:click=move |_| {
                if let Some(session) = session {
                    session.show_evidence(shown.clone(), file.clone(), record_index);
                }
            }
        >
            {label}
        </button>
    }
}

/// The evidence event on show (after an [`EvidenceButton`] click), with a close button.
#[component]
pub fn EvidencePanel() -> impl IntoView {
    let session = expect_context::<Session>();
    move || {
        session.evidence.get().map(|(label, answer)| {
            view! {
                <section class="panel evidence-panel" aria-labelledby="evidence-title" id="evidence-panel">
                    <div class="section-head">
                        <h2 id="evidence-title">{format!("Evidence: {label}")}</h2>
                        <button type="button" class="button button-quiet" on:click=move |_| session.evidence.set(None)>"Close"</button>
                    </div>
                    {match answer {
                        None => view! { <p>"Reading the event from its file…"</p> }.into_any(),
                        Some(Ok(json)) => view! { <pre id="evidence-json" class="event-json">{json}</pre> }.into_any(),
                        Some(Err(why)) => view! { <p class="policy-problem" role="alert">{why}</p> }.into_any(),
                    }}
                </section>
            }
        })
    }
}

/// "3 s", "2 minutes", "-4 s": a signed time difference, short.
pub fn difference(ms: i64) -> String {
    let sign = if ms < 0 { "-" } else { "+" };
    let abs = ms.unsigned_abs();
    if abs < 1000 {
        format!("{sign}{abs} ms")
    } else if abs < 120_000 {
        format!("{sign}{:.1} s", abs as f64 / 1000.0)
    } else {
        format!("{sign}{:.1} min", abs as f64 / 60_000.0)
    }
}

/// "a, b and 3 more".
pub fn some_of(names: &[String], shown: usize) -> String {
    match names.len() {
        0 => String::new(),
        n if n <= shown => names.join(", "),
        n => format!("{} and {} more", names[..shown].join(", "), n - shown),
    }
}
