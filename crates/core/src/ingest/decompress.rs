//! Gzip detection by magic bytes (never by name) and bounded decompression.

use std::borrow::Cow;
use std::io::Read;

use thiserror::Error;

use crate::ingest::thousands;

/// A file's content after decompression.
pub struct Decoded<'a> {
    pub bytes: Cow<'a, [u8]>,
    /// Whether the input was gzip.
    pub gzip: bool,
}

/// Why a file's bytes could not be turned into content.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum DecompressError {
    /// The file has no bytes at all (also a 0-byte `.gz`).
    #[error("empty file (0 bytes): nothing to read")]
    Empty,
    /// The gzip stream stops before its end marker: the file was cut off (interrupted download
    /// or copy).
    #[error("truncated gzip: the compressed data ends early, after {} uncompressed bytes", thousands(*.decoded_bytes))]
    TruncatedGzip { decoded_bytes: u64 },
    /// The gzip stream is damaged.
    #[error("corrupt gzip: {detail}")]
    CorruptGzip { detail: String },
    /// The content grows past the per-file limit: a gzip bomb or a far larger file than any
    /// export; decompression stopped there.
    #[error("gzip expands past the per-file limit of {}; stopped (a gzip bomb, or not an export)", human_bytes(*.limit))]
    TooLarge { limit: u64 },
    /// The gzip stream is valid but holds nothing.
    #[error("gzip holds an empty file: nothing to read")]
    EmptyGzip,
}

impl DecompressError {
    pub fn was_gzip(&self) -> bool {
        !matches!(self, DecompressError::Empty)
    }
}

const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];

/// Whether `bytes` start like gzip.
pub fn is_gzip(bytes: &[u8]) -> bool {
    bytes.starts_with(&GZIP_MAGIC)
}

/// Returns the content of `bytes`, decompressing gzip (concatenated members too) up to
/// `limit_bytes` of output. Plain content is borrowed, not copied.
pub fn decompress(bytes: &[u8], limit_bytes: u64) -> Result<Decoded<'_>, DecompressError> {
    if bytes.is_empty() {
        return Err(DecompressError::Empty);
    }
    if !is_gzip(bytes) {
        if bytes.len() as u64 > limit_bytes {
            return Err(DecompressError::TooLarge { limit: limit_bytes });
        }
        return Ok(Decoded {
            bytes: Cow::Borrowed(bytes),
            gzip: false,
        });
    }
    let mut out = Vec::with_capacity(size_hint(bytes, limit_bytes));
    let mut decoder = flate2::read::MultiGzDecoder::new(bytes);
    loop {
        if out.len() == out.capacity() {
            out.reserve((out.len() / 2).max(64 << 10));
        }
        let start = out.len();
        let room = out.capacity() - start;
        out.resize(start + room, 0);
        let read = decoder.read(&mut out[start..]);
        match read {
            Ok(0) => {
                out.truncate(start);
                break;
            }
            Ok(n) => {
                out.truncate(start + n);
                if out.len() as u64 > limit_bytes {
                    return Err(DecompressError::TooLarge { limit: limit_bytes });
                }
            }
            Err(err) if err.kind() == std::io::ErrorKind::UnexpectedEof => {
                return Err(DecompressError::TruncatedGzip {
                    decoded_bytes: start as u64,
                })
            }
            Err(err) => {
                return Err(DecompressError::CorruptGzip {
                    detail: err.to_string(),
                })
            }
        }
    }
    if out.is_empty() {
        return Err(DecompressError::EmptyGzip);
    }
    Ok(Decoded {
        bytes: Cow::Owned(out),
        gzip: true,
    })
}

/// Capacity to start with: the gzip trailer's ISIZE (uncompressed size mod 2^32) when it is
/// plausible, so one allocation usually suffices; never more than the limit or a hostile
/// multiple of the input.
fn size_hint(bytes: &[u8], limit_bytes: u64) -> usize {
    let fallback = bytes.len().saturating_mul(8);
    let isize_field = bytes
        .len()
        .checked_sub(4)
        .map(|at| u32::from_le_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]]))
        .unwrap_or(0) as usize;
    let plausible_max = bytes.len().saturating_mul(1032).min(limit_bytes as usize);
    let hint = if isize_field > 0 && isize_field <= plausible_max {
        isize_field + 1
    } else {
        fallback
    };
    hint.clamp(4096, (limit_bytes as usize).saturating_add(1).max(4096))
}

/// 2147483648 → "2 GiB".
pub fn human_bytes(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["bytes", "KiB", "MiB", "GiB", "TiB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} bytes")
    } else if value.fract() == 0.0 {
        format!("{value:.0} {}", UNITS[unit])
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn gzip(data: &[u8]) -> Vec<u8> {
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        enc.write_all(data).unwrap();
        enc.finish().unwrap()
    }

    #[test]
    fn plain_bytes_are_borrowed() {
        let decoded = decompress(b"{}", 100).unwrap();
        assert!(!decoded.gzip);
        assert!(matches!(decoded.bytes, Cow::Borrowed(_)));
    }

    #[test]
    fn gzip_by_magic_and_concatenated_members() {
        let mut both = gzip(b"{\"a\":");
        both.extend(gzip(b"1}"));
        let decoded = decompress(&both, 1 << 20).unwrap();
        assert!(decoded.gzip);
        assert_eq!(&*decoded.bytes, b"{\"a\":1}");
    }

    #[test]
    fn truncated_gzip_is_named() {
        let data: Vec<u8> = (0..200_000u32).flat_map(|i| i.to_le_bytes()).collect();
        let full = gzip(&data);
        let cut = &full[..full.len() / 2];
        let err = decompress(cut, 1 << 30).err().unwrap();
        assert!(
            matches!(err, DecompressError::TruncatedGzip { .. }),
            "{err:?}"
        );
        assert!(err.to_string().starts_with("truncated gzip"));
    }

    #[test]
    fn header_only_gzip_is_truncated() {
        let full = gzip(b"{}");
        let err = decompress(&full[..10], 1 << 30).err().unwrap();
        assert!(
            matches!(err, DecompressError::TruncatedGzip { .. }),
            "{err:?}"
        );
    }

    #[test]
    fn corrupt_gzip_is_named() {
        let mut bad = gzip(b"{\"Records\":[]}");
        for byte in bad.iter_mut().skip(10).take(6) {
            *byte ^= 0xA5;
        }
        let err = decompress(&bad, 1 << 30).err().unwrap();
        assert!(
            matches!(
                err,
                DecompressError::CorruptGzip { .. } | DecompressError::TruncatedGzip { .. }
            ),
            "{err:?}"
        );
    }

    #[test]
    fn bomb_stops_at_the_limit() {
        let zeros = vec![0u8; 8 << 20];
        let bomb = gzip(&zeros);
        assert!(bomb.len() < 64 << 10);
        let err = decompress(&bomb, 1 << 20).err().unwrap();
        assert_eq!(err, DecompressError::TooLarge { limit: 1 << 20 });
        assert!(err.to_string().contains("1 MiB"), "{err}");
    }

    #[test]
    fn empty_inputs() {
        assert_eq!(decompress(b"", 10).err(), Some(DecompressError::Empty));
        assert_eq!(
            decompress(&gzip(b""), 10).err(),
            Some(DecompressError::EmptyGzip)
        );
    }

    #[test]
    fn human_sizes() {
        assert_eq!(human_bytes(2 << 30), "2 GiB");
        assert_eq!(human_bytes(1536), "1.5 KiB");
        assert_eq!(human_bytes(12), "12 bytes");
    }
}
