//! The tag policy: which keys every table must carry and, per key, which values are allowed.
//!
//! The page keeps the policy in localStorage and every report embeds it, so its JSON is stable
//! and versioned: `{"version":1,"keys":[{"key":"Environment","allowed_values":["prod"],
//! "case_sensitive":true}]}`. A future shape bumps `version`; an unknown version is refused
//! rather than half-read.

use serde::{Deserialize, Serialize};

/// The version [`TagPolicy`] writes and the only one it reads.
pub const POLICY_VERSION: u32 = 1;

/// AWS limits a tag key to 128 characters and a value to 256, and a resource to 50 tags: a
/// policy past these could never be satisfied, so it is refused.
pub const MAX_KEY_CHARS: usize = 128;
pub const MAX_VALUE_CHARS: usize = 256;
pub const MAX_KEYS: usize = 50;

/// One key the policy requires.
///
/// `case_sensitive` governs both the key and the values: when true (the default, and what AWS
/// Organizations does) `environment` does not satisfy `Environment` and `Prod` does not match
/// an allowed `prod`; when false both comparisons ignore case. Whitespace always counts:
/// `"production "` is not `"production"` to AWS or to automation reading the tag, so it is
/// never compliant; the coverage shows it as drift instead.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequiredKey {
    pub key: String,
    /// Allowed values; empty means any value (including the empty string). A `*` matches any
    /// run of characters, as in Organizations' tag policies (`"300*"`); tag values cannot
    /// contain `*`, so there is no ambiguity.
    #[serde(default)]
    pub allowed_values: Vec<String>,
    #[serde(default = "default_true")]
    pub case_sensitive: bool,
}

fn default_true() -> bool {
    true
}

impl RequiredKey {
    /// A case-sensitive key that allows any value.
    pub fn new(key: &str) -> RequiredKey {
        RequiredKey {
            key: key.to_string(),
            allowed_values: Vec::new(),
            case_sensitive: true,
        }
    }

    /// Whether a tag key written as `found` is this key under the policy's case rule.
    pub fn matches_key(&self, found: &str) -> bool {
        if self.case_sensitive {
            found == self.key
        } else {
            eq_ignore_case(found, &self.key)
        }
    }

    /// Whether `found` is a near miss: not this key under the policy, but this key once
    /// surrounding whitespace is trimmed and case ignored (`environment`, `Environment `).
    pub fn is_near_miss(&self, found: &str) -> bool {
        !self.matches_key(found) && eq_ignore_case(found.trim(), &self.key)
    }

    /// Whether `value` is allowed for this key.
    pub fn allows(&self, value: &str) -> bool {
        self.allowed_values.is_empty()
            || self
                .allowed_values
                .iter()
                .any(|pattern| wildcard_match(pattern, value, self.case_sensitive))
    }
}

/// Case-insensitive equality; the allocation-free ASCII test decides nearly every tag key.
pub(crate) fn eq_ignore_case(a: &str, b: &str) -> bool {
    if a.is_ascii() && b.is_ascii() {
        a.eq_ignore_ascii_case(b)
    } else {
        a.to_lowercase() == b.to_lowercase()
    }
}

/// `*` matches any run of characters (none included); everything else matches itself.
fn wildcard_match(pattern: &str, value: &str, case_sensitive: bool) -> bool {
    let (pattern, value) = if case_sensitive {
        (pattern.to_string(), value.to_string())
    } else {
        (pattern.to_lowercase(), value.to_lowercase())
    };
    let mut parts = pattern.split('*');
    let first = parts.next().unwrap_or("");
    let Some(mut rest) = value.strip_prefix(first) else {
        return false;
    };
    let parts: Vec<&str> = parts.collect();
    let Some((last, middle)) = parts.split_last() else {
        // No `*`: an exact match.
        return rest.is_empty();
    };
    for part in middle {
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    rest.len() >= last.len() && rest.ends_with(last)
}

/// The required keys, in the order the user listed them (the coverage and charts keep it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "PolicyWire", into = "PolicyWire")]
pub struct TagPolicy {
    pub keys: Vec<RequiredKey>,
}

/// The stored form: the policy with its version.
#[derive(Serialize, Deserialize, Clone)]
struct PolicyWire {
    version: u32,
    keys: Vec<RequiredKey>,
}

impl TryFrom<PolicyWire> for TagPolicy {
    type Error = PolicyError;

    fn try_from(wire: PolicyWire) -> Result<TagPolicy, PolicyError> {
        if wire.version != POLICY_VERSION {
            return Err(PolicyError::UnsupportedVersion(wire.version));
        }
        let policy = TagPolicy { keys: wire.keys };
        policy.validate()?;
        Ok(policy)
    }
}

impl From<TagPolicy> for PolicyWire {
    fn from(policy: TagPolicy) -> PolicyWire {
        PolicyWire {
            version: POLICY_VERSION,
            keys: policy.keys,
        }
    }
}

/// AWS's example of a tagging scheme for DynamoDB: Security (encryption requirements),
/// Confidentiality (data level) and Environment, any value.
impl Default for TagPolicy {
    fn default() -> TagPolicy {
        TagPolicy {
            keys: ["Security", "Confidentiality", "Environment"]
                .into_iter()
                .map(RequiredKey::new)
                .collect(),
        }
    }
}

impl TagPolicy {
    /// Reads a stored policy (`{"version":1,...}`), checking it as [`TagPolicy::validate`] does.
    pub fn from_json(json: &str) -> Result<TagPolicy, PolicyError> {
        // Read the version first so a newer policy says so, not "missing field".
        #[derive(Deserialize)]
        struct Version {
            version: Option<u32>,
        }
        let version: Version =
            serde_json::from_str(json).map_err(|e| PolicyError::Json(e.to_string()))?;
        match version.version {
            Some(POLICY_VERSION) => {}
            Some(other) => return Err(PolicyError::UnsupportedVersion(other)),
            None => return Err(PolicyError::MissingVersion),
        }
        let wire: PolicyWire =
            serde_json::from_str(json).map_err(|e| PolicyError::Json(e.to_string()))?;
        TagPolicy::try_from(wire)
    }

    /// The stored form, compact.
    pub fn to_json(&self) -> String {
        // Serialising strings and booleans cannot fail.
        serde_json::to_string(&PolicyWire::from(self.clone())).unwrap_or_default()
    }

    /// The first problem that makes this policy unusable, in key order.
    pub fn validate(&self) -> Result<(), PolicyError> {
        if self.keys.len() > MAX_KEYS {
            return Err(PolicyError::TooManyKeys(self.keys.len()));
        }
        for (index, required) in self.keys.iter().enumerate() {
            let key = &required.key;
            if key.trim().is_empty() {
                return Err(PolicyError::EmptyKey { index });
            }
            if key.trim() != key {
                return Err(PolicyError::KeySurroundingSpace { key: key.clone() });
            }
            if key.chars().count() > MAX_KEY_CHARS {
                return Err(PolicyError::KeyTooLong { key: key.clone() });
            }
            if let Some(earlier) = self.keys[..index]
                .iter()
                .find(|other| eq_ignore_case(&other.key, key))
            {
                return Err(PolicyError::DuplicateKey {
                    key: key.clone(),
                    earlier: earlier.key.clone(),
                });
            }
            for (i, value) in required.allowed_values.iter().enumerate() {
                if value.chars().count() > MAX_VALUE_CHARS {
                    return Err(PolicyError::ValueTooLong { key: key.clone() });
                }
                if required.allowed_values[..i].contains(value) {
                    return Err(PolicyError::DuplicateValue {
                        key: key.clone(),
                        value: value.clone(),
                    });
                }
            }
        }
        Ok(())
    }
}

/// Why a policy could not be read or used. Each message is a sentence for the page.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PolicyError {
    /// The text is not JSON, or not of the expected shape.
    #[error("not a valid policy: {0}")]
    Json(String),
    /// A stored policy without `version`.
    #[error("the policy has no version")]
    MissingVersion,
    /// Written by a newer ddb-lens.
    #[error("policy version {0} is not supported (this version of ddb-lens reads version 1)")]
    UnsupportedVersion(u32),
    #[error("the policy has {0} keys; a table can carry at most 50 tags")]
    TooManyKeys(usize),
    /// A key left blank in the editor.
    #[error("key {} is empty", index + 1)]
    EmptyKey { index: usize },
    /// `"Environment "`: almost always a typo, and it would never match the real key.
    #[error("key \"{key}\" starts or ends with a space")]
    KeySurroundingSpace { key: String },
    #[error("key \"{key}\" is longer than 128 characters, the most AWS allows")]
    KeyTooLong { key: String },
    /// Two keys that differ only in case: coverage could not tell which a tag satisfies.
    #[error("key \"{key}\" repeats \"{earlier}\" (keys are compared ignoring case)")]
    DuplicateKey { key: String, earlier: String },
    #[error("an allowed value of \"{key}\" is longer than 256 characters, the most AWS allows")]
    ValueTooLong { key: String },
    #[error("\"{value}\" is listed twice as an allowed value of \"{key}\"")]
    DuplicateValue { key: String, value: String },
    /// An Organizations import without a `tags` object.
    #[error("not an AWS Organizations tag policy: {0}")]
    NotATagPolicy(String),
    /// A field of an Organizations policy entry of the wrong type.
    #[error("tag policy entry \"{policy_key}\": {field} {problem}")]
    BadField {
        policy_key: String,
        field: String,
        problem: String,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards_match_like_organizations() {
        assert!(wildcard_match("300*", "300", true));
        assert!(wildcard_match("300*", "3001-x", true));
        assert!(!wildcard_match("300*", "200", true));
        assert!(wildcard_match("*@example.com", "a@example.com", true));
        assert!(!wildcard_match("*@example.com", "a@example.org", true));
        assert!(wildcard_match("*", "", true));
        assert!(wildcard_match("a*b*c", "aXbYc", true));
        assert!(!wildcard_match("a*b*c", "aXcYb", true));
        assert!(!wildcard_match("ab*ba", "aba", true));
        assert!(wildcard_match("PROD", "prod", false));
        assert!(!wildcard_match("PROD", "prod", true));
        assert!(!wildcard_match("prod", "prod ", true));
    }

    #[test]
    fn key_matching_and_near_misses() {
        let strict = RequiredKey::new("Environment");
        assert!(strict.matches_key("Environment"));
        assert!(!strict.matches_key("environment"));
        assert!(strict.is_near_miss("environment"));
        assert!(strict.is_near_miss("Environment "));
        assert!(!strict.is_near_miss("Environment"));
        assert!(!strict.is_near_miss("Env"));
        let loose = RequiredKey {
            case_sensitive: false,
            ..strict
        };
        assert!(loose.matches_key("ENVIRONMENT"));
        assert!(!loose.is_near_miss("ENVIRONMENT"));
        assert!(loose.is_near_miss(" environment"));
    }
}
