//! Files written whole or not at all, readable by their owner only.

use std::io::Write;
use std::path::Path;

use crate::{Error, Result};

/// Writes `bytes` to `path` so that a reader sees the old file or the new one, never a part: a
/// temporary file in the same folder (mode 0600 on Unix), flushed to disk, then moved into
/// place. Without `overwrite`, an existing `path` is refused and left as it was.
pub fn write_private(path: &Path, bytes: &[u8], overwrite: bool) -> Result<()> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .ok_or_else(|| Error::InvalidInput(format!("{} is not a file name.", path.display())))?;
    let temp = dir.join(format!(
        ".{}.{}.tmp",
        name.to_string_lossy(),
        crate::workspace::random_id()?
    ));
    let written = write_new(&temp, bytes).and_then(|()| place(&temp, path, overwrite));
    if written.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    written?;
    // The rename is durable once the folder's entry is on disk (best effort: not every OS can
    // open a folder for syncing).
    if let Ok(folder) = std::fs::File::open(dir) {
        let _ = folder.sync_all();
    }
    Ok(())
}

fn write_new(temp: &Path, bytes: &[u8]) -> Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(temp).map_err(|e| Error::storage(temp, e))?;
    file.write_all(bytes)
        .and_then(|()| file.sync_all())
        .map_err(|e| Error::storage(temp, e))
}

/// Moves `temp` to `path`. Without `overwrite`, a hard link places the file only if `path` does
/// not exist, with no window in which another writer's file could be replaced.
fn place(temp: &Path, path: &Path, overwrite: bool) -> Result<()> {
    let exists = || {
        Error::InvalidInput(format!(
            "{} already exists; nothing was written. Choose another file name (commands that \
             can replace a file say so: --force).",
            path.display()
        ))
    };
    if overwrite {
        return std::fs::rename(temp, path).map_err(|e| Error::storage(path, e));
    }
    match std::fs::hard_link(temp, path) {
        Ok(()) => std::fs::remove_file(temp).map_err(|e| Error::storage(temp, e)),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Err(exists()),
        // A file system without hard links: check, then rename.
        Err(_) if path.exists() => Err(exists()),
        Err(_) => std::fs::rename(temp, path).map_err(|e| Error::storage(path, e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorCode;

    fn leftovers(dir: &Path) -> Vec<String> {
        std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".tmp"))
            .collect()
    }

    #[test]
    fn writes_privately_and_refuses_to_overwrite_unless_asked() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("config.json");
        write_private(&file, b"first", false).unwrap();
        assert_eq!(std::fs::read(&file).unwrap(), b"first");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&file).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }

        let err = write_private(&file, b"second", false).unwrap_err();
        assert_eq!(err.code(), ErrorCode::InvalidInput);
        assert!(err.to_string().contains("already exists"), "{err}");
        assert_eq!(std::fs::read(&file).unwrap(), b"first", "left as it was");

        write_private(&file, b"third", true).unwrap();
        assert_eq!(std::fs::read(&file).unwrap(), b"third");
        assert!(leftovers(dir.path()).is_empty(), "no temporary file stays");
    }

    #[test]
    fn a_missing_folder_is_a_storage_error_and_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let err = write_private(&dir.path().join("no/such/file.json"), b"x", false).unwrap_err();
        assert_eq!(err.code(), ErrorCode::Storage);
        assert!(leftovers(dir.path()).is_empty());
    }
}
