//! The parts every CloudTrail record shares: identity, head and tail fields in CloudTrail's
//! own key order, ids, user agents and TLS details.

use crate::json::Json;
use crate::rng::{mix, push_unique_uuid, Rng, UPPER_ALNUM};
use crate::time::push_iso_seconds;
use crate::world::{Kind, Principal, Ua};

/// Who made the call, as written in `userIdentity`.
#[derive(Clone, Copy)]
pub(crate) enum Who<'a> {
    Principal {
        p: &'a Principal,
        invoked_by: Option<&'a str>,
    },
    /// `{"type":"AWSService","invokedBy":…}`
    Service(&'a str),
}

/// Fields before `requestParameters`.
pub(crate) struct Head<'a> {
    pub version: &'static str,
    pub who: Who<'a>,
    pub time_ms: i64,
    pub source: &'static str,
    pub name: &'a str,
    pub region: &'a str,
    pub ip: &'a str,
    pub ua: &'a str,
    pub error: Option<(&'a str, &'a str)>,
}

/// Fields after `responseElements` (and `additionalEventData`).
pub(crate) struct Tail<'a> {
    pub request_id: &'a str,
    pub event_id: &'a str,
    pub read_only: bool,
    /// (type, ARN); the owning account is the recipient.
    pub resources: &'a [(&'static str, &'a str)],
    pub event_type: &'static str,
    pub api_version: Option<&'static str>,
    pub management: bool,
    pub recipient: &'a str,
    pub shared_event_id: Option<&'a str>,
    pub vpce: Option<&'a str>,
    pub tls_host: Option<&'a str>,
    pub tls13: bool,
    pub console: bool,
}

pub(crate) fn write_head(j: &mut Json, h: &Head<'_>) {
    j.obj();
    j.ks("eventVersion", h.version);
    j.key("userIdentity");
    write_identity(j, h.who, h.time_ms);
    j.kstr_with("eventTime", |s| push_iso_seconds(s, h.time_ms));
    j.ks("eventSource", h.source);
    j.ks("eventName", h.name);
    j.ks("awsRegion", h.region);
    j.ks("sourceIPAddress", h.ip);
    j.ks("userAgent", h.ua);
    if let Some((code, message)) = h.error {
        j.ks("errorCode", code);
        j.ks("errorMessage", message);
    }
}

pub(crate) fn write_tail(j: &mut Json, t: &Tail<'_>) {
    j.ks("requestID", t.request_id);
    j.ks("eventID", t.event_id);
    j.kb("readOnly", t.read_only);
    if !t.resources.is_empty() {
        j.ka("resources");
        for (ty, arn) in t.resources {
            j.obj();
            j.ks("accountId", t.recipient);
            j.ks("type", ty);
            j.ks("ARN", arn);
            j.end_obj();
        }
        j.end_arr();
    }
    j.ks("eventType", t.event_type);
    if let Some(v) = t.api_version {
        j.ks("apiVersion", v);
    }
    j.kb("managementEvent", t.management);
    j.ks("recipientAccountId", t.recipient);
    if let Some(id) = t.shared_event_id {
        j.ks("sharedEventID", id);
    }
    if let Some(v) = t.vpce {
        j.ks("vpcEndpointId", v);
    }
    j.ks(
        "eventCategory",
        if t.management { "Management" } else { "Data" },
    );
    if let Some(host) = t.tls_host {
        j.ko("tlsDetails");
        if t.tls13 {
            j.ks("tlsVersion", "TLSv1.3");
            j.ks("cipherSuite", "TLS_AES_128_GCM_SHA256");
        } else {
            j.ks("tlsVersion", "TLSv1.2");
            j.ks("cipherSuite", "ECDHE-RSA-AES128-GCM-SHA256");
        }
        j.ks("clientProvidedHostHeader", host);
        j.end_obj();
    }
    if t.console {
        j.ks("sessionCredentialFromConsole", "true");
    }
    j.end_obj();
}

fn write_identity(j: &mut Json, who: Who<'_>, time_ms: i64) {
    j.obj();
    match who {
        Who::Service(by) => {
            j.ks("type", "AWSService");
            j.ks("invokedBy", by);
        }
        Who::Principal { p, invoked_by } => {
            let created = p.session_created_ms(time_ms);
            match p.kind {
                Kind::IamUser => {
                    j.ks("type", "IAMUser");
                    j.ks("principalId", &p.principal_id);
                    j.ks("arn", &p.arn);
                    j.ks("accountId", &p.account_id);
                    let console = matches!(p.ua, Ua::Console | Ua::Browser);
                    if console {
                        j.ks("accessKeyId", &p.session_key(time_ms));
                    } else {
                        j.ks("accessKeyId", &p.long_term_key);
                    }
                    j.ks("userName", &p.name);
                    if console {
                        write_empty_session(j, created, p.mfa);
                    }
                }
                Kind::Root => {
                    j.ks("type", "Root");
                    j.ks("principalId", &p.principal_id);
                    j.ks("arn", &p.arn);
                    j.ks("accountId", &p.account_id);
                    j.ks("accessKeyId", &p.session_key(time_ms));
                    write_empty_session(j, created, p.mfa);
                }
                Kind::AssumedRole => {
                    j.ks("type", "AssumedRole");
                    j.ks("principalId", &p.principal_id);
                    j.ks("arn", &p.arn);
                    j.ks("accountId", &p.account_id);
                    j.ks("accessKeyId", &p.session_key(time_ms));
                    j.ko("sessionContext");
                    j.ko("sessionIssuer");
                    j.ks("type", "Role");
                    j.ks("principalId", &p.role_id);
                    j.ks("arn", &p.role_arn);
                    j.ks("accountId", &p.account_id);
                    j.ks("userName", &p.name);
                    j.end_obj();
                    j.ko("webIdFederationData");
                    j.end_obj();
                    write_attributes(j, created, false);
                    if p.ec2 {
                        j.ks("ec2RoleDelivery", "2.0");
                    }
                    j.end_obj();
                }
            }
            if let Some(by) = invoked_by {
                j.ks("invokedBy", by);
            }
        }
    }
    j.end_obj();
}

/// A `sessionContext` with no issuer, as console and root sessions carry it.
fn write_empty_session(j: &mut Json, created: i64, mfa: bool) {
    j.ko("sessionContext");
    j.ko("sessionIssuer");
    j.end_obj();
    j.ko("webIdFederationData");
    j.end_obj();
    write_attributes(j, created, mfa);
    j.end_obj();
}

fn write_attributes(j: &mut Json, created_ms: i64, mfa: bool) {
    j.ko("attributes");
    j.kstr_with("creationDate", |s| push_iso_seconds(s, created_ms));
    j.ks("mfaAuthenticated", if mfa { "true" } else { "false" });
    j.end_obj();
}

/// The record's `eventID`: a UUID distinct for every record of a run, because its 64
/// leading bits are a bijection of the record's global index.
pub(crate) fn event_id(seed: u64, gidx: u64) -> String {
    let mut s = String::with_capacity(36);
    push_unique_uuid(
        &mut s,
        mix(gidx.wrapping_add(mix(seed ^ 0xE7E7))),
        mix(seed ^ gidx.rotate_left(17)),
    );
    s
}

/// DynamoDB-style request ids: 52 upper-case letters and digits, often sharing a tail.
pub(crate) fn dynamodb_request_id(r: &mut Rng) -> String {
    let mut s = String::with_capacity(52);
    if r.chance(0.7) {
        r.push_chars(&mut s, UPPER_ALNUM, 26);
        s.push_str("VV4KQNSO5AEMVJF66Q9ASUAAJG");
    } else {
        r.push_chars(&mut s, UPPER_ALNUM, 52);
    }
    s
}

pub(crate) fn tls13(ua: Ua) -> bool {
    !matches!(ua, Ua::CliV1 | Ua::PythonOld)
}

/// `GetItem` -> `get-item`, as in the CLI v2's `command/` user-agent suffix.
fn kebab(op: &str, out: &mut String) {
    for (i, ch) in op.chars().enumerate() {
        if ch.is_ascii_uppercase() {
            if i > 0 {
                out.push('-');
            }
            out.push(ch.to_ascii_lowercase());
        } else {
            out.push(ch);
        }
    }
}

/// The `userAgent` a client sends for `op` on `service` (the CLI's name for it).
pub(crate) fn user_agent(ua: Ua, service: &str, op: &str) -> String {
    let mut s = String::with_capacity(200);
    match ua {
        Ua::CliV2Linux | Ua::CliV2Mac => {
            s.push_str(if ua == Ua::CliV2Linux {
                "aws-cli/2.15.30 Python/3.11.8 Linux/5.10.213-201.855.amzn2.x86_64 exe/x86_64.amzn.2 prompt/off command/"
            } else {
                "aws-cli/2.13.25 Python/3.11.6 Darwin/23.4.0 exe/x86_64 prompt/off command/"
            });
            s.push_str(service);
            s.push('.');
            kebab(op, &mut s);
        }
        Ua::CliV1 => s.push_str(
            "aws-cli/1.29.62 Python/3.9.18 Linux/4.14.336-257.562.amzn2.x86_64 botocore/1.31.62",
        ),
        Ua::Boto3 => s.push_str(
            "Boto3/1.34.69 md/Botocore#1.34.69 ua/2.0 os/linux#5.10.213-201.855.amzn2.x86_64 md/arch#x86_64 lang/python#3.12.2 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.34.69",
        ),
        Ua::Java => s.push_str(
            "aws-sdk-java/2.25.11 Linux/5.10.210-201.852.amzn2.x86_64 OpenJDK_64-Bit_Server_VM/17.0.10+7-LTS Java/17.0.10 vendor/Amazon.com_Inc. io/sync http/Apache cfg/retry-mode/legacy",
        ),
        Ua::JsV3 => {
            s.push_str("aws-sdk-js/3.540.0 ua/2.1 os/linux#5.10.213-201.855.amzn2.x86_64 lang/js md/nodejs#20.11.1 api/");
            s.push_str(service);
            s.push_str("#3.540.0");
        }
        Ua::Go => {
            s.push_str("aws-sdk-go-v2/1.26.1 os/linux lang/go#1.22.1 md/GOOS#linux md/GOARCH#amd64 api/");
            s.push_str(service);
            s.push_str("#1.31.1");
        }
        Ua::Terraform => {
            s.push_str("APN/1.0 HashiCorp/1.0 Terraform/1.7.5 (+https://www.terraform.io) terraform-provider-aws/5.42.0 (+https://registry.terraform.io/providers/hashicorp/aws) aws-sdk-go-v2/1.26.0 os/linux lang/go#1.22.1 md/GOOS#linux md/GOARCH#amd64 api/");
            s.push_str(service);
            s.push_str("#1.31.0");
        }
        Ua::Console => s.push_str("console.amazonaws.com"),
        Ua::Browser => s.push_str(
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/123.0.0.0 Safari/537.36",
        ),
        Ua::PythonOld => s.push_str("Boto3/1.9.201 Python/2.7.18 Linux/4.15.0-213-generic Botocore/1.12.201"),
        Ua::Lambda => s.push_str("lambda.amazonaws.com"),
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kebab_case() {
        let mut s = String::new();
        kebab("BatchGetItem", &mut s);
        assert_eq!(s, "batch-get-item");
    }

    #[test]
    fn event_ids_are_distinct_for_distinct_indexes() {
        let mut ids: Vec<String> = (0..50_000).map(|g| event_id(42, g)).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), 50_000);
    }
}
