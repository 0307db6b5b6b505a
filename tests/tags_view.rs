//! The tag view in Chromium: editing the policy changes the coverage shown, invalid edits are
//! refused with a message, and hostile tag values stay text.
//!
//! Run: `cargo test -p ddb-lens --target wasm32-unknown-unknown --test tags_view`

mod support;

use std::collections::BTreeMap;

use ddb_lens::pages::tags::{TagCoverageView, TagPolicyEditor};
use ddb_lens_core::analysis::tags::{coverage, TagPolicy, TaggedTable};
use leptos::prelude::*;
use support::{all, click, mount, one, text, tick};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Event, EventInit, HtmlInputElement};

wasm_bindgen_test_configure!(run_in_browser);

const HOSTILE: &str = "<img src=x onerror=alert(1)>";

fn table(name: &str, tags: &[(&str, &str)]) -> TaggedTable {
    TaggedTable {
        account: "111122223333".into(),
        region: "eu-west-1".into(),
        name: name.into(),
        arn: format!("arn:aws:dynamodb:eu-west-1:111122223333:table/{name}"),
        tags: tags
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect::<BTreeMap<_, _>>(),
    }
}

fn tables() -> Vec<TaggedTable> {
    vec![
        table(
            "orders",
            &[
                ("Security", "high"),
                ("Confidentiality", "internal"),
                ("Environment", "prod"),
            ],
        ),
        table(
            "payments",
            &[
                ("Security", "high"),
                ("Confidentiality", HOSTILE),
                ("Environment", "Production "),
            ],
        ),
        table("scratch", &[]),
    ]
}

fn change(input: &HtmlInputElement, value: &str) {
    input.set_value(value);
    let init = EventInit::new();
    init.set_bubbles(true);
    input
        .dispatch_event(&Event::new_with_event_init_dict("change", &init).unwrap())
        .unwrap();
}

#[wasm_bindgen_test]
async fn editing_the_policy_changes_the_coverage() {
    let policy = RwSignal::new(TagPolicy::default());
    let (container, _guard) = mount(move || {
        let covered = Signal::derive(move || coverage(&tables(), &policy.get()));
        view! {
            <TagPolicyEditor policy=policy on_change=Callback::new(move |p| policy.set(p)) />
            <TagCoverageView coverage=covered history=Signal::stored(Vec::new()) />
        }
    });
    assert_eq!(all(&container, "tr.policy-key").len(), 3);
    assert_eq!(
        text(&container, "#tag-summary"),
        "3 tables seen; 2 of 3 (67%) carry every required key with an allowed value; 1 of 3 (33%) have no tags at all."
    );
    // Charts are in the page as SVG, and the hostile value made no element.
    assert!(container.query_selector("#tag-bars svg").unwrap().is_some());
    assert!(container
        .query_selector("#tag-heatmap svg")
        .unwrap()
        .is_some());
    assert!(all(&container, "img").is_empty());

    // Environment may only be prod: payments ("Production ") now fails.
    let values: HtmlInputElement =
        one(&container, "tr[data-key=Environment] .policy-key-values").unchecked_into();
    change(&values, "prod");
    tick().await;
    assert_eq!(policy.get_untracked().keys[2].allowed_values, ["prod"]);
    assert_eq!(
        text(&container, "#tag-summary"),
        "3 tables seen; 1 of 3 (33%) carry every required key with an allowed value; 1 of 3 (33%) have no tags at all."
    );

    // A key that only differs in case from another is refused with a reason; nothing changes.
    let name: HtmlInputElement =
        one(&container, "tr[data-key=Security] .policy-key-name").unchecked_into();
    change(&name, "environment");
    tick().await;
    assert!(!text(&container, ".policy-problem").is_empty());
    assert_eq!(policy.get_untracked().keys[0].key, "Security");

    // Removing keys until only Security is left: two of three tables comply.
    click(
        &container,
        "tr[data-key=Confidentiality] .policy-key-remove",
    );
    tick().await;
    click(&container, "tr[data-key=Environment] .policy-key-remove");
    tick().await;
    assert_eq!(all(&container, "tr.policy-key").len(), 1);
    assert!(text(&container, "#tag-summary").contains("2 of 3 (67%) carry every required key"));

    click(&container, "#policy-reset");
    tick().await;
    assert_eq!(policy.get_untracked(), TagPolicy::default());
}
