//! JSON objects with a key written twice. serde_json keeps the last of two equal keys and drops
//! the first without a word, so a policy with two `"EU"` rules, or a setting locked twice with
//! different reasons, would silently lose one. Files that decide what Casefile may do are checked
//! here before they are read, and such a file is refused with the line, column and key.

use std::collections::HashSet;
use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};

/// Why a text is not JSON with distinct keys: serde_json's error (with the line and column of
/// the repeated key or the syntax error) and the path of the object that holds the key (`None`
/// for the top level).
#[derive(Debug)]
pub struct KeyProblem {
    pub error: serde_json::Error,
    pub object: Option<String>,
}

/// Reads `text` as JSON and fails at the first key that appears twice in one object, or at the
/// first syntax error.
pub fn check_unique_keys(text: &str) -> Result<(), KeyProblem> {
    let mut deserializer = serde_json::Deserializer::from_str(text);
    serde_path_to_error::deserialize::<_, UniqueKeys>(&mut deserializer).map_err(|e| {
        let path = e.path().to_string();
        KeyProblem {
            object: (path != ".").then_some(path),
            error: e.into_inner(),
        }
    })?;
    deserializer.end().map_err(|error| KeyProblem {
        error,
        object: None,
    })
}

/// Any JSON value, every object of which has distinct keys.
struct UniqueKeys;

impl<'de> Deserialize<'de> for UniqueKeys {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(UniqueKeysVisitor)
    }
}

struct UniqueKeysVisitor;

impl<'de> Visitor<'de> for UniqueKeysVisitor {
    type Value = UniqueKeys;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, _: bool) -> Result<UniqueKeys, E> {
        Ok(UniqueKeys)
    }

    fn visit_i64<E>(self, _: i64) -> Result<UniqueKeys, E> {
        Ok(UniqueKeys)
    }

    fn visit_u64<E>(self, _: u64) -> Result<UniqueKeys, E> {
        Ok(UniqueKeys)
    }

    fn visit_f64<E>(self, _: f64) -> Result<UniqueKeys, E> {
        Ok(UniqueKeys)
    }

    fn visit_str<E>(self, _: &str) -> Result<UniqueKeys, E> {
        Ok(UniqueKeys)
    }

    fn visit_unit<E>(self) -> Result<UniqueKeys, E> {
        Ok(UniqueKeys)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<UniqueKeys, A::Error> {
        while seq.next_element::<UniqueKeys>()?.is_some() {}
        Ok(UniqueKeys)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<UniqueKeys, A::Error> {
        let mut seen = HashSet::new();
        while let Some(key) = map.next_key::<String>()? {
            if seen.contains(&key) {
                return Err(de::Error::custom(format_args!(
                    "duplicate key {key:?}: it is written twice in the same object, and Casefile \
                     will not guess which one is meant; keep one"
                )));
            }
            map.next_value::<UniqueKeys>()?;
            seen.insert(key);
        }
        Ok(UniqueKeys)
    }
}

#[cfg(test)]
mod tests {
    use super::check_unique_keys;

    #[test]
    fn distinct_keys_pass_at_any_depth() {
        let text = r#"{"a": {"x": 1, "y": [1, {"x": 2}]}, "b": {"x": 1}, "c": null}"#;
        check_unique_keys(text).unwrap();
        check_unique_keys("[1, \"two\", 3.5, true]").unwrap();
    }

    #[test]
    fn a_repeated_key_is_found_with_its_place_and_object() {
        let text = "{\"jurisdictions\": {\n  \"EU\": {},\n  \"US\": {},\n  \"EU\": {}\n}}";
        let e = check_unique_keys(text).unwrap_err();
        assert_eq!(e.object.as_deref(), Some("jurisdictions"));
        assert_eq!((e.error.line(), e.error.column()), (4, 6));
        let message = e.error.to_string();
        assert!(message.contains("duplicate key \"EU\""), "{message}");

        let e = check_unique_keys("[{\"a\": 1}, {\"b\": 1, \"b\": 2}]").unwrap_err();
        assert_eq!(e.object.as_deref(), Some("[1]"));
        let e = check_unique_keys("{\"a\": 1, \"a\": 1}").unwrap_err();
        assert_eq!(e.object, None);
    }

    #[test]
    fn syntax_errors_and_trailing_text_are_refused() {
        assert!(check_unique_keys("{\"a\": }").is_err());
        assert!(check_unique_keys("{} {}").is_err());
        assert!(check_unique_keys("").is_err());
    }
}
