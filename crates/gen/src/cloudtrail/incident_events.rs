//! The CloudTrail records of the scripted incidents ([`super::scripts`]), in the shapes
//! CloudTrail logs them: request fields in lower camel case as CloudTrail writes them
//! (`uUID`, `sSESpecification`), Lambda's event names with their API version
//! (`CreateEventSourceMapping20150331`), dates in responses as the services render them.

use super::events::{write_key, Call, Ctx};
use super::record::dynamodb_request_id;
use super::scripts::{Script, ScriptKind, OLD_RULE, OLD_TRAIL, TRAIL};
use crate::json::Json;
use crate::rng::{mix, LOWER_HEX};
use crate::time::{java_date, DAY_MS};
use crate::world::Mapping;

pub(super) fn script_event(c: &mut Ctx<'_>, j: &mut Json, s: &Script) {
    let (a, i) = s.actor;
    let p = &c.w.accounts[a].principals[i];
    let (region, account) = (c.st.region, c.acct.id.as_str());
    let trail_arn = |name: &str| format!("arn:aws:cloudtrail:{region}:{account}:trail/{name}");
    match s.kind {
        ScriptKind::TriggerDisabled { mapping } | ScriptKind::TriggerCreated { mapping } => {
            let Some(m) = c.st.mappings.get(mapping) else {
                return;
            };
            let create = matches!(s.kind, ScriptKind::TriggerCreated { .. });
            let (op, name) = if create {
                (
                    "CreateEventSourceMapping",
                    "CreateEventSourceMapping20150331",
                )
            } else {
                (
                    "UpdateEventSourceMapping",
                    "UpdateEventSourceMapping20150331v2",
                )
            };
            let mut call = Call::by(c, p, "lambda.amazonaws.com", "lambda", op);
            call.name = name;
            call.read_only = false;
            let t = c.table(m.table);
            let stream_arn = t.stream_arn(&t.state_at(c.time_ms));
            let function_arn = format!("arn:aws:lambda:{region}:{account}:function:{}", m.function);
            let time_ms = c.time_ms;
            c.emit(j, call, |j, _| {
                j.ko("requestParameters");
                if create {
                    j.ks("eventSourceArn", &stream_arn);
                    j.ks("functionName", &m.function);
                    j.kb("enabled", true);
                    j.ki("batchSize", m.batch_size);
                    j.ks("startingPosition", "LATEST");
                } else {
                    j.ks("uUID", &m.uuid);
                    j.kb("enabled", false);
                }
                j.end_obj();
                j.ko("responseElements");
                mapping_description(
                    j,
                    m,
                    &stream_arn,
                    &function_arn,
                    time_ms,
                    if create { "Creating" } else { "Disabling" },
                );
                j.end_obj();
            });
        }
        ScriptKind::LoggingStopped | ScriptKind::LoggingStarted => {
            let op = if s.kind == ScriptKind::LoggingStopped {
                "StopLogging"
            } else {
                "StartLogging"
            };
            let mut call = Call::by(c, p, "cloudtrail.amazonaws.com", "cloudtrail", op);
            call.read_only = false;
            let arn = trail_arn(TRAIL);
            c.emit(j, call, |j, _| {
                j.ko("requestParameters");
                j.ks("name", &arn);
                j.end_obj();
                j.knull("responseElements");
            });
        }
        ScriptKind::SelectorsWithoutDynamoDb | ScriptKind::SelectorsWithDynamoDb => {
            let mut call = Call::by(
                c,
                p,
                "cloudtrail.amazonaws.com",
                "cloudtrail",
                "PutEventSelectors",
            );
            call.read_only = false;
            let basic = s.kind == ScriptKind::SelectorsWithoutDynamoDb;
            let arn = trail_arn(TRAIL);
            c.emit(j, call, |j, _| {
                j.ko("requestParameters");
                j.ks("trailName", TRAIL);
                selectors(j, basic);
                j.end_obj();
                j.ko("responseElements");
                j.ks("trailARN", &arn);
                selectors(j, basic);
                j.end_obj();
            });
        }
        ScriptKind::TrailUpdated => {
            let mut call = Call::by(
                c,
                p,
                "cloudtrail.amazonaws.com",
                "cloudtrail",
                "UpdateTrail",
            );
            call.read_only = false;
            let arn = trail_arn(TRAIL);
            c.emit(j, call, |j, _| {
                j.ko("requestParameters");
                j.ks("name", TRAIL);
                j.kb("isMultiRegionTrail", true);
                j.kb("includeGlobalServiceEvents", true);
                j.kb("enableLogFileValidation", true);
                j.end_obj();
                j.ko("responseElements");
                j.ks("name", TRAIL);
                j.kfmt(
                    "s3BucketName",
                    format_args!("aws-cloudtrail-logs-{account}-org"),
                );
                j.kb("includeGlobalServiceEvents", true);
                j.kb("isMultiRegionTrail", true);
                j.ks("trailARN", &arn);
                j.kb("logFileValidationEnabled", true);
                j.kb("isOrganizationTrail", false);
                j.end_obj();
            });
        }
        ScriptKind::TrailDeleted => {
            let mut call = Call::by(
                c,
                p,
                "cloudtrail.amazonaws.com",
                "cloudtrail",
                "DeleteTrail",
            );
            call.read_only = false;
            let arn = trail_arn(OLD_TRAIL);
            c.emit(j, call, |j, _| {
                j.ko("requestParameters");
                j.ks("name", &arn);
                j.end_obj();
                j.knull("responseElements");
            });
        }
        ScriptKind::RecorderStopped | ScriptKind::RecorderStarted => {
            let op = if s.kind == ScriptKind::RecorderStopped {
                "StopConfigurationRecorder"
            } else {
                "StartConfigurationRecorder"
            };
            let mut call = Call::by(c, p, "config.amazonaws.com", "configservice", op);
            call.read_only = false;
            c.emit(j, call, |j, _| {
                j.ko("requestParameters");
                j.ks("configurationRecorderName", "default");
                j.end_obj();
                j.knull("responseElements");
            });
        }
        ScriptKind::ConfigRuleDeleted => {
            let mut call = Call::by(
                c,
                p,
                "config.amazonaws.com",
                "configservice",
                "DeleteConfigRule",
            );
            call.read_only = false;
            c.emit(j, call, |j, _| {
                j.ko("requestParameters");
                j.ks("configRuleName", OLD_RULE);
                j.end_obj();
                j.knull("responseElements");
            });
        }
        ScriptKind::Denied { op, table } | ScriptKind::Root { op, table } => {
            let denied = matches!(s.kind, ScriptKind::Denied { .. });
            let t = c.table(table);
            let mut call = Call::by(c, p, "dynamodb.amazonaws.com", "dynamodb", op);
            call.request_id = dynamodb_request_id(&mut c.r);
            call.api_version = Some("2012-08-10");
            call.read_only = !matches!(op, "CreateBackup" | "ExportTableToPointInTime");
            call.management = !matches!(op, "Scan" | "GetItem");
            if !call.management {
                call.resources = vec![("AWS::DynamoDB::Table", t.arn.clone())];
                call.vpce = None;
            }
            if denied {
                let resource = if op == "ListTables" {
                    format!("{}/*", t.arn.rsplit_once('/').map_or("", |(a, _)| a))
                } else {
                    t.arn.clone()
                };
                call.error = Some((
                    "AccessDeniedException",
                    format!(
                        "User: {} is not authorized to perform: dynamodb:{op} on resource: {resource} because no identity-based policy allows the dynamodb:{op} action",
                        p.arn
                    ),
                ));
            }
            let time_ms = c.time_ms;
            c.emit(j, call, |j, r| {
                j.ko("requestParameters");
                match op {
                    "ListTables" => {}
                    "GetItem" => {
                        j.ks("tableName", &t.name);
                        write_key(j, r, t, time_ms);
                    }
                    "ExportTableToPointInTime" => {
                        j.ks("tableArn", &t.arn);
                        j.ks("s3Bucket", "exfil-bucket-7731");
                        j.ks("exportFormat", "DYNAMODB_JSON");
                    }
                    "CreateBackup" => {
                        j.ks("tableName", &t.name);
                        j.kfmt("backupName", format_args!("{}-bak", t.name));
                    }
                    _ => j.ks("tableName", &t.name),
                }
                j.end_obj();
                j.knull("responseElements");
            });
        }
        ScriptKind::PartnerExport { table } => {
            let t = c.table(table);
            let mut call = Call::by(
                c,
                p,
                "dynamodb.amazonaws.com",
                "dynamodb",
                "ExportTableToPointInTime",
            );
            call.request_id = dynamodb_request_id(&mut c.r);
            call.api_version = Some("2012-08-10");
            call.read_only = false;
            call.resources = vec![("AWS::DynamoDB::Table", t.arn.clone())];
            let partner = c.w.external_account.as_str();
            let bucket = format!("partner-analytics-landing-{partner}");
            let prefix = format!("ddb/{}/", t.name);
            let time_ms = c.time_ms;
            c.emit(j, call, |j, r| {
                j.ko("requestParameters");
                j.ks("tableArn", &t.arn);
                j.ks("s3Bucket", &bucket);
                j.ks("s3BucketOwner", partner);
                j.ks("s3Prefix", &prefix);
                j.ks("s3SseAlgorithm", "AES256");
                j.ks("exportFormat", "DYNAMODB_JSON");
                j.ks("exportType", "FULL_EXPORT");
                j.end_obj();
                j.ko("responseElements");
                j.ko("exportDescription");
                j.kfmt(
                    "exportArn",
                    format_args!(
                        "{}/export/{:014}-{:08x}",
                        t.arn,
                        time_ms,
                        r.next_u64() as u32
                    ),
                );
                j.ks("exportStatus", "IN_PROGRESS");
                j.ks("tableArn", &t.arn);
                j.ks("tableId", &t.id);
                j.ks("exportTime", &java_date(time_ms));
                j.ks("s3Bucket", &bucket);
                j.ks("s3BucketOwner", partner);
                j.ks("s3Prefix", &prefix);
                j.ks("s3SseAlgorithm", "AES256");
                j.ks("exportFormat", "DYNAMODB_JSON");
                j.ks("exportType", "FULL_EXPORT");
                j.end_obj();
                j.end_obj();
            });
        }
        ScriptKind::KeyPolicyPut { key }
        | ScriptKind::GrantRevoked { key }
        | ScriptKind::KeyDisabled { key }
        | ScriptKind::KeyEnabled { key }
        | ScriptKind::KeyDeletionScheduled { key }
        | ScriptKind::KeyDeletionCancelled { key } => {
            let Some(key_arn) = c.st.cmks.get(key) else {
                return;
            };
            let op = match s.kind {
                ScriptKind::KeyPolicyPut { .. } => "PutKeyPolicy",
                ScriptKind::GrantRevoked { .. } => "RevokeGrant",
                ScriptKind::KeyDisabled { .. } => "DisableKey",
                ScriptKind::KeyEnabled { .. } => "EnableKey",
                ScriptKind::KeyDeletionScheduled { .. } => "ScheduleKeyDeletion",
                _ => "CancelKeyDeletion",
            };
            let mut call = Call::by(c, p, "kms.amazonaws.com", "kms", op);
            call.read_only = false;
            call.resources = vec![("AWS::KMS::Key", key_arn.clone())];
            let admins = c.acct.of_role(crate::world::Role::Admin);
            let admin_role = admins
                .first()
                .map(|&i| c.acct.principals[i].role_arn.clone())
                .unwrap_or_else(|| format!("arn:aws:iam::{account}:root"));
            let time_ms = c.time_ms;
            let seed = c.w.seed;
            c.emit(j, call, |j, r| {
                j.ko("requestParameters");
                j.ks("keyId", key_arn);
                match op {
                    "PutKeyPolicy" => {
                        j.ks("policyName", "default");
                        j.ks("policy", &key_policy(account, region, &admin_role));
                        j.kb("bypassPolicyLockoutSafetyCheck", false);
                    }
                    "RevokeGrant" => {
                        j.kstr_with("grantId", |s| {
                            crate::rng::push_hex(s, mix(seed ^ time_ms as u64), 16);
                            r.push_chars(s, LOWER_HEX, 48);
                        });
                    }
                    "ScheduleKeyDeletion" => j.ki("pendingWindowInDays", 30),
                    _ => {}
                }
                j.end_obj();
                match op {
                    "ScheduleKeyDeletion" => {
                        j.ko("responseElements");
                        j.ks("keyId", key_arn);
                        j.ks("deletionDate", &java_date((time_ms / DAY_MS + 31) * DAY_MS));
                        j.ks("keyState", "PendingDeletion");
                        j.ki("pendingWindowInDays", 30);
                        j.end_obj();
                    }
                    "CancelKeyDeletion" => {
                        j.ko("responseElements");
                        j.ks("keyId", key_arn);
                        j.end_obj();
                    }
                    _ => j.knull("responseElements"),
                }
            });
        }
    }
}

/// An event source mapping's configuration as Lambda returns it, in CloudTrail's casing.
fn mapping_description(
    j: &mut Json,
    m: &Mapping,
    stream_arn: &str,
    function_arn: &str,
    time_ms: i64,
    state: &str,
) {
    j.ks("uUID", &m.uuid);
    j.ks("startingPosition", "LATEST");
    j.ki("batchSize", m.batch_size);
    j.ki("maximumBatchingWindowInSeconds", 0);
    j.ki("parallelizationFactor", 1);
    j.ks("eventSourceArn", stream_arn);
    j.ks("functionArn", function_arn);
    j.ks("lastModified", &java_date(time_ms));
    j.ks(
        "lastProcessingResult",
        if state == "Creating" {
            "No records processed"
        } else {
            "OK"
        },
    );
    j.ks("state", state);
    j.ks("stateTransitionReason", "USER_INITIATED");
    j.ko("destinationConfig");
    j.ko("onFailure");
    j.end_obj();
    j.end_obj();
    j.ki("maximumRecordAgeInSeconds", -1);
    j.kb("bisectBatchOnFunctionError", false);
    j.ki("maximumRetryAttempts", -1);
    j.ki("tumblingWindowInSeconds", 0);
    j.ka("functionResponseTypes");
    j.end_arr();
}

/// The trail's selectors: basic ones logging management events only, or advanced ones
/// logging management events and DynamoDB table and stream data events.
fn selectors(j: &mut Json, basic: bool) {
    if basic {
        j.ka("eventSelectors");
        j.obj();
        j.ks("readWriteType", "All");
        j.kb("includeManagementEvents", true);
        j.ka("dataResources");
        j.end_arr();
        j.ka("excludeManagementEventSources");
        j.end_arr();
        j.end_obj();
        j.end_arr();
        return;
    }
    j.ka("advancedEventSelectors");
    let selector = |j: &mut Json, name: &str, category: &str, ty: Option<&str>| {
        j.obj();
        j.ks("name", name);
        j.ka("fieldSelectors");
        j.obj();
        j.ks("field", "eventCategory");
        j.ka("equals");
        j.str(category);
        j.end_arr();
        j.end_obj();
        if let Some(ty) = ty {
            j.obj();
            j.ks("field", "resources.type");
            j.ka("equals");
            j.str(ty);
            j.end_arr();
            j.end_obj();
        }
        j.end_arr();
        j.end_obj();
    };
    selector(j, "Management events", "Management", None);
    selector(
        j,
        "DynamoDB table data events",
        "Data",
        Some("AWS::DynamoDB::Table"),
    );
    selector(
        j,
        "DynamoDB stream data events",
        "Data",
        Some("AWS::DynamoDB::Stream"),
    );
    j.end_arr();
}

/// A customer managed key's policy in the shape of the console's default for DynamoDB: the
/// account administers it, an SSO admin role too, and principals of the account may use it
/// through DynamoDB only.
fn key_policy(account: &str, region: &str, admin_role: &str) -> String {
    format!(
        "{{\"Version\":\"2012-10-17\",\"Id\":\"key-consolepolicy-3\",\"Statement\":[\
{{\"Sid\":\"Enable IAM User Permissions\",\"Effect\":\"Allow\",\"Principal\":{{\"AWS\":\"arn:aws:iam::{account}:root\"}},\"Action\":\"kms:*\",\"Resource\":\"*\"}},\
{{\"Sid\":\"Allow access for Key Administrators\",\"Effect\":\"Allow\",\"Principal\":{{\"AWS\":\"{admin_role}\"}},\"Action\":[\"kms:Create*\",\"kms:Describe*\",\"kms:Enable*\",\"kms:List*\",\"kms:Put*\",\"kms:Update*\",\"kms:Revoke*\",\"kms:Disable*\",\"kms:Get*\",\"kms:Delete*\",\"kms:TagResource\",\"kms:UntagResource\",\"kms:ScheduleKeyDeletion\",\"kms:CancelKeyDeletion\"],\"Resource\":\"*\"}},\
{{\"Sid\":\"Allow use through DynamoDB\",\"Effect\":\"Allow\",\"Principal\":{{\"AWS\":\"*\"}},\"Action\":[\"kms:Encrypt\",\"kms:Decrypt\",\"kms:ReEncrypt*\",\"kms:GenerateDataKey*\",\"kms:CreateGrant\",\"kms:DescribeKey\"],\"Resource\":\"*\",\"Condition\":{{\"StringEquals\":{{\"kms:CallerAccount\":\"{account}\",\"kms:ViaService\":\"dynamodb.{region}.amazonaws.com\"}}}}}}]}}"
    )
}
