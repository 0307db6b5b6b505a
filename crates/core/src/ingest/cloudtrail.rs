//! CloudTrail records → compact [`Event`]s, in one borrowed pass over the JSON.
//!
//! Records are read field by field with hand-written serde visitors instead of derived structs
//! because the shapes seen in the wild vary in type (`readOnly` as a boolean or the string
//! "true"; `requestParameters` null; a hostile file's `eventTime` a number): a derived struct
//! would abort the whole file on the first oddity, while here each record is judged alone and a
//! bad one becomes a warning naming the record and the field. Strings are borrowed from the input
//! where JSON has no escapes, and interned once each.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;

use crate::ingest::detail::{detail_text, is_kms_key_arn, keeps_detail};
use crate::ingest::tables::{self, ResourceRefs, TableRefs};
use crate::ingest::MAX_WARNINGS;
use crate::model::{Event, Flag, Model, Sym};
use crate::time::parse_iso_ms;

/// A JSON value read leniently: strings are kept (borrowed when possible), anything else is
/// remembered only by a short description for error messages.
#[derive(Debug, Default)]
pub(crate) enum Val<'de> {
    #[default]
    Missing,
    Null,
    Str(Cow<'de, str>),
    Bool(bool),
    /// Not a string, boolean or null: "a number (17)", "an object", "an array".
    Other(String),
}

impl<'de> Val<'de> {
    fn as_str(&self) -> Option<&str> {
        match self {
            Val::Str(text) => Some(text),
            _ => None,
        }
    }

    fn describe(&self) -> String {
        match self {
            Val::Missing => "missing".into(),
            Val::Null => "null".into(),
            Val::Str(text) => format!("the string {:?}", truncate(text, 40)),
            Val::Bool(b) => format!("a boolean ({b})"),
            Val::Other(what) => what.clone(),
        }
    }
}

fn truncate(text: &str, max_chars: usize) -> String {
    match text.char_indices().nth(max_chars) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_string(),
    }
}

struct ValVisitor;

impl<'de> Visitor<'de> for ValVisitor {
    type Value = Val<'de>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Val::Str(Cow::Borrowed(v)))
    }
    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Val::Str(Cow::Owned(v.to_string())))
    }
    fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
        Ok(Val::Str(Cow::Owned(v)))
    }
    fn visit_bool<E>(self, v: bool) -> Result<Self::Value, E> {
        Ok(Val::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Val::Other(format!("a number ({v})")))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Val::Other(format!("a number ({v})")))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Self::Value, E> {
        Ok(Val::Other(format!("a number ({v})")))
    }
    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(Val::Null)
    }
    fn visit_none<E>(self) -> Result<Self::Value, E> {
        Ok(Val::Null)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Val::Other("an object".into()))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Val::Other("an array".into()))
    }
}

impl<'de> de::Deserialize<'de> for Val<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(ValVisitor)
    }
}

/// An object key, borrowed when it has no escapes.
pub(crate) struct Key<'de>(pub Cow<'de, str>);

impl<'de> de::Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an object key")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Key(Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Key(Cow::Owned(v.to_string())))
            }
        }
        d.deserialize_str(KeyVisitor)
    }
}

/// The fields of `userIdentity` that the model keeps.
#[derive(Debug, Default)]
pub(crate) struct Identity<'de> {
    kind: Val<'de>,
    principal_id: Val<'de>,
    arn: Val<'de>,
    account_id: Val<'de>,
    invoked_by: Val<'de>,
    user_name: Val<'de>,
}

/// `userIdentity` as found: an object, or something else (kept for the warning).
#[derive(Debug, Default)]
enum IdentityVal<'de> {
    #[default]
    Missing,
    Object(Identity<'de>),
    Wrong(Val<'de>),
}

impl<'de> de::Deserialize<'de> for IdentityVal<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = IdentityVal<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a userIdentity object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut id = Identity::default();
                while let Some(Key(key)) = map.next_key()? {
                    let slot = match &*key {
                        "type" => &mut id.kind,
                        "principalId" => &mut id.principal_id,
                        "arn" => &mut id.arn,
                        "accountId" => &mut id.account_id,
                        "invokedBy" => &mut id.invoked_by,
                        "userName" => &mut id.user_name,
                        _ => {
                            map.next_value::<IgnoredAny>()?;
                            continue;
                        }
                    };
                    *slot = map.next_value()?;
                }
                Ok(IdentityVal::Object(id))
            }
            fn visit_unit<E>(self) -> Result<Self::Value, E> {
                Ok(IdentityVal::Wrong(Val::Null))
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(IdentityVal::Wrong(Val::Str(Cow::Borrowed(v))))
            }
            fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
                Ok(IdentityVal::Wrong(Val::Str(Cow::Owned(v.to_string()))))
            }
            fn visit_bool<E>(self, v: bool) -> Result<Self::Value, E> {
                Ok(IdentityVal::Wrong(Val::Bool(v)))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Self::Value, E> {
                Ok(IdentityVal::Wrong(Val::Other(format!("a number ({v})"))))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Self::Value, E> {
                Ok(IdentityVal::Wrong(Val::Other(format!("a number ({v})"))))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Self::Value, E> {
                Ok(IdentityVal::Wrong(Val::Other(format!("a number ({v})"))))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(IdentityVal::Wrong(Val::Other("an array".into())))
            }
        }
        d.deserialize_any(V)
    }
}

/// The parts of `requestParameters` that name DynamoDB tables (see [`crate::ingest::tables`]).
#[derive(Debug, Default)]
pub(crate) struct Params<'de> {
    /// Table names and ARNs, as found.
    refs: TableRefs<'de>,
    /// `aws:dynamodb:tableName` of the encryption context of KMS calls DynamoDB makes (or of
    /// the constraints of the grants it creates).
    kms_table_name: Option<Cow<'de, str>>,
    /// keyId of KMS calls, as written (an ID, ARN, alias name or alias ARN).
    key_id: Option<Cow<'de, str>>,
}

impl<'de> de::Deserialize<'de> for Params<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Params<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("requestParameters")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut params = Params::default();
                while let Some(Key(key)) = map.next_key()? {
                    // Decrypt, Encrypt and GenerateDataKey carry the context DynamoDB sets;
                    // ReEncrypt carries one per side; the grants DynamoDB creates (CreateGrant)
                    // are constrained to it. Any of them names the table.
                    if matches!(
                        &*key,
                        "encryptionContext"
                            | "sourceEncryptionContext"
                            | "destinationEncryptionContext"
                    ) {
                        let found = map.next_value::<EncryptionContext>()?.0;
                        params.kms_table_name = params.kms_table_name.take().or(found);
                    } else if key == "constraints" {
                        let found = map.next_value::<GrantConstraints>()?.0;
                        params.kms_table_name = params.kms_table_name.take().or(found);
                    } else if key == "keyId" {
                        params.key_id = string(map.next_value()?);
                    } else if !tables::read_param(&key, &mut map, &mut params.refs)? {
                        map.next_value::<IgnoredAny>()?;
                    }
                }
                Ok(params)
            }
            // null, or anything else: no table named here.
            scalars_are!(Params::default());
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Params::default())
            }
        }
        d.deserialize_any(V)
    }
}

fn string(val: Val<'_>) -> Option<Cow<'_, str>> {
    match val {
        Val::Str(text) if !text.is_empty() => Some(text),
        _ => None,
    }
}

struct EncryptionContext<'de>(Option<Cow<'de, str>>);

impl<'de> de::Deserialize<'de> for EncryptionContext<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let val = d.deserialize_any(ContextVisitor)?;
        Ok(val)
    }
}

struct ContextVisitor;

impl<'de> Visitor<'de> for ContextVisitor {
    type Value = EncryptionContext<'de>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an encryption context")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut table = None;
        while let Some(Key(key)) = map.next_key()? {
            if key == "aws:dynamodb:tableName" {
                table = string(map.next_value()?);
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(EncryptionContext(table))
    }
    scalars_are!(EncryptionContext(None));
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(EncryptionContext(None))
    }
}

/// A grant's `constraints`: the table of `encryptionContextSubset` or `encryptionContextEquals`.
struct GrantConstraints<'de>(Option<Cow<'de, str>>);

impl<'de> de::Deserialize<'de> for GrantConstraints<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = GrantConstraints<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("grant constraints")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut table = None;
                while let Some(Key(key)) = map.next_key()? {
                    if key == "encryptionContextSubset" || key == "encryptionContextEquals" {
                        let found = map.next_value::<EncryptionContext>()?.0;
                        table = table.or(found);
                    } else {
                        map.next_value::<IgnoredAny>()?;
                    }
                }
                Ok(GrantConstraints(table))
            }
            scalars_are!(GrantConstraints(None));
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(GrantConstraints(None))
            }
        }
        d.deserialize_any(V)
    }
}

/// One record's fields as read, before they are judged and interned.
#[derive(Debug, Default)]
pub(crate) struct RawEvent<'de> {
    event_version: Val<'de>,
    event_time: Val<'de>,
    event_source: Val<'de>,
    event_name: Val<'de>,
    region: Val<'de>,
    source_ip: Val<'de>,
    user_agent: Val<'de>,
    error_code: Val<'de>,
    event_id: Val<'de>,
    request_id: Val<'de>,
    event_type: Val<'de>,
    read_only: Val<'de>,
    management_event: Val<'de>,
    recipient_account: Val<'de>,
    identity: IdentityVal<'de>,
    params: Params<'de>,
    /// ARNs from `resources[]`.
    resources: TableRefs<'de>,
    /// Raw request, response and error message, read only when the event may keep its detail
    /// ([`keeps_detail`]).
    request_raw: Option<&'de RawValue>,
    response_raw: Option<&'de RawValue>,
    error_message_raw: Option<&'de RawValue>,
    /// [`keeps_detail`] for this record's source and name, once both are known.
    detail_decided: Option<bool>,
    /// Keys that mark other export kinds, for files that are not CloudTrail.
    pub marks: Marks,
}

/// Keys seen on an object that say what else it might be, for arrays that are not events.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Marks {
    /// CloudTrail event fields seen.
    pub event_keys: u32,
    /// A `Table` key: a describe-table output.
    pub table: bool,
    /// configurationItemCaptureTime / configurationItemStatus: an AWS Config item.
    pub config_item: bool,
    /// resourceType AWS::DynamoDB::Table.
    pub dynamodb_table: bool,
}

impl Marks {
    /// Notes what a key that is not an event field says about the object, reading its value
    /// where needed. Returns whether the value was consumed.
    pub(crate) fn note<'de, A: MapAccess<'de>>(
        &mut self,
        key: &str,
        map: &mut A,
    ) -> Result<bool, A::Error> {
        match key {
            "Table" => self.table = true,
            "configurationItemCaptureTime" | "configurationItemStatus" => self.config_item = true,
            "resourceType" => {
                if let Val::Str(kind) = map.next_value::<Val>()? {
                    self.dynamodb_table |= kind == "AWS::DynamoDB::Table";
                }
                return Ok(true);
            }
            _ => {}
        }
        Ok(false)
    }
}

impl<'de> RawEvent<'de> {
    /// Reads the value of `key` if it is a CloudTrail event field; returns whether it was.
    pub(crate) fn read_field<A: MapAccess<'de>>(
        &mut self,
        key: &str,
        map: &mut A,
    ) -> Result<bool, A::Error> {
        let slot = match key {
            "eventVersion" => &mut self.event_version,
            "eventTime" => &mut self.event_time,
            "eventSource" => &mut self.event_source,
            "eventName" => &mut self.event_name,
            "awsRegion" => &mut self.region,
            "sourceIPAddress" => &mut self.source_ip,
            "userAgent" => &mut self.user_agent,
            "errorCode" => &mut self.error_code,
            "eventID" => &mut self.event_id,
            "requestID" => &mut self.request_id,
            "eventType" => &mut self.event_type,
            "readOnly" => &mut self.read_only,
            "managementEvent" => &mut self.management_event,
            "recipientAccountId" => &mut self.recipient_account,
            "userIdentity" => {
                self.identity = map.next_value()?;
                self.marks.event_keys += 1;
                return Ok(true);
            }
            "requestParameters" => {
                if self.may_keep_detail() {
                    // Keep the text and read the tables from it: a second pass over a few
                    // hundred bytes, paid only by the rare events that keep their detail.
                    let raw: &'de RawValue = map.next_value()?;
                    self.params = serde_json::from_str(raw.get()).map_err(de::Error::custom)?;
                    self.request_raw = Some(raw);
                } else {
                    self.params = map.next_value()?;
                }
                return Ok(true);
            }
            "responseElements" | "errorMessage" if self.may_keep_detail() => {
                let raw = Some(map.next_value::<&'de RawValue>()?);
                if key == "responseElements" {
                    self.response_raw = raw;
                } else {
                    self.error_message_raw = raw;
                }
                return Ok(true);
            }
            "resources" => {
                self.resources = map.next_value::<ResourceRefs>()?.0;
                return Ok(true);
            }
            _ => return Ok(false),
        };
        *slot = map.next_value()?;
        self.marks.event_keys += 1;
        Ok(true)
    }

    /// Whether this event may keep its detail: yes when its source and name say so, and when
    /// they have not been seen yet (fields in an unusual order); [`EventSink`] decides at the end.
    fn may_keep_detail(&mut self) -> bool {
        if let Some(decided) = self.detail_decided {
            return decided;
        }
        match (self.event_source.as_str(), self.event_name.as_str()) {
            (Some(source), Some(name)) => {
                let keeps = keeps_detail(source, name);
                self.detail_decided = Some(keeps);
                keeps
            }
            _ => true,
        }
    }

    /// Whether this object looks like a CloudTrail event at all.
    pub(crate) fn looks_like_event(&self) -> bool {
        !matches!(self.event_name, Val::Missing)
            || !matches!(self.event_source, Val::Missing)
            || !matches!(self.event_time, Val::Missing)
    }
}

/// Visits one record object into a [`RawEvent`]; anything that is not an object becomes
/// `Err(description)` (the caller warns).
pub(crate) struct RecordVisitor;

impl<'de> Visitor<'de> for RecordVisitor {
    type Value = Result<RawEvent<'de>, String>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a CloudTrail event object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut raw = RawEvent::default();
        while let Some(Key(key)) = map.next_key()? {
            if !raw.read_field(&key, &mut map)? && !raw.marks.note(&key, &mut map)? {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(Ok(raw))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        ValVisitor.visit_seq(seq).map(|v| Err(v.describe()))
    }
    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(Err("null".into()))
    }
    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Err(Val::Str(Cow::Borrowed(v)).describe()))
    }
    fn visit_bool<E>(self, v: bool) -> Result<Self::Value, E> {
        Ok(Err(format!("a boolean ({v})")))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Err(format!("a number ({v})")))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Err(format!("a number ({v})")))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Self::Value, E> {
        Ok(Err(format!("a number ({v})")))
    }
}

/// Collects the events of one file into the model, with their IDs for de-duplication and the
/// warnings for records that could not be read.
pub(crate) struct EventSink<'m> {
    pub model: &'m mut Model,
    pub file: u32,
    pub event_ids: Vec<u128>,
    pub warnings: Vec<String>,
    pub warnings_total: u64,
}

impl<'m> EventSink<'m> {
    pub(crate) fn new(model: &'m mut Model, file: u32) -> Self {
        EventSink {
            model,
            file,
            event_ids: Vec::new(),
            warnings: Vec::new(),
            warnings_total: 0,
        }
    }

    /// Records a skipped record: counted always, described for the first [`MAX_WARNINGS`].
    pub(crate) fn warn(&mut self, record_index: u64, problem: impl FnOnce() -> String) {
        self.warnings_total += 1;
        if self.warnings.len() < MAX_WARNINGS {
            self.warnings.push(format!(
                "record {} skipped: {}",
                record_index + 1,
                problem()
            ));
        }
    }

    /// Judges one record and adds it as an event, or warns why not.
    pub(crate) fn push(&mut self, raw: RawEvent<'_>, record_index: u64) {
        match self.build(&raw, record_index) {
            Ok((event, id)) => {
                self.model.events_unsorted.push(event);
                self.event_ids.push(id);
            }
            Err(problem) => self.warn(record_index, || problem),
        }
    }

    fn build(&mut self, raw: &RawEvent<'_>, record_index: u64) -> Result<(Event, u128), String> {
        let time_ms = match &raw.event_time {
            Val::Str(text) => parse_iso_ms(text).ok_or_else(|| {
                format!("eventTime {:?} is not an ISO 8601 time", truncate(text, 40))
            })?,
            Val::Missing => return Err("no eventTime".into()),
            other => {
                return Err(format!(
                    "eventTime is {}, expected an ISO 8601 string",
                    other.describe()
                ))
            }
        };
        let event_source = required_str(&raw.event_source, "eventSource")?;
        let event_name = required_str(&raw.event_name, "eventName")?;
        let identity = match &raw.identity {
            IdentityVal::Object(identity) => Some(identity),
            IdentityVal::Missing => None,
            IdentityVal::Wrong(val) => {
                return Err(format!(
                    "userIdentity is {}, expected an object",
                    val.describe()
                ))
            }
        };
        for (val, name) in [
            (&raw.region, "awsRegion"),
            (&raw.source_ip, "sourceIPAddress"),
            (&raw.user_agent, "userAgent"),
            (&raw.error_code, "errorCode"),
            (&raw.event_id, "eventID"),
            (&raw.event_type, "eventType"),
            (&raw.recipient_account, "recipientAccountId"),
        ] {
            optional_str(val, name)?;
        }
        let read_only = flag(&raw.read_only, "readOnly")?;
        let management_event = flag(&raw.management_event, "managementEvent")?;

        let strings = &mut self.model.strings;
        let mut intern = |val: &Val<'_>| match val.as_str() {
            Some(text) => strings.intern(text),
            None => Sym::EMPTY,
        };
        let (identity_type, principal, invoked_by, identity_account) = match identity {
            Some(id) => {
                let principal = [
                    &id.arn,
                    &id.invoked_by,
                    &id.principal_id,
                    &id.user_name,
                    &id.kind,
                ]
                .into_iter()
                .find(|v| v.as_str().is_some_and(|s| !s.is_empty()))
                .map_or(Sym::EMPTY, &mut intern);
                (
                    intern(&id.kind),
                    principal,
                    intern(&id.invoked_by),
                    intern(&id.account_id),
                )
            }
            None => (Sym::EMPTY, Sym::EMPTY, Sym::EMPTY, Sym::EMPTY),
        };
        let recipient = intern(&raw.recipient_account);
        let account = if recipient.is_empty() {
            identity_account
        } else {
            recipient
        };
        let table_key = tables_of(event_source, raw);
        let key = if event_source == "kms.amazonaws.com" {
            raw.resources
                .iter()
                .find(|arn| is_kms_key_arn(arn))
                .or(raw.params.key_id.as_deref())
        } else {
            None
        };
        let detail = if keeps_detail(event_source, event_name) {
            detail_text(raw.request_raw, raw.response_raw, raw.error_message_raw)
        } else {
            None
        };
        let event = Event {
            time_ms,
            event_source: self.model.strings.intern(event_source),
            event_name: self.model.strings.intern(event_name),
            region: self.intern_val(&raw.region),
            account,
            principal,
            identity_type,
            invoked_by,
            source_ip: self.intern_val(&raw.source_ip),
            user_agent: self.intern_val(&raw.user_agent),
            error_code: self.intern_val(&raw.error_code),
            event_type: self.intern_val(&raw.event_type),
            table: table_key.map_or(Sym::EMPTY, |key| self.model.strings.intern(&key)),
            key: key.map_or(Sym::EMPTY, |key| self.model.strings.intern(key)),
            detail: detail.map_or(Sym::EMPTY, |text| self.model.strings.intern(&text)),
            read_only,
            management_event,
            file: self.file,
            record_index: record_index.min(u64::from(u32::MAX)) as u32,
        };
        let id = match raw.event_id.as_str() {
            Some(text) if !text.is_empty() => event_id_key(text),
            _ => synthetic_id(raw, time_ms),
        };
        Ok((event, id))
    }

    fn intern_val(&mut self, val: &Val<'_>) -> Sym {
        match val.as_str() {
            Some(text) => self.model.strings.intern(text),
            None => Sym::EMPTY,
        }
    }
}

fn required_str<'a>(val: &'a Val<'_>, name: &str) -> Result<&'a str, String> {
    match val {
        Val::Str(text) if !text.is_empty() => Ok(text),
        Val::Missing | Val::Null => Err(format!("no {name}")),
        Val::Str(_) => Err(format!("{name} is empty")),
        other => Err(format!("{name} is {}, expected a string", other.describe())),
    }
}

fn optional_str(val: &Val<'_>, name: &str) -> Result<(), String> {
    match val {
        Val::Str(_) | Val::Missing | Val::Null => Ok(()),
        other => Err(format!("{name} is {}, expected a string", other.describe())),
    }
}

/// `true`, `"true"` → True; `false`, `"false"` → False; absent or null → Missing.
fn flag(val: &Val<'_>, name: &str) -> Result<Flag, String> {
    match val {
        Val::Bool(true) => Ok(Flag::True),
        Val::Bool(false) => Ok(Flag::False),
        Val::Missing | Val::Null => Ok(Flag::Missing),
        Val::Str(text) if text.eq_ignore_ascii_case("true") => Ok(Flag::True),
        Val::Str(text) if text.eq_ignore_ascii_case("false") => Ok(Flag::False),
        other => Err(format!(
            "{name} is {}, expected true or false",
            other.describe()
        )),
    }
}

/// The DynamoDB tables an event names, as a table-set key ([`tables::table_set_key`]): for
/// DynamoDB and DynamoDB Streams calls from their request and `resources[]`, for KMS calls from
/// the encryption context DynamoDB sets.
fn tables_of<'r>(event_source: &str, raw: &'r RawEvent<'_>) -> Option<Cow<'r, str>> {
    if event_source == "kms.amazonaws.com" {
        return raw
            .params
            .kms_table_name
            .as_deref()
            .filter(|name| !name.chars().any(char::is_control))
            .map(Cow::Borrowed);
    }
    if event_source != "dynamodb.amazonaws.com" && event_source != "streams.dynamodb.amazonaws.com"
    {
        return None;
    }
    tables::table_set_key(raw.params.refs.iter().chain(raw.resources.iter()))
}

/// `arn:aws:dynamodb:REGION:ACCOUNT:table/NAME[/stream/..|/backup/..|/export/..|/index/..]` → NAME.
pub fn table_from_arn(arn: &str) -> Option<&str> {
    let resource = arn.strip_prefix("arn:")?.splitn(5, ':').nth(4)?;
    let rest = resource.strip_prefix("table/")?;
    let name = rest.split('/').next()?;
    (!name.is_empty()).then_some(name)
}

/// The de-duplication key of an eventID: a UUID's 128 bits (any letter case), or a 128-bit
/// hash of other text. Public so an analysis holding an eventID as text (a Config item's
/// `relatedEvents`) can find the event: see [`crate::Model::event_by_id`].
pub fn event_id_key(text: &str) -> u128 {
    parse_uuid(text).unwrap_or_else(|| hash128(text.as_bytes(), 0x9E37_79B9_7F4A_7C15))
}

fn parse_uuid(text: &str) -> Option<u128> {
    let b = text.as_bytes();
    if b.len() != 36 || b[8] != b'-' || b[13] != b'-' || b[18] != b'-' || b[23] != b'-' {
        return None;
    }
    // Every event has one: a table lookup per digit instead of a match keeps this off the
    // profile.
    let mut value = 0u128;
    for group in [&b[0..8], &b[9..13], &b[14..18], &b[19..23], &b[24..36]] {
        for &c in group {
            let digit = HEX[c as usize];
            if digit == 0xFF {
                return None;
            }
            value = value << 4 | u128::from(digit);
        }
    }
    Some(value)
}

/// Hex digit values; 0xFF for anything else.
const HEX: [u8; 256] = {
    let mut table = [0xFFu8; 256];
    let mut i = 0;
    while i < 10 {
        table[b'0' as usize + i] = i as u8;
        i += 1;
    }
    let mut i = 0;
    while i < 6 {
        table[b'a' as usize + i] = 10 + i as u8;
        table[b'A' as usize + i] = 10 + i as u8;
        i += 1;
    }
    table
};

/// An event without an eventID (some hand-written samples) is keyed by what identifies it, so
/// loading the same file twice still counts it once.
fn synthetic_id(raw: &RawEvent<'_>, time_ms: i64) -> u128 {
    let mut text = String::with_capacity(160);
    text.push_str(&time_ms.to_string());
    for val in [
        &raw.event_source,
        &raw.event_name,
        &raw.request_id,
        &raw.source_ip,
        &raw.region,
        &raw.recipient_account,
        &raw.user_agent,
    ] {
        text.push('\u{1f}');
        text.push_str(val.as_str().unwrap_or(""));
    }
    if let IdentityVal::Object(id) = &raw.identity {
        text.push('\u{1f}');
        text.push_str(id.arn.as_str().or(id.principal_id.as_str()).unwrap_or(""));
    }
    hash128(text.as_bytes(), 0xC2B2_AE3D_27D4_EB4F)
}

/// Two independent 64-bit FNV-1a style hashes, for keys that are not UUIDs.
fn hash128(bytes: &[u8], seed: u64) -> u128 {
    let mut a: u64 = 0xcbf2_9ce4_8422_2325 ^ seed;
    let mut b: u64 = 0x8422_2325_cbf2_9ce4 ^ seed.rotate_left(17);
    for &byte in bytes {
        a = (a ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3);
        b = (b ^ u64::from(byte)).wrapping_mul(0x0000_0001_0000_01b3 | 0x10_0000_0000);
    }
    u128::from(a) << 64 | u128::from(b)
}

/// Reads an array of records into the sink. Returns how many elements it held.
pub(crate) struct RecordsSeed<'s, 'm> {
    pub sink: &'s mut EventSink<'m>,
}

impl<'de> DeserializeSeed<'de> for RecordsSeed<'_, '_> {
    type Value = u64;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<u64, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for RecordsSeed<'_, '_> {
    type Value = u64;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of CloudTrail events")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<u64, A::Error> {
        let mut index = 0u64;
        while let Some(record) = seq.next_element_seed(RecordSeed)? {
            match record {
                Ok(raw) => self.sink.push(raw, index),
                Err(what) => self
                    .sink
                    .warn(index, || format!("{what}, not an event object")),
            }
            index += 1;
        }
        Ok(index)
    }
}

pub(crate) struct RecordSeed;

impl<'de> DeserializeSeed<'de> for RecordSeed {
    type Value = Result<RawEvent<'de>, String>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(RecordVisitor)
    }
}

/// Reads `lookup-events` output's `Events`: each element's `CloudTrailEvent` is an event as a
/// JSON string, parsed in turn.
pub(crate) struct LookupSeed<'s, 'm> {
    pub sink: &'s mut EventSink<'m>,
}

impl<'de> DeserializeSeed<'de> for LookupSeed<'_, '_> {
    type Value = u64;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<u64, D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for LookupSeed<'_, '_> {
    type Value = u64;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("lookup-events Events: an array")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<u64, A::Error> {
        let mut index = 0u64;
        while let Some(entry) = seq.next_element::<LookupEntry>()? {
            match entry.cloudtrail_event {
                Val::Str(text) => {
                    let mut de = serde_json::Deserializer::from_str(&text);
                    let parsed = de
                        .deserialize_any(RecordVisitor)
                        .and_then(|r| de.end().map(|_| r));
                    match parsed {
                        Ok(Ok(raw)) => self.sink.push(raw, index),
                        Ok(Err(what)) => self.sink.warn(index, || {
                            format!("CloudTrailEvent holds {what}, not an event object")
                        }),
                        Err(err) => self.sink.warn(index, || {
                            format!("CloudTrailEvent is not valid JSON: {err}")
                        }),
                    }
                }
                other => self.sink.warn(index, || {
                    format!(
                        "CloudTrailEvent is {}, expected a JSON string",
                        other.describe()
                    )
                }),
            }
            index += 1;
        }
        Ok(index)
    }
}

struct LookupEntry<'de> {
    cloudtrail_event: Val<'de>,
}

impl<'de> de::Deserialize<'de> for LookupEntry<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = LookupEntry<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a lookup-events entry")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut entry = LookupEntry {
                    cloudtrail_event: Val::Missing,
                };
                while let Some(Key(key)) = map.next_key()? {
                    if key == "CloudTrailEvent" {
                        entry.cloudtrail_event = map.next_value()?;
                    } else {
                        map.next_value::<IgnoredAny>()?;
                    }
                }
                Ok(entry)
            }
            fn visit_unit<E>(self) -> Result<Self::Value, E> {
                Ok(LookupEntry {
                    cloudtrail_event: Val::Null,
                })
            }
            fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
                Ok(LookupEntry {
                    cloudtrail_event: Val::Other(Val::Str(Cow::Borrowed(v)).describe()),
                })
            }
        }
        d.deserialize_any(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_names_from_arns() {
        assert_eq!(
            table_from_arn("arn:aws:dynamodb:us-west-2:111122223333:table/Music"),
            Some("Music")
        );
        assert_eq!(
            table_from_arn(
                "arn:aws:dynamodb:us-west-2:111122223333:table/Music/stream/2015-05-11T21:21:33.291"
            ),
            Some("Music")
        );
        assert_eq!(
            table_from_arn("arn:aws:kms:us-west-2:111122223333:key/abc"),
            None
        );
        assert_eq!(table_from_arn("Music"), None);
    }

    #[test]
    fn uuid_keys_and_hash_keys_differ() {
        let uuid = event_id_key("e3c436e9-ebca-494e-9457-8123a1c5e979");
        assert_eq!(uuid, event_id_key("E3C436E9-EBCA-494E-9457-8123A1C5E979"));
        assert_eq!(uuid, 0xe3c436e9_ebca_494e_9457_8123a1c5e979);
        assert_ne!(event_id_key("a"), event_id_key("b"));
    }
}
