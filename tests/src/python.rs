//! Throwaway Python virtualenvs under the target folder, for suites that check Casefile against
//! independent tools from PyPI (the providers' SDKs, a Word reader). Each is built once per
//! content of its requirements file and reused until that file changes.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::time::Instant;

use anyhow::{Context, Result, ensure};

use crate::workspace_root;

/// The target folder the venvs live in (`CARGO_TARGET_DIR` when set).
pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("target"))
}

/// The python of venv `name` (`target/<name>`) with the packages of `requirements` (a path
/// under the workspace root) installed, creating or rebuilding the venv when that file changed.
pub fn venv_python(name: &str, requirements: &str) -> Result<PathBuf> {
    let requirements = workspace_root().join(requirements);
    let wanted = std::fs::read(&requirements)
        .with_context(|| format!("reading {}", requirements.display()))?;
    let target = target_dir();
    std::fs::create_dir_all(&target)?;
    // Other test processes sharing the target folder wait here instead of racing the install.
    let lock = std::fs::File::create(target.join(format!("{name}.lock")))?;
    lock.lock()?;
    let venv = target.join(name);
    let python = venv.join("bin/python");
    let installed = venv.join("requirements.installed.txt");
    if python.exists() && std::fs::read(&installed).ok().as_ref() == Some(&wanted) {
        return Ok(python);
    }
    let started = Instant::now();
    if venv.exists() {
        std::fs::remove_dir_all(&venv)?;
    }
    run(Command::new("python3").arg("-m").arg("venv").arg(&venv))
        .context("python3 with the venv module is needed for this suite")?;
    run(Command::new(&python)
        .args([
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "-r",
        ])
        .arg(&requirements))
    .with_context(|| format!("installing {} from PyPI", requirements.display()))?;
    std::fs::write(&installed, &wanted)?;
    eprintln!("virtualenv {name} created in {:.1?}", started.elapsed());
    Ok(python)
}

/// What python-docx (from PyPI) reads from a Word file: the body's paragraphs and tables in
/// order with their styles, the header and the footer (`tests/export/read_docx.py`). It refuses
/// a package that is not valid OOXML, so an answer is itself the check that the file opens.
pub fn read_docx(file: &Path) -> Result<serde_json::Value> {
    static VENV: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    let python = VENV
        .get_or_init(|| {
            venv_python("docx-venv", "tests/export/requirements.txt").map_err(|e| format!("{e:#}"))
        })
        .clone()
        .map_err(anyhow::Error::msg)?;
    let output = Command::new(python)
        .arg(workspace_root().join("tests/export/read_docx.py"))
        .arg(file)
        .output()?;
    ensure!(
        output.status.success(),
        "python-docx could not read {}: {}",
        file.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    Ok(serde_json::from_slice(&output.stdout)?)
}

fn run(command: &mut Command) -> Result<()> {
    let output = command.output()?;
    ensure!(
        output.status.success(),
        "{command:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    Ok(())
}
