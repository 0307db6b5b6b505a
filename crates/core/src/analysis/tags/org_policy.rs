//! Importing an AWS Organizations tag policy as a [`TagPolicy`].
//!
//! The format, from "Tag policy syntax and examples"
//! (<https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_example-tag-policies.html>)
//! and "Inheritance examples"
//! (<https://docs.aws.amazon.com/organizations/latest/userguide/inheritance-examples.html>):
//!
//! ```json
//! {"tags": {"costcenter": {
//!     "tag_key": {"@@assign": "CostCenter"},
//!     "tag_value": {"@@assign": ["100", "200", "300*"]},
//!     "enforced_for": {"@@assign": ["dynamodb:table"]}}}}
//! ```
//!
//! * The policy key (`costcenter`) names the entry; `tag_key`'s value fixes the capitalisation
//!   that is compliant, so every imported key is case-sensitive. Without `tag_key`, AWS takes
//!   the policy key in lower case.
//! * `tag_value` lists the compliant values; `*` is a wildcard (`"300*"`), and `"*"` alone (or no
//!   `tag_value`) allows any value.
//! * `enforced_for` only makes AWS *refuse* non-compliant tagging for the listed types
//!   (`dynamodb:table`, `dynamodb:*`, `dynamodb:ALL_SUPPORTED`); compliance is reported for
//!   every type either way. Keys not enforced for DynamoDB are imported, with a note.
//! * Inheritance operators: `@@assign` sets, `@@append` adds, `@@remove` removes values from
//!   what a parent policy set, and `@@operators_allowed_for_child_policies` limits what child
//!   policies may do. A single attached policy is read as if it were the whole story: `@@append`
//!   values are allowed, `@@remove` cannot be applied without the parent and is noted, and
//!   child operators that let OUs change a key are noted, since an account's effective policy may
//!   then differ.
//! * The effective policy (what `aws organizations describe-effective-policy --policy-type
//!   TAG_POLICY` returns, operators already resolved) has bare values:
//!   `{"tags":{"costcenter":{"tag_key":"CostCenter","tag_value":["100"]}}}`; it is read too, as
//!   are the CLI outputs of `describe-effective-policy` and `describe-policy`, whose policy
//!   text is a JSON string inside.
//!
//! Organizations only judges a key where a resource carries it; ddb-lens requires every
//! imported key on every table, and says so in the notes.

use serde_json::{Map, Value};

use super::policy::{PolicyError, RequiredKey, TagPolicy};

const ASSIGN: &str = "@@assign";
const APPEND: &str = "@@append";
const REMOVE: &str = "@@remove";
const CHILD_OPERATORS: &str = "@@operators_allowed_for_child_policies";

impl TagPolicy {
    /// The policy an Organizations tag policy describes, and notes for the user on what was
    /// read loosely or could differ from what AWS applies (in policy-key order).
    pub fn from_organizations_policy(json: &str) -> Result<(TagPolicy, Vec<String>), PolicyError> {
        let root: Value =
            serde_json::from_str(json).map_err(|e| PolicyError::Json(e.to_string()))?;
        let content = unwrap_cli_output(root)?;
        let Some(tags) = content.get("tags") else {
            return Err(PolicyError::NotATagPolicy(
                "it has no \"tags\" object at the top".into(),
            ));
        };
        let Value::Object(tags) = tags else {
            return Err(PolicyError::NotATagPolicy(
                "\"tags\" is not an object".into(),
            ));
        };
        let mut notes = vec![
            "AWS Organizations checks a key's capitalisation and value only on resources that \
             carry it; ddb-lens requires every imported key on every table."
                .to_string(),
        ];
        // serde_json's map order depends on a crate feature another crate may switch on; sort so
        // the policy and notes come out the same either way.
        let mut entries: Vec<(&String, &Value)> = tags.iter().collect();
        entries.sort_by(|a, b| a.0.cmp(b.0));
        let mut keys = Vec::new();
        for (policy_key, entry) in entries {
            if policy_key == CHILD_OPERATORS {
                child_operator_note(&mut notes, "all keys", "the tags block", entry);
                continue;
            }
            if policy_key.starts_with("@@") {
                notes.push(format!("ignored \"{policy_key}\" on the tags block."));
                continue;
            }
            let Value::Object(entry) = entry else {
                return Err(bad(policy_key, "the entry", "is not an object"));
            };
            keys.push(read_entry(policy_key, entry, &mut notes)?);
        }
        if keys.is_empty() {
            return Err(PolicyError::NotATagPolicy(
                "its \"tags\" object names no keys".into(),
            ));
        }
        let policy = TagPolicy { keys };
        policy.validate()?;
        Ok((policy, notes))
    }
}

/// The policy document inside the CLI's `describe-effective-policy` or `describe-policy`
/// output, or the document itself.
fn unwrap_cli_output(root: Value) -> Result<Value, PolicyError> {
    let (wrapper, content_field, type_of) = if let Some(w) = root.get("EffectivePolicy") {
        (w, "PolicyContent", w.get("PolicyType"))
    } else if let Some(w) = root.get("Policy") {
        (
            w,
            "Content",
            w.get("PolicySummary").and_then(|s| s.get("Type")),
        )
    } else {
        return Ok(root);
    };
    if let Some(Value::String(kind)) = type_of {
        if kind != "TAG_POLICY" {
            return Err(PolicyError::NotATagPolicy(format!(
                "it is a {kind}, not a TAG_POLICY"
            )));
        }
    }
    match wrapper.get(content_field) {
        Some(Value::String(text)) => serde_json::from_str(text)
            .map_err(|e| PolicyError::Json(format!("{content_field}: {e}"))),
        Some(Value::Object(_)) => Ok(wrapper[content_field].clone()),
        _ => Err(PolicyError::NotATagPolicy(format!(
            "its {content_field} is missing"
        ))),
    }
}

fn bad(policy_key: &str, field: &str, problem: &str) -> PolicyError {
    PolicyError::BadField {
        policy_key: policy_key.to_string(),
        field: field.to_string(),
        problem: problem.to_string(),
    }
}

fn read_entry(
    policy_key: &str,
    entry: &Map<String, Value>,
    notes: &mut Vec<String>,
) -> Result<RequiredKey, PolicyError> {
    let mut fields: Vec<(&String, &Value)> = entry.iter().collect();
    fields.sort_by(|a, b| a.0.cmp(b.0));
    for (field, value) in &fields {
        match field.as_str() {
            "tag_key" | "tag_value" | "enforced_for" => {}
            CHILD_OPERATORS => child_operator_note(notes, policy_key, "the entry", value),
            other => notes.push(format!(
                "{policy_key}: ignored the field \"{other}\", which ddb-lens does not know."
            )),
        }
    }

    let key = match entry.get("tag_key") {
        None => {
            let key = policy_key.to_lowercase();
            notes.push(format!(
                "{policy_key}: no tag_key, so the compliant capitalisation is \"{key}\" (AWS's \
                 default: the policy key in lower case)."
            ));
            key
        }
        Some(field) => {
            let operand = Operand::read(policy_key, "tag_key", field, notes)?;
            match operand.assign {
                Some(Value::String(key)) => key.clone(),
                Some(_) => return Err(bad(policy_key, "tag_key", "is not a string")),
                None => return Err(bad(policy_key, "tag_key", "has no @@assign")),
            }
        }
    };
    if !key.eq_ignore_ascii_case(policy_key) {
        notes.push(format!(
            "{policy_key}: tag_key \"{key}\" differs from its policy key by more than case; \
             AWS would refuse this policy. Imported as \"{key}\"."
        ));
    }

    let mut allowed = Vec::new();
    if let Some(field) = entry.get("tag_value") {
        let operand = Operand::read(policy_key, "tag_value", field, notes)?;
        if let Some(values) = &operand.assign {
            allowed.extend(strings(policy_key, "tag_value", values)?);
        }
        if let Some(values) = &operand.append {
            let appended = strings(policy_key, "tag_value @@append", values)?;
            notes.push(format!(
                "{policy_key}: @@append adds {} to the values a parent policy allows; only these \
                 are imported, so the parent's values will show as not allowed.",
                quoted_list(&appended)
            ));
            allowed.extend(appended);
        }
        if let Some(values) = &operand.remove {
            let removed = strings(policy_key, "tag_value @@remove", values)?;
            allowed.retain(|v| !removed.contains(v));
            notes.push(format!(
                "{policy_key}: @@remove takes {} away from a parent policy's values, which this \
                 file does not hold; import the account's effective policy to see the result.",
                quoted_list(&removed)
            ));
        }
    }
    // "*" alone allows any value: the same as listing none.
    if allowed.iter().any(|v| v == "*") {
        allowed.clear();
    }
    let mut deduped: Vec<String> = Vec::with_capacity(allowed.len());
    for value in allowed {
        if !deduped.contains(&value) {
            deduped.push(value);
        }
    }

    match entry.get("enforced_for") {
        None => notes.push(format!(
            "{policy_key}: no enforced_for, so AWS does not refuse non-compliant \"{key}\" tags \
             on DynamoDB tables; ddb-lens checks them anyway."
        )),
        Some(field) => {
            let operand = Operand::read(policy_key, "enforced_for", field, notes)?;
            let mut types = Vec::new();
            for values in [&operand.assign, &operand.append].into_iter().flatten() {
                types.extend(strings(policy_key, "enforced_for", values)?);
            }
            if !types.iter().any(|t| covers_dynamodb_tables(t)) {
                let listed = if types.is_empty() {
                    "no resource type".to_string()
                } else {
                    types.join(", ")
                };
                notes.push(format!(
                    "{policy_key}: enforced_for covers {listed} but not dynamodb:table, so AWS \
                     does not refuse non-compliant \"{key}\" tags on tables; ddb-lens checks \
                     them anyway."
                ));
            }
        }
    }

    Ok(RequiredKey {
        key,
        allowed_values: deduped,
        case_sensitive: true,
    })
}

/// `dynamodb:table`, `dynamodb:*` and `dynamodb:ALL_SUPPORTED` reach tables.
fn covers_dynamodb_tables(resource_type: &str) -> bool {
    let Some(rest) = resource_type.strip_prefix("dynamodb:") else {
        return false;
    };
    matches!(rest, "table" | "*" | "ALL_SUPPORTED")
}

/// One field of an entry, with its operators; a bare value (the effective-policy form) counts
/// as `@@assign`.
struct Operand<'a> {
    assign: Option<&'a Value>,
    append: Option<&'a Value>,
    remove: Option<&'a Value>,
}

impl<'a> Operand<'a> {
    fn read(
        policy_key: &str,
        field: &str,
        value: &'a Value,
        notes: &mut Vec<String>,
    ) -> Result<Operand<'a>, PolicyError> {
        let Value::Object(map) = value else {
            return Ok(Operand {
                assign: Some(value),
                append: None,
                remove: None,
            });
        };
        let mut operators: Vec<(&String, &Value)> = map.iter().collect();
        operators.sort_by(|a, b| a.0.cmp(b.0));
        for (name, operand) in operators {
            match name.as_str() {
                ASSIGN | APPEND | REMOVE => {}
                CHILD_OPERATORS => child_operator_note(notes, policy_key, field, operand),
                other => {
                    return Err(bad(
                        policy_key,
                        field,
                        &format!("has the unknown operator \"{other}\""),
                    ))
                }
            }
        }
        Ok(Operand {
            assign: map.get(ASSIGN),
            append: map.get(APPEND),
            remove: map.get(REMOVE),
        })
    }
}

/// A list of strings, or one string as a list of one.
fn strings(policy_key: &str, field: &str, value: &Value) -> Result<Vec<String>, PolicyError> {
    match value {
        Value::String(s) => Ok(vec![s.clone()]),
        Value::Array(items) => items
            .iter()
            .map(|item| match item {
                Value::String(s) => Ok(s.clone()),
                _ => Err(bad(
                    policy_key,
                    field,
                    "holds something other than a string",
                )),
            })
            .collect(),
        _ => Err(bad(policy_key, field, "is not a list of strings")),
    }
}

/// Notes what child policies may change: `["@@none"]` locks the field and needs no note.
fn child_operator_note(notes: &mut Vec<String>, policy_key: &str, field: &str, value: &Value) {
    let operators: Vec<&str> = match value {
        Value::Array(items) => items.iter().filter_map(Value::as_str).collect(),
        Value::String(s) => vec![s.as_str()],
        _ => Vec::new(),
    };
    if operators.iter().all(|op| *op == "@@none") && !operators.is_empty() {
        return;
    }
    notes.push(format!(
        "{policy_key}: child policies may use {} on {field}, so an account's effective policy \
         can differ from this one; import the effective policy (aws organizations \
         describe-effective-policy --policy-type TAG_POLICY --target-id ACCOUNT) to see what \
         applies to one account.",
        if operators.is_empty() {
            "any operator".to_string()
        } else {
            operators.join(", ")
        }
    ));
}

fn quoted_list(values: &[String]) -> String {
    values
        .iter()
        .map(|v| format!("\"{v}\""))
        .collect::<Vec<_>>()
        .join(", ")
}
