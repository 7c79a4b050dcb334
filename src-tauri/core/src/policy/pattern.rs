//! Name patterns in the policy: an exact name (`us-east-1`) or a glob where `*` stands for any run
//! of characters and `?` for one (`eu-*`, `europe-west?`, `us.anthropic.claude-*`).

use std::fmt;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// An exact name or a glob (`*` any characters, `?` one character). Matching is exact otherwise:
/// case matters, as it does for region and model ids.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
#[serde(try_from = "String", into = "String")]
#[schemars(
    with = "String",
    description = "An exact name, or a pattern where * stands for any characters and ? for one (e.g. eu-*)."
)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Pattern(String);

impl Pattern {
    pub fn new(text: &str) -> Result<Self, String> {
        if text.is_empty() {
            return Err("a name or pattern cannot be empty".into());
        }
        if let Some(c) = text.chars().find(|c| c.is_whitespace() || c.is_control()) {
            return Err(format!(
                "{text:?} contains {c:?}; names and patterns have no spaces or control characters"
            ));
        }
        Ok(Self(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn is_glob(&self) -> bool {
        self.0.contains(['*', '?'])
    }

    /// Whether `name` is this name, or matches this pattern.
    pub fn matches(&self, name: &str) -> bool {
        let pattern: Vec<char> = self.0.chars().collect();
        let name: Vec<char> = name.chars().collect();
        glob_match(&pattern, &name)
    }

    /// Whether some name matches both patterns: used to find rules that contradict each other
    /// (a jurisdiction mapped only to regions that the allowed-regions list forbids).
    pub fn overlaps(&self, other: &Pattern) -> bool {
        let a: Vec<char> = self.0.chars().collect();
        let b: Vec<char> = other.0.chars().collect();
        let mut memo = vec![vec![None; b.len() + 1]; a.len() + 1];
        intersect(&a, &b, 0, 0, &mut memo)
    }
}

impl TryFrom<String> for Pattern {
    type Error = String;

    fn try_from(value: String) -> Result<Self, String> {
        Self::new(&value)
    }
}

impl From<Pattern> for String {
    fn from(pattern: Pattern) -> String {
        pattern.0
    }
}

impl fmt::Display for Pattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Iterative glob match with backtracking to the last `*` (linear in practice).
fn glob_match(pattern: &[char], name: &[char]) -> bool {
    let (mut p, mut n) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while n < name.len() {
        match pattern.get(p) {
            Some('*') => {
                star = Some((p, n));
                p += 1;
            }
            Some(&c) if c == '?' || c == name[n] => {
                p += 1;
                n += 1;
            }
            _ => match star {
                Some((sp, sn)) => {
                    p = sp + 1;
                    n = sn + 1;
                    star = Some((sp, sn + 1));
                }
                None => return false,
            },
        }
    }
    pattern[p..].iter().all(|&c| c == '*')
}

/// Whether the languages of two globs intersect: can `a[i..]` and `b[j..]` match one string?
fn intersect(
    a: &[char],
    b: &[char],
    i: usize,
    j: usize,
    memo: &mut Vec<Vec<Option<bool>>>,
) -> bool {
    if let Some(known) = memo[i][j] {
        return known;
    }
    let result = match (a.get(i), b.get(j)) {
        (None, None) => true,
        (Some('*'), _) => {
            intersect(a, b, i + 1, j, memo) || (j < b.len() && intersect(a, b, i, j + 1, memo))
        }
        (_, Some('*')) => {
            intersect(a, b, i, j + 1, memo) || (i < a.len() && intersect(a, b, i + 1, j, memo))
        }
        (Some(&x), Some(&y)) => {
            (x == '?' || y == '?' || x == y) && intersect(a, b, i + 1, j + 1, memo)
        }
        _ => false,
    };
    memo[i][j] = Some(result);
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(text: &str) -> Pattern {
        Pattern::new(text).unwrap()
    }

    #[test]
    fn exact_names_and_globs_match_as_written() {
        assert!(p("us-east-1").matches("us-east-1"));
        assert!(!p("us-east-1").matches("us-east-12"));
        assert!(!p("us-east-1").matches("US-EAST-1"));
        assert!(p("eu-*").matches("eu-central-1"));
        assert!(p("eu-*").matches("eu-"));
        assert!(!p("eu-*").matches("us-east-1"));
        assert!(!p("eu-*").matches("europe-west4"), "eu-* is not europe-*");
        assert!(p("europe-west?").matches("europe-west4"));
        assert!(!p("europe-west?").matches("europe-west10"));
        assert!(p("*").matches(""));
        assert!(p("us.anthropic.claude-*-v1:0").matches("us.anthropic.claude-sonnet-4-5-v1:0"));
        assert!(p("*central*").matches("swedencentral"));
        assert!(p("a*b*c").matches("axxbyyc"));
        assert!(!p("a*b*c").matches("axxbyy"));
    }

    #[test]
    fn overlapping_patterns_share_a_name() {
        assert!(p("eu-*").overlaps(&p("eu-central-1")));
        assert!(p("eu-central-1").overlaps(&p("eu-*")));
        assert!(p("eu-*").overlaps(&p("*-1")));
        assert!(p("*").overlaps(&p("anything")));
        assert!(p("europe-west?").overlaps(&p("*4")));
        assert!(!p("eu-*").overlaps(&p("us-*")));
        assert!(!p("eu-central-1").overlaps(&p("us-east-1")));
        assert!(!p("europe-west?").overlaps(&p("europe-west10")));
    }

    #[test]
    fn empty_or_spaced_patterns_are_refused() {
        assert!(Pattern::new("").is_err());
        assert!(Pattern::new("eu central").is_err());
        assert!(Pattern::new("eu\n").is_err());
    }
}
