//! `casefile-admin config export|import`: one desktop's non-secret configuration (the user's
//! settings and provider profiles) as a file to script onto others.

use std::path::PathBuf;
use std::process::ExitCode;

use casefile_core::policy::{ConfigFile, ConfigImport, SettingName};
use casefile_core::workspace::Workspace;
use clap::Subcommand;
use serde_json::json;

use crate::Report;

#[derive(Subcommand)]
pub enum ConfigCommand {
    /// Write this desktop's settings and provider profiles to FILE (JSON, readable by its owner
    /// only): which credentials each profile needs, never their values. Settings the policy
    /// locks and the policy's own profiles are left out. FILE must not exist unless --force.
    Export {
        file: PathBuf,
        /// Replace FILE if it exists.
        #[arg(long)]
        force: bool,
    },
    /// Apply FILE (from `config export`) to this desktop. The whole file is checked first: if
    /// any part is invalid, locked or forbidden by the policy (exit 10), or names an existing
    /// profile with other settings (exit 2, unless --replace), nothing is written. Importing
    /// the same file again changes nothing. Lists the credentials still to set.
    Import {
        file: PathBuf,
        /// Give existing profiles of the same name the file's settings (their credentials
        /// stay). Profiles not in the file are never removed.
        #[arg(long)]
        replace: bool,
    },
}

pub fn run(workspace: &Workspace, command: ConfigCommand) -> casefile_core::Result<Report> {
    let mut store = workspace.open_store()?;
    match command {
        ConfigCommand::Export { file, force } => {
            let config = workspace.export_config(&store)?;
            config.write(&file, force)?;
            let names: Vec<_> = config
                .profiles
                .iter()
                .map(|p| p.profile.name.as_str())
                .collect();
            Ok(Report {
                text: format!(
                    "Wrote {}: {} settings, {} profiles{}. No credential values are in it; set \
                     them on each desktop with casefile-admin secret set.",
                    file.display(),
                    SettingName::ALL
                        .iter()
                        .filter(|name| config.settings.get(**name).is_some())
                        .count(),
                    names.len(),
                    if names.is_empty() {
                        String::new()
                    } else {
                        format!(" ({})", names.join(", "))
                    }
                ),
                json: json!({ "file": file, "settings": config.settings, "profiles": names }),
                exit: ExitCode::SUCCESS,
            })
        }
        ConfigCommand::Import { file, replace } => {
            let config = ConfigFile::load(&file)?;
            let done = workspace.import_config(&mut store, &config, replace)?;
            Ok(Report {
                text: describe_import(&file, &done),
                json: serde_json::to_value(&done).unwrap_or_default(),
                exit: ExitCode::SUCCESS,
            })
        }
    }
}

fn describe_import(file: &std::path::Path, done: &ConfigImport) -> String {
    let list = |names: &[String]| {
        if names.is_empty() {
            String::new()
        } else {
            format!(" ({})", names.join(", "))
        }
    };
    let mut lines = vec![if done.is_no_op() {
        format!(
            "{} is already applied on this desktop: nothing changed.",
            file.display()
        )
    } else {
        let settings: Vec<_> = done.settings_changed.iter().map(|s| s.as_str()).collect();
        format!(
            "Imported {}: profiles {} created{}, {} replaced{}, {} unchanged; settings changed: {}.",
            file.display(),
            done.profiles_created.len(),
            list(&done.profiles_created),
            done.profiles_replaced.len(),
            list(&done.profiles_replaced),
            done.profiles_unchanged.len(),
            if settings.is_empty() {
                "none".to_owned()
            } else {
                settings.join(", ")
            }
        )
    }];
    if !done.credentials_to_set.is_empty() {
        lines.push("Still to set on this desktop (value from standard input):".to_owned());
        for missing in &done.credentials_to_set {
            lines.push(format!(
                "  casefile-admin secret set {} {}",
                missing.profile, missing.field
            ));
        }
    }
    lines.join("\n")
}
