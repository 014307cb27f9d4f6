//! Durable storage: the write-ahead log and the snapshot file of one node.
//!
//! Raft may only answer a message once the state it promises is on disk, so the driver hands
//! every `Ready`'s hard state, received snapshot and new entries to [`Storage::persist`] (from
//! `spawn_blocking`: all of this is synchronous `std::fs` code) and sends nothing until it
//! returns. At start-up [`Storage::open`] gives the core back exactly what was made durable.
//!
//! # Layout
//!
//! ```text
//! <dir>/wal/00000000000000000007.wal    segments, numbered consecutively, the last one active
//! <dir>/snap/00000000000000004096.snap  the newest snapshot, named by its index
//! ```
//!
//! A segment is a sequence of framed `pb::WalRecord`s (see `wal.rs`): hard states (the last one
//! wins), entries (an index at or below the last one truncates the log from there, which is how a
//! conflicting suffix is replaced) and snapshot marks (the log restarts, empty, after the mark).
//! Each `persist` call encodes its records into one buffer, writes it with one `write` and makes
//! it durable with one `sync_data`.
//!
//! # Preallocation
//!
//! Growing a file on every append makes every `fdatasync` also write the inode (the new size),
//! a second synchronous disk write, or a journal commit on a journalled file system. So segments
//! are preallocated: each new segment is a file already filled with [`Options::max_segment_bytes`]
//! of written zeros and synced, and records overwrite that space in place. The records of a
//! segment end at its first all-zero frame header (see `wal.rs`). The file that becomes the next
//! segment, `wal/spare.wal.tmp`, is filled by a helper thread ahead of time, off the persist path:
//! a fresh one after a rotation, and after a compaction the segment it retired, whose old records
//! are overwritten with zeros (so the work is proportional to what was written, not to the
//! segment size). The active segment is rotated when the next write does not fit in it; a write
//! larger than a whole segment goes alone into a fresh one and grows it.
//!
//! # Snapshots and reclaiming space
//!
//! Installing a snapshot (`persist` with a snapshot) and compacting (`compact`) both first write
//! the snapshot file durably, then write a *base segment*: a header of the current hard state and
//! a snapshot mark, followed by the entries that outlive the snapshot (copied frame by frame from
//! the old segments; none for an installed snapshot, which drops the whole log). A base segment is
//! written into the spare, synced and renamed, so it is whole whenever it exists; once it is,
//! every older segment and snapshot file is deleted. Disk use is therefore one snapshot, the
//! segments written since the last compaction and one spare segment.
//!
//! # Recovery
//!
//! `open` loads the newest snapshot file, replays segments from the newest base segment on (older
//! ones are leftovers of a deletion a crash interrupted, and are removed), and checks that:
//! segment numbers are consecutive, entries are contiguous, and the snapshot covers the log's
//! start. A crash between writing a snapshot file and its base segment leaves a snapshot newer
//! than the log's start; recovery then applies Raft's rule (§7): entries after the snapshot are
//! kept if the log holds the snapshot's last entry with the same term, otherwise the log is
//! dropped, and a base segment is written so disk and memory agree again.
//!
//! Replay of the last segment stops at its first zero header, and reads only a bounded window
//! after it to check it is zero, so opening a mostly empty 16 MiB segment reads little more than
//! its records. A bad frame in the last segment (one that runs past the end of the file, fails its
//! checksum, or non-zero bytes after the zero header) with no valid record anywhere after it is a
//! write the crash interrupted: its bytes are overwritten with zeros, so the file stays
//! preallocated and the next append lands right after the last good record, and the clearing is
//! logged and reported in [`Recovered::truncated_bytes`]. Any other bad frame is [`Error::Corrupt`], as is
//! anything but zeros after the records of a segment that is not the last.
//!
//! # Caveats
//!
//! - A damaged newest snapshot file is `Error::Corrupt`; older snapshot files are not tried (they
//!   are deleted as soon as a newer one is durable).
//! - A bad record in the last segment followed by a valid one is fatal, even though a crash
//!   during an unsynced write could in theory leave such a hole (file systems do not promise to
//!   write pages in order). Likewise if the valid-looking frame is an entry's payload that happens
//!   to contain a framed record.
//! - A record's payload is limited to 4 GiB, which also bounds snapshots.
//! - Only the first [`wal::TAIL_CHECK_BYTES`] (4 MiB) after the last segment's zero header are
//!   checked, so a zero header followed by more zeros than that ends the log even if records
//!   follow them, without an error. That takes a 4 MiB hole inside the log: a crash during a write
//!   larger than that (whose records were never acknowledged, so dropping them is safe) or a lost
//!   write of that size by the disk (which would lose acknowledged records silently).
//! - A spare segment being filled when the process stops is deleted and filled again at the next
//!   start.

mod snapshot;
mod wal;

use std::fs::{self, File, OpenOptions};
use std::io;
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::thread::JoinHandle;

use crate::raft::{Entry, HardState, Index, Snapshot, Term};

/// Size in bytes each new segment is preallocated to; the active segment is closed when the next
/// write does not fit in it.
///
/// The log is compacted every 20,000 applied entries by default, a few MiB for small values, so
/// with 16 MiB the active segment usually never fills and each compaction recycles it as the next
/// spare; large values rotate every few thousand entries, each rotation costing a 16 MiB fill on
/// the helper thread. A larger size (etcd uses 64 MB) would only reserve more disk per node (the
/// active segment plus the spare) and make the first start of a node fill more zeros, since
/// recovery reads only up to the end of the records whatever the size.
pub const MAX_SEGMENT_BYTES: u64 = 16 * 1024 * 1024;

/// Name of the directory holding the WAL segments, inside the data directory.
const WAL_DIR: &str = "wal";
/// Name of the directory holding the snapshot file, inside the data directory.
const SNAPSHOT_DIR: &str = "snap";

/// Storage errors.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// An I/O error without a more specific place.
    #[error("io error: {0}")]
    Io(#[from] std::io::Error),
    /// An I/O error on a particular file or directory.
    #[error("{}: {source}", path.display())]
    Path {
        /// The file or directory.
        path: PathBuf,
        /// What went wrong.
        source: std::io::Error,
    },
    /// The files on disk do not form a valid log and snapshot.
    #[error("corrupt storage: {0}")]
    Corrupt(String),
    /// The caller asked for something that would break the log (a gap, an older snapshot); nothing
    /// was written.
    #[error("invalid storage request: {0}")]
    Invalid(String),
    /// An earlier write or sync failed, so the files' state is unknown; reopen to recover.
    #[error("storage failed earlier and must be reopened")]
    Failed,
}

impl Error {
    /// Returns a `map_err` adapter that attaches `path` to an I/O error.
    fn at(path: &Path) -> impl FnOnce(io::Error) -> Error {
        move |source| Error::Path {
            path: path.to_path_buf(),
            source,
        }
    }
}

/// What a node finds on disk at start-up.
#[derive(Debug, Default)]
pub struct Recovered {
    /// The last hard state written; the default if none was.
    pub hard_state: HardState,
    /// The newest snapshot, if any.
    pub snapshot: Option<Snapshot>,
    /// The durable log: contiguous, starting right after the snapshot's index (or at 1).
    pub entries: Vec<Entry>,
    /// Bytes cleared (overwritten with zeros) at the end of the log because its last record was
    /// torn or failed its checksum: from its start to the last non-zero byte of the segment.
    pub truncated_bytes: u64,
}

/// Tuning knobs for [`Storage::open_with`].
#[derive(Clone, Copy, Debug)]
pub struct Options {
    /// Size in bytes each new segment is preallocated to with zeros, and so the size at which the
    /// active segment is rotated; [`MAX_SEGMENT_BYTES`] by default.
    pub max_segment_bytes: u64,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            max_segment_bytes: MAX_SEGMENT_BYTES,
        }
    }
}

/// Where the newest record of one log entry lives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct EntryPos {
    /// The entry's term.
    term: Term,
    /// The segment holding its record.
    seq: u64,
    /// Byte offset of the record's frame in that segment.
    offset: u64,
    /// Length in bytes of the whole frame.
    len: u32,
}

/// The durable state of one node in its data directory.
///
/// Invariants:
/// - segments `first_seq..=active_seq` exist; `first_seq` is a base segment unless no snapshot
///   was ever taken;
/// - `positions[i]` locates entry `base_index + 1 + i`, so the log is contiguous;
/// - the snapshot file at `base_index` exists (unless `base_index` is 0);
/// - the active segment's first `active_bytes` bytes are valid records, and every byte from there
///   to `active_len` is zero (as far as recovery checked, see the caveats);
/// - once `spare`'s thread returns a file, that file is at `wal/spare.wal.tmp`, all zeros and at
///   least `max_segment_bytes` long.
pub struct Storage {
    /// `<dir>/wal`.
    wal_dir: PathBuf,
    /// `<dir>/snap`.
    snap_dir: PathBuf,
    /// Tuning knobs.
    options: Options,
    /// The segment new records are appended to.
    active: File,
    /// Number of the active segment.
    active_seq: u64,
    /// Length in bytes of the records in the active segment; the next record goes there.
    active_bytes: u64,
    /// Length in bytes of the active segment's file, at least `active_bytes`.
    active_len: u64,
    /// The helper thread filling the spare segment, which returns it; `None` if none was started
    /// (the next segment is then filled on the caller's thread).
    spare: Option<JoinHandle<io::Result<File>>>,
    /// Number of the oldest segment on disk.
    first_seq: u64,
    /// The last hard state written.
    hard_state: HardState,
    /// Index of the snapshot the log starts after; 0 if there is none.
    base_index: Index,
    /// Term of the entry at `base_index`; 0 if there is no snapshot.
    base_term: Term,
    /// Locations of the log's entries, see the invariants.
    positions: Vec<EntryPos>,
    /// Set when a write or sync failed; every later call returns [`Error::Failed`].
    failed: bool,
    /// The helper thread deleting the files the last compaction made obsolete, if any.
    removing: Option<JoinHandle<()>>,
}

impl Drop for Storage {
    fn drop(&mut self) {
        self.finish_removals();
    }
}

/// Deletes `paths`, logging failures: a file left behind only takes space until the next
/// `open` removes it.
fn remove_files(paths: &[PathBuf]) {
    for path in paths {
        match fs::remove_file(path) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => {
                tracing::warn!(file = %path.display(), error = %e, "cannot remove obsolete file");
            }
            _ => {}
        }
    }
}

/// Reads the newest durable snapshot of the data directory `dir`, changing nothing: the driver
/// loads a snapshot from disk only to send it to a lagging follower, instead of keeping it in
/// memory.
///
/// # Errors
///
/// I/O errors, or a snapshot file that fails its checksum.
pub fn read_snapshot(dir: &Path) -> Result<Option<Snapshot>, Error> {
    snapshot::read_newest(&dir.join(SNAPSHOT_DIR))
}

/// Writes `snapshot` durably into the data directory `dir` without touching the log, so that a
/// large snapshot can be written on another thread while the log keeps taking writes; the log
/// is compacted to it afterwards with [`Storage::compact_to_written`].
///
/// # Errors
///
/// I/O errors.
pub fn write_snapshot(dir: &Path, snapshot: &Snapshot) -> Result<(), Error> {
    snapshot::write(&dir.join(SNAPSHOT_DIR), snapshot)
}

impl Storage {
    /// Opens (creating if needed) the data directory and recovers its contents.
    ///
    /// # Errors
    ///
    /// [`Error::Path`] if the directory cannot be created or written; [`Error::Corrupt`] if the
    /// files are damaged beyond a torn last record (see the module docs).
    pub fn open(dir: &Path) -> Result<(Storage, Recovered), Error> {
        Self::open_with(dir, Options::default())
    }

    /// [`Storage::open`] with explicit [`Options`].
    ///
    /// # Errors
    ///
    /// As for [`Storage::open`].
    pub fn open_with(dir: &Path, options: Options) -> Result<(Storage, Recovered), Error> {
        let wal_dir = dir.join(WAL_DIR);
        let snap_dir = dir.join(SNAPSHOT_DIR);
        for d in [dir, &wal_dir, &snap_dir] {
            fs::create_dir_all(d).map_err(Error::at(d))?;
        }
        let snapshot = snapshot::load_newest(&snap_dir)?;

        let mut seqs = wal::list_segments(&wal_dir)?;
        if seqs.is_empty() && snapshot.is_some() {
            // Starting over would forget the term and vote, which Raft must never do.
            return Err(Error::Corrupt(format!(
                "{} holds a snapshot but {} holds no wal segments",
                snap_dir.display(),
                wal_dir.display()
            )));
        }
        if seqs.is_empty() {
            let spare = wal::spare_path(&wal_dir);
            create_spare(&wal_dir)
                .and_then(|file| wal::zero_fill(&file, 0, options.max_segment_bytes))
                .map_err(Error::at(&spare))?;
            let path = wal::segment_path(&wal_dir, 1);
            fs::rename(&spare, &path).map_err(Error::at(&path))?;
            sync_dir(&wal_dir)?;
            seqs.push(1);
        }
        let start = newest_base_segment(&wal_dir, &seqs)?;
        for &seq in &seqs[..start] {
            let path = wal::segment_path(&wal_dir, seq);
            tracing::info!(file = %path.display(), "removing wal segment left by an interrupted compaction");
            fs::remove_file(&path).map_err(Error::at(&path))?;
        }
        let seqs = &seqs[start..];
        if let Some(w) = seqs.windows(2).find(|w| w[1] != w[0] + 1) {
            return Err(Error::Corrupt(format!(
                "wal segments {} and {} are not consecutive: segments are missing",
                w[0], w[1]
            )));
        }

        let (replay, active_bytes, truncated_bytes) = replay_segments(&wal_dir, seqs)?;

        let (snap_index, snap_term) = snapshot.as_ref().map_or((0, 0), |s| (s.index, s.term));
        if snap_index < replay.base_index
            || (snap_index == replay.base_index && snap_term != replay.base_term)
        {
            return Err(Error::Corrupt(format!(
                "the log starts after entry {} (term {}) but the newest snapshot covers up to \
                 entry {snap_index} (term {snap_term})",
                replay.base_index, replay.base_term
            )));
        }

        let active_seq = *seqs.last().expect("invariant: at least one segment exists");
        let active_path = wal::segment_path(&wal_dir, active_seq);
        let active = OpenOptions::new()
            .write(true)
            .open(&active_path)
            .map_err(Error::at(&active_path))?;
        let active_len = active.metadata().map_err(Error::at(&active_path))?.len();
        let mut storage = Storage {
            wal_dir,
            snap_dir,
            options,
            active,
            active_seq,
            active_bytes,
            active_len,
            spare: None,
            removing: None,
            first_seq: seqs[0],
            hard_state: replay.hard_state,
            base_index: replay.base_index,
            base_term: replay.base_term,
            positions: replay.positions,
            failed: false,
        };
        let mut entries = replay.entries;
        if snap_index > storage.base_index {
            // A crash hit between a snapshot file and its base segment: finish the job.
            let keep_from = storage.kept_from(snap_index, snap_term);
            tracing::warn!(
                snapshot_index = snap_index,
                log_start = storage.base_index,
                kept_entries = storage.positions.len() - keep_from,
                "snapshot is ahead of the wal; rewriting the wal after it"
            );
            entries.drain(..keep_from);
            storage.write_base_segment(
                storage.hard_state,
                snap_index,
                snap_term,
                keep_from,
                &[],
            )?;
        }
        if storage.spare.is_none() {
            storage.start_spare(None)?;
        }
        tracing::debug!(
            snapshot_index = storage.base_index,
            last_index = storage.last_index(),
            segments = storage.active_seq - storage.first_seq + 1,
            truncated_bytes,
            "storage recovered"
        );
        let recovered = Recovered {
            hard_state: storage.hard_state,
            snapshot,
            entries,
            truncated_bytes,
        };
        Ok((storage, recovered))
    }

    /// Makes one `Ready`'s durable part durable, with one fsync: a received snapshot (the log then
    /// restarts after it), then the hard state, then the entries (truncating any durable suffix
    /// from the first entry's index).
    ///
    /// Entries at or below the snapshot's index are already covered by it and are skipped. A call
    /// with nothing to write does no I/O.
    ///
    /// # Errors
    ///
    /// [`Error::Invalid`] (nothing written, the storage stays usable) if the entries are not
    /// contiguous, would leave a gap after the log, or the snapshot is older than the current one.
    /// Any other error (I/O, a record over 4 GiB) leaves the files in an unknown state: every
    /// later call returns [`Error::Failed`], and the node must reopen the storage (restart).
    pub fn persist(
        &mut self,
        hard_state: Option<&HardState>,
        snapshot: Option<&Snapshot>,
        entries: &[Entry],
    ) -> Result<(), Error> {
        self.check_usable()?;
        let (base_index, last_index) = match snapshot {
            Some(s) if s.index < self.base_index => {
                return Err(Error::Invalid(format!(
                    "snapshot at {} is older than the current one at {}",
                    s.index, self.base_index
                )));
            }
            Some(s) => (s.index, s.index),
            None => (self.base_index, self.last_index()),
        };
        let covered = entries.iter().take_while(|e| e.index <= base_index).count();
        let entries = &entries[covered..];
        if let Some(first) = entries.first()
            && first.index > last_index + 1
        {
            return Err(Error::Invalid(format!(
                "entry {} would leave a gap after the last entry {last_index}",
                first.index
            )));
        }
        if let Some(w) = entries.windows(2).find(|w| w[1].index != w[0].index + 1) {
            return Err(Error::Invalid(format!(
                "entries are not contiguous: {} follows {}",
                w[1].index, w[0].index
            )));
        }
        if hard_state.is_none() && snapshot.is_none() && entries.is_empty() {
            return Ok(());
        }
        let result = match snapshot {
            Some(s) => self.install(hard_state, s, entries),
            None => self.append(hard_state, entries),
        };
        self.fail_on_error(result)
    }

    /// Saves a snapshot the node took of its own state machine and drops the log it covers.
    ///
    /// The entries after the snapshot are kept (if the log holds the snapshot's last entry with
    /// the same term), every older segment and snapshot file is deleted. A snapshot at or below
    /// the current one changes nothing.
    ///
    /// # Errors
    ///
    /// I/O errors, after which every later call returns [`Error::Failed`].
    pub fn compact(&mut self, snapshot: &Snapshot) -> Result<(), Error> {
        self.check_usable()?;
        if snapshot.index <= self.base_index {
            return Ok(());
        }
        let keep_from = self.kept_from(snapshot.index, snapshot.term);
        let conflicts = snapshot.index <= self.last_index()
            && self
                .positions
                .get((snapshot.index - self.base_index) as usize - 1)
                .is_some_and(|pos| pos.term != snapshot.term);
        if conflicts {
            tracing::warn!(
                snapshot_index = snapshot.index,
                snapshot_term = snapshot.term,
                "snapshot's last entry conflicts with the log; dropping the whole log"
            );
        }
        let result = snapshot::write(&self.snap_dir, snapshot).and_then(|()| {
            self.write_base_segment(
                self.hard_state,
                snapshot.index,
                snapshot.term,
                keep_from,
                &[],
            )
        });
        self.fail_on_error(result)?;
        tracing::debug!(
            snapshot_index = snapshot.index,
            kept_entries = self.positions.len(),
            "log compacted"
        );
        Ok(())
    }

    /// Compacts the log up to a snapshot that [`write_snapshot`] already made durable; does
    /// nothing if the log already starts at or after it. Entries after the snapshot are kept
    /// unless the snapshot's last entry disagrees with the log.
    ///
    /// # Errors
    ///
    /// I/O errors; the storage is unusable afterwards, as for [`Storage::compact`].
    pub fn compact_to_written(&mut self, index: Index, term: Term) -> Result<(), Error> {
        self.check_usable()?;
        if index <= self.base_index {
            return Ok(());
        }
        let keep_from = self.kept_from(index, term);
        let result = self.write_base_segment(self.hard_state, index, term, keep_from, &[]);
        self.fail_on_error(result)?;
        tracing::debug!(
            snapshot_index = index,
            kept_entries = self.positions.len(),
            "log compacted"
        );
        Ok(())
    }

    /// Index of the last durable entry; the snapshot's index if the log is empty.
    pub fn last_index(&self) -> Index {
        self.base_index + self.positions.len() as u64
    }

    /// Index of the newest durable snapshot; 0 if there is none.
    pub fn snapshot_index(&self) -> Index {
        self.base_index
    }

    /// The last durable hard state.
    pub fn hard_state(&self) -> HardState {
        self.hard_state
    }

    /// Returns [`Error::Failed`] if an earlier call failed part-way.
    fn check_usable(&self) -> Result<(), Error> {
        if self.failed {
            Err(Error::Failed)
        } else {
            Ok(())
        }
    }

    /// Passes `result` through, marking the storage failed if it is an error: a write may have
    /// reached the disk only in part, so the files no longer match the in-memory index.
    fn fail_on_error(&mut self, result: Result<(), Error>) -> Result<(), Error> {
        if let Err(e) = &result {
            tracing::error!(error = %e, "storage write failed");
            self.failed = true;
        }
        result
    }

    /// Position in `positions` from which entries survive a snapshot at `(index, term)`, with
    /// `index` above `base_index` (Raft §7): right after the snapshot's entry if the log holds it
    /// with that term, else nowhere.
    fn kept_from(&self, index: Index, term: Term) -> usize {
        let covered = (index - self.base_index) as usize;
        match self.positions.get(covered - 1) {
            Some(pos) if pos.term == term => covered,
            _ => self.positions.len(),
        }
    }

    /// Appends a hard state and entries (already validated) to the log with one write and one
    /// sync, rotating the active segment first if they do not fit in it.
    fn append(&mut self, hard_state: Option<&HardState>, entries: &[Entry]) -> Result<(), Error> {
        let capacity: usize = entries
            .iter()
            .map(|e| e.data.as_ref().map_or(0, |d| d.len()) + 32)
            .sum();
        let mut buf = Vec::with_capacity(capacity + 32);
        if let Some(h) = hard_state {
            wal::encode_hard_state(&mut buf, h)?;
        }
        // Offsets within `buf` for now; made segment offsets once the segment is known.
        let mut new_positions = Vec::with_capacity(entries.len());
        for entry in entries {
            let offset = buf.len() as u64;
            let len = wal::encode_entry(&mut buf, entry)?;
            new_positions.push(EntryPos {
                term: entry.term,
                seq: 0,
                offset,
                len: len as u32,
            });
        }

        // Writing past the preallocated end would change the file size, which is what makes an
        // fsync slow; an empty segment takes any write, so an oversized batch still fits somewhere.
        let end = self.active_bytes + buf.len() as u64;
        if self.active_bytes > 0 && end > self.active_len {
            self.rotate()?;
        }
        for pos in &mut new_positions {
            pos.seq = self.active_seq;
            pos.offset += self.active_bytes;
        }
        let path_error = |source| Error::Path {
            path: wal::segment_path(&self.wal_dir, self.active_seq),
            source,
        };
        self.active
            .write_all_at(&buf, self.active_bytes)
            .and_then(|()| self.active.sync_data())
            .map_err(path_error)?;

        self.active_bytes += buf.len() as u64;
        self.active_len = self.active_len.max(self.active_bytes);
        if let Some(h) = hard_state {
            self.hard_state = *h;
        }
        if let Some(first) = entries.first() {
            self.positions
                .truncate((first.index - self.base_index - 1) as usize);
            self.positions.extend(new_positions);
        }
        Ok(())
    }

    /// Closes the active segment and makes the spare the next, empty one; starts filling a new
    /// spare.
    fn rotate(&mut self) -> Result<(), Error> {
        let seq = self.active_seq + 1;
        let file = self.take_spare()?;
        let path = wal::segment_path(&self.wal_dir, seq);
        fs::rename(wal::spare_path(&self.wal_dir), &path).map_err(Error::at(&path))?;
        sync_dir(&self.wal_dir)?;
        self.active_len = file.metadata().map_err(Error::at(&path))?.len();
        self.active = file;
        self.active_seq = seq;
        self.active_bytes = 0;
        self.start_spare(None)
    }

    /// Starts the helper thread that fills the spare segment: `recycled` is a retired segment
    /// already renamed to the spare's path and the length of its old records, or `None` to create
    /// a fresh file there.
    fn start_spare(&mut self, recycled: Option<(File, u64)>) -> Result<(), Error> {
        let spare = wal::spare_path(&self.wal_dir);
        let (file, dirty) = match recycled {
            Some(r) => r,
            None => (create_spare(&self.wal_dir).map_err(Error::at(&spare))?, 0),
        };
        let size = self.options.max_segment_bytes;
        let handle = std::thread::Builder::new()
            .name("wal-spare".into())
            .spawn(move || wal::zero_fill(&file, dirty, size).map(|()| file))
            .map_err(Error::at(&spare))?;
        self.spare = Some(handle);
        Ok(())
    }

    /// Waits until the files made obsolete by the last compaction are deleted.
    pub fn finish_removals(&mut self) {
        if let Some(handle) = self.removing.take() {
            // The thread only logs; a panic there leaves files `open` removes later.
            let _ = handle.join();
        }
    }

    /// Returns the filled spare segment, still at the spare's path, waiting for its helper thread
    /// if it is not done yet.
    fn take_spare(&mut self) -> Result<File, Error> {
        let spare = wal::spare_path(&self.wal_dir);
        let result = match self.spare.take() {
            Some(handle) => handle
                .join()
                .unwrap_or_else(|_| Err(io::Error::other("spare segment thread panicked"))),
            None => create_spare(&self.wal_dir).and_then(|file| {
                wal::zero_fill(&file, 0, self.options.max_segment_bytes).map(|()| file)
            }),
        };
        result.map_err(Error::at(&spare))
    }

    /// Installs a snapshot received from the leader: the snapshot file, then a base segment with
    /// `hard_state` (or the current one) and `entries`, replacing the whole log.
    fn install(
        &mut self,
        hard_state: Option<&HardState>,
        snapshot: &Snapshot,
        entries: &[Entry],
    ) -> Result<(), Error> {
        snapshot::write(&self.snap_dir, snapshot)?;
        let hard_state = hard_state.copied().unwrap_or(self.hard_state);
        let drop_all = self.positions.len();
        self.write_base_segment(hard_state, snapshot.index, snapshot.term, drop_all, entries)?;
        tracing::debug!(snapshot_index = snapshot.index, "snapshot installed");
        Ok(())
    }

    /// Writes a new base segment (the header, the entries from `positions[keep_from..]`, then
    /// `entries`), makes it durable, deletes every older segment and snapshot file, and makes it
    /// the active segment. The snapshot file at `index` must already be durable.
    fn write_base_segment(
        &mut self,
        hard_state: HardState,
        index: Index,
        term: Term,
        keep_from: usize,
        entries: &[Entry],
    ) -> Result<(), Error> {
        let seq = self.active_seq + 1;
        let mut buf = Vec::new();
        wal::encode_hard_state(&mut buf, &hard_state)?;
        wal::encode_mark(&mut buf, index, term)?;
        let mut positions = self.copy_frames(&self.positions[keep_from..], seq, &mut buf)?;
        for entry in entries {
            let offset = buf.len() as u64;
            let len = wal::encode_entry(&mut buf, entry)?;
            positions.push(EntryPos {
                term: entry.term,
                seq,
                offset,
                len: len as u32,
            });
        }

        let spare = wal::spare_path(&self.wal_dir);
        let path = wal::segment_path(&self.wal_dir, seq);
        let file = self.take_spare()?;
        file.write_all_at(&buf, 0)
            .and_then(|()| file.sync_data())
            .map_err(Error::at(&spare))?;
        fs::rename(&spare, &path).map_err(Error::at(&path))?;
        sync_dir(&self.wal_dir)?;
        let len = file.metadata().map_err(Error::at(&path))?.len();

        // The new segment stands on its own: everything older is dead. The retired active
        // segment becomes the next spare, so the helper thread only has to zero what was
        // written to it. Older segments and snapshots are deleted by a helper thread: with
        // online discard, unlinking a 190 MB snapshot takes over 150 ms, which the caller (the
        // node's only thread) should not wait for. A crash before they are gone is finished by
        // `open`, which removes segments older than the newest base and snapshots older than
        // the newest.
        let retired_path = wal::segment_path(&self.wal_dir, self.active_seq);
        fs::rename(&retired_path, &spare).map_err(Error::at(&retired_path))?;
        let mut doomed: Vec<PathBuf> = (self.first_seq..self.active_seq)
            .map(|old| wal::segment_path(&self.wal_dir, old))
            .collect();
        doomed.extend(snapshot::older(&self.snap_dir, index)?);
        self.finish_removals();
        if !doomed.is_empty() {
            let handle = std::thread::Builder::new()
                .name("wal-remove".into())
                .spawn(move || remove_files(&doomed))
                .map_err(Error::at(&self.wal_dir))?;
            self.removing = Some(handle);
        }

        let retired = std::mem::replace(&mut self.active, file);
        self.start_spare(Some((retired, self.active_bytes)))?;
        self.active_seq = seq;
        self.first_seq = seq;
        self.active_bytes = buf.len() as u64;
        self.active_len = len;
        self.hard_state = hard_state;
        self.base_index = index;
        self.base_term = term;
        self.positions = positions;
        Ok(())
    }

    /// Appends the frames at `tail` to `buf`, as they will sit in segment `seq` once `buf` is
    /// written at its start, and returns their new positions. Reads each source segment once,
    /// checking each frame's checksum.
    fn copy_frames(
        &self,
        tail: &[EntryPos],
        seq: u64,
        buf: &mut Vec<u8>,
    ) -> Result<Vec<EntryPos>, Error> {
        let mut positions = Vec::with_capacity(tail.len());
        for run in tail.chunk_by(|a, b| a.seq == b.seq) {
            let (first, last) = (run[0], run[run.len() - 1]);
            let path = wal::segment_path(&self.wal_dir, first.seq);
            let mut chunk = vec![0; (last.offset + u64::from(last.len) - first.offset) as usize];
            File::open(&path)
                .and_then(|f| f.read_exact_at(&mut chunk, first.offset))
                .map_err(Error::at(&path))?;
            for pos in run {
                let at = (pos.offset - first.offset) as usize;
                let frame = &chunk[at..at + pos.len as usize];
                if !matches!(wal::parse_frame(frame), Ok((n, _)) if n == frame.len()) {
                    return Err(Error::Corrupt(format!(
                        "{}: record at offset {} changed on disk",
                        path.display(),
                        pos.offset
                    )));
                }
                positions.push(EntryPos {
                    seq,
                    offset: buf.len() as u64,
                    ..*pos
                });
                buf.extend_from_slice(frame);
            }
        }
        Ok(positions)
    }
}

/// The log as rebuilt from WAL records during [`Storage::open`].
#[derive(Default)]
struct Replay {
    /// The last hard state record.
    hard_state: HardState,
    /// Index of the last snapshot mark; 0 if none.
    base_index: Index,
    /// Term of the last snapshot mark; 0 if none.
    base_term: Term,
    /// The entries after `base_index`, contiguous.
    entries: Vec<Entry>,
    /// Where each of `entries` lives.
    positions: Vec<EntryPos>,
}

impl Replay {
    /// Applies one record read at `offset` in segment `seq`; an error explains a broken log.
    fn apply(
        &mut self,
        seq: u64,
        offset: u64,
        len: u32,
        record: wal::Record,
    ) -> Result<(), String> {
        match record {
            wal::Record::HardState(h) => self.hard_state = h,
            wal::Record::SnapshotMark { index, term } => {
                self.base_index = index;
                self.base_term = term;
                self.entries.clear();
                self.positions.clear();
            }
            wal::Record::Entry(entry) => {
                if entry.index <= self.base_index {
                    return Ok(());
                }
                let last = self.base_index + self.entries.len() as u64;
                if entry.index > last + 1 {
                    return Err(format!(
                        "entry {} follows entry {last}: entries are missing",
                        entry.index
                    ));
                }
                let keep = (entry.index - self.base_index - 1) as usize;
                self.entries.truncate(keep);
                self.positions.truncate(keep);
                self.positions.push(EntryPos {
                    term: entry.term,
                    seq,
                    offset,
                    len,
                });
                self.entries.push(entry);
            }
        }
        Ok(())
    }
}

/// Replays segments `seqs` (consecutive, oldest first) of `wal_dir`, clearing a torn tail of the
/// last one. Returns the rebuilt log, the length of the last segment's records and the bytes
/// cleared.
fn replay_segments(wal_dir: &Path, seqs: &[u64]) -> Result<(Replay, u64, u64), Error> {
    let mut replay = Replay::default();
    let mut truncated_bytes = 0;
    let mut active_bytes = 0;
    for (i, &seq) in seqs.iter().enumerate() {
        let path = wal::segment_path(wal_dir, seq);
        let is_last = i + 1 == seqs.len();
        let end = wal::read_segment(&path, is_last, |offset, len, record| {
            replay.apply(seq, offset, len, record).map_err(|why| {
                Error::Corrupt(format!("{} at offset {offset}: {why}", path.display()))
            })
        })?;
        match end {
            wal::SegmentEnd::Clean { offset } => active_bytes = offset,
            wal::SegmentEnd::Damaged {
                offset,
                dirty_end,
                error,
                torn,
            } => {
                if !is_last || !torn {
                    let place = if is_last {
                        "followed by a valid record"
                    } else {
                        "in a segment that is not the last"
                    };
                    return Err(Error::Corrupt(format!(
                        "{}: {error} at offset {offset}, {place}",
                        path.display()
                    )));
                }
                truncated_bytes = dirty_end - offset;
                tracing::warn!(
                    file = %path.display(),
                    offset,
                    truncated_bytes,
                    %error,
                    "clearing torn record at the end of the wal"
                );
                // Zeros rather than a shorter file: the segment stays preallocated, and its records
                // end at `offset` again.
                let zeros = vec![0u8; truncated_bytes as usize];
                OpenOptions::new()
                    .write(true)
                    .open(&path)
                    .and_then(|f| {
                        f.write_all_at(&zeros, offset)?;
                        f.sync_data()
                    })
                    .map_err(Error::at(&path))?;
                active_bytes = offset;
            }
        }
    }
    Ok((replay, active_bytes, truncated_bytes))
}

/// Index into `seqs` of the newest base segment, or 0 if there is none.
fn newest_base_segment(wal_dir: &Path, seqs: &[u64]) -> Result<usize, Error> {
    for (i, &seq) in seqs.iter().enumerate().rev() {
        if wal::peek_header_mark(&wal::segment_path(wal_dir, seq))?.is_some() {
            return Ok(i);
        }
    }
    Ok(0)
}

/// Creates (or empties) the spare segment file.
fn create_spare(wal_dir: &Path) -> io::Result<File> {
    OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .open(wal::spare_path(wal_dir))
}

/// Makes a directory's entries (created, renamed files) durable.
fn sync_dir(dir: &Path) -> Result<(), Error> {
    File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(Error::at(dir))
}

#[cfg(test)]
mod tests {
    use std::ops::RangeInclusive;

    use bytes::Bytes;

    use super::*;

    fn entry(index: Index, term: Term) -> Entry {
        Entry {
            index,
            term,
            data: Some(Bytes::from(format!("value {index} of term {term}"))),
            membership: None,
        }
    }

    fn entries(indexes: RangeInclusive<Index>, term: Term) -> Vec<Entry> {
        indexes.map(|i| entry(i, term)).collect()
    }

    fn hard_state(term: Term, vote: Option<u64>, commit: Index) -> HardState {
        HardState { term, vote, commit }
    }

    fn snap(index: Index, term: Term) -> Snapshot {
        Snapshot {
            index,
            term,
            data: Bytes::from(format!("state up to {index}")),
            membership: None,
        }
    }

    fn small_segments(max_segment_bytes: u64) -> Options {
        Options { max_segment_bytes }
    }

    /// Segment size for tests that do not test rotation: small, so that tests do not fill 16 MiB
    /// of zeros each time they open a directory, but large enough never to rotate.
    const TEST_SEGMENT_BYTES: u64 = 64 * 1024;

    fn open(dir: &Path) -> (Storage, Recovered) {
        Storage::open_with(dir, small_segments(TEST_SEGMENT_BYTES)).unwrap()
    }

    fn files_in(dir: &Path) -> Vec<PathBuf> {
        let mut files: Vec<_> = fs::read_dir(dir)
            .unwrap()
            .map(|d| d.unwrap().path())
            .collect();
        files.sort();
        files
    }

    /// The WAL segments, without the spare.
    fn segments(dir: &Path) -> Vec<PathBuf> {
        let mut files = files_in(&dir.join(WAL_DIR));
        files.retain(|f| f.extension().is_some_and(|e| e == "wal"));
        files
    }

    fn last_segment(dir: &Path) -> PathBuf {
        segments(dir).pop().unwrap()
    }

    /// Total length of the segments, the spare and the snapshot files.
    fn disk_bytes(dir: &Path) -> u64 {
        [WAL_DIR, SNAPSHOT_DIR]
            .iter()
            .flat_map(|d| files_in(&dir.join(d)))
            .map(|f| fs::metadata(f).unwrap().len())
            .sum()
    }

    /// The contents of every segment and snapshot file (not the spare, which a thread may still be
    /// filling).
    fn durable_contents(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
        let mut files = segments(dir);
        files.extend(files_in(&dir.join(SNAPSHOT_DIR)));
        files
            .into_iter()
            .map(|f| {
                let bytes = fs::read(&f).unwrap();
                (f, bytes)
            })
            .collect()
    }

    fn file_len(path: &Path) -> u64 {
        fs::metadata(path).unwrap().len()
    }

    fn assert_corrupt(result: Result<(Storage, Recovered), Error>, what: &str) {
        match result {
            Err(Error::Corrupt(msg)) => assert!(!msg.is_empty()),
            Err(other) => panic!("{what}: expected Corrupt, got {other}"),
            Ok(_) => panic!("{what}: expected Corrupt, opened fine"),
        }
    }

    #[test]
    fn fresh_directory_recovers_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("a/b/node1");
        let (storage, recovered) = Storage::open(&data).unwrap();
        assert_eq!(recovered.hard_state, HardState::default());
        assert_eq!(recovered.snapshot, None);
        assert!(recovered.entries.is_empty());
        assert_eq!(recovered.truncated_bytes, 0);
        assert_eq!(storage.last_index(), 0);
        assert_eq!(segments(&data).len(), 1);
        // The first segment is preallocated with written zeros.
        let first = fs::read(last_segment(&data)).unwrap();
        assert_eq!(first.len() as u64, MAX_SEGMENT_BYTES);
        assert!(first.iter().all(|&b| b == 0));
    }

    #[test]
    fn entries_and_hard_state_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let (mut storage, _) = open(dir.path());
        storage
            .persist(Some(&hard_state(1, Some(1), 0)), None, &entries(1..=5, 1))
            .unwrap();
        storage
            .persist(Some(&hard_state(2, Some(3), 4)), None, &entries(6..=7, 2))
            .unwrap();
        storage
            .persist(Some(&hard_state(2, None, 7)), None, &[])
            .unwrap();
        drop(storage);

        let (storage, recovered) = open(dir.path());
        assert_eq!(recovered.hard_state, hard_state(2, None, 7));
        let mut expected = entries(1..=5, 1);
        expected.extend(entries(6..=7, 2));
        assert_eq!(recovered.entries, expected);
        assert_eq!(recovered.snapshot, None);
        assert_eq!(recovered.truncated_bytes, 0);
        assert_eq!(storage.last_index(), 7);
        assert_eq!(storage.hard_state(), hard_state(2, None, 7));
    }

    #[test]
    fn noop_entry_without_data_round_trips() {
        let dir = tempfile::tempdir().unwrap();
        let (mut storage, _) = open(dir.path());
        let noop = Entry {
            index: 1,
            term: 4,
            data: None,
            membership: None,
        };
        let empty = Entry {
            index: 2,
            term: 4,
            data: Some(Bytes::new()),
            membership: None,
        };
        storage
            .persist(None, None, &[noop.clone(), empty.clone()])
            .unwrap();
        drop(storage);
        assert_eq!(open(dir.path()).1.entries, [noop, empty]);
    }

    #[test]
    fn empty_persist_does_no_io() {
        let dir = tempfile::tempdir().unwrap();
        let (mut storage, _) = open(dir.path());
        storage.persist(None, None, &entries(1..=3, 1)).unwrap();
        let before = durable_contents(dir.path());
        storage.persist(None, None, &[]).unwrap();
        assert_eq!(durable_contents(dir.path()), before);
    }

    #[test]
    fn truncation_survives_reopen() {
        // (name, batches of (first, last, term), expected log as (index, term))
        type Batches = &'static [(Index, Index, Term)];
        type Log = &'static [(Index, Term)];
        let cases: [(&str, Batches, Log); 5] = [
            (
                "overwrite middle",
                &[(1, 5, 1), (3, 4, 2)],
                &[(1, 1), (2, 1), (3, 2), (4, 2)],
            ),
            (
                "overwrite from the start",
                &[(1, 3, 1), (1, 1, 2)],
                &[(1, 2)],
            ),
            (
                "overwrite last and extend",
                &[(1, 3, 1), (3, 5, 2)],
                &[(1, 1), (2, 1), (3, 2), (4, 2), (5, 2)],
            ),
            (
                "repeated truncation",
                &[(1, 4, 1), (2, 6, 2), (3, 3, 3), (4, 4, 3)],
                &[(1, 1), (2, 2), (3, 3), (4, 3)],
            ),
            (
                "plain append",
                &[(1, 2, 1), (3, 3, 1)],
                &[(1, 1), (2, 1), (3, 1)],
            ),
        ];
        for (name, batches, expected) in cases {
            let expected: Vec<Entry> = expected.iter().map(|&(i, t)| entry(i, t)).collect();
            // Once without reopening between batches, once reopening after every batch.
            for reopen_each in [false, true] {
                let dir = tempfile::tempdir().unwrap();
                let (mut storage, _) = open(dir.path());
                for &(first, last, term) in batches {
                    storage
                        .persist(None, None, &entries(first..=last, term))
                        .unwrap();
                    if reopen_each {
                        drop(storage);
                        storage = open(dir.path()).0;
                    }
                }
                assert_eq!(storage.last_index(), expected.len() as u64, "{name}");
                drop(storage);
                assert_eq!(open(dir.path()).1.entries, expected, "{name}");
            }
        }
    }

    /// Writes entries 1..=3 then entry 4 alone; returns the length of the records before entry 4
    /// and after it.
    fn three_then_one(dir: &Path) -> (u64, u64) {
        let (mut storage, _) = open(dir);
        storage
            .persist(Some(&hard_state(1, Some(1), 0)), None, &entries(1..=3, 1))
            .unwrap();
        let good = storage.active_bytes;
        storage.persist(None, None, &entries(4..=4, 1)).unwrap();
        (good, storage.active_bytes)
    }

    /// Checks a WAL whose record of entry 4 (starting at `good`) was damaged, leaving at most
    /// `damaged` non-zero bytes from there: recovery keeps 1..=3, clears the damage, and later
    /// writes land right after entry 3 (if `in_place`) and survive.
    fn assert_recovers_from_damaged_tail(
        dir: &Path,
        good: u64,
        damaged: u64,
        in_place: bool,
        what: &str,
    ) {
        let (mut storage, recovered) = open(dir);
        assert_eq!(recovered.entries, entries(1..=3, 1), "{what}");
        assert_eq!(recovered.hard_state, hard_state(1, Some(1), 0), "{what}");
        assert!(
            (1..=damaged).contains(&recovered.truncated_bytes),
            "{what}: {} bytes cleared",
            recovered.truncated_bytes
        );
        let bytes = fs::read(last_segment(dir)).unwrap();
        assert!(bytes[good as usize..].iter().all(|&b| b == 0), "{what}");
        assert_eq!(storage.active_bytes, good, "{what}");

        storage.persist(None, None, &entries(4..=5, 2)).unwrap();
        if in_place {
            let bytes = fs::read(last_segment(dir)).unwrap();
            let (_, payload) = wal::parse_frame(&bytes[good as usize..]).unwrap();
            assert_eq!(
                wal::decode_record(payload),
                Some(wal::Record::Entry(entry(4, 2))),
                "{what}"
            );
        }
        drop(storage);
        let (_, recovered) = open(dir);
        let mut expected = entries(1..=3, 1);
        expected.extend(entries(4..=5, 2));
        assert_eq!(recovered.entries, expected, "{what}");
        assert_eq!(recovered.truncated_bytes, 0, "{what}");
    }

    #[test]
    fn torn_last_record_is_truncated() {
        // A crash mid-append into preallocated space: only a prefix of entry 4's record reached
        // the disk, zeros follow. (name, bytes of the record that were written)
        let probe = tempfile::tempdir().unwrap();
        let (good, end) = three_then_one(probe.path());
        let cuts = [
            ("one header byte", 1),
            ("half a header", 4),
            ("header only", 8),
            ("one payload byte", 9),
            ("all but the last byte", end - good - 1),
        ];
        for (name, written) in cuts {
            let dir = tempfile::tempdir().unwrap();
            assert_eq!(three_then_one(dir.path()), (good, end));
            let segment = last_segment(dir.path());
            let file = OpenOptions::new().write(true).open(&segment).unwrap();
            let zeros = vec![0; (end - good - written) as usize];
            file.write_all_at(&zeros, good + written).unwrap();
            assert_recovers_from_damaged_tail(dir.path(), good, written, true, name);
        }
        // A segment from before preallocation, cut inside the record at the end of the file: the
        // next write goes to a new, preallocated segment.
        let dir = tempfile::tempdir().unwrap();
        three_then_one(dir.path());
        let segment = last_segment(dir.path());
        let file = OpenOptions::new().write(true).open(&segment).unwrap();
        file.set_len(end - 1).unwrap();
        assert_recovers_from_damaged_tail(dir.path(), good, end - good, false, "unpadded, cut");
        assert_eq!(segments(dir.path()).len(), 2);
    }

    #[test]
    fn bad_last_record_is_truncated() {
        // (name, damage to the WAL bytes, given the records' length before and after entry 4)
        type Damage = fn(&mut Vec<u8>, usize, usize);
        let cases: [(&str, Damage); 5] = [
            ("flipped payload bit", |b, _, end| b[end - 1] ^= 0x10),
            ("flipped checksum bit", |b, good, _| b[good + 5] ^= 0x01),
            ("flipped length bit", |b, good, _| b[good] ^= 0x01),
            ("garbage then zeros", |b, good, end| {
                b[good..end].fill(0xA5);
            }),
            ("garbage length", |b, good, _| {
                b[good..good + 4].copy_from_slice(&0xFFFF_FFF0u32.to_le_bytes())
            }),
        ];
        for (name, damage) in cases {
            let dir = tempfile::tempdir().unwrap();
            let (good, end) = three_then_one(dir.path());
            let segment = last_segment(dir.path());
            let mut bytes = fs::read(&segment).unwrap();
            damage(&mut bytes, good as usize, end as usize);
            fs::write(&segment, &bytes).unwrap();
            assert_recovers_from_damaged_tail(dir.path(), good, end - good, true, name);
        }
    }

    #[test]
    fn zeroed_last_record_is_the_end_of_the_log() {
        // The write of entry 4 never reached the disk: nothing to clear, the log simply ends.
        let dir = tempfile::tempdir().unwrap();
        let (good, end) = three_then_one(dir.path());
        let segment = last_segment(dir.path());
        let file = OpenOptions::new().write(true).open(&segment).unwrap();
        file.write_all_at(&vec![0; (end - good) as usize], good)
            .unwrap();
        let (storage, recovered) = open(dir.path());
        assert_eq!(recovered.entries, entries(1..=3, 1));
        assert_eq!(recovered.truncated_bytes, 0);
        assert_eq!(storage.active_bytes, good);
    }

    #[test]
    fn preallocated_segment_reopens_with_its_records() {
        let dir = tempfile::tempdir().unwrap();
        let (mut storage, _) = open(dir.path());
        for first in (1..=30).step_by(3) {
            storage
                .persist(
                    Some(&hard_state(1, Some(1), first)),
                    None,
                    &entries(first..=first + 2, 1),
                )
                .unwrap();
        }
        let end = storage.active_bytes;
        drop(storage);

        // Appends overwrote preallocated space: the file did not grow, zeros follow the records.
        let bytes = fs::read(last_segment(dir.path())).unwrap();
        assert_eq!(bytes.len() as u64, TEST_SEGMENT_BYTES);
        assert!(bytes[end as usize..].iter().all(|&b| b == 0));
        assert!(bytes[end as usize - 1] != 0);

        let (storage, recovered) = open(dir.path());
        assert_eq!(recovered.entries, entries(1..=30, 1));
        assert_eq!(recovered.hard_state, hard_state(1, Some(1), 28));
        assert_eq!(recovered.truncated_bytes, 0);
        assert_eq!(storage.active_bytes, end);
        assert_eq!(segments(dir.path()).len(), 1);
    }

    #[test]
    fn crash_mid_append_into_preallocated_space_keeps_complete_records() {
        // A batch of entries 4..=6 was being written when the crash hit: entry 4's record made it
        // whole, entry 5's only in part, entry 6's not at all.
        let dir = tempfile::tempdir().unwrap();
        let (mut storage, _) = open(dir.path());
        storage
            .persist(Some(&hard_state(1, Some(1), 0)), None, &entries(1..=3, 1))
            .unwrap();
        storage
            .persist(Some(&hard_state(2, Some(2), 3)), None, &entries(4..=6, 2))
            .unwrap();
        let fifth = storage.positions[4];
        let end = storage.active_bytes;
        drop(storage);
        let segment = last_segment(dir.path());
        let file = OpenOptions::new().write(true).open(&segment).unwrap();
        let kept = fifth.offset + 11;
        file.write_all_at(&vec![0; (end - kept) as usize], kept)
            .unwrap();

        let (mut storage, recovered) = open(dir.path());
        let mut expected = entries(1..=3, 1);
        expected.push(entry(4, 2));
        assert_eq!(recovered.entries, expected);
        assert_eq!(recovered.hard_state, hard_state(2, Some(2), 3));
        assert!((1..=11).contains(&recovered.truncated_bytes));
        assert_eq!(storage.active_bytes, fifth.offset);

        // The log goes on right after entry 4, over the cleared bytes.
        storage.persist(None, None, &entries(5..=5, 3)).unwrap();
        assert_eq!(storage.positions[4].offset, fifth.offset);
        drop(storage);
        let (_, recovered) = open(dir.path());
        expected.push(entry(5, 3));
        assert_eq!(recovered.entries, expected);
        assert_eq!(recovered.truncated_bytes, 0);
    }

    #[test]
    fn reopen_append_cycles_continue_after_the_last_record() {
        let dir = tempfile::tempdir().unwrap();
        let mut ends = Vec::new();
        for round in 0..20u64 {
            let (mut storage, recovered) = open(dir.path());
            assert_eq!(
                recovered.entries,
                entries(1..=round * 2, 1),
                "round {round}"
            );
            assert_eq!(recovered.truncated_bytes, 0, "round {round}");
            // The writer starts where the last round's records ended, not at the file's end.
            assert_eq!(storage.active_bytes, ends.last().copied().unwrap_or(0));
            storage
                .persist(None, None, &entries(round * 2 + 1..=round * 2 + 2, 1))
                .unwrap();
            ends.push(storage.active_bytes);
        }
        assert!(ends.windows(2).all(|w| w[0] < w[1]));
        let files = segments(dir.path());
        assert_eq!(files.len(), 1);
        assert_eq!(file_len(&files[0]), TEST_SEGMENT_BYTES);
    }

    #[test]
    fn rotated_segments_are_preallocated() {
        let dir = tempfile::tempdir().unwrap();
        let (mut storage, _) = Storage::open_with(dir.path(), small_segments(2048)).unwrap();
        for first in (1..=400).step_by(4) {
            storage
                .persist(None, None, &entries(first..=first + 3, 1))
                .unwrap();
        }
        let files = segments(dir.path());
        assert!(files.len() >= 3, "{} segments", files.len());
        // Every segment is exactly the preallocated size: no write grew a file.
        for file in &files {
            assert_eq!(file_len(file), 2048, "{}", file.display());
        }
        drop(storage);
        let (_, recovered) = Storage::open_with(dir.path(), small_segments(2048)).unwrap();
        assert_eq!(recovered.entries, entries(1..=400, 1));
    }

    #[test]
    fn corruption_followed_by_valid_records_is_corrupt() {
        let dir = tempfile::tempdir().unwrap();
        three_then_one(dir.path());
        let segment = last_segment(dir.path());
        let mut bytes = fs::read(&segment).unwrap();
        bytes[20] ^= 0x01;
        fs::write(&segment, &bytes).unwrap();
        assert_corrupt(Storage::open(dir.path()), "flipped bit in the first record");
    }

    #[test]
    fn zeroed_record_followed_by_valid_records_is_corrupt() {
        // A zero header marks the end of the log only if nothing but zeros follows it.
        let dir = tempfile::tempdir().unwrap();
        let (good, _) = three_then_one(dir.path());
        let segment = last_segment(dir.path());
        let (storage, _) = open(dir.path());
        let third = storage.positions[2];
        drop(storage);
        assert!(third.offset + u64::from(third.len) == good);
        let file = OpenOptions::new().write(true).open(&segment).unwrap();
        file.write_all_at(&[0; wal::FRAME_HEADER_BYTES], third.offset)
            .unwrap();
        assert_corrupt(Storage::open(dir.path()), "zeroed header of entry 3");
    }

    /// Writes entries 1..=30 in batches of 3 with tiny segments, so each batch is a segment.
    fn many_segments(dir: &Path) -> Vec<PathBuf> {
        let (mut storage, _) = Storage::open_with(dir, small_segments(1)).unwrap();
        for first in (1..=30).step_by(3) {
            storage
                .persist(None, None, &entries(first..=first + 2, 1))
                .unwrap();
        }
        segments(dir)
    }

    #[test]
    fn damage_in_a_middle_segment_is_corrupt() {
        // (name, damage to the middle segment's bytes)
        type Damage = fn(&mut Vec<u8>);
        let cases: [(&str, Damage); 4] = [
            ("flipped bit", |b| b[12] ^= 0x40),
            ("cut short", |b| b.truncate(b.len() - 3)),
            ("zeroed first header", |b| {
                b[..wal::FRAME_HEADER_BYTES].fill(0)
            }),
            ("garbage after zero padding", |b| {
                b.extend_from_slice(&[0; 64]);
                b.push(1);
            }),
        ];
        for (name, damage) in cases {
            let dir = tempfile::tempdir().unwrap();
            let files = many_segments(dir.path());
            assert!(files.len() >= 5, "{name}: {} segments", files.len());
            let middle = &files[files.len() / 2];
            let mut bytes = fs::read(middle).unwrap();
            damage(&mut bytes);
            fs::write(middle, bytes).unwrap();
            assert_corrupt(Storage::open(dir.path()), name);
        }
    }

    #[test]
    fn missing_middle_segment_is_corrupt() {
        let dir = tempfile::tempdir().unwrap();
        let files = many_segments(dir.path());
        fs::remove_file(&files[3]).unwrap();
        assert_corrupt(Storage::open(dir.path()), "missing segment");
    }

    #[test]
    fn missing_first_segment_is_corrupt() {
        let dir = tempfile::tempdir().unwrap();
        let files = many_segments(dir.path());
        fs::remove_file(&files[0]).unwrap();
        assert_corrupt(Storage::open(dir.path()), "missing first segment");
    }

    #[test]
    fn installed_snapshot_replaces_the_log() {
        let dir = tempfile::tempdir().unwrap();
        let (mut storage, _) = Storage::open_with(dir.path(), small_segments(100)).unwrap();
        for first in (1..=10).step_by(2) {
            storage
                .persist(None, None, &entries(first..=first + 1, 1))
                .unwrap();
        }
        assert!(segments(dir.path()).len() > 1);

        // The leader's snapshot at 20 arrives with entries 19..=22 (19 and 20 already covered).
        let hs = hard_state(3, Some(2), 20);
        storage
            .persist(Some(&hs), Some(&snap(20, 3)), &entries(19..=22, 3))
            .unwrap();
        storage.finish_removals();
        assert_eq!(storage.snapshot_index(), 20);
        assert_eq!(storage.last_index(), 22);
        assert_eq!(segments(dir.path()).len(), 1);
        assert_eq!(files_in(&dir.path().join(SNAPSHOT_DIR)).len(), 1);
        storage.persist(None, None, &entries(23..=23, 3)).unwrap();
        drop(storage);

        let (storage, recovered) = open(dir.path());
        assert_eq!(recovered.snapshot, Some(snap(20, 3)));
        assert_eq!(recovered.hard_state, hs);
        assert_eq!(recovered.entries, entries(21..=23, 3));
        assert_eq!(storage.snapshot_index(), 20);
    }

    #[test]
    fn installed_snapshot_drops_entries_above_it() {
        let dir = tempfile::tempdir().unwrap();
        let (mut storage, _) = open(dir.path());
        storage.persist(None, None, &entries(1..=10, 1)).unwrap();
        storage.persist(None, Some(&snap(5, 1)), &[]).unwrap();
        assert_eq!(storage.last_index(), 5);
        drop(storage);
        let (_, recovered) = open(dir.path());
        assert_eq!(recovered.snapshot, Some(snap(5, 1)));
        assert!(recovered.entries.is_empty());
        assert_eq!(recovered.hard_state, HardState::default());
    }

    #[test]
    fn invalid_requests_write_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let (mut storage, _) = open(dir.path());
        storage.persist(None, Some(&snap(10, 2)), &[]).unwrap();
        storage.persist(None, None, &entries(11..=12, 2)).unwrap();
        let before = durable_contents(dir.path());

        let gap = entries(14..=14, 2);
        let mut holes = entries(13..=13, 2);
        holes.push(entry(15, 2));
        // (name, hard state, snapshot, entries)
        type Request = (Option<HardState>, Option<Snapshot>, Vec<Entry>);
        let cases: [(&str, Request); 3] = [
            (
                "gap after the log",
                (Some(hard_state(5, None, 0)), None, gap),
            ),
            ("entries with a hole", (None, None, holes)),
            ("older snapshot", (None, Some(snap(9, 2)), vec![])),
        ];
        for (name, (hs, snapshot, batch)) in cases {
            let result = storage.persist(hs.as_ref(), snapshot.as_ref(), &batch);
            assert!(
                matches!(result, Err(Error::Invalid(_))),
                "{name}: {result:?}"
            );
            assert_eq!(durable_contents(dir.path()), before, "{name}");
        }
        // Still usable, and nothing of the rejected calls was written.
        storage.persist(None, None, &entries(13..=13, 2)).unwrap();
        drop(storage);
        let (_, recovered) = open(dir.path());
        assert_eq!(recovered.entries, entries(11..=13, 2));
        assert_eq!(recovered.hard_state, HardState::default());
    }

    #[test]
    fn compaction_deletes_covered_segments() {
        let dir = tempfile::tempdir().unwrap();
        let (mut storage, _) = Storage::open_with(dir.path(), small_segments(200)).unwrap();
        let hs = hard_state(1, Some(1), 45);
        storage.persist(Some(&hs), None, &[]).unwrap();
        for first in (1..=50).step_by(5) {
            storage
                .persist(None, None, &entries(first..=first + 4, 1))
                .unwrap();
        }
        let before = segments(dir.path()).len();
        assert!(before >= 5, "{before} segments");

        storage.compact(&snap(40, 1)).unwrap();
        storage.finish_removals();
        assert_eq!(segments(dir.path()).len(), 1);
        assert_eq!(files_in(&dir.path().join(SNAPSHOT_DIR)).len(), 1);
        assert_eq!(storage.snapshot_index(), 40);
        assert_eq!(storage.last_index(), 50);

        // A compaction at or below the current snapshot changes nothing.
        let before = durable_contents(dir.path());
        storage.compact(&snap(30, 1)).unwrap();
        assert_eq!(durable_contents(dir.path()), before);

        // The tail stays writable and truncatable after being copied.
        storage.persist(None, None, &entries(48..=52, 2)).unwrap();
        drop(storage);

        let (mut storage, recovered) = open(dir.path());
        assert_eq!(recovered.snapshot, Some(snap(40, 1)));
        assert_eq!(recovered.hard_state, hs);
        let mut expected = entries(41..=47, 1);
        expected.extend(entries(48..=52, 2));
        assert_eq!(recovered.entries, expected);

        // Compacting again, past the whole log, leaves only the snapshot.
        storage.compact(&snap(52, 2)).unwrap();
        drop(storage);
        let (_, recovered) = open(dir.path());
        assert_eq!(recovered.snapshot, Some(snap(52, 2)));
        assert!(recovered.entries.is_empty());
        let snaps = files_in(&dir.path().join(SNAPSHOT_DIR));
        assert_eq!(snaps.len(), 1, "{snaps:?}");
    }

    #[test]
    fn snapshot_written_apart_then_compacted_to() {
        let dir = tempfile::tempdir().unwrap();
        let (mut storage, _) = Storage::open_with(dir.path(), small_segments(200)).unwrap();
        for first in (1..=30).step_by(5) {
            storage
                .persist(None, None, &entries(first..=first + 4, 1))
                .unwrap();
        }
        // The file is written while the log takes more entries.
        write_snapshot(dir.path(), &snap(20, 1)).unwrap();
        storage.persist(None, None, &entries(31..=35, 1)).unwrap();
        assert_eq!(
            storage.snapshot_index(),
            0,
            "the log is untouched until compacted"
        );
        storage.compact_to_written(20, 1).unwrap();
        assert_eq!(storage.snapshot_index(), 20);
        assert_eq!(storage.last_index(), 35);
        // An older snapshot, finished late, changes nothing.
        storage.compact_to_written(10, 1).unwrap();
        assert_eq!(storage.snapshot_index(), 20);
        drop(storage);

        let (_, recovered) = open(dir.path());
        assert_eq!(recovered.snapshot, Some(snap(20, 1)));
        assert_eq!(recovered.entries, entries(21..=35, 1));
    }

    #[test]
    fn disk_use_stays_flat_with_periodic_compaction() {
        let dir = tempfile::tempdir().unwrap();
        let (mut storage, _) = Storage::open_with(dir.path(), small_segments(16 * 1024)).unwrap();
        let payload = Bytes::from(vec![7u8; 1024]);
        let mut written = 0;
        let mut peak = 0;
        let mut next = 1;
        for round in 0..40 {
            for _ in 0..20 {
                let batch: Vec<Entry> = (next..next + 5)
                    .map(|index| Entry {
                        index,
                        term: 1,
                        data: Some(payload.clone()),
                        membership: None,
                    })
                    .collect();
                next += 5;
                written += 5 * payload.len();
                storage
                    .persist(Some(&hard_state(1, Some(1), next - 1)), None, &batch)
                    .unwrap();
            }
            storage.compact(&snap(next - 10, 1)).unwrap();
            storage.finish_removals();
            let used = disk_bytes(dir.path());
            if round > 0 {
                peak = peak.max(used);
            }
        }
        // 4 MB written; after each compaction only the snapshot, one 16 KiB segment holding a
        // 9-entry tail, and the 16 KiB spare remain.
        assert!(written > 4_000_000);
        assert!(peak <= 33 * 1024, "disk use peaked at {peak} bytes");
        drop(storage);
        let (_, recovered) = open(dir.path());
        assert_eq!(recovered.snapshot.map(|s| s.index), Some(next - 10));
        assert_eq!(recovered.entries.len(), 9);
    }

    /// A tiny deterministic generator, so the test needs no RNG and fails the same way each run.
    struct Lcg(u64);

    impl Lcg {
        fn below(&mut self, n: u64) -> u64 {
            self.0 = self
                .0
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (self.0 >> 33) % n
        }
    }

    #[test]
    fn many_rotations_match_a_model() {
        for max_segment_bytes in [1, 300, 4096] {
            let dir = tempfile::tempdir().unwrap();
            let options = small_segments(max_segment_bytes);
            let (mut storage, _) = Storage::open_with(dir.path(), options).unwrap();
            let mut rng = Lcg(max_segment_bytes);
            let mut model: Vec<Entry> = Vec::new();
            let mut snapshot: Option<Snapshot> = None;
            let mut hs = HardState::default();
            let mut term = 1;
            for step in 0..300 {
                let base = snapshot.as_ref().map_or(0, |s| s.index);
                let last = base + model.len() as u64;
                match rng.below(20) {
                    0 if last > base => {
                        let at = base + 1 + rng.below(last - base);
                        let term_at = model[(at - base - 1) as usize].term;
                        let s = snap(at, term_at);
                        storage.compact(&s).unwrap();
                        model.drain(..(at - base) as usize);
                        snapshot = Some(s);
                    }
                    1 => {
                        drop(storage);
                        let (reopened, recovered) =
                            Storage::open_with(dir.path(), options).unwrap();
                        storage = reopened;
                        assert_eq!(recovered.entries, model, "step {step}");
                        assert_eq!(recovered.snapshot, snapshot, "step {step}");
                        assert_eq!(recovered.hard_state, hs, "step {step}");
                    }
                    n => {
                        // Append, sometimes overwriting a suffix with a newer term.
                        let first = if n < 5 && last > base {
                            term += 1;
                            base + 1 + rng.below(last - base)
                        } else {
                            last + 1
                        };
                        let batch = entries(first..=first + rng.below(4), term);
                        hs = hard_state(term, Some(1), hs.commit.max(base));
                        storage.persist(Some(&hs), None, &batch).unwrap();
                        model.truncate((first - base - 1) as usize);
                        model.extend(batch);
                    }
                }
                assert_eq!(
                    storage.last_index(),
                    base_of(&snapshot) + model.len() as u64
                );
            }
            drop(storage);
            let (_, recovered) = Storage::open_with(dir.path(), options).unwrap();
            assert_eq!(recovered.entries, model);
            assert_eq!(recovered.snapshot, snapshot);
            assert_eq!(recovered.hard_state, hs);
            if max_segment_bytes == 1 {
                assert!(segments(dir.path()).len() > 1);
            }
        }
    }

    fn base_of(snapshot: &Option<Snapshot>) -> Index {
        snapshot.as_ref().map_or(0, |s| s.index)
    }

    #[test]
    fn snapshot_ahead_of_the_wal_is_reconciled() {
        // A crash between writing a snapshot file and its base segment. (name, snapshot, log after)
        let cases = [
            (
                "log holds the snapshot's entry",
                snap(5, 1),
                entries(6..=8, 1),
            ),
            ("log disagrees about its term", snap(5, 2), vec![]),
            ("snapshot beyond the log", snap(12, 2), vec![]),
        ];
        for (name, snapshot, kept) in cases {
            let dir = tempfile::tempdir().unwrap();
            let (mut storage, _) = open(dir.path());
            storage
                .persist(Some(&hard_state(1, None, 5)), None, &entries(1..=8, 1))
                .unwrap();
            drop(storage);
            snapshot::write(&dir.path().join(SNAPSHOT_DIR), &snapshot).unwrap();

            let (mut storage, recovered) = open(dir.path());
            assert_eq!(recovered.snapshot.as_ref(), Some(&snapshot), "{name}");
            assert_eq!(recovered.entries, kept, "{name}");
            assert_eq!(recovered.hard_state, hard_state(1, None, 5), "{name}");
            // The WAL was rewritten to agree, so appending after it works across reopen.
            let next = storage.last_index() + 1;
            storage
                .persist(None, None, &entries(next..=next, 3))
                .unwrap();
            drop(storage);
            let (_, recovered) = open(dir.path());
            let mut expected = kept;
            expected.push(entry(next, 3));
            assert_eq!(recovered.entries, expected, "{name}");
            assert_eq!(segments(dir.path()).len(), 1, "{name}");
        }
    }

    #[test]
    fn snapshot_older_than_the_wal_is_corrupt() {
        let dir = tempfile::tempdir().unwrap();
        let (mut storage, _) = open(dir.path());
        storage.persist(None, Some(&snap(10, 2)), &[]).unwrap();
        drop(storage);
        for file in files_in(&dir.path().join(SNAPSHOT_DIR)) {
            fs::remove_file(file).unwrap();
        }
        assert_corrupt(Storage::open(dir.path()), "snapshot file missing");
    }

    #[test]
    fn snapshot_without_wal_is_corrupt() {
        let dir = tempfile::tempdir().unwrap();
        let (mut storage, _) = open(dir.path());
        storage
            .persist(Some(&hard_state(4, Some(2), 10)), Some(&snap(10, 2)), &[])
            .unwrap();
        drop(storage);
        fs::remove_dir_all(dir.path().join(WAL_DIR)).unwrap();
        assert_corrupt(Storage::open(dir.path()), "wal directory lost");
    }

    #[test]
    fn leftovers_of_interrupted_writes_are_removed() {
        let dir = tempfile::tempdir().unwrap();
        let (mut storage, _) = Storage::open_with(dir.path(), small_segments(1)).unwrap();
        for first in [1, 3, 5] {
            storage
                .persist(None, None, &entries(first..=first + 1, 1))
                .unwrap();
        }
        let old_segments: Vec<(PathBuf, Vec<u8>)> = segments(dir.path())
            .into_iter()
            .map(|p| {
                let bytes = fs::read(&p).unwrap();
                (p, bytes)
            })
            .collect();
        storage.compact(&snap(4, 1)).unwrap();
        drop(storage);

        // As if the crash hit while old segments were being deleted and temp files written.
        for (path, bytes) in &old_segments[..2] {
            fs::write(path, bytes).unwrap();
        }
        let wal_temp = dir
            .path()
            .join(WAL_DIR)
            .join("00000000000000000099.wal.tmp");
        let snap_temp = dir
            .path()
            .join(SNAPSHOT_DIR)
            .join("00000000000000000009.snap.tmp");
        fs::write(&wal_temp, b"partial").unwrap();
        fs::write(&snap_temp, b"partial").unwrap();

        let (_, recovered) = open(dir.path());
        assert_eq!(recovered.snapshot, Some(snap(4, 1)));
        assert_eq!(recovered.entries, entries(5..=6, 1));
        assert_eq!(segments(dir.path()).len(), 1);
        assert!(!wal_temp.exists() && !snap_temp.exists());
    }

    #[test]
    fn unusable_directory_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("plain-file");
        fs::write(&file, b"not a directory").unwrap();
        // (name, data directory)
        let cases = [
            ("a regular file", file.clone()),
            ("under a regular file", file.join("data")),
        ];
        for (name, path) in cases {
            match Storage::open(&path) {
                Err(err @ Error::Path { .. }) => {
                    assert!(err.to_string().contains("plain-file"), "{name}: {err}")
                }
                Err(other) => panic!("{name}: unexpected error {other}"),
                Ok(_) => panic!("{name}: opened"),
            }
        }
    }

    /// Prints p50/p99 of one ~4 KiB entry plus hard state persisted with its fsync. Not a
    /// pass/fail test: run with `cargo test --release --lib fsync_latency -- --ignored --nocapture`
    /// (set `WAL_LATENCY_DIR` to measure another file system than the temp directory's).
    #[test]
    #[ignore = "measurement, prints timings"]
    fn fsync_latency() {
        let base = std::env::var_os("WAL_LATENCY_DIR").map(PathBuf::from);
        let dir = match &base {
            Some(b) => tempfile::tempdir_in(b).unwrap(),
            None => tempfile::tempdir().unwrap(),
        };
        let (mut storage, _) = Storage::open(dir.path()).unwrap();
        // Let the helper thread finish the spare first, so that its writes do not skew the numbers.
        let spare = storage.take_spare().unwrap();
        storage.start_spare(Some((spare, 0))).unwrap();
        let payload = Bytes::from(vec![b'v'; 4096]);
        let mut micros = Vec::new();
        for index in 1..=3000 {
            let e = Entry {
                index,
                term: 1,
                data: Some(payload.clone()),
                membership: None,
            };
            let hs = hard_state(1, Some(1), index - 1);
            let start = std::time::Instant::now();
            storage.persist(Some(&hs), None, &[e]).unwrap();
            micros.push(start.elapsed().as_micros() as u64);
        }
        micros.sort_unstable();
        let at = |q: f64| micros[((micros.len() as f64 * q) as usize).min(micros.len() - 1)];
        println!(
            "persist(4 KiB entry) + fsync over {} calls: p50={}us p90={}us p99={}us max={}us",
            micros.len(),
            at(0.5),
            at(0.9),
            at(0.99),
            micros[micros.len() - 1]
        );
    }
}
