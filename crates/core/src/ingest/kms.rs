//! KMS: `kms describe-key` (`KeyMetadata`) and `kms list-aliases` (`Aliases`). Config's
//! `AWS::KMS::Key` items carry the same metadata in camelCase and are read by [`key_info`] too.
//!
//! The inventory needs these to tell an AWS managed key (`KeyManager` AWS, the target of
//! `alias/aws/dynamodb`) from a customer managed one behind a table's `KMSMasterKeyArn`.

use serde_json::Value;

use crate::ingest::exports::{Ctx, Out};
use crate::ingest::value::{flag, get, items, parse_arn, text, time};
use crate::model::inventory::{KeyManager, KmsAlias, KmsKeyInfo, Listing};

/// A key's metadata (any casing). `key_id` is empty when neither `KeyId` nor `Arn` says it.
pub(crate) fn key_info(meta: &Value, ctx: &Ctx<'_>) -> KmsKeyInfo {
    let arn = text(meta, "Arn");
    let parts = arn.as_deref().and_then(parse_arn);
    let key_id = text(meta, "KeyId")
        .or_else(|| {
            parts
                .and_then(|p| p.resource.strip_prefix("key/"))
                .map(str::to_string)
        })
        .or_else(|| ctx.hints.key_id.clone())
        .unwrap_or_default();
    KmsKeyInfo {
        key_id,
        account: ctx.account(
            text(meta, "AWSAccountId")
                .as_deref()
                .or(parts.map(|p| p.account)),
        ),
        region: ctx.region(parts.map(|p| p.region)),
        arn,
        manager: match text(meta, "KeyManager").as_deref() {
            Some("AWS") => Some(KeyManager::Aws),
            Some("CUSTOMER") => Some(KeyManager::Customer),
            _ => None,
        },
        state: text(meta, "KeyState"),
        enabled: flag(meta, "Enabled"),
        origin: text(meta, "Origin"),
        description: text(meta, "Description"),
        created_ms: time(meta, "CreationDate"),
        deletion_ms: time(meta, "DeletionDate"),
        aliases: Vec::new(),
        rotation: flag(meta, "KeyRotationEnabled"),
        source: ctx.source(None),
    }
}

pub(crate) fn describe_key(v: &Value, ctx: &Ctx<'_>) -> Out {
    let mut out = Out::new("key");
    out.count = 1;
    let Some(meta) = get(v, "KeyMetadata").filter(|m| m.is_object()) else {
        out.skip(0, || "KeyMetadata is not an object".into());
        return out;
    };
    let key = key_info(meta, ctx);
    if key.key_id.is_empty() {
        out.skip(0, || "no KeyId or Arn".into());
    } else {
        out.records.kms_keys.push(key);
    }
    out
}

pub(crate) fn list_aliases(v: &Value, ctx: &Ctx<'_>) -> Out {
    let mut out = Out::new("alias");
    for (i, alias) in items(v, "Aliases").iter().enumerate() {
        out.count += 1;
        let Some(name) = text(alias, "AliasName") else {
            out.skip(i, || "no AliasName".into());
            continue;
        };
        let arn = text(alias, "AliasArn");
        let parts = arn.as_deref().and_then(parse_arn);
        out.records.kms_aliases.push(KmsAlias {
            name,
            target_key_id: text(alias, "TargetKeyId"),
            account: ctx.account(parts.map(|p| p.account)),
            region: ctx.region(parts.map(|p| p.region)),
            arn,
            source: ctx.source(None),
        });
    }
    // The listing's own account and region: its aliases', else the path's.
    let first = out.records.kms_aliases.first();
    let account = first.map_or_else(|| ctx.account(None), |a| a.account.clone());
    let region = first.map_or_else(|| ctx.region(None), |a| a.region.clone());
    out.records.listings.push(Listing {
        kind: ctx.kind,
        account,
        region,
        truncated: flag(v, "Truncated").unwrap_or(false) || get(v, "NextMarker").is_some(),
        source: ctx.source(None),
    });
    out
}
