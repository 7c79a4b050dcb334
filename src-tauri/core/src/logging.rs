//! Diagnostics to a daily-rotated file in the OS log folder.
//!
//! Log lines carry names, sizes, hosts and codes, never secret values: [`crate::secrets::Secret`]
//! formats as `[redacted]` wherever it is logged.
//!
//! Other users of the computer cannot read the logs: on Unix the folder is 0700 and every log
//! file 0600, whatever the umask (the rotating appender creates files itself, so each file of
//! the program is narrowed to 0600 on the first write of each day, when rotation opens a new
//! one). On Windows the folder inherits the ACL of the user's profile folder; a user-only ACL is
//! not set here.

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use tracing_appender::non_blocking::WorkerGuard;
use tracing_appender::rolling::{RollingFileAppender, Rotation};
use tracing_subscriber::EnvFilter;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

use crate::{Error, Result};

/// Logging that stays off whatever the filter: the AWS signer's only events are trace-level dumps
/// of the signing parameters (the access key id) and of event-stream payloads (a draft's text).
const SILENCED: &str = "aws_sigv4=off";

/// Rotated files kept per program before the oldest is removed.
const KEPT_LOG_FILES: usize = 14;

/// Keeps the background log writer alive; dropping it flushes what is buffered.
#[must_use = "logging stops when the guard is dropped"]
pub struct LogGuard {
    _writer: WorkerGuard,
}

/// Starts logging for this process into `dir/<program>.<date>.log`, filtered by `filter`
/// (`tracing` directive syntax). Call once, at start-up.
pub fn init(dir: &Path, program: &str, filter: &str) -> Result<LogGuard> {
    std::fs::create_dir_all(dir).map_err(|e| Error::storage(dir, e))?;
    restrict(dir, 0o700).map_err(|e| Error::storage(dir, e))?;
    let filter = EnvFilter::try_new(format!("{filter},{SILENCED}"))
        .map_err(|e| Error::InvalidInput(format!("invalid log filter {filter:?}: {e}")))?;
    let appender = RollingFileAppender::builder()
        .rotation(Rotation::DAILY)
        .filename_prefix(program)
        .filename_suffix("log")
        .max_log_files(KEPT_LOG_FILES)
        .build(dir)
        .map_err(|e| {
            Error::Internal(format!("cannot open a log file in {}: {e}", dir.display()))
        })?;
    let (writer, guard) = tracing_appender::non_blocking(PrivateFiles {
        appender,
        dir: dir.to_owned(),
        prefix: format!("{program}."),
        narrowed_on: None,
    });
    tracing_subscriber::registry()
        .with(filter)
        .with(
            tracing_subscriber::fmt::layer()
                .with_writer(writer)
                .with_ansi(false),
        )
        .try_init()
        .map_err(|e| Error::Internal(format!("logging already started: {e}")))?;
    tracing::info!(version = crate::VERSION, program, "logging started");
    Ok(LogGuard { _writer: guard })
}

/// The rotating appender, narrowing its files to the owner once a day (see the module docs).
struct PrivateFiles {
    appender: RollingFileAppender,
    dir: PathBuf,
    prefix: String,
    /// The UTC day (days since 1970) whose files were last narrowed.
    narrowed_on: Option<u64>,
}

impl PrivateFiles {
    fn narrow_files(&self) -> io::Result<()> {
        for entry in std::fs::read_dir(&self.dir)? {
            let entry = entry?;
            let name = entry.file_name();
            let name = name.to_string_lossy();
            if name.starts_with(&self.prefix) && name.ends_with(".log") {
                restrict(&entry.path(), 0o600)?;
            }
        }
        Ok(())
    }
}

impl Write for PrivateFiles {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let written = self.appender.write(buf)?;
        let day = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() / 86_400);
        if self.narrowed_on != Some(day) {
            self.narrow_files()?;
            self.narrowed_on = Some(day);
        }
        Ok(written)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.appender.flush()
    }
}

#[cfg(unix)]
fn restrict(path: &Path, mode: u32) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
}

// Windows: the user's profile folder is already private to them; no ACL is changed here.
#[cfg(not(unix))]
fn restrict(_path: &Path, _mode: u32) -> io::Result<()> {
    Ok(())
}

#[cfg(all(test, unix))]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use super::*;

    fn mode(path: &Path) -> u32 {
        std::fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn the_log_folder_and_files_are_the_owners_only() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("logs");
        std::fs::create_dir(&dir).unwrap();
        restrict(&dir, 0o755).unwrap();
        let guard = init(&dir, "casefile-test", "info").unwrap();
        tracing::info!("a line");
        drop(guard);
        assert_eq!(mode(&dir), 0o700);
        let files: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        assert!(!files.is_empty());
        for file in files {
            assert_eq!(mode(&file), 0o600, "{}", file.display());
        }
    }
}
