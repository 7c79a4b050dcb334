//! Drafting templates: data, not code. Each is a TOML file naming its sections; a section is either
//! filled on this computer from the matter's record (`from = "record"`, a MiniJinja body) or
//! drafted by the AI provider (`from = "ai"`, instructions). Casefile ships five; a firm adds or
//! changes its own by placing `NAME.toml` in the workspace's `templates` folder, where a file with
//! the name of a built-in one replaces it.
//!
//! The firm's policy can pin a template to one version (`templates` in the policy file), and to
//! the SHA-256 of its file's bytes: a firm file of another version or content is then not used
//! (it is listed as a problem), and drafting refuses the template while the one in use differs
//! from the pin.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::policy::TemplatePin;
use crate::{Error, Result};

/// The folder, inside the workspace folder, holding the firm's own templates.
pub const TEMPLATES_DIR: &str = "templates";

const BUILT_IN: [(&str, &str); 5] = [
    (
        "case-summary",
        include_str!("../../templates/case-summary.toml"),
    ),
    (
        "rfe-response",
        include_str!("../../templates/rfe-response.toml"),
    ),
    (
        "status-letter",
        include_str!("../../templates/status-letter.toml"),
    ),
    (
        "cover-letter",
        include_str!("../../templates/cover-letter.toml"),
    ),
    (
        "declaration",
        include_str!("../../templates/declaration.toml"),
    ),
];

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Template {
    /// Stable name (lowercase words joined by `-`), used by the CLI and kept with every draft.
    pub name: String,
    /// Raised by whoever edits the template; kept with every draft made from it.
    pub version: u32,
    pub title: String,
    pub description: String,
    /// What the AI provider is told for every AI section of this template.
    #[serde(default)]
    pub instructions: String,
    pub sections: Vec<Section>,
    #[serde(skip_deserializing)]
    pub origin: TemplateOrigin,
    /// SHA-256 (lowercase hex) of the file's bytes, what a policy pin may name.
    #[serde(skip_deserializing)]
    pub sha256: String,
}

impl Template {
    /// Why this template is not the one `pin` names, or `None` when it is.
    fn differs_from(&self, pin: &TemplatePin) -> Option<String> {
        if pin.version != self.version {
            Some(format!("version {}", self.version))
        } else {
            match &pin.sha256 {
                Some(hash) if *hash != self.sha256 => Some(format!(
                    "version {} with other content (SHA-256 {}, pinned {hash})",
                    self.version, self.sha256
                )),
                _ => None,
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Section {
    pub heading: String,
    pub from: SectionSource,
    /// For a record section: the MiniJinja text filled from the record.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    /// For an AI section: what the provider is asked to write.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instructions: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SectionSource {
    /// Filled on this computer from the record; never sent for drafting as a task.
    Record,
    /// Drafted by the AI provider, or left for the attorney when none is used.
    Ai,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase", tag = "kind", content = "path")]
pub enum TemplateOrigin {
    #[default]
    BuiltIn,
    /// The firm's own file in the workspace's templates folder.
    Firm(PathBuf),
}

/// A firm template file that could not be used, and why (the others still load).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct TemplateProblem {
    pub path: PathBuf,
    pub reason: String,
}

/// Every usable template, built-in ones replaced by the firm's files of the same name.
#[derive(Debug, Clone)]
pub struct Templates {
    pub templates: Vec<Template>,
    pub problems: Vec<TemplateProblem>,
    /// Versions pinned by the firm's policy, by template name.
    pub pins: BTreeMap<String, TemplatePin>,
    /// Why no template may be used (the policy file that could pin them is invalid).
    pub blocked: Option<String>,
}

impl Templates {
    /// The built-in templates, then the firm's from `workspace_dir/templates/*.toml`, with no
    /// version pinned.
    pub fn load(workspace_dir: &Path) -> Result<Self> {
        Self::load_pinned(workspace_dir, BTreeMap::new())
    }

    /// As [`Templates::load`], a firm file of another version than a pin being left unused.
    pub fn load_pinned(workspace_dir: &Path, pins: BTreeMap<String, TemplatePin>) -> Result<Self> {
        let mut templates: Vec<Template> = BUILT_IN
            .iter()
            .map(|(name, text)| {
                parse(text, TemplateOrigin::BuiltIn).map_err(|reason| {
                    Error::Internal(format!("built-in template {name} is invalid: {reason}"))
                })
            })
            .collect::<Result<_>>()?;
        let mut problems = Vec::new();
        let dir = workspace_dir.join(TEMPLATES_DIR);
        let mut files: Vec<PathBuf> = match std::fs::read_dir(&dir) {
            Ok(entries) => entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "toml"))
                .collect(),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
            Err(e) => return Err(Error::storage(dir, e)),
        };
        files.sort();
        for path in files {
            let loaded = std::fs::read_to_string(&path)
                .map_err(|e| e.to_string())
                .and_then(|text| parse(&text, TemplateOrigin::Firm(path.clone())));
            let loaded = loaded.and_then(|template| {
                let pin = pins.get(&template.name);
                match pin.and_then(|pin| template.differs_from(pin).map(|d| (pin, d))) {
                    Some((pin, differs)) => Err(format!(
                        "template {:?} is pinned by your IT provider to version {}; this file is \
                         {differs}, so it is not used",
                        template.name, pin.version
                    )),
                    None => Ok(template),
                }
            });
            match loaded {
                Ok(template) => match templates.iter_mut().find(|t| t.name == template.name) {
                    Some(existing) if matches!(existing.origin, TemplateOrigin::Firm(_)) => {
                        problems.push(TemplateProblem {
                            path,
                            reason: format!(
                                "another file already defines template {:?}; rename one of them",
                                template.name
                            ),
                        })
                    }
                    Some(existing) => *existing = template,
                    None => templates.push(template),
                },
                Err(reason) => problems.push(TemplateProblem { path, reason }),
            }
        }
        Ok(Self {
            templates,
            problems,
            pins,
            blocked: None,
        })
    }

    /// The template called `name`, or an error listing the ones there are. Refused while
    /// templates are blocked, and for a pinned template whose version differs from the pin.
    pub fn get(&self, name: &str) -> Result<&Template> {
        if let Some(why) = &self.blocked {
            return Err(Error::PolicyBlocked(why.clone()));
        }
        let found = self.find(name);
        let Some(pin) = self.pins.get(name) else {
            return found;
        };
        let in_place = match &found {
            Ok(template) => match template.differs_from(pin) {
                None => return found,
                Some(differs) => format!(
                    "the one here is {differs} ({})",
                    match &template.origin {
                        TemplateOrigin::BuiltIn => "the built-in template".to_owned(),
                        TemplateOrigin::Firm(path) => path.display().to_string(),
                    }
                ),
            },
            Err(_) => "no template of that name and version is in place".to_owned(),
        };
        let reason = pin
            .reason
            .as_ref()
            .map(|r| format!(" ({r})"))
            .unwrap_or_default();
        Err(Error::PolicyBlocked(format!(
            "Managed by your IT provider: template {name:?} is pinned to version {} by the \
             firm's policy{reason}, but {in_place}, so nothing was drafted. Ask your IT provider \
             to place version {} of the template in the workspace's {TEMPLATES_DIR} folder, or \
             to change the pin.",
            pin.version, pin.version
        )))
    }

    fn find(&self, name: &str) -> Result<&Template> {
        self.templates
            .iter()
            .find(|t| t.name == name)
            .ok_or_else(|| {
                let names: Vec<_> = self.templates.iter().map(|t| t.name.as_str()).collect();
                let problem = self
                    .problems
                    .iter()
                    .find(|p| p.path.file_stem().is_some_and(|s| s == name))
                    .map(|p| format!(" {} could not be used: {}.", p.path.display(), p.reason))
                    .unwrap_or_default();
                Error::NotFound(format!(
                    "There is no template {name:?}.{problem} Templates: {}.",
                    names.join(", ")
                ))
            })
    }
}

/// What a person choosing a template sees of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct TemplateInfo {
    pub name: String,
    pub version: u32,
    pub title: String,
    pub description: String,
    /// The firm's file it comes from; `None` for a built-in template.
    pub firm_file: Option<PathBuf>,
    /// Headings of the sections an AI provider drafts: without one, they are left for the
    /// attorney to write.
    pub ai_sections: Vec<String>,
    /// The version the firm's policy pins ("pinned by your IT provider"); drafting refuses the
    /// template while `version` (or, when pinned, `sha256`) differs from it.
    pub pinned: Option<TemplatePin>,
    /// SHA-256 of the template file's bytes, for a policy pin.
    pub sha256: String,
}

/// The templates there are to choose from, and the firm's files that could not be used.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct TemplateCatalog {
    pub templates: Vec<TemplateInfo>,
    pub problems: Vec<TemplateProblem>,
}

impl Templates {
    pub fn catalog(&self) -> TemplateCatalog {
        let templates = self
            .templates
            .iter()
            .map(|t| TemplateInfo {
                name: t.name.clone(),
                version: t.version,
                title: t.title.clone(),
                description: t.description.clone(),
                firm_file: match &t.origin {
                    TemplateOrigin::BuiltIn => None,
                    TemplateOrigin::Firm(path) => Some(path.clone()),
                },
                ai_sections: t
                    .sections
                    .iter()
                    .filter(|s| s.from == SectionSource::Ai)
                    .map(|s| s.heading.clone())
                    .collect(),
                pinned: self.pins.get(&t.name).cloned(),
                sha256: t.sha256.clone(),
            })
            .collect();
        TemplateCatalog {
            templates,
            problems: self.problems.clone(),
        }
    }
}

/// Parses and checks one template file's text.
pub fn parse(text: &str, origin: TemplateOrigin) -> Result<Template, String> {
    let mut template: Template = toml::from_str(text).map_err(|e| e.to_string())?;
    template.origin = origin;
    template.sha256 = crate::audit::sha256_hex(text.as_bytes());
    check(&template)?;
    Ok(template)
}

/// Whether `name` is a template name: lowercase letters and digits, words joined by `-`.
pub fn is_template_name(name: &str) -> bool {
    !name.is_empty()
        && name.split('-').all(|word| {
            !word.is_empty()
                && word
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        })
}

fn check(t: &Template) -> Result<(), String> {
    if !is_template_name(&t.name) {
        return Err(format!(
            "name {:?} must be lowercase letters and digits, words joined by '-'",
            t.name
        ));
    }
    if t.version == 0 {
        return Err("version must be 1 or more".into());
    }
    if t.title.trim().is_empty() {
        return Err("title is empty".into());
    }
    if t.sections.is_empty() {
        return Err("a template needs at least one section".into());
    }
    let environment = super::document::environment();
    for (number, section) in t.sections.iter().enumerate() {
        let place = format!("section {} ({:?})", number + 1, section.heading);
        if section.heading.trim().is_empty() {
            return Err(format!("{place}: heading is empty"));
        }
        match (section.from, &section.body, &section.instructions) {
            (SectionSource::Record, Some(body), None) => {
                environment
                    .template_from_str(body)
                    .map_err(|e| format!("{place}: {}", super::document::describe(&e)))?;
            }
            (SectionSource::Ai, None, Some(instructions)) if !instructions.trim().is_empty() => {}
            (SectionSource::Record, _, _) => {
                return Err(format!(
                    "{place}: a record section has a body and no instructions"
                ));
            }
            (SectionSource::Ai, _, _) => {
                return Err(format!(
                    "{place}: an AI section has instructions and no body"
                ));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, file: &str, text: &str) -> PathBuf {
        let folder = dir.join(TEMPLATES_DIR);
        std::fs::create_dir_all(&folder).unwrap();
        let path = folder.join(file);
        std::fs::write(&path, text).unwrap();
        path
    }

    const FIRM_SUMMARY: &str = r#"
name = "case-summary"
version = 7
title = "Our case summary"
description = "The firm's own"
[[sections]]
heading = "Snapshot"
from = "record"
body = "{{ matter.title }}"
"#;

    #[test]
    fn the_five_built_in_templates_load_with_record_and_ai_sections() {
        let dir = tempfile::tempdir().unwrap();
        let loaded = Templates::load(dir.path()).unwrap();
        let names: Vec<_> = loaded.templates.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "case-summary",
                "rfe-response",
                "status-letter",
                "cover-letter",
                "declaration"
            ]
        );
        assert!(loaded.problems.is_empty());
        for t in &loaded.templates {
            assert_eq!(t.origin, TemplateOrigin::BuiltIn);
            assert!(t.sections.iter().any(|s| s.from == SectionSource::Record));
            assert!(t.sections.iter().any(|s| s.from == SectionSource::Ai));
        }
    }

    #[test]
    fn a_firm_file_replaces_the_built_in_template_of_its_name_and_adds_new_ones() {
        let dir = tempfile::tempdir().unwrap();
        let replaced = write(dir.path(), "summary.toml", FIRM_SUMMARY);
        write(
            dir.path(),
            "intake.toml",
            &FIRM_SUMMARY
                .replace("case-summary", "intake-memo")
                .replace("version = 7", "version = 1"),
        );
        let loaded = Templates::load(dir.path()).unwrap();
        let summary = loaded.get("case-summary").unwrap();
        assert_eq!(summary.version, 7);
        assert_eq!(summary.origin, TemplateOrigin::Firm(replaced));
        assert_eq!(loaded.get("intake-memo").unwrap().version, 1);
        assert_eq!(loaded.templates.len(), 6);
    }

    fn pins(name: &str, version: u32) -> BTreeMap<String, TemplatePin> {
        BTreeMap::from([(
            name.to_owned(),
            TemplatePin {
                version,
                reason: Some("Reviewed by the managing attorney".into()),
                sha256: None,
            },
        )])
    }

    #[test]
    fn a_pin_with_a_hash_accepts_only_that_exact_file() {
        let dir = tempfile::tempdir().unwrap();
        let file = write(dir.path(), "summary.toml", FIRM_SUMMARY);
        let hash = crate::audit::sha256_hex(&std::fs::read(&file).unwrap());
        let pinned = |sha256: &str| {
            let mut pins = pins("case-summary", 7);
            if let Some(pin) = pins.get_mut("case-summary") {
                pin.sha256 = Some(sha256.to_owned());
            }
            Templates::load_pinned(dir.path(), pins).unwrap()
        };
        let loaded = pinned(&hash);
        assert_eq!(loaded.get("case-summary").unwrap().sha256, hash);
        assert_eq!(loaded.catalog().templates[0].sha256, hash);
        assert!(loaded.problems.is_empty());

        // The same version number, one word changed: not used, and drafting refuses.
        std::fs::write(&file, FIRM_SUMMARY.replace("Snapshot", "Snap shot")).unwrap();
        let loaded = pinned(&hash);
        assert!(
            loaded.problems[0]
                .reason
                .contains("version 7 with other content"),
            "{}",
            loaded.problems[0].reason
        );
        let refused = loaded.get("case-summary").unwrap_err();
        assert_eq!(refused.code(), crate::ErrorCode::PolicyBlocked);
        assert!(
            refused.to_string().contains("pinned to version 7"),
            "{refused}"
        );

        // A built-in template can be pinned by its hash too.
        std::fs::remove_file(&file).unwrap();
        let built_in = Templates::load(dir.path()).unwrap();
        let summary = built_in.get("case-summary").unwrap();
        let mut pins = pins("case-summary", summary.version);
        if let Some(pin) = pins.get_mut("case-summary") {
            pin.sha256 = Some(summary.sha256.clone());
        }
        assert!(
            Templates::load_pinned(dir.path(), pins)
                .unwrap()
                .get("case-summary")
                .is_ok()
        );
    }

    #[test]
    fn a_pinned_template_is_used_only_at_its_version_and_shown_as_pinned() {
        let dir = tempfile::tempdir().unwrap();
        let built_in = Templates::load(dir.path()).unwrap();
        let version = built_in.get("case-summary").unwrap().version;

        // Pinned to the built-in version: a firm file of another version is not used.
        let other = write(dir.path(), "summary.toml", FIRM_SUMMARY);
        let loaded = Templates::load_pinned(dir.path(), pins("case-summary", version)).unwrap();
        let summary = loaded.get("case-summary").unwrap();
        assert_eq!(summary.origin, TemplateOrigin::BuiltIn);
        assert_eq!(loaded.problems.len(), 1);
        assert_eq!(loaded.problems[0].path, other);
        assert!(
            loaded.problems[0]
                .reason
                .contains("pinned by your IT provider to version 1; this file is version 7"),
            "{}",
            loaded.problems[0].reason
        );
        let shown = loaded.catalog();
        let info = &shown.templates[0];
        assert_eq!(info.name, "case-summary");
        assert_eq!(info.pinned.as_ref().map(|p| p.version), Some(version));
        assert!(shown.templates[1].pinned.is_none());
        // Templates not pinned are untouched.
        assert!(loaded.get("rfe-response").is_ok());

        // Pinned to the firm file's version: the file replaces the built-in one.
        let loaded = Templates::load_pinned(dir.path(), pins("case-summary", 7)).unwrap();
        assert_eq!(loaded.get("case-summary").unwrap().version, 7);
        assert!(loaded.problems.is_empty());
    }

    #[test]
    fn drafting_refuses_a_pinned_template_whose_version_differs_naming_the_pin() {
        let dir = tempfile::tempdir().unwrap();
        let loaded = Templates::load_pinned(dir.path(), pins("case-summary", 3)).unwrap();
        let refused = loaded.get("case-summary").unwrap_err();
        assert_eq!(refused.code(), crate::ErrorCode::PolicyBlocked);
        let message = refused.to_string();
        for words in [
            "Managed by your IT provider",
            "pinned to version 3",
            "Reviewed by the managing attorney",
            "version 1 (the built-in template)",
        ] {
            assert!(message.contains(words), "{words:?} missing: {message}");
        }
        let blocked = Templates {
            blocked: Some("the policy file is invalid".into()),
            ..Templates::load(dir.path()).unwrap()
        };
        let refused = blocked.get("rfe-response").unwrap_err();
        assert_eq!(refused.code(), crate::ErrorCode::PolicyBlocked);
    }

    #[test]
    fn a_broken_firm_file_is_reported_with_its_reason_and_the_rest_still_load() {
        let dir = tempfile::tempdir().unwrap();
        let cases = [
            ("syntax.toml", "name = ", "line 1, column 8"),
            (
                "unknown-key.toml",
                &format!("{FIRM_SUMMARY}\ncolour = \"red\""),
                "unknown field",
            ),
            (
                "bad-name.toml",
                &FIRM_SUMMARY.replace("\"case-summary\"", "\"Case Summary\""),
                "lowercase",
            ),
            (
                "version-zero.toml",
                &FIRM_SUMMARY.replace("version = 7", "version = 0"),
                "version",
            ),
            (
                "bad-jinja.toml",
                &FIRM_SUMMARY.replace("{{ matter.title }}", "{% if %}"),
                "section 1",
            ),
            (
                "record-without-body.toml",
                &FIRM_SUMMARY.replace("body = \"{{ matter.title }}\"", "instructions = \"x\""),
                "record section",
            ),
        ];
        for (file, text, _) in &cases {
            write(dir.path(), file, text);
        }
        let loaded = Templates::load(dir.path()).unwrap();
        assert_eq!(loaded.templates.len(), 5, "built-ins stay");
        assert_eq!(loaded.get("case-summary").unwrap().version, 1);
        for (file, _, reason) in cases {
            let problem = loaded
                .problems
                .iter()
                .find(|p| p.path.ends_with(file))
                .unwrap_or_else(|| panic!("{file} should be reported"));
            assert!(
                problem.reason.contains(reason),
                "{file}: {:?} should mention {reason:?}",
                problem.reason
            );
        }
    }

    #[test]
    fn the_catalog_shows_each_template_its_firm_file_ai_sections_and_the_problems() {
        let dir = tempfile::tempdir().unwrap();
        let replaced = write(dir.path(), "summary.toml", FIRM_SUMMARY);
        write(dir.path(), "broken.toml", "name = ");
        let catalog = Templates::load(dir.path()).unwrap().catalog();
        let summary = &catalog.templates[0];
        assert_eq!(
            (
                summary.name.as_str(),
                summary.version,
                summary.title.as_str()
            ),
            ("case-summary", 7, "Our case summary")
        );
        assert_eq!(summary.firm_file.as_deref(), Some(replaced.as_path()));
        assert!(
            summary.ai_sections.is_empty(),
            "the firm's has only a record section"
        );
        let rfe = catalog
            .templates
            .iter()
            .find(|t| t.name == "rfe-response")
            .unwrap();
        assert_eq!(rfe.firm_file, None);
        assert!(!rfe.ai_sections.is_empty());
        assert!(!rfe.description.is_empty());
        assert_eq!(catalog.problems.len(), 1);
        assert!(catalog.problems[0].path.ends_with("broken.toml"));
    }

    #[test]
    fn two_firm_files_with_one_name_are_a_problem_not_a_silent_choice() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "a.toml", FIRM_SUMMARY);
        let second = write(dir.path(), "b.toml", FIRM_SUMMARY);
        let loaded = Templates::load(dir.path()).unwrap();
        assert_eq!(loaded.problems.len(), 1);
        assert_eq!(loaded.problems[0].path, second);
    }

    #[test]
    fn an_unknown_template_lists_the_known_ones() {
        let dir = tempfile::tempdir().unwrap();
        let err = Templates::load(dir.path())
            .unwrap()
            .get("memo")
            .unwrap_err();
        assert_eq!(err.code(), crate::ErrorCode::NotFound);
        assert!(err.to_string().contains("case-summary, rfe-response"));
    }
}
