//! Reading IAM policy documents (resource-based policies) for who they let in.
//!
//! Only what the rules need: which `Allow` statements name a principal outside the resource's
//! own account, or everyone. Conditions are not evaluated (that needs the request context); a
//! grant with a condition is reported as conditional so the reader can judge it.

use serde_json::Value;

use super::params::{arn_account, Node};

/// A principal an `Allow` statement lets in from outside the owning account.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct ExternalGrant {
    /// `*` (anyone), an account id, or a principal ARN in another account.
    pub principal: String,
    /// The statement has a `Condition` (e.g. `aws:PrincipalOrgID`) that may narrow it.
    pub conditional: bool,
}

/// The grants to outsiders in `policy` (a JSON document as text) on a resource owned by
/// `own_account` (empty when unknown: then only `*` counts as outside). `None` when the text
/// is not a JSON object.
pub fn external_grants(policy: &str, own_account: &str) -> Option<Vec<ExternalGrant>> {
    let doc: Value = serde_json::from_str(policy).ok()?;
    if !doc.is_object() {
        return None;
    }
    let mut grants = Vec::new();
    for statement in Node(Some(&doc)).field("Statement").items() {
        let allows = statement
            .field("Effect")
            .text()
            .is_some_and(|e| e.eq_ignore_ascii_case("allow"));
        if !allows {
            continue;
        }
        let conditional = statement.field("Condition").exists();
        let mut push = |principal: &str| {
            grants.push(ExternalGrant {
                principal: principal.to_string(),
                conditional,
            })
        };
        // Allow with NotPrincipal lets in everyone but the listed principals.
        if statement.field("NotPrincipal").exists() {
            push("*");
            continue;
        }
        for principal in aws_principals(statement.field("Principal")) {
            if principal == "*" {
                push("*");
            } else if let Some(account) = principal_account(principal) {
                if !own_account.is_empty() && account != own_account {
                    push(principal);
                }
            }
        }
    }
    grants.sort();
    grants.dedup();
    Some(grants)
}

/// The AWS principals of a `Principal` element: `"*"`, `{"AWS": "*"}`, `{"AWS": [arns or
/// account ids]}`. Service, federated and canonical-user principals are not accounts.
fn aws_principals(principal: Node<'_>) -> Vec<&str> {
    if let Some(text) = principal.text() {
        return vec![text];
    }
    principal.field("AWS").strings()
}

/// The account a principal belongs to: a 12-digit id, or the account field of an ARN.
fn principal_account(principal: &str) -> Option<&str> {
    if principal.len() == 12 && principal.bytes().all(|b| b.is_ascii_digit()) {
        return Some(principal);
    }
    arn_account(principal)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn principals(policy: &str) -> Vec<(String, bool)> {
        external_grants(policy, "111122223333")
            .unwrap()
            .into_iter()
            .map(|g| (g.principal, g.conditional))
            .collect()
    }

    #[test]
    fn outsiders_and_everyone() {
        let policy = r#"{"Version":"2012-10-17","Statement":[
            {"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/app"},"Action":"dynamodb:*","Resource":"*"},
            {"Effect":"Allow","Principal":{"AWS":["444455556666","arn:aws:iam::777788889999:root"]},"Action":"dynamodb:GetItem","Resource":"*"},
            {"Effect":"Allow","Principal":"*","Action":"dynamodb:Query","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-abc"}}},
            {"Effect":"Deny","Principal":"*","Action":"dynamodb:DeleteTable","Resource":"*"},
            {"Effect":"Allow","Principal":{"Service":"backup.amazonaws.com"},"Action":"dynamodb:*","Resource":"*"}
        ]}"#;
        assert_eq!(
            principals(policy),
            [
                ("*".to_string(), true),
                ("444455556666".to_string(), false),
                ("arn:aws:iam::777788889999:root".to_string(), false),
            ]
        );
    }

    #[test]
    fn single_statement_object_and_bad_text() {
        let policy =
            r#"{"Statement":{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"dynamodb:*"}}"#;
        assert_eq!(principals(policy), [("*".to_string(), false)]);
        assert!(external_grants("not json", "1").is_none());
        assert_eq!(external_grants("{}", "1"), Some(vec![]));
    }
}
