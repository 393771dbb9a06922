//! YAML for the GitHub workflow: the escape function of its template.

/// Escape a value for the GitHub workflow. What cgoflake renders there is
/// validated to a plain alphabet (target names, `pname`, `version`, GOOS),
/// which passes unchanged; anything else becomes a double-quoted YAML
/// string, so a value can never add a key, a list item or a line.
///
/// ```
/// use cgoflake::render::yaml::escape;
/// assert_eq!(escape("linux-arm64"), "linux-arm64");
/// assert_eq!(escape("1.2.0+rc_1"), "1.2.0+rc_1");
/// assert_eq!(escape("a: b\n- c"), r#""a: b\n- c""#);
/// assert_eq!(escape(""), r#""""#);
/// ```
pub fn escape(s: &str) -> String {
    let plain = !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "._+-/".contains(c));
    if plain {
        s.to_owned()
    } else {
        // A JSON string is a YAML double-quoted scalar.
        serde_json::to_string(s).expect("a string always serialises")
    }
}
