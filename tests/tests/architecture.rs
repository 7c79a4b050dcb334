//! Structural invariants from ARCHITECTURE.md that a build alone would not catch.

use std::process::Command;

use anyhow::{Result, ensure};
use casefile_tests::workspace_root;

/// Invariant 1: core must stay testable headless, so no Tauri crate may enter its graph, not
/// even through the feature that derives UI type descriptions.
#[test]
fn core_depends_on_no_tauri_crate() -> Result<()> {
    let out = Command::new(env!("CARGO"))
        .args([
            "tree",
            "--locked",
            "-p",
            "casefile-core",
            "--all-features",
            "-e",
            "normal,build",
        ])
        .args(["--prefix", "none", "--format", "{p}"])
        .current_dir(workspace_root())
        .output()?;
    ensure!(
        out.status.success(),
        "cargo tree: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let tree = String::from_utf8(out.stdout)?;
    ensure!(
        tree.lines().count() > 10,
        "unexpectedly small tree:\n{tree}"
    );
    // Each line is "name version [(path)]"; only the crate name matters.
    let offending: Vec<&str> = tree
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .filter(|name| {
            ["tauri", "wry", "webkit", "gtk"]
                .iter()
                .any(|n| name.contains(n))
        })
        .collect();
    ensure!(
        offending.is_empty(),
        "casefile-core depends on: {offending:?}"
    );
    Ok(())
}

/// Invariant 20: exporting is pure file writing, so it works with the network cable pulled and
/// can never send a draft anywhere. The export module names no network item.
#[test]
fn export_code_uses_no_network() -> Result<()> {
    let folder = workspace_root().join("src-tauri/core/src/export");
    let mut checked = 0;
    for entry in std::fs::read_dir(&folder)? {
        let path = entry?.path();
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let source = std::fs::read_to_string(&path)?;
        for network in [
            "reqwest",
            "providers",
            "ProviderClient",
            "std::net",
            "tokio::net",
            "TcpStream",
            "UdpSocket",
        ] {
            ensure!(
                !source.contains(network),
                "{} mentions {network}: exports must not use the network",
                path.display()
            );
        }
        checked += 1;
    }
    ensure!(
        checked >= 5,
        "only {checked} files found in {}",
        folder.display()
    );
    Ok(())
}
