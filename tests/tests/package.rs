//! The Debian package: extracted with `dpkg -x`, it holds the app, the admin CLI, the desktop
//! entry and the icons. `make test` checks the debug package, `make package` the release one.

use std::path::PathBuf;
use std::process::Command;

use anyhow::{Context, Result, ensure};
use casefile_tests::workspace_root;

fn built_deb() -> Result<PathBuf> {
    let profile = std::env::var("CASEFILE_DEB_PROFILE").unwrap_or_else(|_| "debug".into());
    let dir = workspace_root()
        .join("target")
        .join(profile)
        .join("bundle/deb");
    std::fs::read_dir(&dir)
        .with_context(|| format!("no bundle folder {} (run make package)", dir.display()))?
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|e| e == "deb"))
        .with_context(|| format!("no .deb in {}", dir.display()))
}

fn dpkg(args: &[&str]) -> Result<String> {
    let out = Command::new("dpkg-deb").args(args).output()?;
    ensure!(
        out.status.success(),
        "dpkg-deb {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Ok(String::from_utf8(out.stdout)?)
}

#[test]
#[ignore = "needs a built .deb: make test and make package build one first"]
fn deb_installs_app_admin_cli_desktop_entry_and_icons() -> Result<()> {
    let deb = built_deb()?;
    let deb_str = deb.to_str().context("non-UTF-8 path")?;
    let fields = dpkg(&["-f", deb_str, "Package", "Version", "Depends"])?;
    ensure!(fields.contains("Package: casefile"), "{fields}");
    ensure!(
        fields.contains(&format!("Version: {}", env!("CARGO_PKG_VERSION"))),
        "{fields}"
    );
    ensure!(fields.contains("libwebkit2gtk-4.1-0"), "{fields}");

    let root = tempfile::tempdir()?;
    dpkg(&[
        "-x",
        deb_str,
        root.path().to_str().context("non-UTF-8 path")?,
    ])?;
    for binary in ["usr/bin/casefile", "usr/bin/casefile-admin"] {
        let meta =
            std::fs::metadata(root.path().join(binary)).with_context(|| binary.to_owned())?;
        use std::os::unix::fs::PermissionsExt;
        ensure!(
            meta.permissions().mode() & 0o111 != 0,
            "{binary} is not executable"
        );
    }
    let admin = Command::new(root.path().join("usr/bin/casefile-admin"))
        .arg("--version")
        .output()?;
    ensure!(
        String::from_utf8_lossy(&admin.stdout).contains(env!("CARGO_PKG_VERSION")),
        "the packaged admin CLI does not run"
    );

    let desktop =
        std::fs::read_to_string(root.path().join("usr/share/applications/Casefile.desktop"))?;
    for line in [
        "Name=Casefile",
        "Exec=casefile",
        "Icon=casefile",
        "Type=Application",
    ] {
        ensure!(
            desktop.lines().any(|l| l == line),
            "desktop entry lacks {line}:\n{desktop}"
        );
    }
    for size in ["32x32", "128x128"] {
        let icon = root
            .path()
            .join(format!("usr/share/icons/hicolor/{size}/apps/casefile.png"));
        ensure!(icon.is_file(), "missing icon {}", icon.display());
    }
    Ok(())
}
