//! The write-ahead log: numbered segment files of checksummed, prost-encoded records.
//!
//! Every record is framed as `[u32 LE payload length][u32 LE crc32 of payload][payload]`, where
//! the payload is one `pb::WalRecord`. Segments live in `wal/` and are named by a sequence number
//! (`00000000000000000001.wal`); a new segment always gets the next number.
//!
//! Segments are preallocated: a new one is written full of zeros (real blocks, not unwritten
//! extents) and synced before any record goes in, so appending overwrites space the file already
//! has and `fdatasync` flushes only data, never a changed file size. The records of a segment
//! therefore end at the first all-zero frame header. A zero header can never start a record: its
//! length field is zero, and every `WalRecord` encodes to at least two bytes (the oneof is always
//! set), so [`parse_frame`] rejects a zero length. The frame format is unchanged by
//! preallocation, and older, unpadded segments read the same way.
//!
//! This file knows the byte format and how to walk a segment; the policy (what a record means for
//! the log, what to do with a damaged tail) lives in [`super::Storage`].

use std::fs::{self, File};
use std::io::{self, Read};
use std::os::unix::fs::FileExt;
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
/// File name of the zero-filled file that becomes the next segment; a temporary file like any
/// other, so a crash while it is being filled leaves nothing that recovery reads.
const SPARE_NAME: &str = "spare.wal.tmp";
/// Bytes read at a time while looking for the end of the last segment, so recovery of a mostly
/// empty preallocated segment reads little more than its records.
const READ_CHUNK_BYTES: u64 = 1 << 20;
/// Bytes after the end of the last segment's records that recovery checks are zero. A crash in
/// the middle of a write can leave a hole of unwritten blocks before blocks that did reach the
/// disk; this covers writes up to the driver's largest append message (4 MiB).
pub const TAIL_CHECK_BYTES: u64 = 4 << 20;
/// Bytes of zeros written per `write` (and synced per step) when filling a spare segment, which
/// keeps the amount of dirty page cache, and so the cost of a concurrent fsync, small.
const ZERO_CHUNK_BYTES: usize = 1 << 20;
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
    /// A zero length field; no record encodes to zero bytes. An all-zero header is the end of a
    /// preallocated segment's records, so this error means non-zero bytes follow that end.
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
    /// The bytes at `offset` are an all-zero frame header (or, near the end of `data`, all the
    /// zero bytes that remain): the end of the records of a preallocated segment.
    Zeros {
        /// Offset of the zero header; every record before it is valid.
        offset: u64,
    },
    /// The frame at `offset` is invalid.
    Bad {
        /// Offset of the first invalid frame; every record before it is valid.
        offset: u64,
        /// What is wrong with it.
        error: FrameError,
    },
}

/// Walks the frames of a segment's bytes from offset `start`, calling
/// `visit(offset, frame_len, record)` for each valid record in order, and stops at the first
/// zero header or invalid frame.
///
/// # Errors
///
/// [`Error::Corrupt`] for a frame whose checksum matches but whose payload is not a `WalRecord`
/// (a writer bug or a foreign file, not a torn write); errors returned by `visit`.
pub fn scan(
    data: &[u8],
    start: usize,
    path: &Path,
    mut visit: impl FnMut(u64, u32, Record) -> Result<(), Error>,
) -> Result<ScanEnd, Error> {
    let mut offset = start;
    while offset < data.len() {
        let rest = &data[offset..];
        if rest[..rest.len().min(FRAME_HEADER_BYTES)]
            .iter()
            .all(|&b| b == 0)
        {
            return Ok(ScanEnd::Zeros {
                offset: offset as u64,
            });
        }
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
                return Ok(ScanEnd::Bad {
                    offset: offset as u64,
                    error,
                });
            }
        }
    }
    Ok(ScanEnd::Clean)
}

/// Where the records of a segment file end, as found by [`read_segment`].
#[derive(Debug, PartialEq, Eq)]
pub enum SegmentEnd {
    /// The records end at `offset`; after it the file holds only zeros (as far as checked).
    Clean {
        /// Length in bytes of the valid records.
        offset: u64,
    },
    /// The bytes from `offset` to `dirty_end` are neither records nor zero padding, and only zeros
    /// follow `dirty_end`.
    Damaged {
        /// Offset of the first bad frame; every record before it is valid.
        offset: u64,
        /// One past the last non-zero byte of the file.
        dirty_end: u64,
        /// What is wrong with the frame at `offset`.
        error: FrameError,
        /// Whether it looks like an interrupted write: no valid record starts anywhere after the
        /// first bad byte, so clearing the damaged bytes loses no record that was ever complete.
        torn: bool,
    },
}

/// Reads the segment at `path`, calling `visit(offset, frame_len, record)` for each valid record
/// in order, and reports where its records end.
///
/// A segment that is not the last was synced whole, so it is read whole and everything after its
/// records must be zero. The last one is read in chunks only up to its first zero header plus
/// [`TAIL_CHECK_BYTES`], so that opening a mostly empty preallocated segment stays cheap; only a
/// damaged tail makes it read the rest of the file, to tell a torn write from lost records.
///
/// # Errors
///
/// I/O errors; the errors of [`scan`].
pub fn read_segment(
    path: &Path,
    is_last: bool,
    mut visit: impl FnMut(u64, u32, Record) -> Result<(), Error>,
) -> Result<SegmentEnd, Error> {
    let file = File::open(path).map_err(Error::at(path))?;
    let len = file.metadata().map_err(Error::at(path))?.len();
    let mut data = Vec::new();
    // Extends `data` with the file's bytes up to offset `upto` (or the end of the file).
    let load = |data: &mut Vec<u8>, upto: u64| -> Result<(), Error> {
        let upto = upto.min(len) as usize;
        let from = data.len();
        if upto > from {
            data.resize(upto, 0);
            file.read_exact_at(&mut data[from..], from as u64)
                .map_err(Error::at(path))?;
        }
        Ok(())
    };
    let chunk = if is_last { READ_CHUNK_BYTES } else { len };
    let mut start = 0;
    let end = loop {
        let upto = data.len() as u64 + chunk;
        load(&mut data, upto)?;
        let complete = data.len() as u64 == len;
        match scan(&data, start, path, &mut visit)? {
            ScanEnd::Clean if !complete => start = data.len(),
            // The end of the loaded bytes cut this header or frame short: load more and retry.
            ScanEnd::Zeros { offset }
                if !complete && offset as usize + FRAME_HEADER_BYTES > data.len() =>
            {
                start = offset as usize;
            }
            ScanEnd::Bad {
                offset,
                error: FrameError::ShortHeader | FrameError::ShortPayload { .. },
            } if !complete => start = offset as usize,
            end => break end,
        }
    };
    let (offset, error) = match end {
        ScanEnd::Clean => return Ok(SegmentEnd::Clean { offset: len }),
        ScanEnd::Zeros { offset } => {
            load(&mut data, offset + TAIL_CHECK_BYTES)?;
            if data[offset as usize..].iter().all(|&b| b == 0) {
                return Ok(SegmentEnd::Clean { offset });
            }
            (offset, FrameError::ZeroLength)
        }
        ScanEnd::Bad { offset, error } => (offset, error),
    };
    load(&mut data, len)?;
    let from = offset as usize;
    let dirty_end = data
        .iter()
        .rposition(|&b| b != 0)
        .map_or(from, |last| last + 1)
        .max(from);
    // A bad frame is a torn write only if no valid record starts after its first byte (its own
    // length may be the damaged part); otherwise clearing it would throw away records that were
    // once durable.
    let torn = !has_frame(data.get(from + 1..dirty_end).unwrap_or_default());
    Ok(SegmentEnd::Damaged {
        offset,
        dirty_end: dirty_end as u64,
        error,
        torn,
    })
}

/// Makes `file` a clean spare segment of at least `size` bytes: overwrites its first `dirty`
/// bytes (a recycled segment's old records) with zeros, extends it with written zeros up to
/// `size`, cuts it back to `size` if it grew past it, and syncs it.
///
/// Every byte of the file from `dirty` to its current length must already be zero.
///
/// # Errors
///
/// I/O errors.
pub fn zero_fill(file: &File, dirty: u64, size: u64) -> io::Result<()> {
    let len = file.metadata()?.len();
    if len > size {
        file.set_len(size)?;
    }
    let len = len.min(size);
    let zeros = vec![0u8; ZERO_CHUNK_BYTES];
    for (from, to) in [(0, dirty.min(len)), (len, size)] {
        let mut at = from;
        while at < to {
            let n = (to - at).min(ZERO_CHUNK_BYTES as u64) as usize;
            file.write_all_at(&zeros[..n], at)?;
            file.sync_data()?;
            at += n as u64;
        }
    }
    file.sync_data()
}

/// Whether a valid WAL record frame starts at any offset of `data`.
///
/// Each candidate is first checked cheaply (a `WalRecord` payload is one length-delimited field
/// spanning the whole payload) so that only likely frames pay for a checksum.
pub fn has_frame(data: &[u8]) -> bool {
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

/// The path of the spare segment: zero-filled ahead of time, renamed into place when a new
/// segment is needed.
pub fn spare_path(wal_dir: &Path) -> PathBuf {
    wal_dir.join(SPARE_NAME)
}

/// Lists the segment numbers in `wal_dir`, ascending. Removes the spare and leftover temporary
/// segments (a crash interrupted their writing, so nothing depends on them) and ignores unrelated
/// files.
pub fn list_segments(wal_dir: &Path) -> Result<Vec<u64>, Error> {
    let mut seqs = Vec::new();
    for dirent in fs::read_dir(wal_dir).map_err(Error::at(wal_dir))? {
        let dirent = dirent.map_err(Error::at(wal_dir))?;
        let name = dirent.file_name();
        let Some(name) = name.to_str() else { continue };
        if name == SPARE_NAME {
            // Every stop leaves a spare behind; it may be half filled, so it is made anew.
            tracing::debug!(file = %dirent.path().display(), "removing spare wal segment");
            fs::remove_file(dirent.path()).map_err(Error::at(&dirent.path()))?;
        } else if name.ends_with(TEMP_SUFFIX) {
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
            membership: None,
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
        // An all-zero header (a zero length with crc32 of nothing, which is 0) is never a record.
        assert_eq!(crc32fast::hash(&[]), 0);
        assert_eq!(parse_frame(&[0; 16]).unwrap_err(), FrameError::ZeroLength);
        assert_eq!(parse_frame(&[0; 8]).unwrap_err(), FrameError::ZeroLength);
    }

    #[test]
    fn scan_stops_at_zero_header_or_bad_frame() {
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
                },
                1,
            ),
            (
                "zero-filled tail",
                zero_tail,
                ScanEnd::Zeros {
                    offset: data.len() as u64,
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
                },
                0,
            ),
        ];
        for (name, bytes, expected, valid) in cases {
            let mut seen = 0;
            let end = scan(&bytes, 0, path, |_, _, _| {
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
        let err = scan(&data, 0, Path::new("x.wal"), |_, _, _| Ok(())).unwrap_err();
        assert!(matches!(err, Error::Corrupt(_)), "{err}");
    }

    /// Writes `bytes` to a file in a new temp dir; returns the dir (kept alive) and the path.
    fn segment_file(bytes: &[u8]) -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("00000000000000000001.wal");
        fs::write(&path, bytes).unwrap();
        (dir, path)
    }

    #[test]
    fn read_segment_finds_the_end_of_preallocated_records() {
        let mut records = Vec::new();
        for index in 1..=3 {
            encode_entry(&mut records, &entry(index, 1, Some(b"data"))).unwrap();
        }
        let end = records.len() as u64;
        let padded = |tail: &[(usize, u8)]| {
            let mut bytes = records.clone();
            bytes.resize(records.len() + 64 * 1024, 0);
            for &(at, value) in tail {
                bytes[records.len() + at] = value;
            }
            bytes
        };
        let mut torn_record = Vec::new();
        encode_entry(&mut torn_record, &entry(4, 1, Some(b"torn"))).unwrap();
        let mut torn = padded(&[]);
        torn[records.len()..records.len() + 10].copy_from_slice(&torn_record[..10]);
        let mut valid_after_hole = padded(&[]);
        valid_after_hole[records.len() + 100..records.len() + 100 + torn_record.len()]
            .copy_from_slice(&torn_record);
        // (name, bytes, is_last, expected end)
        let cases = [
            (
                "unpadded",
                records.clone(),
                true,
                SegmentEnd::Clean { offset: end },
            ),
            (
                "zero padded",
                padded(&[]),
                true,
                SegmentEnd::Clean { offset: end },
            ),
            (
                "zero padded, not last",
                padded(&[]),
                false,
                SegmentEnd::Clean { offset: end },
            ),
            (
                "partial record then zeros",
                torn,
                true,
                SegmentEnd::Damaged {
                    offset: end,
                    dirty_end: end + 10,
                    error: FrameError::BadChecksum {
                        len: (torn_record.len() - FRAME_HEADER_BYTES) as u32,
                    },
                    torn: true,
                },
            ),
            (
                "garbage after zeros",
                padded(&[(500, 0xA5)]),
                true,
                SegmentEnd::Damaged {
                    offset: end,
                    dirty_end: end + 501,
                    error: FrameError::ZeroLength,
                    torn: true,
                },
            ),
            (
                "valid record after a hole",
                valid_after_hole,
                true,
                SegmentEnd::Damaged {
                    offset: end,
                    dirty_end: end + 100 + torn_record.len() as u64,
                    error: FrameError::ZeroLength,
                    torn: false,
                },
            ),
        ];
        for (name, bytes, is_last, expected) in cases {
            let (_dir, path) = segment_file(&bytes);
            let mut seen = 0;
            let got = read_segment(&path, is_last, |_, _, _| {
                seen += 1;
                Ok(())
            })
            .unwrap();
            assert_eq!(got, expected, "{name}");
            assert_eq!(seen, 3, "{name}");
        }
    }

    #[test]
    fn read_segment_of_the_last_segment_stops_after_the_check_window() {
        let mut records = Vec::new();
        encode_entry(&mut records, &entry(1, 1, Some(b"data"))).unwrap();
        // A sparse 64 MiB file whose only byte past the window is non-zero: it is never read.
        let (_dir, path) = segment_file(&records);
        let file = fs::OpenOptions::new().write(true).open(&path).unwrap();
        file.write_all_at(&[0xA5], (64 << 20) - 1).unwrap();
        let end = read_segment(&path, true, |_, _, _| Ok(())).unwrap();
        assert_eq!(
            end,
            SegmentEnd::Clean {
                offset: records.len() as u64
            }
        );
        // The same byte in a segment that is not the last is read, and is corruption.
        let end = read_segment(&path, false, |_, _, _| Ok(())).unwrap();
        assert!(matches!(end, SegmentEnd::Damaged { .. }), "{end:?}");
    }

    #[test]
    fn zero_fill_prepares_fresh_and_recycled_spares() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(SPARE_NAME);
        // (name, initial contents, dirty bytes, size)
        let cases: [(&str, Vec<u8>, u64, u64); 4] = [
            ("fresh", vec![], 0, 3 * ZERO_CHUNK_BYTES as u64 + 5),
            ("recycled, shorter", vec![7; 100], 100, 4096),
            (
                "recycled, same size",
                [vec![7; 100], vec![0; 3996]].concat(),
                100,
                4096,
            ),
            ("recycled, grown past size", vec![7; 10_000], 10_000, 4096),
        ];
        for (name, initial, dirty, size) in cases {
            fs::write(&path, &initial).unwrap();
            let file = fs::OpenOptions::new().write(true).open(&path).unwrap();
            zero_fill(&file, dirty, size).unwrap();
            let bytes = fs::read(&path).unwrap();
            assert_eq!(bytes.len() as u64, size, "{name}");
            assert!(bytes.iter().all(|&b| b == 0), "{name}");
        }
    }
}
