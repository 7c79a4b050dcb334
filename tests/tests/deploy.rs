//! "Deploying to a firm" (docs/deploying.md) shows the Linux script and the example policy exactly as the
//! repository has them, and the script sets up a desktop (the admin CLI from the build instead
//! of the .deb, the sandbox's paths instead of the system's).

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Output};

use anyhow::{Context, Result, ensure};
use casefile_tests::mock::creds;
use casefile_tests::{Sandbox, admin_binary, workspace_root};

const SCRIPT: &str = "src-tauri/deploy/linux/install-casefile.sh";
const POLICY: &str = "src-tauri/core/policy/firm-eu-us.json";
const MANUAL: &str = "docs/deploying.md";

fn read(relative: &str) -> Result<String> {
    std::fs::read_to_string(workspace_root().join(relative)).context(relative.to_owned())
}

#[test]
fn the_manual_shows_the_deployment_script_and_policy_as_the_repository_has_them() -> Result<()> {
    let manual = read(MANUAL)?;
    for (file, fence) in [(SCRIPT, "```bash\n"), (POLICY, "```json\n")] {
        let block = format!("{fence}{}```", read(file)?);
        ensure!(
            manual.contains(&block),
            "{MANUAL} does not show {file} as it is; copy the file into its code block"
        );
    }
    Ok(())
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Runs the script as a deployment would, pointed at the sandbox and the built CLI.
fn install(sandbox: &Sandbox, args: &[&str]) -> Result<Output> {
    let mut command = Command::new("bash");
    sandbox
        .point_at(&mut command)
        .arg(workspace_root().join(SCRIPT))
        .args(args)
        .env("CASEFILE_ADMIN", admin_binary()?);
    Ok(command.output()?)
}

fn write_secret(dir: &Path, name: &str, value: &str) -> Result<()> {
    let file = dir.join(name);
    std::fs::write(&file, format!("{value}\n"))?;
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600))?;
    Ok(())
}

#[test]
#[ignore = "needs an OS keychain session (make test starts one)"]
fn the_linux_script_sets_up_a_desktop_that_reports_the_locks() -> Result<()> {
    let sandbox = Sandbox::new()?;
    let policy = workspace_root().join(POLICY);
    let secrets = sandbox.path().join("secrets");
    std::fs::create_dir(&secrets)?;
    write_secret(&secrets, "firm-eu.api_key", creds::API_KEY)?;
    write_secret(
        &secrets,
        "firm-us.aws_access_key_id",
        creds::AWS_ACCESS_KEY_ID,
    )?;
    write_secret(
        &secrets,
        "firm-us.aws_secret_access_key",
        creds::AWS_SECRET_ACCESS_KEY,
    )?;

    // Secrets others could read are refused before anything is stored.
    std::fs::set_permissions(&secrets, std::fs::Permissions::from_mode(0o755))?;
    let policy_arg = policy.to_str().context("path")?;
    let secrets_arg = secrets.to_str().context("path")?;
    let out = install(
        &sandbox,
        &["--policy", policy_arg, "--secrets", secrets_arg],
    )?;
    ensure!(out.status.code() == Some(2), "{}", stderr(&out));
    ensure!(stderr(&out).contains("chmod 700"), "{}", stderr(&out));
    std::fs::set_permissions(&secrets, std::fs::Permissions::from_mode(0o700))?;

    let out = install(
        &sandbox,
        &["--policy", policy_arg, "--secrets", secrets_arg],
    )?;
    ensure!(
        out.status.success(),
        "exit {:?}: {}",
        out.status.code(),
        stderr(&out)
    );
    let placed = sandbox.locations().policy_file;
    ensure!(std::fs::read_to_string(&placed)? == std::fs::read_to_string(&policy)?);
    let mode = std::fs::metadata(&placed)?.permissions().mode() & 0o777;
    ensure!(mode == 0o644, "policy mode {mode:o}");

    // The script ends with `policy effective --json`: the locks are in force.
    let stdout = String::from_utf8_lossy(&out.stdout);
    let report: serde_json::Value = serde_json::from_str(
        stdout
            .lines()
            .last()
            .context("the script printed nothing")?,
    )?;
    ensure!(report["status"]["state"] == "valid", "{report}");
    let setting = |name: &str| -> Result<serde_json::Value> {
        report["settings"]
            .as_array()
            .and_then(|s| s.iter().find(|s| s["name"] == name))
            .cloned()
            .with_context(|| format!("{name} missing: {report}"))
    };
    let custom = setting("custom_profiles")?;
    ensure!(
        custom["value"] == false && custom["locked"] == true && custom["source"] == "policy",
        "{custom}"
    );
    ensure!(
        custom["reason"] == "The firm uses only the AI providers its contracts cover.",
        "{custom}"
    );
    let default = setting("default_profile")?;
    ensure!(
        default["value"] == "firm-us" && default["locked"] == true,
        "{default}"
    );
    ensure!(report["rules"]["jurisdictions"]["EU"]["regions"][0] == "swedencentral");

    // The credentials are in the keychain: every field the policy's profiles need is set.
    let listed: serde_json::Value =
        serde_json::from_slice(&sandbox.admin(&["--json", "profile", "list"], None)?.stdout)?;
    let fields = |i: usize| -> Vec<String> {
        listed[i]["credentials"]
            .as_array()
            .map(|c| c.iter().map(|c| c["field"].to_string()).collect())
            .unwrap_or_default()
    };
    ensure!(
        listed[0]["name"] == "firm-eu" && fields(0) == ["\"api_key\""],
        "{listed}"
    );
    ensure!(
        listed[1]["name"] == "firm-us"
            && fields(1) == ["\"aws_access_key_id\"", "\"aws_secret_access_key\""],
        "{listed}"
    );

    // Run again: the same result. A bad policy never replaces the good one.
    let again = install(
        &sandbox,
        &["--policy", policy_arg, "--secrets", secrets_arg],
    )?;
    ensure!(again.status.success(), "{}", stderr(&again));
    let bad = sandbox.path().join("bad-policy.json");
    std::fs::write(&bad, r#"{"version": 1, "allowed_kinds": ["azure"]}"#)?;
    let out = install(&sandbox, &["--policy", bad.to_str().context("path")?])?;
    ensure!(out.status.code() == Some(2), "{}", stderr(&out));
    ensure!(std::fs::read_to_string(&placed)? == std::fs::read_to_string(&policy)?);
    Ok(())
}
