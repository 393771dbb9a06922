//! The target matrix, `cgoflake.json`: its types (`types.rs`), strict
//! parsing, its JSON Schema (`schema.rs`) and its errors ([`error`]).
//!
//! Parsing happens in two passes so every error names the key it is about:
//! 1. the text becomes a JSON value while duplicate keys are rejected
//!    (`strict.rs`: serde_json alone would silently keep the last one);
//! 2. the value becomes the typed [`Matrix`] through `serde_path_to_error`,
//!    with `deny_unknown_fields` everywhere.
//!
//! Semantic checks (valid GOOS/GOARCH pairs, hashes, paths, names) live in
//! [`crate::plan::validate`]; this module only knows the shape of the file.

pub mod error;
mod schema;
mod strict;
mod types;

use camino::Utf8Path;

use error::{ErrorKind, MatrixError};
pub use schema::json_schema;
pub use types::*;

/// Read and parse a matrix file: syntax, duplicate keys, unknown keys and types.
pub fn load(path: &Utf8Path) -> Result<Matrix, MatrixError> {
    let text = std::fs::read_to_string(path).map_err(|e| MatrixError {
        file: path.to_owned(),
        key: String::new(),
        kind: ErrorKind::Io,
        message: format!("cannot read the matrix: {e}"),
        help: (e.kind() == std::io::ErrorKind::NotFound)
            .then(|| "run `cgoflake init` in the Go module to write one".to_owned()),
    })?;
    parse(path, &text)
}

/// Parse matrix text; `file` only names the source in errors.
pub fn parse(file: &Utf8Path, text: &str) -> Result<Matrix, MatrixError> {
    let value = strict::parse_strict_json(file, text)?;
    strict::check_shape(file, &value)?;
    serde_path_to_error::deserialize::<_, Matrix>(value).map_err(|e| {
        let key = error::format_path(e.path());
        error::from_serde_message(file, key, &e.into_inner().to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::strict::TOP_LEVEL;
    use super::*;

    const F: &str = "dir/cgoflake.json";

    fn err(text: &str) -> MatrixError {
        parse(Utf8Path::new(F), text).unwrap_err()
    }

    fn with_targets(targets: &str) -> String {
        format!(r#"{{"project": {{"pname": "a", "version": "1"}}, "targets": {targets}}}"#)
    }

    #[test]
    fn the_file_must_be_an_object() {
        for (text, got) in [
            ("[]", "sequence"),
            ("\"x\"", "string \"x\""),
            ("1", "number `1`"),
            ("null", "null"),
        ] {
            let e = err(text);
            assert_eq!(e.key, "", "{text}");
            assert_eq!(
                e.message,
                format!("invalid type: {got}, expected {TOP_LEVEL}"),
                "{text}"
            );
        }
        let e = err("  \n");
        assert_eq!(e.kind, ErrorKind::Syntax);
        assert!(e.message.contains("the file is empty"), "{}", e.message);
    }

    #[test]
    fn objects_given_as_arrays_are_rejected() {
        // serde's derived structs would take `["a", "1"]` as `{pname, version}`.
        let e = err(r#"{"project": ["a", "1"], "targets": ["linux/amd64"]}"#);
        assert_eq!(e.key, "project");
        assert!(e.message.contains("expected an object"), "{}", e.message);
        let e = err(&with_targets(r#"{"x": ["linux", "arm64"]}"#));
        assert_eq!(e.key, "targets.x");
        let e = err(
            r#"{"project": {"pname": "a", "version": "1", "stamp": ["main.v"]}, "targets": ["linux/amd64"]}"#,
        );
        assert_eq!(e.key, "project.stamp");
    }

    #[test]
    fn duplicate_keys_name_the_key() {
        let e = err(&with_targets(
            r#"{"x": {"goos": "linux", "goarch": "arm64", "goos": "linux"}}"#,
        ));
        assert_eq!(e.kind, ErrorKind::DuplicateKey);
        assert_eq!(e.key, "targets.x.goos");
        assert!(
            e.message
                .starts_with("duplicate key `goos` (at line 1 column"),
            "{}",
            e.message
        );
        let e = err(r#"{"a.b": 1, "a.b": 2}"#);
        assert_eq!(e.key, "\"a.b\"");
        // A key with quotes and backticks survives the round trip.
        let e = err(r#"{"x`\"y": 1, "x`\"y": 2}"#);
        assert_eq!(e.key, r#""x`\"y""#);
    }

    #[test]
    fn syntax_errors_keep_their_key_path() {
        let e = err(r#"{"project": {"pname": }}"#);
        assert_eq!(e.kind, ErrorKind::Syntax);
        assert_eq!(e.key, "project.pname");
        let e = err(r#"{"project": {}} x"#);
        assert_eq!(e.kind, ErrorKind::Syntax);
        assert_eq!(e.key, "");
        assert!(e.message.contains("trailing characters"), "{}", e.message);
    }

    #[test]
    fn short_form_entries_keep_their_index() {
        let m = parse(
            Utf8Path::new(F),
            &with_targets(r#"["windows/amd64", "linux/arm64"]"#),
        )
        .unwrap();
        let entry = |name: &str| match &m.targets.0[name] {
            TargetEntry::Short(s) => (s.text.clone(), s.index),
            TargetEntry::Long(_) => panic!("long form"),
        };
        assert_eq!(entry("windows-amd64"), ("windows/amd64".to_owned(), 0));
        assert_eq!(entry("linux-arm64"), ("linux/arm64".to_owned(), 1));
        // The index is not part of the serialised form.
        assert_eq!(
            serde_json::to_value(&m.targets).unwrap(),
            serde_json::json!({"linux-arm64": "linux/arm64", "windows-amd64": "windows/amd64"})
        );
    }

    #[test]
    fn short_form_duplicates_name_both_places() {
        let e = err(&with_targets(
            r#"["linux/arm64", "windows/amd64", "linux/arm64"]"#,
        ));
        assert_eq!(e.key, "targets[2]");
        assert!(e.message.contains("first at targets[0]"), "{}", e.message);
    }
}
