//! Writing a file whole or not at all: a temporary file in the same folder, flushed, then
//! renamed over the target. Plans, instances, packs and the settings all go through it.
//!
//! Only a new file or a regular one is written: a symbolic link, a pipe, a device or a folder
//! named as the output is refused (renaming over it would replace the link itself, or
//! `/dev/null` for root). Temporary files are owner-only (0600 on Unix) and so is the result;
//! one left by a crash is removed by the next write to the same folder.

use std::io::Write;
use std::path::Path;
use std::time::{Duration, SystemTime};

/// How temporary files start, so that stale ones can be recognised.
const TEMPORARY_PREFIX: &str = ".yuva-tmp-";
/// A temporary file older than this was left by a crash (a write takes seconds at most).
const STALE_AFTER: Duration = Duration::from_secs(15 * 60);

pub fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    if let Ok(meta) = std::fs::symlink_metadata(path)
        && !meta.file_type().is_file()
    {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            format!(
                "{} is not a regular file (a link, a pipe, a device or a folder); choose another name",
                path.display()
            ),
        ));
    }
    let folder = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    remove_stale_temporaries(folder);
    let mut file = tempfile::Builder::new()
        .prefix(TEMPORARY_PREFIX)
        .tempfile_in(folder)?;
    file.write_all(bytes)?;
    file.as_file().sync_all()?;
    file.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// Removes temporary files a crash left in `folder` (best effort: a folder that cannot be
/// listed is left alone).
fn remove_stale_temporaries(folder: &Path) {
    let Ok(entries) = std::fs::read_dir(folder) else {
        return;
    };
    let now = SystemTime::now();
    for entry in entries.flatten() {
        let name = entry.file_name();
        if !name.to_string_lossy().starts_with(TEMPORARY_PREFIX) {
            continue;
        }
        let stale = entry
            .metadata()
            .ok()
            .filter(|meta| meta.file_type().is_file())
            .and_then(|meta| meta.modified().ok())
            .and_then(|modified| now.duration_since(modified).ok())
            .is_some_and(|age| age > STALE_AFTER);
        if stale {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_new_and_regular_files_only() {
        let dir = tempfile::tempdir().expect("temp dir");
        let target = dir.path().join("plan.json");
        write_atomically(&target, b"one").expect("new file");
        write_atomically(&target, b"two").expect("regular file replaced");
        assert_eq!(std::fs::read(&target).expect("read"), b"two");
        let folder = dir.path().join("folder");
        std::fs::create_dir(&folder).expect("folder");
        assert!(write_atomically(&folder, b"x").is_err());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&target)
                .expect("meta")
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600, "owner only");
            let link = dir.path().join("link.json");
            std::os::unix::fs::symlink(&target, &link).expect("symlink");
            assert!(write_atomically(&link, b"x").is_err(), "a link is refused");
            assert_eq!(
                std::fs::read(&target).expect("read"),
                b"two",
                "its target untouched"
            );
            assert!(
                write_atomically(Path::new("/dev/null"), b"x").is_err(),
                "a device"
            );
        }
        // Nothing temporary stays behind.
        let left: Vec<_> = std::fs::read_dir(dir.path())
            .expect("list")
            .flatten()
            .filter(|e| {
                e.file_name()
                    .to_string_lossy()
                    .starts_with(TEMPORARY_PREFIX)
            })
            .collect();
        assert!(left.is_empty());
    }

    #[test]
    fn a_temporary_file_left_by_a_crash_is_removed_by_the_next_write() {
        let dir = tempfile::tempdir().expect("temp dir");
        let stale = dir.path().join(format!("{TEMPORARY_PREFIX}crashed"));
        std::fs::write(&stale, b"half a pack").expect("write");
        let old = SystemTime::now() - Duration::from_secs(3600);
        std::fs::File::options()
            .write(true)
            .open(&stale)
            .and_then(|f| f.set_modified(old))
            .expect("age it");
        let fresh = dir.path().join(format!("{TEMPORARY_PREFIX}in-progress"));
        std::fs::write(&fresh, b"another write now").expect("write");
        write_atomically(&dir.path().join("pack.pdf"), b"%PDF").expect("write");
        assert!(!stale.exists(), "the crash's leftover is gone");
        assert!(fresh.exists(), "a write under way is left alone");
    }
}
