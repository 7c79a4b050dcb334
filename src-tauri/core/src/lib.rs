//! Casefile's logic. Everything an attorney or an MSP admin relies on lives here, behind plain
//! Rust APIs that the desktop shell and the admin CLI both call. This crate never depends on
//! Tauri, a webview or a display, so every behaviour can be tested headless.

pub mod audit;
pub mod deadlines;
pub mod drafting;
pub mod error;
pub mod export;
pub(crate) mod fold;
pub mod json_keys;
pub mod logging;
pub mod paths;
pub mod policy;
pub mod private_file;
pub mod providers;
pub mod retention;
pub mod secrets;
pub mod store;
pub mod workspace;

pub use error::{Error, ErrorCode, Result};

/// The version shared by the app, the admin CLI and this crate.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
