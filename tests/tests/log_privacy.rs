//! Client data never reaches the log files: imports that fail on planted values (an SSN, a date
//! of birth, an e-mail address, an A-number, a name), in JSONL and CSV, are run at trace level,
//! then the logs are searched for each value in raw and encoded forms. The log folder and its
//! files are the owner's only.

use std::process::{Command, Output, Stdio};

use anyhow::{Result, ensure};
use casefile_tests::leak::{self, Secret};
use casefile_tests::{Sandbox, admin_binary};

const NAME: &str = "Xiomara Quetzalli-Brennan";
const SSN: &str = "123-45-678";
const BIRTH: &str = "1990-02-31";
const EMAIL: &str = "xiomara.quetzalli@@example.org";
const A_NUMBER: &str = "A-01234";

/// Runs the admin CLI at trace level on the sandbox.
fn admin_at_trace(sandbox: &Sandbox, args: &[&str]) -> Result<Output> {
    let mut command = Command::new(admin_binary()?);
    let out = sandbox
        .point_at(&mut command)
        .env("CASEFILE_LOG", "trace")
        .args(args)
        .stdin(Stdio::null())
        .output()?;
    Ok(out)
}

#[test]
fn failing_imports_log_codes_and_fields_never_the_values() -> Result<()> {
    let sandbox = Sandbox::new()?;
    let person = |field: &str, value: &str| {
        format!(
            "{{\"type\":\"contact\",\"id\":\"C-1\",\"kind\":\"person\",\"given_name\":\"Xiomara\",\
             \"family_name\":\"Quetzalli-Brennan\",\"{field}\":\"{value}\"}}\n"
        )
    };
    let mut files = Vec::new();
    for (n, (field, value)) in [
        ("ssn_itin", SSN),
        ("date_of_birth", BIRTH),
        ("a_number", A_NUMBER),
    ]
    .into_iter()
    .enumerate()
    {
        let path = sandbox.path().join(format!("records-{n}.jsonl"));
        std::fs::write(&path, person(field, value))?;
        files.push(path);
        let path = sandbox.path().join(format!("contacts-{n}.csv"));
        std::fs::write(
            &path,
            format!("id,given_name,family_name,{field}\nC-1,Xiomara,Quetzalli-Brennan,{value}\n"),
        )?;
        files.push(path);
    }
    let path = sandbox.path().join("email.jsonl");
    std::fs::write(
        &path,
        format!(
            "{{\"type\":\"contact\",\"id\":\"C-1\",\"kind\":\"person\",\"given_name\":\"Xiomara\",\
             \"family_name\":\"Quetzalli-Brennan\",\"emails\":[{{\"kind\":\"work\",\"address\":\"{EMAIL}\"}}]}}\n"
        ),
    )?;
    files.push(path);
    let path = sandbox.path().join("email.csv");
    std::fs::write(
        &path,
        format!("id,given_name,family_name,email\nC-1,Xiomara,Quetzalli-Brennan,{EMAIL}\n"),
    )?;
    files.push(path);

    let mut refused = 0;
    for file in &files {
        let out = admin_at_trace(&sandbox, &["import", &file.display().to_string()])?;
        if !out.status.success() {
            refused += 1;
        }
    }
    ensure!(
        refused >= 6,
        "only {refused} of {} imports failed",
        files.len()
    );

    let locations = sandbox.locations();
    // The scan is live: each run logged at trace level.
    let logged = leak::scan_path(
        &locations.log_dir,
        &[Secret::new("a logged line", "logging started")],
    )?;
    ensure!(!logged.is_empty(), "nothing was logged");
    let planted: Vec<Secret> = [
        ("the client's name", NAME),
        ("an SSN", SSN),
        ("a date of birth", BIRTH),
        ("an e-mail address", EMAIL),
        ("an A-number", A_NUMBER),
    ]
    .into_iter()
    .map(|(label, value)| Secret::new(label, value))
    .collect();
    leak::expect_none(&leak::scan_path(&locations.log_dir, &planted)?)?;

    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &std::path::Path| -> Result<u32> {
            Ok(std::fs::metadata(p)?.permissions().mode() & 0o777)
        };
        ensure!(
            mode(&locations.log_dir)? == 0o700,
            "the log folder is not 0700"
        );
        for entry in std::fs::read_dir(&locations.log_dir)? {
            let path = entry?.path();
            ensure!(mode(&path)? == 0o600, "{} is not 0600", path.display());
        }
    }
    Ok(())
}
