//! Snapshot files: the state machine as of some log index, written whole or not at all.
//!
//! A snapshot lives in `snap/<index>.snap` as one frame (the WAL's framing, see [`super::wal`])
//! around a `pb::Snapshot`. It is written to `<index>.snap.tmp`, synced, renamed into place and
//! the directory synced, so a `.snap` file is always complete; a leftover `.tmp` is the trace of
//! an interrupted write and is removed at start-up. Only the newest snapshot is kept.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use prost::Message as _;

use super::{Error, sync_dir, wal};
use crate::pb;
use crate::raft::{Index, Snapshot};

/// File name suffix of a complete snapshot.
const SNAPSHOT_SUFFIX: &str = ".snap";
/// File name suffix of a snapshot still being written.
const TEMP_SUFFIX: &str = ".tmp";

/// The path of the snapshot at `index` in `snap_dir`.
fn snapshot_path(snap_dir: &Path, index: Index) -> PathBuf {
    snap_dir.join(format!("{index:020}{SNAPSHOT_SUFFIX}"))
}

/// Bytes of a snapshot file written between two syncs (see [`write`]).
const SYNC_CHUNK_BYTES: usize = 8 << 20;

/// Writes `snapshot` durably as `snap_dir`'s snapshot at its index, replacing any file there.
///
/// # Errors
///
/// I/O errors; [`Error::Invalid`] for a snapshot over 4 GiB.
pub fn write(snap_dir: &Path, snapshot: &Snapshot) -> Result<(), Error> {
    let path = snapshot_path(snap_dir, snapshot.index);
    let mut temp = path.clone().into_os_string();
    temp.push(TEMP_SUFFIX);
    let temp = PathBuf::from(temp);

    let mut buf = Vec::new();
    wal::encode_frame(&mut buf, &pb::Snapshot::from(snapshot))?;
    let mut file = fs::File::create(&temp).map_err(Error::at(&temp))?;
    // Synced a chunk at a time: the file system commits its journal for every fsync on the
    // disk, and a commit waits for the data already allocated to dirty files, so writing a
    // large snapshot in one go and syncing once would hold every log fsync on the disk (this
    // node's and, on a shared disk, its peers') behind the whole file. Measured with five
    // nodes on one disk at 1.4M keys (190 MB snapshots): followers' log fsyncs stalled for
    // 200-350 ms whenever a snapshot was flushed.
    for chunk in buf.chunks(SYNC_CHUNK_BYTES) {
        file.write_all(chunk)
            .and_then(|()| file.sync_data())
            .map_err(Error::at(&temp))?;
    }
    file.sync_all().map_err(Error::at(&temp))?;
    drop(file);
    fs::rename(&temp, &path).map_err(Error::at(&path))?;
    sync_dir(snap_dir)
}

/// Lists `(index, path)` of the complete snapshot files in `snap_dir`. With `remove_temp`
/// (only when opening, before any write can be in flight) it also removes temporary files a
/// crash left behind; otherwise a temporary file may be a snapshot another thread is writing.
fn list(snap_dir: &Path, remove_temp: bool) -> Result<Vec<(Index, PathBuf)>, Error> {
    let mut found = Vec::new();
    for dirent in fs::read_dir(snap_dir).map_err(Error::at(snap_dir))? {
        let dirent = dirent.map_err(Error::at(snap_dir))?;
        let path = dirent.path();
        let name = dirent.file_name();
        let Some(name) = name.to_str() else { continue };
        if name.ends_with(TEMP_SUFFIX) {
            if !remove_temp {
                continue;
            }
            tracing::warn!(file = %path.display(), "removing unfinished snapshot file");
            fs::remove_file(&path).map_err(Error::at(&path))?;
        } else if let Some(index) = name
            .strip_suffix(SNAPSHOT_SUFFIX)
            .filter(|stem| stem.len() == 20)
            .and_then(|stem| stem.parse::<Index>().ok())
        {
            found.push((index, path));
        }
    }
    found.sort_unstable();
    Ok(found)
}

/// Loads the newest snapshot in `snap_dir`, if any, and removes older snapshot files and
/// leftover temporary files.
///
/// # Errors
///
/// [`Error::Corrupt`] if the newest snapshot file fails its checksum or does not decode. Older
/// files are not tried instead: they are only ever left behind by a crash right after a newer
/// snapshot became durable, and the log may already depend on the newer one.
pub fn load_newest(snap_dir: &Path) -> Result<Option<Snapshot>, Error> {
    list(snap_dir, true)?;
    let snapshot = read_newest(snap_dir)?;
    if let Some(snapshot) = &snapshot {
        remove_older(snap_dir, snapshot.index)?;
    }
    Ok(snapshot)
}

/// Reads the newest snapshot in `snap_dir` without changing anything on disk, so it may run
/// beside the storage's own writes (which only ever rename a complete file into place).
///
/// # Errors
///
/// As [`load_newest`].
pub fn read_newest(snap_dir: &Path) -> Result<Option<Snapshot>, Error> {
    let files = list(snap_dir, false)?;
    let Some((index, path)) = files.last() else {
        return Ok(None);
    };
    let data = fs::read(path).map_err(Error::at(path))?;
    let corrupt = |what: &str| Error::Corrupt(format!("snapshot {}: {what}", path.display()));
    let (frame_len, payload) = wal::parse_frame(&data).map_err(|e| corrupt(&e.to_string()))?;
    if frame_len != data.len() {
        return Err(corrupt(&format!(
            "{} unexpected bytes after the snapshot",
            data.len() - frame_len
        )));
    }
    let snapshot: Snapshot = pb::Snapshot::decode(payload)
        .map_err(|e| corrupt(&e.to_string()))?
        .into();
    if snapshot.index != *index {
        return Err(corrupt(&format!(
            "file holds index {} instead of {index}",
            snapshot.index
        )));
    }
    Ok(Some(snapshot))
}

/// Removes every complete snapshot file in `snap_dir` older than the one at `keep`.
pub fn remove_older(snap_dir: &Path, keep: Index) -> Result<(), Error> {
    for path in older(snap_dir, keep)? {
        fs::remove_file(&path).map_err(Error::at(&path))?;
    }
    Ok(())
}

/// The complete snapshot files in `snap_dir` older than the one at `keep`.
pub fn older(snap_dir: &Path, keep: Index) -> Result<Vec<PathBuf>, Error> {
    Ok(list(snap_dir, false)?
        .into_iter()
        .filter(|&(index, _)| index < keep)
        .map(|(_, path)| path)
        .collect())
}

#[cfg(test)]
mod tests {
    use bytes::Bytes;

    use super::*;

    fn snap(index: Index, data: &'static [u8]) -> Snapshot {
        Snapshot {
            index,
            term: index / 2 + 1,
            data: Bytes::from_static(data),
            membership: None,
        }
    }

    #[test]
    fn newest_snapshot_wins_and_older_files_go() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), &snap(5, b"five")).unwrap();
        write(dir.path(), &snap(12, b"twelve")).unwrap();
        fs::write(dir.path().join("00000000000000000020.snap.tmp"), b"half").unwrap();

        assert_eq!(load_newest(dir.path()).unwrap(), Some(snap(12, b"twelve")));
        let mut names: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|d| d.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        assert_eq!(names, ["00000000000000000012.snap"]);
    }

    #[test]
    fn a_snapshot_being_written_is_left_alone_while_running() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), &snap(5, b"five")).unwrap();
        write(dir.path(), &snap(12, b"twelve")).unwrap();
        let in_flight = dir.path().join("00000000000000000020.snap.tmp");
        fs::write(&in_flight, b"half").unwrap();

        // Reading for a lagging follower and compacting run beside a background write.
        assert_eq!(read_newest(dir.path()).unwrap(), Some(snap(12, b"twelve")));
        remove_older(dir.path(), 12).unwrap();
        assert!(
            in_flight.exists(),
            "a temporary file was removed while running"
        );
        assert!(!snapshot_path(dir.path(), 5).exists());
    }

    #[test]
    fn empty_directory_has_no_snapshot() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(load_newest(dir.path()).unwrap(), None);
    }

    #[test]
    fn damaged_snapshot_is_corrupt() {
        // (name, damage applied to a valid file's bytes)
        type Damage = fn(&mut Vec<u8>);
        let cases: [(&str, Damage); 4] = [
            ("flipped bit", |b| b[10] ^= 0x04),
            ("truncated", |b| b.truncate(b.len() - 1)),
            ("trailing bytes", |b| b.push(0)),
            ("emptied", |b| b.clear()),
        ];
        for (name, damage) in cases {
            let dir = tempfile::tempdir().unwrap();
            write(dir.path(), &snap(3, b"state")).unwrap();
            let path = snapshot_path(dir.path(), 3);
            let mut bytes = fs::read(&path).unwrap();
            damage(&mut bytes);
            fs::write(&path, bytes).unwrap();
            let err = load_newest(dir.path()).unwrap_err();
            assert!(matches!(err, Error::Corrupt(_)), "{name}: {err}");
        }
    }

    #[test]
    fn snapshot_under_the_wrong_name_is_corrupt() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), &snap(3, b"state")).unwrap();
        fs::rename(snapshot_path(dir.path(), 3), snapshot_path(dir.path(), 4)).unwrap();
        assert!(matches!(load_newest(dir.path()), Err(Error::Corrupt(_))));
    }
}
