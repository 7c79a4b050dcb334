//! Diagnostics to a daily-rotated file in the OS log folder.
//!
//! Log lines carry names, sizes, hosts and codes, never secret values: [`crate::secrets::Secret`]
//! formats as `[redacted]` wherever it is logged.

use std::path::Path;

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
    let (writer, guard) = tracing_appender::non_blocking(appender);
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
