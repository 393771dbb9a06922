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
            // For an unknown key serde's path stops at the object; append the key.
            let key = if kind == ErrorKind::UnknownKey {
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
            message: "required key is missing".to_owned(),
            help: None,
        },
        _ => MatrixError {
            file: file.to_owned(),
            key,
            kind: ErrorKind::InvalidValue,
            message: message.to_owned(),
            help: None,
        },
    }
}

/// `a.b` + `c` → `a.b.c`.
pub fn join_key(parent: &str, child: &str) -> String {
    if parent.is_empty() {
        child.to_owned()
    } else {
        format!("{parent}.{child}")
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
}
