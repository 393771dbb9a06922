//! User-facing errors about the matrix: one precise message naming the file,
//! the key path and what is allowed. The CLI maps them to exit code 2.

use std::fmt;

use camino::{Utf8Path, Utf8PathBuf};

/// What went wrong, for callers (and tests) that match on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// The file could not be read.
    Io,
    /// Not JSON.
    Syntax,
    /// The same key twice in one object.
    DuplicateKey,
    /// A key the schema does not know.
    UnknownKey,
    /// A missing required key.
    MissingKey,
    /// A value of the wrong type or outside what is allowed.
    InvalidValue,
}

/// An error in `cgoflake.json`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct MatrixError {
    /// The matrix file.
    pub file: Utf8PathBuf,
    /// Dotted key path, e.g. `targets.linux-arm64.goarch`; empty for the whole file.
    pub key: String,
    /// The kind of error.
    pub kind: ErrorKind,
    /// What is wrong and what is allowed.
    pub message: String,
    /// A hint, e.g. "did you mean `arm64`?".
    pub help: Option<String>,
}

impl fmt::Display for MatrixError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if !self.key.is_empty() {
            write!(f, ": {}", self.key)?;
        }
        write!(f, ": {}", self.message)?;
        if let Some(help) = &self.help {
            write!(f, "\n  help: {help}")?;
        }
        Ok(())
    }
}

impl MatrixError {
    /// An invalid value at `key`.
    pub fn invalid(file: &Utf8Path, key: impl Into<String>, message: impl Into<String>) -> Self {
        MatrixError {
            file: file.to_owned(),
            key: key.into(),
            kind: ErrorKind::InvalidValue,
            message: message.into(),
            help: None,
        }
    }

    /// Add a hint.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Add "did you mean" when `got` is close to one of `allowed`.
    pub fn suggest<'a>(mut self, got: &str, allowed: impl IntoIterator<Item = &'a str>) -> Self {
        if let Some(best) = did_you_mean(got, allowed) {
            self.help = Some(format!("did you mean `{best}`?"));
        }
        self
    }
}

/// The closest candidate to `got`, if it is close enough to be a typo.
pub fn did_you_mean<'a>(
    got: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| {
            (
                strsim::jaro_winkler(&got.to_lowercase(), &c.to_lowercase()),
                c,
            )
        })
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

/// Turn a serde error message into a precise [`MatrixError`].
///
/// serde's messages have a stable shape ("unknown field `x`, expected one of
/// `a`, `b`"); we lift the offending name and the allowed names out of them
/// to add the key path and a "did you mean".
pub fn from_serde_message(file: &Utf8Path, key: String, message: &str) -> MatrixError {
    let ticked = backticked(message);
    let (kind, subject) = if message.starts_with("unknown field") {
        (ErrorKind::UnknownKey, "key")
    } else if message.starts_with("unknown variant") {
        (ErrorKind::InvalidValue, "value")
    } else if message.starts_with("missing field") {
        (ErrorKind::MissingKey, "")
    } else {
        (ErrorKind::InvalidValue, "")
    };
    match kind {
        ErrorKind::UnknownKey | ErrorKind::InvalidValue
            if !subject.is_empty() && !ticked.is_empty() =>
        {
            let got = ticked[0];
            let allowed: Vec<&str> = ticked[1..].to_vec();
            let what = if kind == ErrorKind::UnknownKey {
                "unknown key"
            } else {
                "unsupported value"
            };
            let allowed_text = if allowed.is_empty() {
                "none".to_owned()
            } else {
                allowed
                    .iter()
                    .map(|a| format!("`{a}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            // The path may or may not already end at the unknown key
            // (serde_path_to_error includes it); append it only once.
            let key = if kind == ErrorKind::UnknownKey && !ends_with_segment(&key, got) {
                join_key(&key, got)
            } else {
                key
            };
            MatrixError {
                file: file.to_owned(),
                key,
                kind,
                message: format!("{what} `{got}` (allowed: {allowed_text})"),
                help: did_you_mean(got, allowed.iter().copied())
                    .map(|b| format!("did you mean `{b}`?")),
            }
        }
        ErrorKind::MissingKey if !ticked.is_empty() => MatrixError {
            file: file.to_owned(),
            key: join_key(&key, ticked[0]),
            kind,
            message: format!("required key `{}` is missing", ticked[0]),
            help: None,
        },
        _ => MatrixError {
            file: file.to_owned(),
            key,
            kind: ErrorKind::InvalidValue,
            message: plain_type_names(message),
            help: quote_hint(message),
        },
    }
}

/// serde names Rust types ("expected struct TargetSpec", "a sequence");
/// say what the JSON must hold instead.
fn plain_type_names(message: &str) -> String {
    let mut out = message.replace("expected a sequence", "expected a list");
    if let Some(at) = out.find("expected struct ") {
        let end = out[at + "expected struct ".len()..]
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .map_or(out.len(), |i| at + "expected struct ".len() + i);
        out.replace_range(at..end, "expected an object");
    }
    out
}

/// A number where a string is expected (`"glibc": 2.28`): show the string form.
fn quote_hint(message: &str) -> Option<String> {
    let rest = message
        .strip_prefix("invalid type: floating point `")
        .or_else(|| message.strip_prefix("invalid type: integer `"))?;
    let (number, tail) = rest.split_once('`')?;
    (tail == ", expected a string").then(|| format!("write it as a string: \"{number}\""))
}

/// Whether the dotted `key` ends with the segment `child`.
fn ends_with_segment(key: &str, child: &str) -> bool {
    key == segment(child) || key.ends_with(&format!(".{}", segment(child)))
}

/// Render a `serde_path_to_error` path with the same quoting as [`join_key`].
pub fn format_path(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut out = String::new();
    for seg in path.iter() {
        match seg {
            Segment::Seq { index } => out.push_str(&format!("[{index}]")),
            Segment::Map { key } => out = join_key(&out, key),
            Segment::Enum { variant } => out = join_key(&out, variant),
            Segment::Unknown => {}
        }
    }
    out
}

/// `a.b` + `c` → `a.b.c`. A child that is empty or holds anything but
/// ASCII letters, digits, `-`, `_` and `$` is quoted (as a JSON string), so
/// the path stays unambiguous: `targets."a.b"`, `targets.""`.
pub fn join_key(parent: &str, child: &str) -> String {
    let child = segment(child);
    if parent.is_empty() {
        child
    } else {
        format!("{parent}.{child}")
    }
}

/// One key of a key path, quoted when needed.
fn segment(child: &str) -> String {
    let plain = !child.is_empty()
        && child
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_$".contains(c));
    if plain {
        child.to_owned()
    } else {
        serde_json::to_string(child).expect("a string always serialises")
    }
}

fn backticked(message: &str) -> Vec<&str> {
    message.split('`').skip(1).step_by(2).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_field_gets_key_path_and_suggestion() {
        let e = from_serde_message(
            Utf8Path::new("m.json"),
            "targets.a".into(),
            "unknown field `goarc`, expected one of `goos`, `goarch`, `goarm`",
        );
        assert_eq!(e.kind, ErrorKind::UnknownKey);
        assert_eq!(e.key, "targets.a.goarc");
        assert_eq!(e.help.as_deref(), Some("did you mean `goarch`?"));
    }

    #[test]
    fn unrelated_words_get_no_suggestion() {
        assert_eq!(did_you_mean("zzzz", ["goos", "goarch"]), None);
    }

    #[test]
    fn unknown_field_key_is_not_doubled() {
        // serde_path_to_error's path already ends at the unknown key.
        let e = from_serde_message(
            Utf8Path::new("m.json"),
            "targets.a.goarc".into(),
            "unknown field `goarc`, expected one of `goos`, `goarch`",
        );
        assert_eq!(e.key, "targets.a.goarc");
        let e = from_serde_message(
            Utf8Path::new("m.json"),
            "projct".into(),
            "unknown field `projct`, expected one of `project`, `targets`",
        );
        assert_eq!(e.key, "projct");
        assert_eq!(e.help.as_deref(), Some("did you mean `project`?"));
    }

    #[test]
    fn missing_field_names_the_key() {
        let e = from_serde_message(
            Utf8Path::new("m.json"),
            "project".into(),
            "missing field `pname`",
        );
        assert_eq!(e.kind, ErrorKind::MissingKey);
        assert_eq!(e.key, "project.pname");
        assert_eq!(e.message, "required key `pname` is missing");
    }

    #[test]
    fn rust_type_names_become_json_words() {
        let e = from_serde_message(
            Utf8Path::new("m.json"),
            "project".into(),
            "invalid type: null, expected struct Project",
        );
        assert_eq!(e.message, "invalid type: null, expected an object");
        assert_eq!(
            plain_type_names("invalid type: string \"x\", expected a sequence"),
            "invalid type: string \"x\", expected a list"
        );
    }

    #[test]
    fn numbers_for_strings_get_the_string_form() {
        let e = from_serde_message(
            Utf8Path::new("m.json"),
            "defaults.glibc".into(),
            "invalid type: floating point `2.28`, expected a string",
        );
        assert_eq!(e.help.as_deref(), Some("write it as a string: \"2.28\""));
        assert_eq!(
            quote_hint("invalid type: integer `7`, expected a string").as_deref(),
            Some("write it as a string: \"7\"")
        );
        assert_eq!(
            quote_hint("invalid type: boolean `true`, expected a string"),
            None
        );
        assert_eq!(
            quote_hint("invalid type: integer `7`, expected a list"),
            None
        );
    }

    #[test]
    fn key_paths_quote_unusual_keys() {
        assert_eq!(join_key("targets", "linux-arm64"), "targets.linux-arm64");
        assert_eq!(join_key("", "$schema"), "$schema");
        assert_eq!(join_key("targets", ""), "targets.\"\"");
        assert_eq!(join_key("targets", "a.b"), "targets.\"a.b\"");
        assert_eq!(join_key("targets", "../x"), "targets.\"../x\"");
        assert_eq!(join_key("project.env", "a b"), "project.env.\"a b\"");
        assert_eq!(join_key("", "x\"y"), "\"x\\\"y\"");
        assert!(ends_with_segment("targets.\"a.b\"", "a.b"));
        assert!(!ends_with_segment("targets.xa", "a"));
    }

    #[test]
    fn serde_paths_render_like_join_key() {
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct T {
            goos: String,
        }
        let e = serde_path_to_error::deserialize::<
            _,
            std::collections::BTreeMap<String, std::collections::BTreeMap<String, T>>,
        >(serde_json::json!({"targets": {"a.b": {"goos": 1}}}))
        .unwrap_err();
        assert_eq!(format_path(e.path()), "targets.\"a.b\".goos");
        let e = serde_path_to_error::deserialize::<_, std::collections::BTreeMap<String, Vec<u8>>>(
            serde_json::json!({"list": [0, "x"]}),
        )
        .unwrap_err();
        assert_eq!(format_path(e.path()), "list[1]");
    }
}
