//! The write-ahead log: numbered segment files of checksummed, prost-encoded records.
//!
//! Every record is framed as `[u32 LE payload length][u32 LE crc32 of payload][payload]`, where
//! the payload is one `pb::WalRecord`. Segments live in `wal/` and are named by a sequence number
//! (`00000000000000000001.wal`); a new segment always gets the next number. This file knows the
//! byte format and how to walk a segment; the policy (what a record means for the log, when a bad
//! record is a torn tail) lives in [`super::Storage`].

use std::fs::{self, File};
use std::io::Read;
use std::path::{Path, PathBuf};

use prost::Message as _;

use super::Error;
use crate::pb;
use crate::raft::{Entry, HardState, Index, Term};

/// Bytes of framing in front of every payload: its length and its CRC-32, both `u32` LE.
pub const FRAME_HEADER_BYTES: usize = 8;

/// File name suffix of a complete segment.
const SEGMENT_SUFFIX: &str = ".wal";
/// File name suffix of a segment still being written; such a file is never replayed.
const TEMP_SUFFIX: &str = ".tmp";
/// Bytes read from the front of a segment to look for a snapshot header; a header's two records
/// take well under 100 bytes.
const HEADER_PEEK_BYTES: u64 = 256;

/// One decoded WAL record, in the core's own types.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Record {
    /// The hard state at the time of writing; the last one read wins.
    HardState(HardState),
    /// A log entry; an index at or below the last one truncates the log from there.
    Entry(Entry),
    /// The log restarts, empty, after this snapshot.
    SnapshotMark {
        /// Index of the last entry the snapshot covers.
        index: Index,
        /// Term of that entry.
        term: Term,
    },
}

/// Why the bytes at some offset are not a valid frame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FrameError {
    /// Fewer than [`FRAME_HEADER_BYTES`] bytes remain.
    ShortHeader,
    /// The length field claims more bytes than remain.
    ShortPayload {
        /// The claimed payload length in bytes.
        len: u32,
    },
    /// A zero length field; no record encodes to zero bytes, but a zero-filled tail reads so.
    ZeroLength,
    /// The payload does not match its checksum.
    BadChecksum {
        /// The claimed payload length in bytes.
        len: u32,
    },
}

impl std::fmt::Display for FrameError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FrameError::ShortHeader => write!(f, "incomplete frame header"),
            FrameError::ShortPayload { len } => {
                write!(f, "length {len} runs past the end of the file")
            }
            FrameError::ZeroLength => write!(f, "zero length"),
            FrameError::BadChecksum { len } => write!(f, "checksum mismatch (length {len})"),
        }
    }
}

/// Appends one frame holding `message` to `buf` and returns the frame's length in bytes.
///
/// # Errors
///
/// [`Error::Invalid`] if the encoded message does not fit a `u32` length.
pub fn encode_frame(buf: &mut Vec<u8>, message: &impl prost::Message) -> Result<usize, Error> {
    let len = message.encoded_len();
    let len32 = u32::try_from(len).map_err(|_| {
        Error::Invalid(format!(
            "record of {len} bytes exceeds the 4 GiB frame limit"
        ))
    })?;
    let start = buf.len();
    buf.reserve(FRAME_HEADER_BYTES + len);
    buf.extend_from_slice(&len32.to_le_bytes());
    buf.extend_from_slice(&[0; 4]);
    message
        .encode(buf)
        .expect("invariant: a Vec grows to fit any message");
    let crc = crc32fast::hash(&buf[start + FRAME_HEADER_BYTES..]);
    buf[start + 4..start + FRAME_HEADER_BYTES].copy_from_slice(&crc.to_le_bytes());
    Ok(FRAME_HEADER_BYTES + len)
}

/// Parses the frame at the start of `buf`: returns the frame's total length and its payload.
///
/// Never allocates: a length field is checked against the bytes that remain before it is used.
pub fn parse_frame(buf: &[u8]) -> Result<(usize, &[u8]), FrameError> {
    let Some((header, rest)) = buf.split_first_chunk::<FRAME_HEADER_BYTES>() else {
        return Err(FrameError::ShortHeader);
    };
    let len = u32::from_le_bytes([header[0], header[1], header[2], header[3]]);
    let crc = u32::from_le_bytes([header[4], header[5], header[6], header[7]]);
    if len == 0 {
        return Err(FrameError::ZeroLength);
    }
    let Some(payload) = rest.get(..len as usize) else {
        return Err(FrameError::ShortPayload { len });
    };
    if crc32fast::hash(payload) != crc {
        return Err(FrameError::BadChecksum { len });
    }
    Ok((FRAME_HEADER_BYTES + payload.len(), payload))
}

/// Appends a hard state record to `buf`; returns the frame length.
pub fn encode_hard_state(buf: &mut Vec<u8>, hard_state: &HardState) -> Result<usize, Error> {
    let record = pb::WalRecord {
        record: Some(pb::wal_record::Record::HardState(hard_state.into())),
    };
    encode_frame(buf, &record)
}

/// Appends an entry record to `buf`; returns the frame length.
pub fn encode_entry(buf: &mut Vec<u8>, entry: &Entry) -> Result<usize, Error> {
    let record = pb::WalRecord {
        record: Some(pb::wal_record::Record::Entry(entry.into())),
    };
    encode_frame(buf, &record)
}

/// Appends a snapshot mark record to `buf`; returns the frame length.
pub fn encode_mark(buf: &mut Vec<u8>, index: Index, term: Term) -> Result<usize, Error> {
    let record = pb::WalRecord {
        record: Some(pb::wal_record::Record::Snapshot(pb::SnapshotMark {
            index,
            term,
        })),
    };
    encode_frame(buf, &record)
}

/// Decodes a checksummed payload into a [`Record`]; `None` if it is not a valid `WalRecord`.
pub fn decode_record(payload: &[u8]) -> Option<Record> {
    let record = pb::WalRecord::decode(payload).ok()?.record?;
    Some(match record {
        pb::wal_record::Record::HardState(h) => Record::HardState(h.into()),
        pb::wal_record::Record::Entry(e) => Record::Entry(e.into()),
        pb::wal_record::Record::Snapshot(m) => Record::SnapshotMark {
            index: m.index,
            term: m.term,
        },
    })
}

/// How a walk over a segment's bytes ended.
#[derive(Debug, PartialEq, Eq)]
pub enum ScanEnd {
    /// Every byte belongs to a valid record.
    Clean,
    /// The frame at `offset` is invalid.
    Bad {
        /// Offset of the first invalid frame; every record before it is valid.
        offset: u64,
        /// What is wrong with it.
        error: FrameError,
        /// Whether it looks like an interrupted write: it runs past the end of the file, or no
        /// valid record starts anywhere after it, so cutting the file at `offset` loses no
        /// record that was ever complete.
        torn: bool,
    },
}

/// Walks the frames of a segment's bytes, calling `visit(offset, frame_len, record)` for each
/// valid record in order, and stops at the first invalid frame.
///
/// # Errors
///
/// [`Error::Corrupt`] for a frame whose checksum matches but whose payload is not a `WalRecord`
/// (a writer bug or a foreign file, not a torn write); errors returned by `visit`.
pub fn scan(
    data: &[u8],
    path: &Path,
    mut visit: impl FnMut(u64, u32, Record) -> Result<(), Error>,
) -> Result<ScanEnd, Error> {
    let mut offset = 0;
    while offset < data.len() {
        let rest = &data[offset..];
        match parse_frame(rest) {
            Ok((frame_len, payload)) => {
                let record = decode_record(payload).ok_or_else(|| {
                    Error::Corrupt(format!(
                        "{}: undecodable record at offset {offset}",
                        path.display()
                    ))
                })?;
                visit(offset as u64, frame_len as u32, record)?;
                offset += frame_len;
            }
            Err(error) => {
                // A frame that runs past the end of the file was cut short by a crash. A bad frame
                // inside the file is a torn write only if no valid record starts after its first
                // byte (its own length may be the damaged part); otherwise cutting here would
                // throw away records that were once durable.
                let torn = match error {
                    FrameError::ShortHeader | FrameError::ShortPayload { .. } => true,
                    FrameError::ZeroLength | FrameError::BadChecksum { .. } => {
                        !has_frame(&rest[1..])
                    }
                };
                return Ok(ScanEnd::Bad {
                    offset: offset as u64,
                    error,
                    torn,
                });
            }
        }
    }
    Ok(ScanEnd::Clean)
}

/// Whether a valid WAL record frame starts at any offset of `data`.
///
/// Each candidate is first checked cheaply (a `WalRecord` payload is one length-delimited field
/// spanning the whole payload) so that only likely frames pay for a checksum.
fn has_frame(data: &[u8]) -> bool {
    (0..data.len()).any(|at| {
        let rest = &data[at..];
        let Some((header, tail)) = rest.split_first_chunk::<FRAME_HEADER_BYTES>() else {
            return false;
        };
        let len = u32::from_le_bytes([header[0], header[1], header[2], header[3]]) as usize;
        tail.get(..len).is_some_and(|payload| {
            is_single_field(payload)
                && parse_frame(rest).is_ok_and(|(_, p)| decode_record(p).is_some())
        })
    })
}

/// Whether `payload` is exactly one length-delimited field numbered 1 to 3, as every encoded
/// `WalRecord` is.
fn is_single_field(payload: &[u8]) -> bool {
    let [tag, rest @ ..] = payload else {
        return false;
    };
    if !matches!(tag, 0x0A | 0x12 | 0x1A) {
        return false;
    }
    let mut len: u64 = 0;
    for (i, byte) in rest.iter().take(10).enumerate() {
        len |= u64::from(byte & 0x7F) << (7 * i);
        if byte & 0x80 == 0 {
            return len == (rest.len() - i - 1) as u64;
        }
    }
    false
}

/// Returns the snapshot mark of a segment that begins with a snapshot header (a hard state record
/// then a snapshot mark), or `None` for any other segment, including an unreadable one.
pub fn peek_header_mark(path: &Path) -> Result<Option<(Index, Term)>, Error> {
    let mut head = Vec::new();
    File::open(path)
        .and_then(|f| f.take(HEADER_PEEK_BYTES).read_to_end(&mut head))
        .map_err(Error::at(path))?;
    let mut records = Vec::new();
    let mut offset = 0;
    while records.len() < 2 {
        let Ok((frame_len, payload)) = parse_frame(&head[offset..]) else {
            return Ok(None);
        };
        let Some(record) = decode_record(payload) else {
            return Ok(None);
        };
        records.push(record);
        offset += frame_len;
    }
    Ok(match records.as_slice() {
        [Record::HardState(_), Record::SnapshotMark { index, term }] => Some((*index, *term)),
        _ => None,
    })
}

/// The path of segment `seq` in `wal_dir`.
pub fn segment_path(wal_dir: &Path, seq: u64) -> PathBuf {
    wal_dir.join(format!("{seq:020}{SEGMENT_SUFFIX}"))
}

/// The path a new segment `seq` is written at before it is renamed into place.
pub fn temp_segment_path(wal_dir: &Path, seq: u64) -> PathBuf {
    wal_dir.join(format!("{seq:020}{SEGMENT_SUFFIX}{TEMP_SUFFIX}"))
}

/// Lists the segment numbers in `wal_dir`, ascending. Removes leftover temporary segments (a
/// crash interrupted their writing, so nothing depends on them) and ignores unrelated files.
pub fn list_segments(wal_dir: &Path) -> Result<Vec<u64>, Error> {
    let mut seqs = Vec::new();
    for dirent in fs::read_dir(wal_dir).map_err(Error::at(wal_dir))? {
        let dirent = dirent.map_err(Error::at(wal_dir))?;
        let name = dirent.file_name();
        let Some(name) = name.to_str() else { continue };
        if name.ends_with(TEMP_SUFFIX) {
            tracing::warn!(file = %dirent.path().display(), "removing unfinished wal segment");
            fs::remove_file(dirent.path()).map_err(Error::at(&dirent.path()))?;
        } else if let Some(seq) = name
            .strip_suffix(SEGMENT_SUFFIX)
            .filter(|stem| stem.len() == 20)
            .and_then(|stem| stem.parse::<u64>().ok())
        {
            seqs.push(seq);
        }
    }
    seqs.sort_unstable();
    Ok(seqs)
}

#[cfg(test)]
mod tests {
    use bytes::Bytes;

    use super::*;

    fn entry(index: Index, term: Term, data: Option<&'static [u8]>) -> Entry {
        Entry {
            index,
            term,
            data: data.map(Bytes::from_static),
        }
    }

    #[test]
    fn records_round_trip_through_frames() {
        let cases = [
            Record::HardState(HardState::default()),
            Record::HardState(HardState {
                term: 7,
                vote: Some(3),
                commit: 42,
            }),
            Record::Entry(entry(1, 1, None)),
            Record::Entry(entry(9, 2, Some(b""))),
            Record::Entry(entry(u64::MAX, u64::MAX, Some(b"payload"))),
            Record::SnapshotMark { index: 0, term: 0 },
            Record::SnapshotMark { index: 10, term: 3 },
        ];
        for case in cases {
            let mut buf = Vec::new();
            let len = match &case {
                Record::HardState(h) => encode_hard_state(&mut buf, h),
                Record::Entry(e) => encode_entry(&mut buf, e),
                Record::SnapshotMark { index, term } => encode_mark(&mut buf, *index, *term),
            }
            .unwrap();
            assert_eq!(len, buf.len(), "{case:?}");
            let (frame_len, payload) = parse_frame(&buf).unwrap();
            assert_eq!(frame_len, buf.len(), "{case:?}");
            assert_eq!(decode_record(payload), Some(case));
        }
    }

    #[test]
    fn bad_frames_are_classified() {
        let mut good = Vec::new();
        encode_entry(&mut good, &entry(5, 2, Some(b"abc"))).unwrap();
        let len = u32::from_le_bytes(good[..4].try_into().unwrap());
        let mut flipped = good.clone();
        *flipped.last_mut().unwrap() ^= 0x01;
        let mut garbage_len = good.clone();
        garbage_len[..4].copy_from_slice(&0xFFFF_FFF0u32.to_le_bytes());

        let cases: [(&str, Vec<u8>, FrameError); 6] = [
            ("empty", vec![], FrameError::ShortHeader),
            ("half header", good[..5].to_vec(), FrameError::ShortHeader),
            (
                "header only",
                good[..8].to_vec(),
                FrameError::ShortPayload { len },
            ),
            (
                "short payload",
                good[..good.len() - 1].to_vec(),
                FrameError::ShortPayload { len },
            ),
            (
                "flipped payload bit",
                flipped,
                FrameError::BadChecksum { len },
            ),
            (
                "garbage length",
                garbage_len,
                FrameError::ShortPayload { len: 0xFFFF_FFF0 },
            ),
        ];
        for (name, bytes, expected) in cases {
            assert_eq!(parse_frame(&bytes).unwrap_err(), expected, "{name}");
        }
        assert_eq!(parse_frame(&[0; 16]).unwrap_err(), FrameError::ZeroLength);
    }

    #[test]
    fn scan_reports_torn_tail_only_when_nothing_follows() {
        let path = Path::new("test.wal");
        let mut data = Vec::new();
        encode_entry(&mut data, &entry(1, 1, Some(b"one"))).unwrap();
        let second = data.len();
        encode_entry(&mut data, &entry(2, 1, Some(b"two"))).unwrap();

        let mut flipped_middle = data.clone();
        flipped_middle[second - 1] ^= 0xFF;
        let mut zero_tail = data.clone();
        zero_tail.extend_from_slice(&[0; 100]);
        let mut shorter_last = data.clone();
        shorter_last[second] -= 1;
        let mut longer_first = data.clone();
        longer_first[0] += 1;
        // (name, bytes, expected end, valid records visited before it)
        let cases = [
            ("clean", data.clone(), ScanEnd::Clean, 2),
            (
                "chopped",
                data[..data.len() - 2].to_vec(),
                ScanEnd::Bad {
                    offset: second as u64,
                    error: FrameError::ShortPayload {
                        len: (data.len() - second - FRAME_HEADER_BYTES) as u32,
                    },
                    torn: true,
                },
                1,
            ),
            (
                "zero-filled tail",
                zero_tail,
                ScanEnd::Bad {
                    offset: data.len() as u64,
                    error: FrameError::ZeroLength,
                    torn: true,
                },
                2,
            ),
            (
                "last record's length one short",
                shorter_last,
                ScanEnd::Bad {
                    offset: second as u64,
                    error: FrameError::BadChecksum {
                        len: (data.len() - second - FRAME_HEADER_BYTES - 1) as u32,
                    },
                    torn: true,
                },
                1,
            ),
            (
                "first record's length one long",
                longer_first,
                ScanEnd::Bad {
                    offset: 0,
                    error: FrameError::BadChecksum {
                        len: (second - FRAME_HEADER_BYTES + 1) as u32,
                    },
                    torn: false,
                },
                0,
            ),
            (
                "corrupt record before a valid one",
                flipped_middle,
                ScanEnd::Bad {
                    offset: 0,
                    error: FrameError::BadChecksum {
                        len: (second - FRAME_HEADER_BYTES) as u32,
                    },
                    torn: false,
                },
                0,
            ),
        ];
        for (name, bytes, expected, valid) in cases {
            let mut seen = 0;
            let end = scan(&bytes, path, |_, _, _| {
                seen += 1;
                Ok(())
            })
            .unwrap();
            assert_eq!(end, expected, "{name}");
            assert_eq!(seen, valid, "{name}");
        }
    }

    #[test]
    fn undecodable_payload_with_valid_checksum_is_corrupt() {
        let payload = [0xFFu8; 5];
        let mut data = Vec::new();
        data.extend_from_slice(&(payload.len() as u32).to_le_bytes());
        data.extend_from_slice(&crc32fast::hash(&payload).to_le_bytes());
        data.extend_from_slice(&payload);
        let err = scan(&data, Path::new("x.wal"), |_, _, _| Ok(())).unwrap_err();
        assert!(matches!(err, Error::Corrupt(_)), "{err}");
    }
}
