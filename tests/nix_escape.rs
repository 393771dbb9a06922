//! Nix string escaping is a round trip: any string rendered by cgoflake and
//! evaluated by Nix comes back unchanged.

mod common;
use std::process::Command;

use cgoflake::render::nix::{escape as nix_escape, to_nix};
use proptest::prelude::*;

/// Evaluate a list of strings with `nix-instantiate --eval --json`.
fn eval_strings(strings: &[String]) -> Vec<String> {
    let expr = format!(
        "[ {} ]",
        strings
            .iter()
            .map(|s| format!("\"{}\"", nix_escape(s)))
            .collect::<Vec<_>>()
            .join(" ")
    );
    let out = Command::new("nix-instantiate")
        .args(["--eval", "--strict", "--json", "--expr"])
        .arg(&expr)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "nix rejected {expr:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Strings heavy in what Nix treats specially, and arbitrary Unicode (no NUL:
/// Nix strings cannot hold it).
fn tricky() -> impl Strategy<Value = String> {
    prop_oneof![
        proptest::string::string_regex(r#"[$\{\}\\"'`\n\r\t a-z]{0,24}"#).unwrap(),
        any::<String>().prop_map(|s| s.replace('\0', "")),
        Just("${builtins.currentTime}".to_owned()),
        Just("$${x}".to_owned()),
        Just("\\${x}".to_owned()),
        Just("''${x}".to_owned()),
        Just("$".to_owned()),
        Just("\\".to_owned()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 16, ..ProptestConfig::default() })]

    #[test]
    fn strings_survive_nix_evaluation(strings in proptest::collection::vec(tricky(), 1..64)) {
        if nix_present() {
            prop_assert_eq!(eval_strings(&strings), strings);
        }
    }
}

/// [`common::nix_available`], asked (and a skip reported) once per run.
fn nix_present() -> bool {
    static PRESENT: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *PRESENT.get_or_init(common::nix_available)
}

#[test]
fn attribute_sets_with_odd_keys_evaluate_to_the_same_json() {
    if !common::nix_available() {
        return;
    }
    let value = serde_json::json!({
        "plain": "x",
        "with space": ["${a}", "\"q\"", "back\\slash"],
        "if": {"rec": null, "in": true, "n": 3},
        "linux-arm64": {"goEnv": {"CC": "zig cc -target aarch64-linux-gnu.2.28"}},
        "": "empty key"
    });
    let out = Command::new("nix-instantiate")
        .args(["--eval", "--strict", "--json", "--expr"])
        .arg(to_nix(&value, 0))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let back: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(back, value);
}
