//! Finding and stopping the app processes a test started. An app belongs to a test when its
//! environment names that test's sandbox folder; nothing else is ever signalled.

use std::path::Path;
use std::process::Child;
use std::time::{Duration, Instant};

use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;

/// PIDs of running processes whose environment points into `sandbox`.
pub fn apps_of(sandbox: &Path) -> Vec<Pid> {
    let marker = format!("CASEFILE_DATA_DIR={}", sandbox.join("workspace").display());
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.parse::<i32>().ok())
        .filter(|pid| {
            std::fs::read(format!("/proc/{pid}/environ"))
                .is_ok_and(|env| env.split(|b| *b == 0).any(|var| var == marker.as_bytes()))
                && std::fs::read_link(format!("/proc/{pid}/exe"))
                    .is_ok_and(|exe| exe.file_name().is_some_and(|n| n == "casefile"))
        })
        .map(Pid::from_raw)
        .collect()
}

pub fn wait_for_apps_to_exit(sandbox: &Path, timeout: Duration) -> bool {
    let deadline = Instant::now() + timeout;
    while Instant::now() < deadline {
        if apps_of(sandbox).is_empty() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    false
}

/// Stops the sandbox's apps: SIGTERM, then SIGKILL after two seconds. Returns how many there were.
pub fn stop_apps_of(sandbox: &Path) -> usize {
    let pids = apps_of(sandbox);
    for pid in &pids {
        let _ = kill(*pid, Signal::SIGTERM);
    }
    if !wait_for_apps_to_exit(sandbox, Duration::from_secs(2)) {
        for pid in apps_of(sandbox) {
            let _ = kill(pid, Signal::SIGKILL);
        }
        wait_for_apps_to_exit(sandbox, Duration::from_secs(2));
    }
    pids.len()
}

/// SIGTERM (so tauri-driver stops its WebKitWebDriver), then reap; SIGKILL if it lingers.
pub fn terminate(child: &mut Child) {
    if let Ok(pid) = i32::try_from(child.id()) {
        let _ = kill(Pid::from_raw(pid), Signal::SIGTERM);
    }
    let deadline = Instant::now() + Duration::from_secs(3);
    while Instant::now() < deadline {
        if matches!(child.try_wait(), Ok(Some(_))) {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = child.kill();
    let _ = child.wait();
}
