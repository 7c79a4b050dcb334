//! Reading the policy file from disk: absent, valid, or invalid (and so blocking).

use std::path::{Path, PathBuf};

use super::file::{MAX_POLICY_BYTES, Policy, PolicyLocation};

/// What is at the policy path. Read afresh whenever a decision depends on it, so a changed file
/// applies at the next send.
#[derive(Debug, Clone, PartialEq)]
pub enum PolicyState {
    /// No file: the user decides; nothing is restricted.
    Absent {
        path: PathBuf,
    },
    Valid {
        path: PathBuf,
        policy: Box<Policy>,
    },
    /// A file that cannot be read or used: every send is blocked until it is fixed.
    Invalid {
        path: PathBuf,
        location: PolicyLocation,
        reason: String,
    },
}

impl PolicyState {
    /// Reads the policy at `path`. Only a file that does not exist means "no policy"; any other
    /// failure (permissions, a folder, not UTF-8, writable by other users) is an invalid policy.
    pub fn load(path: &Path) -> Self {
        let invalid = |reason: String| PolicyState::Invalid {
            path: path.to_owned(),
            location: PolicyLocation::whole_file(),
            reason,
        };
        let bytes = match read_limited(path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return PolicyState::Absent {
                    path: path.to_owned(),
                };
            }
            Err(e) => return invalid(format!("the file cannot be read: {e}")),
        };
        if let Some(reason) = unsafe_permissions(path) {
            return invalid(reason);
        }
        let Ok(text) = String::from_utf8(bytes) else {
            return invalid("the file is not UTF-8 text".to_owned());
        };
        Self::from_text(path, &text)
    }

    /// The state of a policy whose text is `text` (as if read from `path`).
    pub fn from_text(path: &Path, text: &str) -> Self {
        match Policy::parse(text) {
            Ok(policy) => PolicyState::Valid {
                path: path.to_owned(),
                policy: Box::new(policy),
            },
            Err(problem) => PolicyState::Invalid {
                path: path.to_owned(),
                location: problem.location,
                reason: problem.reason,
            },
        }
    }

    pub fn path(&self) -> &Path {
        match self {
            PolicyState::Absent { path }
            | PolicyState::Valid { path, .. }
            | PolicyState::Invalid { path, .. } => path,
        }
    }
}

fn read_limited(path: &Path) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let file = std::fs::File::open(path)?;
    let mut bytes = Vec::new();
    file.take(MAX_POLICY_BYTES as u64 + 1)
        .read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// A policy that any user could edit would lock nothing: refuse one writable by group or others.
#[cfg(unix)]
fn unsafe_permissions(path: &Path) -> Option<String> {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(path).ok()?.permissions().mode();
    (mode & 0o022 != 0).then(|| {
        format!(
            "the file is writable by users other than its owner (mode {:o}), so anyone could \
             change the policy; make it writable by its owner only (chmod 644)",
            mode & 0o777
        )
    })
}

#[cfg(not(unix))]
fn unsafe_permissions(_path: &Path) -> Option<String> {
    None
}
