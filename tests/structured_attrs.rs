//! nixpkgs is moving buildGoModule to structured attributes
//! (`__structuredAttrs = true`: lists become bash arrays, only `env` is
//! exported). The generated flake must not care: this test builds the
//! example's linux-arm64 and windows-amd64 against the offline fixture as it
//! is and against a copy whose buildGoModule sets `__structuredAttrs = true`
//! (`config.buildGoModuleStructuredAttrs`, as forks that make the move do;
//! its phases then behave like nixos-25.11's under structured attributes),
//! and compares the binaries byte for byte. Only the packages differ, so the
//! structured builds reuse e2e's SQLite, Go caches and zig runtimes. The
//! whole package set flipped (`config.structuredAttrsByDefault`) was checked
//! by hand for freebsd-amd64 (same bytes), and make-derivation's side by
//! tests/fixture_fidelity.rs.
//!
//! Needs Nix and the prepared fixture: `#[ignore]`d, scripts/test runs it.

mod common;

use camino::{Utf8Path, Utf8PathBuf};

const TARGETS: [&str; 2] = ["linux-arm64", "windows-amd64"];

/// The prepared fixture with a `config.nix` turning buildGoModule's
/// structured attributes on.
fn structured_fixture(work: &Utf8Path, fixture: &Utf8Path) -> Utf8PathBuf {
    let variant = work.join("fixture-structured-attrs");
    if variant.exists() {
        std::fs::remove_dir_all(&variant).unwrap();
    }
    common::copy_tree(fixture, &variant);
    common::write_file(
        &variant.join("config.nix"),
        "# TEST: buildGoModule with structured attributes.\n{ buildGoModuleStructuredAttrs = true; }\n",
    );
    variant
}

/// `nix build` of `flake#attr` against `fixture`: the output path.
fn build(flake: &Utf8Path, attr: &str, fixture: &Utf8Path) -> Utf8PathBuf {
    let json = common::nix_against(
        fixture,
        &[
            "build",
            "--no-link",
            "--json",
            "-L",
            &format!("path:{flake}#{attr}"),
        ],
    );
    let json: serde_json::Value = serde_json::from_str(&json).unwrap();
    Utf8PathBuf::from(json[0]["outputs"]["out"].as_str().unwrap())
}

/// Whether the derivation of `flake#attr` against `fixture` has structured
/// attributes (Nix stores them as one `__json` environment entry).
fn is_structured(flake: &Utf8Path, attr: &str, fixture: &Utf8Path) -> bool {
    let json = common::nix_against(
        fixture,
        &["show-derivation", &format!("path:{flake}#{attr}")],
    );
    let json: serde_json::Value = serde_json::from_str(&json).unwrap();
    let drv = json.as_object().unwrap().values().next().unwrap();
    drv["env"].get("__json").is_some()
}

/// The single binary in `out/bin`.
fn binary(out: &Utf8Path) -> (String, Vec<u8>) {
    let entries: Vec<_> = std::fs::read_dir(out.join("bin"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(entries.len(), 1, "{out}/bin: {entries:?}");
    let name = entries[0]
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    (name, std::fs::read(&entries[0]).unwrap())
}

#[test]
#[ignore = "builds the example in the Nix sandbox twice (minutes); scripts/test runs it"]
fn the_example_builds_the_same_bytes_with_structured_attributes_on_and_off() {
    if !common::nix_available() {
        return;
    }
    let work = common::e2e_dir();
    let fixture = common::fixture();
    // The flake as tests/e2e.rs copies it: the builds without structured
    // attributes are the ones e2e makes.
    let flake = work.join("flake-structured-attrs");
    common::copy_example_flake(&flake);
    let structured = structured_fixture(&work, &fixture);
    for target in TARGETS {
        assert!(
            !is_structured(&flake, target, &fixture),
            "{target}: structured without the switch"
        );
        assert!(
            is_structured(&flake, target, &structured),
            "{target}: the switch did not reach the package"
        );
        let (name_off, off) = binary(&build(&flake, target, &fixture));
        let (name_on, on) = binary(&build(&flake, target, &structured));
        assert_eq!(name_off, name_on, "{target}");
        assert!(
            off == on,
            "{target}: {name_off} differs with structured attributes on"
        );
        eprintln!(
            "{target}: {name_off}, {} bytes, identical with structured attributes on and off",
            off.len()
        );
    }
}
