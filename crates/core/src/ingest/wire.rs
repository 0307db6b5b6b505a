//! A compact binary form of [`ParsedFile`], to hand a file parsed in one web worker to the
//! worker that holds the model (a transferable `ArrayBuffer`; JSON would cost more than the
//! parse it saves).
//!
//! Layout, all integers little-endian: `report` and the content's small fields as one JSON
//! block (length-prefixed), then the string table (count, then length + UTF-8 bytes each), then
//! the events (count, then [`EVENT_BYTES`] each), then one 16-byte eventID key per event, then
//! the non-CloudTrail records as one length-prefixed JSON block (empty when there are none:
//! they are few and varied, and CloudTrail's compact path stays as it is).

use serde::{Deserialize, Serialize};

use crate::ingest::{FileReport, ParsedContent, ParsedFile};
use crate::model::inventory::Records;
use crate::model::{Event, Flag, Sym};

const MAGIC: &[u8; 4] = b"DLP3";
/// Bytes per encoded event: time (8), 14 symbols (56), two flags (2), record index (4).
pub const EVENT_BYTES: usize = 8 + SYMS * 4 + 2 + 4;
const SYMS: usize = 14;

#[derive(Serialize, Deserialize)]
struct Header {
    report: FileReport,
    noun: Option<String>,
    detail: Option<String>,
}

/// Why bytes could not be decoded: only ever a bug or a mismatched build, never user input.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("corrupt parsed-file message: {0}")]
pub struct WireError(&'static str);

impl ParsedFile {
    pub fn to_bytes(&self) -> Vec<u8> {
        let header = Header {
            report: self.report.clone(),
            noun: self.content.as_ref().map(|c| c.noun.clone()),
            detail: self.content.as_ref().and_then(|c| c.detail.clone()),
        };
        let header = serde_json::to_vec(&header).unwrap_or_default();
        let content = self.content.as_ref();
        let strings_len: usize = content.map_or(0, |c| c.strings.iter().map(|s| s.len() + 4).sum());
        let events = content.map_or(&[][..], |c| &c.events[..]);
        let mut out =
            Vec::with_capacity(16 + header.len() + strings_len + events.len() * (EVENT_BYTES + 16));
        out.extend_from_slice(MAGIC);
        put_u32(&mut out, header.len());
        out.extend_from_slice(&header);
        let Some(content) = content else {
            out.push(0);
            return out;
        };
        out.push(1);
        put_u32(&mut out, content.strings.len());
        for text in &content.strings {
            put_u32(&mut out, text.len());
            out.extend_from_slice(text.as_bytes());
        }
        put_u32(&mut out, events.len());
        for e in events {
            out.extend_from_slice(&e.time_ms.to_le_bytes());
            for sym in [
                e.event_source,
                e.event_name,
                e.region,
                e.account,
                e.principal,
                e.identity_type,
                e.invoked_by,
                e.source_ip,
                e.user_agent,
                e.error_code,
                e.event_type,
                e.table,
                e.key,
                e.detail,
            ] {
                out.extend_from_slice(&sym.0.to_le_bytes());
            }
            out.push(flag_byte(e.read_only));
            out.push(flag_byte(e.management_event));
            out.extend_from_slice(&e.record_index.to_le_bytes());
        }
        for id in &content.event_ids {
            out.extend_from_slice(&id.to_le_bytes());
        }
        let records = if content.records.is_empty() {
            Vec::new()
        } else {
            serde_json::to_vec(&content.records).unwrap_or_default()
        };
        put_u32(&mut out, records.len());
        out.extend_from_slice(&records);
        out
    }

    pub fn from_bytes(bytes: &[u8]) -> Result<ParsedFile, WireError> {
        let mut r = Reader { bytes, at: 0 };
        if r.take(4)? != MAGIC {
            return Err(WireError("bad magic"));
        }
        let header_len = r.u32()? as usize;
        let header: Header =
            serde_json::from_slice(r.take(header_len)?).map_err(|_| WireError("bad header"))?;
        if r.take(1)?[0] == 0 {
            return Ok(ParsedFile {
                report: header.report,
                content: None,
            });
        }
        let string_count = r.u32()? as usize;
        let mut strings = Vec::with_capacity(string_count.min(bytes.len()));
        for _ in 0..string_count {
            let len = r.u32()? as usize;
            let text = std::str::from_utf8(r.take(len)?).map_err(|_| WireError("bad string"))?;
            strings.push(text.to_string());
        }
        let event_count = r.u32()? as usize;
        let mut events = Vec::with_capacity(event_count.min(bytes.len() / EVENT_BYTES));
        for _ in 0..event_count {
            let raw = r.take(EVENT_BYTES)?;
            let sym = |i: usize| {
                let at = 8 + i * 4;
                let sym = Sym(u32::from_le_bytes([
                    raw[at],
                    raw[at + 1],
                    raw[at + 2],
                    raw[at + 3],
                ]));
                if sym.0 as usize >= string_count {
                    Err(WireError("symbol out of range"))
                } else {
                    Ok(sym)
                }
            };
            let tail = 8 + SYMS * 4;
            events.push(Event {
                time_ms: i64::from_le_bytes(raw[..8].try_into().map_err(|_| WireError("time"))?),
                event_source: sym(0)?,
                event_name: sym(1)?,
                region: sym(2)?,
                account: sym(3)?,
                principal: sym(4)?,
                identity_type: sym(5)?,
                invoked_by: sym(6)?,
                source_ip: sym(7)?,
                user_agent: sym(8)?,
                error_code: sym(9)?,
                event_type: sym(10)?,
                table: sym(11)?,
                key: sym(12)?,
                detail: sym(13)?,
                read_only: byte_flag(raw[tail])?,
                management_event: byte_flag(raw[tail + 1])?,
                file: 0,
                record_index: u32::from_le_bytes(
                    raw[tail + 2..tail + 6]
                        .try_into()
                        .map_err(|_| WireError("record index"))?,
                ),
            });
        }
        let mut event_ids = Vec::with_capacity(event_count);
        for _ in 0..event_count {
            let raw: [u8; 16] = r.take(16)?.try_into().map_err(|_| WireError("id"))?;
            event_ids.push(u128::from_le_bytes(raw));
        }
        let records_len = r.u32()? as usize;
        let records = match records_len {
            0 => Records::default(),
            len => serde_json::from_slice(r.take(len)?).map_err(|_| WireError("bad records"))?,
        };
        if r.at != bytes.len() {
            return Err(WireError("trailing bytes"));
        }
        Ok(ParsedFile {
            report: header.report,
            content: Some(ParsedContent {
                noun: header.noun.unwrap_or_default(),
                detail: header.detail,
                strings,
                events,
                event_ids,
                records,
            }),
        })
    }
}

fn put_u32(out: &mut Vec<u8>, n: usize) {
    out.extend_from_slice(&(n as u32).to_le_bytes());
}

fn flag_byte(flag: Flag) -> u8 {
    match flag {
        Flag::Missing => 0,
        Flag::False => 1,
        Flag::True => 2,
    }
}

fn byte_flag(byte: u8) -> Result<Flag, WireError> {
    match byte {
        0 => Ok(Flag::Missing),
        1 => Ok(Flag::False),
        2 => Ok(Flag::True),
        _ => Err(WireError("bad flag")),
    }
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], WireError> {
        let end = self.at.checked_add(n).ok_or(WireError("length"))?;
        let slice = self.bytes.get(self.at..end).ok_or(WireError("truncated"))?;
        self.at = end;
        Ok(slice)
    }

    fn u32(&mut self) -> Result<u32, WireError> {
        let raw = self.take(4)?;
        Ok(u32::from_le_bytes([raw[0], raw[1], raw[2], raw[3]]))
    }
}

#[cfg(test)]
mod tests {
    use crate::ingest::{parse_file, Limits, Loader, ParsedFile};

    const LOG: &[u8] = br#"{"Records":[
        {"eventTime":"2026-01-02T03:04:05Z","eventSource":"kms.amazonaws.com","eventName":"Decrypt",
         "userIdentity":{"type":"AWSService","invokedBy":"dynamodb.amazonaws.com"},"readOnly":true,
         "requestParameters":{"encryptionContext":{"aws:dynamodb:tableName":"orders"}},
         "eventID":"0b1a7f9e-1111-4c2d-9a11-000000000001","awsRegion":"eu-west-1"},
        {"eventTime":"2026-01-02T03:04:06Z","eventSource":"dynamodb.amazonaws.com","eventName":"GetItem",
         "eventID":"x-1","managementEvent":"false","requestParameters":{"tableName":"orders"}},
        "junk"]}"#;

    #[test]
    fn round_trips_and_commits_like_a_local_parse() {
        let parsed = parse_file("a.json", LOG, &Limits::default());
        let decoded = ParsedFile::from_bytes(&parsed.to_bytes()).unwrap();
        assert_eq!(decoded, parsed);
        let mut direct = Loader::default();
        let mut via_wire = Loader::default();
        assert_eq!(direct.ingest("a.json", LOG), via_wire.commit(decoded));
        assert_eq!(
            direct.model().events_unsorted,
            via_wire.model().events_unsorted
        );
    }

    #[test]
    fn failed_files_round_trip() {
        let parsed = parse_file("bad.json", b"{oops", &Limits::default());
        assert!(parsed.content.is_none());
        assert_eq!(ParsedFile::from_bytes(&parsed.to_bytes()).unwrap(), parsed);
    }

    #[test]
    fn corrupt_messages_are_refused_not_trusted() {
        let bytes = parse_file("a.json", LOG, &Limits::default()).to_bytes();
        for cut in [0, 3, 10, bytes.len() - 1] {
            assert!(
                ParsedFile::from_bytes(&bytes[..cut]).is_err(),
                "cut at {cut}"
            );
        }
    }
}
