//! Reading the policy file from disk: absent, valid, or invalid (and so blocking).
//!
//! The policy binds only if no ordinary user could have written it. On Unix the file must be a
//! regular file owned by root, not writable by group or others, in a folder with the same two
//! properties. A file named by `CASEFILE_POLICY_FILE` (used only where no system file exists, so
//! it can add restrictions but remove none) may also belong to the user running Casefile, and
//! so may its folder. A symbolic link is followed only when the folder holding it passes and its
//! target passes the same checks (at most [`MAX_LINKS`] links). The path is checked first, then
//! opened once: the owner, mode and type checks are made on that open handle (which must be the
//! file whose folder was checked) and the policy is read from the same handle.
//!
//! Windows: the file must be a regular file, not a link; its owner and ACL are not checked yet
//! (`check_windows_owner_and_acl`).

use std::fs::{File, Metadata};
use std::io::Read;
use std::path::{Path, PathBuf};

use super::file::{MAX_POLICY_BYTES, Policy, PolicyLocation};

/// How many symbolic links are followed from the policy path before giving up.
pub const MAX_LINKS: usize = 8;

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
    /// A file that cannot be read or trusted: every send is blocked until it is fixed.
    Invalid {
        path: PathBuf,
        location: PolicyLocation,
        reason: String,
    },
}

/// Who may own the policy file and its folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Owners {
    /// The system policy file: only an administrator may have written it.
    RootOnly,
    /// A file named by `CASEFILE_POLICY_FILE`: it only applies where no system file exists.
    RootOrCurrentUser,
}

impl PolicyState {
    /// Reads the policy at `path`. Only a path where nothing exists means "no policy"; anything
    /// else that cannot be read or trusted (see the module docs) is an invalid policy.
    pub fn load(path: &Path) -> Self {
        let owners = if path == crate::paths::system_policy_file() {
            Owners::RootOnly
        } else {
            Owners::RootOrCurrentUser
        };
        Self::load_trusting(path, owners)
    }

    /// The content of a policy file not yet placed (`casefile-admin policy validate`): whoever
    /// owns a draft, its checks of ownership apply where it is placed, which [`Self::load`] makes.
    pub fn check_draft(path: &Path) -> Self {
        let read = File::open(path).and_then(|file| {
            let mut bytes = Vec::new();
            file.take(MAX_POLICY_BYTES as u64 + 1)
                .read_to_end(&mut bytes)
                .map(|_| bytes)
        });
        Self::from_bytes(
            path,
            match read {
                Ok(bytes) => Ok(Some(bytes)),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
                Err(e) => Err(format!("the file cannot be read: {e}")),
            },
        )
    }

    fn load_trusting(path: &Path, owners: Owners) -> Self {
        Self::from_bytes(path, read_trusted(path, owners))
    }

    fn from_bytes(path: &Path, read: Result<Option<Vec<u8>>, String>) -> Self {
        let invalid = |reason: String| PolicyState::Invalid {
            path: path.to_owned(),
            location: PolicyLocation::whole_file(),
            reason,
        };
        let bytes = match read {
            Ok(Some(bytes)) => bytes,
            Ok(None) => {
                return PolicyState::Absent {
                    path: path.to_owned(),
                };
            }
            Err(reason) => return invalid(reason),
        };
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

/// The policy's bytes, `None` when nothing is at `path`, or why the file cannot be trusted.
fn read_trusted(path: &Path, owners: Owners) -> Result<Option<Vec<u8>>, String> {
    let Some((checked, entry)) = follow_trusted_links(path, owners)? else {
        return Ok(None);
    };
    let file = File::open(&checked)
        .map_err(|e| format!("the file {} cannot be read: {e}", checked.display()))?;
    let opened = file
        .metadata()
        .map_err(|e| format!("the file {} cannot be read: {e}", checked.display()))?;
    if !same_file(&entry, &opened) {
        return Err(format!(
            "{} was replaced while it was being read; try again",
            checked.display()
        ));
    }
    check_file(&checked, &opened, owners)?;
    #[cfg(windows)]
    check_windows_owner_and_acl(&checked, &file)?;
    let mut bytes = Vec::new();
    file.take(MAX_POLICY_BYTES as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("the file {} cannot be read: {e}", checked.display()))?;
    Ok(Some(bytes))
}

/// Walks from `path` through symbolic links to a regular file, checking the folder that holds
/// each entry. Returns the file's path and what `lstat` saw there, or `None` when nothing is at
/// `path` itself (a link to nothing is invalid, not absent).
fn follow_trusted_links(
    path: &Path,
    owners: Owners,
) -> Result<Option<(PathBuf, Metadata)>, String> {
    let mut current = path.to_owned();
    for _ in 0..=MAX_LINKS {
        let entry = match std::fs::symlink_metadata(&current) {
            Ok(entry) => entry,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && current == path => {
                return Ok(None);
            }
            Err(e) => {
                return Err(format!(
                    "{} cannot be read: {e}{}",
                    current.display(),
                    if current == path {
                        String::new()
                    } else {
                        format!(" (the link {} points at it)", path.display())
                    }
                ));
            }
        };
        let folder = match current.parent() {
            Some(folder) if !folder.as_os_str().is_empty() => folder.to_owned(),
            _ => PathBuf::from("."),
        };
        check_folder(&folder, owners)?;
        if !entry.file_type().is_symlink() {
            // Checked before opening too: opening a FIFO would wait forever.
            return check_regular(&current, &entry).map(|()| Some((current, entry)));
        }
        if cfg!(windows) {
            return Err(format!(
                "{} is a link; place the policy file itself there",
                current.display()
            ));
        }
        let target = std::fs::read_link(&current)
            .map_err(|e| format!("the link {} cannot be read: {e}", current.display()))?;
        current = folder.join(target);
    }
    Err(format!(
        "{} leads through more than {MAX_LINKS} links; point it at the policy file directly",
        path.display()
    ))
}

/// The policy file itself, as seen through its open handle.
fn check_file(path: &Path, opened: &Metadata, owners: Owners) -> Result<(), String> {
    check_regular(path, opened)?;
    check_owner_and_mode(path, "file", opened, owners)
}

fn check_regular(path: &Path, meta: &Metadata) -> Result<(), String> {
    if meta.is_file() {
        Ok(())
    } else {
        Err(format!(
            "{} is not a regular file; place the policy file itself there",
            path.display()
        ))
    }
}

/// The folder holding the policy file (or a link to it).
fn check_folder(folder: &Path, owners: Owners) -> Result<(), String> {
    let meta = std::fs::metadata(folder)
        .map_err(|e| format!("the folder {} cannot be read: {e}", folder.display()))?;
    check_owner_and_mode(folder, "folder", &meta, owners)
}

#[cfg(unix)]
fn same_file(a: &Metadata, b: &Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    (a.dev(), a.ino()) == (b.dev(), b.ino())
}

#[cfg(not(unix))]
fn same_file(a: &Metadata, b: &Metadata) -> bool {
    a.len() == b.len() && a.modified().ok() == b.modified().ok()
}

/// Root (or, where allowed, the current user) owns it and nobody else may write it: anyone
/// else who could would decide the policy.
#[cfg(unix)]
fn check_owner_and_mode(
    path: &Path,
    what: &str,
    meta: &Metadata,
    owners: Owners,
) -> Result<(), String> {
    use std::os::unix::fs::MetadataExt;
    let current_user = nix::unistd::geteuid().as_raw();
    if !owner_allowed(meta.uid(), owners, current_user) {
        let allowed = match owners {
            Owners::RootOnly => "root".to_owned(),
            Owners::RootOrCurrentUser => format!("root or you (user {current_user})"),
        };
        return Err(format!(
            "the {what} {} belongs to user {}, not {allowed}, so that user could change the \
             policy; an administrator should make root its owner (chown root)",
            path.display(),
            meta.uid()
        ));
    }
    let mode = meta.mode() & 0o7777;
    if mode & 0o022 != 0 {
        return Err(format!(
            "the {what} {} is writable by users other than its owner (mode {mode:o}), so anyone \
             could change the policy; make it writable by its owner only (chmod {})",
            path.display(),
            if what == "folder" { "755" } else { "644" }
        ));
    }
    Ok(())
}

#[cfg(unix)]
fn owner_allowed(owner: u32, owners: Owners, current_user: u32) -> bool {
    owner == 0 || (owners == Owners::RootOrCurrentUser && owner == current_user)
}

/// Windows has no uid and mode bits; see [`check_windows_owner_and_acl`].
#[cfg(not(unix))]
fn check_owner_and_mode(_: &Path, _: &str, _: &Metadata, _: Owners) -> Result<(), String> {
    Ok(())
}

/// Not checked yet on Windows: that the file and its folder are owned by Administrators (or
/// SYSTEM) and that no ACL entry lets other users write them. What is refused for sure already
/// happens elsewhere: a link at the policy path, anything but a regular file. Until this reads
/// the security descriptor of `_file`, a Windows policy file is as safe as the default ACL of
/// `ProgramData\Casefile` (only administrators may create or change files there).
#[cfg(windows)]
fn check_windows_owner_and_acl(_path: &Path, _file: &File) -> Result<(), String> {
    Ok(())
}

#[cfg(all(test, unix))]
mod tests {
    use std::os::unix::fs::{PermissionsExt, symlink};

    use super::*;

    /// A user who is neither root nor the one running the tests (`nobody`).
    const OTHER_USER: u32 = 65534;

    fn chown(path: &Path, uid: u32) {
        std::os::unix::fs::lchown(path, Some(uid), None).unwrap();
    }

    fn chmod(path: &Path, mode: u32) {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
    }

    /// A folder and a valid policy file in it, both as an administrator would place them.
    fn placed(root: &Path, name: &str) -> PathBuf {
        let folder = root.join(name);
        std::fs::create_dir(&folder).unwrap();
        chmod(&folder, 0o755);
        let file = folder.join("policy.json");
        std::fs::write(&file, r#"{"version": 1}"#).unwrap();
        chmod(&file, 0o644);
        file
    }

    fn reason(state: PolicyState) -> String {
        match state {
            PolicyState::Invalid { reason, .. } => reason,
            other => panic!("expected an invalid policy, got {other:?}"),
        }
    }

    fn running_as_root() -> bool {
        nix::unistd::geteuid().is_root()
    }

    #[test]
    fn a_file_or_folder_another_user_owns_fails_closed() {
        if !running_as_root() {
            eprintln!("skipped: changing a file's owner needs root");
            return;
        }
        let dir = tempfile::tempdir().unwrap();
        let file = placed(dir.path(), "etc");
        for owners in [Owners::RootOnly, Owners::RootOrCurrentUser] {
            assert!(matches!(
                PolicyState::load_trusting(&file, owners),
                PolicyState::Valid { .. }
            ));
        }
        chown(&file, OTHER_USER);
        let why = reason(PolicyState::load_trusting(&file, Owners::RootOnly));
        assert!(
            why.contains("belongs to user 65534") && why.contains("chown root"),
            "{why}"
        );
        chown(&file, 0);
        chown(file.parent().unwrap(), OTHER_USER);
        let why = reason(PolicyState::load_trusting(&file, Owners::RootOrCurrentUser));
        assert!(why.contains("the folder") && why.contains("65534"), "{why}");
    }

    #[test]
    fn only_the_named_file_may_belong_to_the_current_user() {
        assert!(owner_allowed(0, Owners::RootOnly, 1000));
        assert!(!owner_allowed(1000, Owners::RootOnly, 1000));
        assert!(owner_allowed(1000, Owners::RootOrCurrentUser, 1000));
        assert!(owner_allowed(0, Owners::RootOrCurrentUser, 1000));
        assert!(!owner_allowed(1001, Owners::RootOrCurrentUser, 1000));
    }

    #[test]
    fn a_folder_others_may_write_fails_closed() {
        let dir = tempfile::tempdir().unwrap();
        let file = placed(dir.path(), "etc");
        chmod(file.parent().unwrap(), 0o775);
        let why = reason(PolicyState::load_trusting(&file, Owners::RootOnly));
        assert!(
            why.contains("the folder") && why.contains("chmod 755"),
            "{why}"
        );
        // Sticky and world-writable, like /tmp.
        chmod(file.parent().unwrap(), 0o1777);
        assert!(reason(PolicyState::load(&file)).contains("writable"));
    }

    #[test]
    fn links_are_followed_only_through_trusted_folders_to_trusted_files() {
        let dir = tempfile::tempdir().unwrap();
        let file = placed(dir.path(), "real");
        let links = dir.path().join("links");
        std::fs::create_dir(&links).unwrap();
        chmod(&links, 0o755);
        // Absolute and relative links, and a link to a link.
        let absolute = links.join("absolute.json");
        symlink(&file, &absolute).unwrap();
        let relative = links.join("relative.json");
        symlink("../real/policy.json", &relative).unwrap();
        let chained = links.join("chained.json");
        symlink("relative.json", &chained).unwrap();
        for link in [&absolute, &relative, &chained] {
            assert!(
                matches!(
                    PolicyState::load_trusting(link, Owners::RootOnly),
                    PolicyState::Valid { .. }
                ),
                "{}",
                link.display()
            );
        }
        // The target's folder may be written by others: refused through the link.
        chmod(file.parent().unwrap(), 0o777);
        let why = reason(PolicyState::load_trusting(&absolute, Owners::RootOnly));
        assert!(
            why.contains(&dir.path().join("real").display().to_string()),
            "{why}"
        );
        chmod(file.parent().unwrap(), 0o755);
        // The target may be written by others.
        chmod(&file, 0o666);
        assert!(
            reason(PolicyState::load_trusting(&relative, Owners::RootOnly)).contains("writable")
        );
        chmod(&file, 0o644);
        // The folder holding the link may be written by others (anyone could swap the link).
        chmod(&links, 0o777);
        let why = reason(PolicyState::load_trusting(&absolute, Owners::RootOnly));
        assert!(why.contains(&links.display().to_string()), "{why}");
        chmod(&links, 0o755);
        // A link to nothing is not "no policy".
        let dangling = links.join("dangling.json");
        symlink(dir.path().join("gone.json"), &dangling).unwrap();
        let why = reason(PolicyState::load_trusting(&dangling, Owners::RootOnly));
        assert!(
            why.contains("gone.json") && why.contains("points at it"),
            "{why}"
        );
        // A loop ends.
        let looped = links.join("loop.json");
        symlink("loop.json", &looped).unwrap();
        assert!(reason(PolicyState::load_trusting(&looped, Owners::RootOnly)).contains("links"));
    }

    #[test]
    fn a_link_owned_by_root_to_a_file_another_user_owns_fails_closed() {
        if !running_as_root() {
            eprintln!("skipped: changing a file's owner needs root");
            return;
        }
        let dir = tempfile::tempdir().unwrap();
        let file = placed(dir.path(), "theirs");
        chown(&file, OTHER_USER);
        let link = dir.path().join("policy.json");
        symlink(&file, &link).unwrap();
        assert!(reason(PolicyState::load_trusting(&link, Owners::RootOnly)).contains("65534"));
    }

    #[test]
    fn only_a_regular_file_is_read() {
        let dir = tempfile::tempdir().unwrap();
        let socket = dir.path().join("policy.json");
        let _listener = std::os::unix::net::UnixListener::bind(&socket).unwrap();
        let why = reason(PolicyState::load_trusting(&socket, Owners::RootOnly));
        assert!(why.contains("not a regular file"), "{why}");
    }
}
