//! The one way Casefile opens a SQLite connection.
//!
//! SQLite flags itself initialized a moment before it runs SQLCipher's own start-up, so a second
//! thread opening its first connection in that moment gets a connection whose `PRAGMA key` fails
//! ("An error occurred with PRAGMA key or rekey…"). Opening and keying one throwaway in-memory
//! connection, once and alone, closes that window before any real database is opened.

use std::path::Path;
use std::sync::Once;
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};

/// Opens `path` with `flags` once SQLCipher is ready to key it.
pub fn open_connection(path: &Path, flags: OpenFlags) -> rusqlite::Result<Connection> {
    static SQLCIPHER_READY: Once = Once::new();
    SQLCIPHER_READY.call_once(wait_for_sqlcipher);
    Connection::open_with_flags(path, flags)
}

/// Returns once a connection can be keyed. Normally the first attempt starts SQLite and
/// SQLCipher on this thread and succeeds; a retry covers a start-up begun elsewhere in the
/// process. Gives up quietly after a second: the real open then reports the real error.
fn wait_for_sqlcipher() {
    for _ in 0..1000 {
        // A raw key: accepting it needs SQLCipher started, but no key derivation.
        let keyed = Connection::open_in_memory().and_then(|probe| {
            probe.execute_batch(&format!("PRAGMA key = \"x'{}'\";", "0".repeat(64)))
        });
        if keyed.is_ok() {
            return;
        }
        std::thread::sleep(Duration::from_millis(1));
    }
}
