//! The one list of rules. A rule not listed here does not run, is not documented and has no
//! fixture test; the tests check every listed rule has its fixtures and a complete doc.

use super::{
    access_denied_burst, backup_deleted, cloudtrail_data_events_dropped,
    cloudtrail_logging_stopped, cloudtrail_trail_deleted, cloudtrail_trail_updated,
    config_delivery_channel_deleted, config_recorder_stopped, config_rule_deleted,
    deletion_protection_disabled, export_to_other_account, first_export_by_principal,
    first_scan_by_principal, kinesis_destination_disabled, kms_table_key_deletion_scheduled,
    kms_table_key_disabled, kms_table_key_grant_revoked, kms_table_key_policy_changed,
    pitr_disabled, required_tag_removed, resource_policy_changed, resource_policy_grants_external,
    root_user_activity, stream_disabled, table_deleted, table_exported, table_restored,
    ttl_changed, Rule,
};

/// Every rule, in catalogue order: DynamoDB tables, data leaving, access, KMS keys, then the
/// logging that watches them all.
pub static RULES: &[Rule] = &[
    table_deleted::RULE,
    pitr_disabled::RULE,
    deletion_protection_disabled::RULE,
    backup_deleted::RULE,
    table_restored::RULE,
    ttl_changed::RULE,
    stream_disabled::RULE,
    kinesis_destination_disabled::RULE,
    required_tag_removed::RULE,
    resource_policy_changed::RULE,
    resource_policy_grants_external::RULE,
    table_exported::RULE,
    export_to_other_account::RULE,
    first_export_by_principal::RULE,
    first_scan_by_principal::RULE,
    access_denied_burst::RULE,
    root_user_activity::RULE,
    kms_table_key_deletion_scheduled::RULE,
    kms_table_key_disabled::RULE,
    kms_table_key_policy_changed::RULE,
    kms_table_key_grant_revoked::RULE,
    cloudtrail_logging_stopped::RULE,
    cloudtrail_trail_deleted::RULE,
    cloudtrail_trail_updated::RULE,
    cloudtrail_data_events_dropped::RULE,
    config_recorder_stopped::RULE,
    config_delivery_channel_deleted::RULE,
    config_rule_deleted::RULE,
];

/// The rule with this id.
pub fn rule(id: &str) -> Option<&'static Rule> {
    RULES.iter().find(|rule| rule.meta.id == id)
}
