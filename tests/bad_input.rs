//! Bad input: every malformed or unsupported matrix is rejected with one
//! precise message naming the file, the key path and what is allowed (a
//! "did you mean" where it helps), exit code 2, no panic, and nothing written.
//!
//! Each case runs the real binary (`gen --matrix` and `targets --json
//! --matrix`) in a fresh temporary directory holding a real Go module
//! (`mod/go.mod`, `mod/cmd/app/`) and a directory without `go.mod`
//! (`nomod/`), so that only the intended error can trigger.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{json, Value};

const BIN: &str = env!("CARGO_BIN_EXE_cgoflake");

/// The matrix text of a case.
enum Input {
    /// A JSON value, written pretty-printed.
    Json(Value),
    /// Text as is (syntax errors, duplicate keys).
    Raw(String),
    /// Bytes as is (not UTF-8).
    Bytes(Vec<u8>),
}

/// What the hint line must say.
#[derive(Clone, Copy)]
enum Hint {
    /// No "did you mean" at all.
    None,
    /// `did you mean `x`?`.
    Mean(&'static str),
    /// Anything (not asserted).
    Any,
}

struct Case {
    name: &'static str,
    input: Input,
    /// The exact key path; empty for the whole file.
    key: &'static str,
    /// Substrings that must appear (what is wrong and what is allowed).
    says: &'static [&'static str],
    hint: Hint,
}

/// A valid matrix: every case breaks exactly one thing in it.
fn base() -> Value {
    json!({
        "project": {
            "pname": "app",
            "version": "1.0.0",
            "src": "mod",
            "subPackages": ["cmd/app"],
            "vendorHash": null
        },
        "targets": {
            "linux-arm64": { "goos": "linux", "goarch": "arm64" }
        }
    })
}

/// `base()` changed by `f`.
fn with(f: impl FnOnce(&mut Value)) -> Input {
    let mut v = base();
    f(&mut v);
    Input::Json(v)
}

/// `base()` with `targets` replaced.
fn targets(t: Value) -> Input {
    with(|v| v["targets"] = t)
}

/// `base()` with one field of the `linux-arm64` target set.
fn tset(field: &str, value: Value) -> Input {
    let field = field.to_owned();
    with(move |v| v["targets"]["linux-arm64"][field] = value)
}

/// `base()` with one field of `project` set.
fn pset(field: &str, value: Value) -> Input {
    let field = field.to_owned();
    with(move |v| v["project"][field] = value)
}

/// A single target named `name`.
fn named(name: &str) -> Input {
    let mut t = serde_json::Map::new();
    t.insert(
        name.to_owned(),
        json!({ "goos": "linux", "goarch": "arm64" }),
    );
    targets(Value::Object(t))
}

/// Rename key `from` to `to` inside the object at `ptr` (keeps the order).
fn rename(ptr: &'static str, from: &'static str, to: &'static str) -> Input {
    with(move |v| {
        let obj = v.pointer_mut(ptr).unwrap().as_object_mut().unwrap();
        let old = std::mem::take(obj);
        for (k, val) in old {
            obj.insert(if k == from { to.to_owned() } else { k }, val);
        }
    })
}

/// `base()` without the key at `ptr`/`field`.
fn remove(ptr: &'static str, field: &'static str) -> Input {
    with(move |v| {
        v.pointer_mut(ptr)
            .unwrap()
            .as_object_mut()
            .unwrap()
            .shift_remove(field);
    })
}

const VALID_SRI: &str = "sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=";

fn cases() -> Vec<Case> {
    let c = |name, input, key, says, hint| Case {
        name,
        input,
        key,
        says,
        hint,
    };
    use Hint::{Any, Mean, None as No};
    let base_text = serde_json::to_string_pretty(&base()).unwrap();
    let mut v = vec![
        // --- not JSON ---
        c(
            "invalid JSON",
            Input::Raw(r#"{"project": {"pname": "app",, "version": "1"}}"#.into()),
            "project",
            &["invalid JSON", "line 1 column"],
            No,
        ),
        c(
            "truncated JSON",
            Input::Raw(r#"{"project": "#.into()),
            "project",
            &["invalid JSON", "EOF"],
            No,
        ),
        c(
            "empty file",
            Input::Raw(String::new()),
            "",
            &["invalid JSON", "EOF", "a JSON object"],
            No,
        ),
        c(
            "trailing garbage",
            Input::Raw(format!("{base_text}\nxyz")),
            "",
            &["invalid JSON", "trailing characters", "line"],
            No,
        ),
        c(
            "a second value after the object",
            Input::Raw(format!("{base_text} {{}}")),
            "",
            &["trailing characters"],
            No,
        ),
        c(
            "JSON array at top level",
            Input::Raw(format!("[{base_text}]")),
            "",
            &["invalid type: sequence", "a JSON object"],
            No,
        ),
        c(
            "JSON string at top level",
            Input::Raw(r#""linux/arm64""#.into()),
            "",
            &["invalid type: string", "a JSON object"],
            No,
        ),
        c(
            "not UTF-8",
            Input::Bytes(b"{\"project\": \"\xff\xfe\"}".to_vec()),
            "",
            &["UTF-8"],
            No,
        ),
        // --- duplicate keys ---
        c(
            "duplicate top-level key",
            Input::Raw(
                r#"{"project": {"pname": "app", "version": "1", "src": "mod", "subPackages": ["cmd/app"], "vendorHash": null},
                    "project": {"pname": "app", "version": "2"},
                    "targets": {"linux-arm64": {"goos": "linux", "goarch": "arm64"}}}"#
                    .into(),
            ),
            "project",
            &["duplicate key `project`", "once"],
            No,
        ),
        c(
            "duplicate nested key",
            Input::Raw(
                r#"{"project": {"pname": "app", "version": "1", "src": "mod", "subPackages": ["cmd/app"], "vendorHash": null},
                    "targets": {"linux-arm64": {"goos": "linux", "goarch": "arm64", "goarch": "amd64"}}}"#
                    .into(),
            ),
            "targets.linux-arm64.goarch",
            &["duplicate key `goarch`"],
            No,
        ),
        c(
            "duplicate target name",
            Input::Raw(
                r#"{"project": {"pname": "app", "version": "1", "src": "mod", "subPackages": ["cmd/app"], "vendorHash": null},
                    "targets": {"linux-arm64": {"goos": "linux", "goarch": "arm64"},
                                "linux-arm64": {"goos": "linux", "goarch": "arm64", "libc": "musl"}}}"#
                    .into(),
            ),
            "targets.linux-arm64",
            &["duplicate key `linux-arm64`"],
            No,
        ),
        // --- wrong types ---
        c(
            "pname is a number",
            pset("pname", json!(5)),
            "project.pname",
            &["invalid type: integer `5`", "expected a string"],
            No,
        ),
        c(
            "goos is a bool",
            tset("goos", json!(true)),
            "targets.linux-arm64.goos",
            &["invalid type: boolean `true`", "expected a string"],
            No,
        ),
        c(
            "subPackages is a string",
            pset("subPackages", json!("cmd/app")),
            "project.subPackages",
            &["invalid type: string", "expected a list"],
            No,
        ),
        c(
            "project is null",
            with(|v| v["project"] = Value::Null),
            "project",
            &["invalid type: null", "expected an object"],
            No,
        ),
        c(
            "project as an array of its fields",
            with(|v| v["project"] = json!(["app", "1.0.0"])),
            "project",
            &["invalid type: sequence", "expected an object"],
            No,
        ),
        c(
            "a target as an array of its fields",
            targets(json!({ "linux-arm64": ["linux", "arm64"] })),
            "targets.linux-arm64",
            &["invalid type: sequence", "expected an object"],
            No,
        ),
        c(
            "stamp as an array",
            pset("stamp", json!(["main.version"])),
            "project.stamp",
            &["invalid type: sequence", "expected an object"],
            No,
        ),
        c(
            "$schema is a number",
            with(|v| v["$schema"] = json!(1)),
            "$schema",
            &["invalid type: integer `1`", "expected a string"],
            Any,
        ),
        c(
            "targets is a string",
            targets(json!("linux/arm64")),
            "targets",
            &["invalid type: string", "an object of name", "or a list"],
            No,
        ),
        c(
            "a target is a number",
            targets(json!({ "linux-arm64": 1 })),
            "targets.linux-arm64",
            &["invalid type: integer `1`", "expected an object"],
            No,
        ),
        c(
            "env value is a number",
            pset("env", json!({ "GOEXPERIMENT": 1 })),
            "project.env.GOEXPERIMENT",
            &["invalid type: integer `1`", "expected a string"],
            No,
        ),
        c(
            "pins.sqlite is a number",
            with(|v| v["pins"] = json!({ "sqlite": 3 })),
            "pins.sqlite",
            &["\"nixpkgs\" or an object"],
            No,
        ),
        c(
            "pins.sqlite is another string",
            with(|v| v["pins"] = json!({ "sqlite": "system" })),
            "pins.sqlite",
            &["\"system\"", "\"nixpkgs\" or an object"],
            No,
        ),
        c(
            "vendorHash is a number",
            pset("vendorHash", json!(1)),
            "project.vendorHash",
            &["invalid type: integer `1`", "expected a string"],
            No,
        ),
        // --- unknown keys ---
        c(
            "unknown top-level key",
            rename("", "project", "projct"),
            "projct",
            &["unknown key `projct`", "`project`", "`targets`"],
            Mean("project"),
        ),
        c(
            "unknown target key goarc",
            rename("/targets/linux-arm64", "goarch", "goarc"),
            "targets.linux-arm64.goarc",
            &["unknown key `goarc`", "`goarch`", "`goos`"],
            Mean("goarch"),
        ),
        c(
            "unknown project key (case)",
            rename("/project", "subPackages", "subpackages"),
            "project.subpackages",
            &["unknown key `subpackages`", "`subPackages`"],
            Mean("subPackages"),
        ),
        c(
            "unknown key, nothing close",
            pset("frobnicate", json!(1)),
            "project.frobnicate",
            &["unknown key `frobnicate`", "`pname`", "`vendorHash`"],
            No,
        ),
        c(
            "unknown key in stamp",
            pset("stamp", json!({ "verison": "main.version" })),
            "project.stamp.verison",
            &["unknown key `verison`", "`version`", "`buildTime`"],
            Mean("version"),
        ),
        c(
            "unknown key in defaults",
            with(|v| v["defaults"] = json!({ "glibcc": "2.28" })),
            "defaults.glibcc",
            &["unknown key `glibcc`", "`glibc`"],
            Mean("glibc"),
        ),
        c(
            "unknown key in pins.sqlite",
            with(|v| {
                v["pins"] = json!({ "sqlite": {
                    "version": "3.50.4",
                    "url": "https://sqlite.org/x.tar.gz",
                    "sha256": VALID_SRI
                }})
            }),
            "pins.sqlite.sha256",
            &["unknown key `sha256`", "`hash`"],
            Any,
        ),
        c(
            "unknown key in darwinSdk",
            with(|v| v["darwinSdk"] = json!({ "version": "14.5", "pth": "sdk.tar.xz" })),
            "darwinSdk.pth",
            &["unknown key `pth`", "`path`"],
            Mean("path"),
        ),
        // --- missing keys ---
        c(
            "missing project.pname",
            remove("/project", "pname"),
            "project.pname",
            &["required key `pname` is missing"],
            No,
        ),
        c(
            "missing project.version",
            remove("/project", "version"),
            "project.version",
            &["required key `version` is missing"],
            No,
        ),
        c(
            "missing targets",
            remove("", "targets"),
            "targets",
            &["required key `targets` is missing"],
            No,
        ),
        c(
            "missing goarch",
            remove("/targets/linux-arm64", "goarch"),
            "targets.linux-arm64.goarch",
            &["required key `goarch` is missing"],
            No,
        ),
        // --- GOOS / GOARCH ---
        c(
            "goos typo",
            tset("goos", json!("linix")),
            "targets.linux-arm64.goos",
            &["unsupported GOOS \"linix\"", "linux, windows, darwin"],
            Mean("linux"),
        ),
        c(
            "goos unsupported",
            tset("goos", json!("plan9")),
            "targets.linux-arm64.goos",
            &["unsupported GOOS \"plan9\"", "linux, windows, darwin"],
            No,
        ),
        c(
            "goarch typo",
            tset("goarch", json!("arm65")),
            "targets.linux-arm64.goarch",
            &["unsupported GOARCH \"arm65\"", "amd64, arm64, arm, 386, riscv64"],
            Mean("arm64"),
        ),
        c(
            "unsupported pair darwin/386",
            targets(json!({ "mac": { "goos": "darwin", "goarch": "386" } })),
            "targets.mac.goarch",
            &["unsupported GOARCH \"386\" for GOOS darwin", "amd64, arm64"],
            No,
        ),
        c(
            "unsupported pair windows/riscv64",
            targets(json!({ "win": { "goos": "windows", "goarch": "riscv64" } })),
            "targets.win.goarch",
            &["for GOOS windows", "amd64, arm64"],
            No,
        ),
        c(
            "goos in upper case",
            tset("goos", json!("Linux")),
            "targets.linux-arm64.goos",
            &["unsupported GOOS \"Linux\""],
            Mean("linux"),
        ),
        // --- GOARM / GOAMD64 ---
        c(
            "goarm on arm64",
            tset("goarm", json!("7")),
            "targets.linux-arm64.goarm",
            &["`goarm` applies only to goarch `arm`", "not `arm64`"],
            No,
        ),
        c(
            "goarm 8",
            targets(json!({ "pi": { "goos": "linux", "goarch": "arm", "goarm": "8" } })),
            "targets.pi.goarm",
            &["unsupported GOARM \"8\"", "5, 6, 7"],
            No,
        ),
        c(
            "goarm as a number",
            targets(json!({ "pi": { "goos": "linux", "goarch": "arm", "goarm": 7 } })),
            "targets.pi.goarm",
            &["invalid type: integer `7`", "expected a string", "\"7\""],
            No,
        ),
        c(
            "goamd64 on arm64",
            tset("goamd64", json!("v3")),
            "targets.linux-arm64.goamd64",
            &["`goamd64` applies only to goarch `amd64`", "not `arm64`"],
            No,
        ),
        c(
            "goamd64 v5",
            targets(json!({ "x": { "goos": "linux", "goarch": "amd64", "goamd64": "v5" } })),
            "targets.x.goamd64",
            &["unsupported GOAMD64 \"v5\"", "v1, v2, v3, v4"],
            Any,
        ),
        // --- libc and the glibc floor ---
        c(
            "libc typo",
            tset("libc", json!("muls")),
            "targets.linux-arm64.libc",
            &["unsupported value `muls`", "`gnu`, `musl`"],
            Mean("musl"),
        ),
        c(
            "libc uclibc",
            tset("libc", json!("uclibc")),
            "targets.linux-arm64.libc",
            &["unsupported value `uclibc`", "`gnu`, `musl`"],
            No,
        ),
        c(
            "libc on windows",
            targets(json!({ "win": { "goos": "windows", "goarch": "amd64", "libc": "musl" } })),
            "targets.win.libc",
            &["`libc` applies only to linux targets", "not windows"],
            No,
        ),
        c(
            "defaults.libc typo",
            with(|v| v["defaults"] = json!({ "libc": "glibc" })),
            "defaults.libc",
            &["unsupported value `glibc`", "`gnu`, `musl`"],
            Any,
        ),
        c(
            "glibc 2.1",
            tset("glibc", json!("2.1")),
            "targets.linux-arm64.glibc",
            &["unsupported glibc floor \"2.1\"", "2.17", "2.41", "`2.28`"],
            No,
        ),
        c(
            "glibc 3.0",
            tset("glibc", json!("3.0")),
            "targets.linux-arm64.glibc",
            &["unsupported glibc floor \"3.0\"", "2.17", "2.41"],
            No,
        ),
        c(
            "glibc 2.28.1",
            tset("glibc", json!("2.28.1")),
            "targets.linux-arm64.glibc",
            &["unsupported glibc floor \"2.28.1\"", "written like `2.28`"],
            No,
        ),
        c(
            "glibc abc",
            tset("glibc", json!("abc")),
            "targets.linux-arm64.glibc",
            &["unsupported glibc floor \"abc\"", "2.17"],
            No,
        ),
        c(
            "glibc above what zig ships",
            tset("glibc", json!("2.99")),
            "targets.linux-arm64.glibc",
            &["unsupported glibc floor \"2.99\"", "2.41"],
            No,
        ),
        c(
            "glibc below riscv64's minimum",
            targets(json!({ "rv": { "goos": "linux", "goarch": "riscv64", "glibc": "2.17" } })),
            "targets.rv.glibc",
            &["for linux/riscv64", "2.27"],
            No,
        ),
        c(
            "glibc as a number",
            tset("glibc", json!(2.28)),
            "targets.linux-arm64.glibc",
            &["invalid type: floating point `2.28`", "expected a string", "\"2.28\""],
            No,
        ),
        c(
            "defaults.glibc bad",
            with(|v| v["defaults"] = json!({ "glibc": "2.1" })),
            "defaults.glibc",
            &["unsupported glibc floor \"2.1\"", "2.17"],
            No,
        ),
        c(
            "glibc with musl",
            with(|v| {
                v["targets"]["linux-arm64"]["libc"] = json!("musl");
                v["targets"]["linux-arm64"]["glibc"] = json!("2.28");
            }),
            "targets.linux-arm64.glibc",
            &["only to linux targets with `libc: gnu`"],
            No,
        ),
        // --- darwin ---
        c(
            "macos 10.9",
            targets(json!({ "mac": { "goos": "darwin", "goarch": "arm64", "macos": "10.9" } })),
            "targets.mac.macos",
            &["unsupported macOS minimum \"10.9\"", "12.0"],
            No,
        ),
        c(
            "macos on linux",
            tset("macos", json!("12.0")),
            "targets.linux-arm64.macos",
            &["`macos` applies only to darwin targets"],
            No,
        ),
        c(
            "osxcross without SDK",
            targets(json!({ "mac": { "goos": "darwin", "goarch": "arm64", "toolchain": "osxcross" } })),
            "targets.mac.toolchain",
            &["`toolchain: osxcross` needs a macOS SDK", "`darwinSdk` is not set", "gen_sdk_package"],
            No,
        ),
        c(
            "darwinLinker sdk without SDK",
            targets(json!({ "mac": { "goos": "darwin", "goarch": "arm64", "darwinLinker": "sdk" } })),
            "targets.mac.darwinLinker",
            &["`darwinLinker: sdk` needs a macOS SDK", "`darwinSdk` is not set", "stubs"],
            No,
        ),
        c(
            "osxcross for linux",
            tset("toolchain", json!("osxcross")),
            "targets.linux-arm64.toolchain",
            &["`osxcross` builds only darwin targets", "`zig`"],
            No,
        ),
        c(
            "toolchain typo",
            targets(json!({ "mac": { "goos": "darwin", "goarch": "arm64", "toolchain": "osxcros" } })),
            "targets.mac.toolchain",
            &["unsupported value `osxcros`", "`zig`, `osxcross`"],
            Mean("osxcross"),
        ),
        c(
            "darwinSdk without url or path",
            with(|v| v["darwinSdk"] = json!({ "version": "14.5" })),
            "darwinSdk",
            &["either `url` + `hash`, or `path`"],
            No,
        ),
        c(
            "darwinSdk hash is sha1",
            with(|v| {
                v["darwinSdk"] = json!({
                    "version": "14.5",
                    "url": "https://example.com/sdk.tar.xz",
                    "hash": "sha1-2jmj7l5rSw0yVb/vlWAYkK/YBwk="
                })
            }),
            "darwinSdk.hash",
            &["malformed hash", "only sha256", "sha256-"],
            No,
        ),
        c(
            "darwinSdk path outside",
            with(|v| v["darwinSdk"] = json!({ "version": "14.5", "path": "../sdk.tar.xz" })),
            "darwinSdk.path",
            &["outside", "relative path without `..`"],
            No,
        ),
        // --- target names ---
        c(
            "empty target name",
            named(""),
            "targets.\"\"",
            &["target name \"\" is not allowed", "1-64 characters"],
            No,
        ),
        c(
            "target name with a slash",
            named("linux/arm64"),
            "targets.\"linux/arm64\"",
            &["target name \"linux/arm64\" is not allowed", "letters, digits, `-` or `_`"],
            No,
        ),
        c(
            "target name ..",
            named(".."),
            "targets.\"..\"",
            &["target name \"..\" is not allowed"],
            No,
        ),
        c(
            "target name ../x",
            named("../x"),
            "targets.\"../x\"",
            &["target name \"../x\" is not allowed"],
            No,
        ),
        c(
            "target name with a backslash",
            named("a\\b"),
            "targets.\"a\\\\b\"",
            &["is not allowed"],
            No,
        ),
        c(
            "target name with a dot",
            named("linux.arm64"),
            "targets.\"linux.arm64\"",
            &["is not allowed", "letters, digits, `-` or `_`"],
            No,
        ),
        c(
            "target name with a space",
            named("linux arm64"),
            "targets.\"linux arm64\"",
            &["is not allowed"],
            No,
        ),
        c(
            "target name with Nix interpolation",
            named("${x}"),
            "targets.\"${x}\"",
            &["is not allowed"],
            No,
        ),
        c(
            "target name starting with a digit",
            named("64bit"),
            "targets.64bit",
            &["is not allowed", "a letter first"],
            No,
        ),
        c(
            "target name starting with -",
            named("-x"),
            "targets.-x",
            &["is not allowed", "a letter first"],
            No,
        ),
        c(
            "target name not ASCII",
            named("linüx"),
            "targets.\"linüx\"",
            &["is not allowed"],
            No,
        ),
        c(
            "target name reserved",
            named("all"),
            "targets.all",
            &["target name `all` is reserved", "all, default"],
            No,
        ),
        c(
            "target name default",
            named("default"),
            "targets.default",
            &["is reserved"],
            No,
        ),
        // --- short form ---
        c(
            "empty targets object",
            targets(json!({})),
            "targets",
            &["no targets", "at least one"],
            No,
        ),
        c(
            "empty targets list",
            targets(json!([])),
            "targets",
            &["no targets", "at least one"],
            No,
        ),
        c(
            "short form without goarch",
            targets(json!(["linux"])),
            "targets[0]",
            &["\"linux\" is not a short target", "`goos/goarch`", "`goos/goarch/musl`"],
            No,
        ),
        c(
            "short form with uclibc",
            targets(json!(["linux/amd64", "linux/arm64/uclibc"])),
            "targets[1]",
            &["\"linux/arm64/uclibc\" is not a short target", "musl"],
            No,
        ),
        c(
            "short form with ..",
            targets(json!(["../../x"])),
            "targets[0]",
            &["is not a short target"],
            No,
        ),
        c(
            "short form listed twice",
            targets(json!(["linux/arm64", "windows/amd64", "linux/arm64"])),
            "targets[2]",
            &["`linux/arm64` is listed twice", "targets[0]"],
            No,
        ),
        c(
            "short form goarch typo",
            targets(json!(["linux/amd64", "linux/arm65"])),
            "targets[1]",
            &["unsupported GOARCH \"arm65\"", "amd64, arm64"],
            Mean("arm64"),
        ),
        c(
            "short form goos typo",
            targets(json!(["linix/arm64"])),
            "targets[0]",
            &["unsupported GOOS \"linix\"", "linux, windows, darwin"],
            Mean("linux"),
        ),
        c(
            "short form musl on windows",
            targets(json!(["windows/amd64/musl"])),
            "targets[0]",
            &["`libc` applies only to linux targets"],
            No,
        ),
        c(
            "short form item is a number",
            targets(json!(["linux/arm64", 5])),
            "targets[1]",
            &["invalid type: integer `5`", "expected a string"],
            No,
        ),
        c(
            "short form upper case",
            targets(json!(["Linux/ARM64"])),
            "targets[0]",
            &["unsupported GOOS \"Linux\""],
            Mean("linux"),
        ),
        // --- src and subPackages ---
        c(
            "src absolute",
            pset("src", json!("/tmp")),
            "project.src",
            &["\"/tmp\" is outside", "relative path without `..`"],
            No,
        ),
        c(
            "src ../x",
            pset("src", json!("../x")),
            "project.src",
            &["\"../x\" is outside", "relative path without `..`"],
            No,
        ),
        c(
            "src inside then out",
            pset("src", json!("mod/../../x")),
            "project.src",
            &["is outside"],
            No,
        ),
        c(
            "src empty",
            pset("src", json!("")),
            "project.src",
            &["an empty path is not allowed", "e.g. `.`"],
            No,
        ),
        c(
            "src without go.mod",
            pset("src", json!("nomod")),
            "project.src",
            &["\"nomod\" holds no go.mod", "the Go module directory"],
            No,
        ),
        c(
            "src does not exist",
            pset("src", json!("missing")),
            "project.src",
            &["\"missing\" holds no go.mod"],
            No,
        ),
        c(
            "src with Nix-unsafe characters",
            pset("src", json!("mod dir")),
            "project.src",
            &["characters a Nix path cannot hold"],
            No,
        ),
        c(
            "subPackages ../x",
            pset("subPackages", json!(["../x"])),
            "project.subPackages[0]",
            &["\"../x\" is outside the module", "relative path without `..`"],
            No,
        ),
        c(
            "subPackages absolute",
            pset("subPackages", json!(["cmd/app", "/abs"])),
            "project.subPackages[1]",
            &["\"/abs\" is outside the module"],
            No,
        ),
        c(
            "subPackages nonexistent",
            pset("subPackages", json!(["cmd/nope"])),
            "project.subPackages[0]",
            &["\"cmd/nope\" is not a directory of the module"],
            No,
        ),
        c(
            "subPackages empty",
            pset("subPackages", json!([])),
            "project.subPackages",
            &["at least one main package"],
            No,
        ),
        // --- hashes ---
        c(
            "vendorHash sha512",
            pset(
                "vendorHash",
                json!("sha512-z4PhNX7vuL3xVChQ1m2AB9Yg5AULVxXcg/SpIdNs6c5H0NE8XYXysP+DGNKHfuwvY7kxvUdBeoGlODJ6+SfaPg=="),
            ),
            "project.vendorHash",
            &["malformed hash", "only sha256", "`\"auto\"`", "`null`"],
            No,
        ),
        c(
            "vendorHash bad base64",
            pset("vendorHash", json!(format!("sha256-{}", "!".repeat(43) + "="))),
            "project.vendorHash",
            &["malformed hash", "32 bytes", "base64"],
            No,
        ),
        c(
            "vendorHash sha256-short",
            pset("vendorHash", json!("sha256-short")),
            "project.vendorHash",
            &["malformed hash \"sha256-short\"", "32 bytes"],
            No,
        ),
        c(
            "vendorHash hex",
            pset(
                "vendorHash",
                json!("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
            ),
            "project.vendorHash",
            &["malformed hash", "sha256-<base64>"],
            No,
        ),
        c(
            "vendorHash empty",
            pset("vendorHash", json!("")),
            "project.vendorHash",
            &["malformed hash \"\"", "sha256-<base64>"],
            No,
        ),
        c(
            "vendorHash sha256 without padding",
            pset("vendorHash", json!(VALID_SRI.trim_end_matches('='))),
            "project.vendorHash",
            &["malformed hash", "has 43 characters", "44"],
            No,
        ),
        c(
            "pins.sqlite.hash malformed",
            with(|v| {
                v["pins"] = json!({ "sqlite": {
                    "version": "3.50.4",
                    "url": "https://sqlite.org/x.tar.gz",
                    "hash": "sha256-AAAA"
                }})
            }),
            "pins.sqlite.hash",
            &["malformed hash \"sha256-AAAA\""],
            No,
        ),
        c(
            "pins.sqlite.url not http",
            with(|v| {
                v["pins"] = json!({ "sqlite": {
                    "version": "3.50.4",
                    "url": "ftp://sqlite.org/x.tar.gz",
                    "hash": VALID_SRI
                }})
            }),
            "pins.sqlite.url",
            &["is not an http(s) URL"],
            No,
        ),
        // --- Zig ---
        c(
            "zig version without a hash",
            with(|v| v["pins"] = json!({ "zig": "0.13.0" })),
            "pins.zig",
            &["no tarball hashes for Zig \"0.13.0\"", "0.15.2"],
            Any,
        ),
        c(
            "zig version typo",
            with(|v| v["pins"] = json!({ "zig": "0.15.1" })),
            "pins.zig",
            &["no tarball hashes for Zig \"0.15.1\"", "known: 0.15.2"],
            Mean("0.15.2"),
        ),
        c(
            "zig as a number",
            with(|v| v["pins"] = json!({ "zig": 0.15 })),
            "pins.zig",
            &["invalid type: floating point `0.15`", "expected a string"],
            No,
        ),
        c(
            "sqliteDefines with -D",
            with(|v| v["pins"] = json!({ "sqliteDefines": ["-DSQLITE_X"] })),
            "pins.sqliteDefines[0]",
            &["is not a C define"],
            No,
        ),
        // --- env, tags, names, stamps ---
        c(
            "env GOOS reserved",
            pset("env", json!({ "GOOS": "plan9" })),
            "project.env.GOOS",
            &["`GOOS` is set by cgoflake per target", "reserved: GOOS, GOARCH", "`goos` and `goarch`"],
            No,
        ),
        c(
            "env CGO_LDFLAGS reserved",
            pset("env", json!({ "CGO_LDFLAGS": "-lfoo" })),
            "project.env.CGO_LDFLAGS",
            &["`CGO_LDFLAGS` is set by cgoflake", "`cflags`/`ldflags`"],
            No,
        ),
        c(
            "env lower-case",
            pset("env", json!({ "lower": "x" })),
            "project.env.lower",
            &["\"lower\" is not an environment variable name", "A-Z, 0-9 and `_`"],
            No,
        ),
        c(
            "env name empty",
            pset("env", json!({ "": "x" })),
            "project.env.\"\"",
            &["is not an environment variable name"],
            No,
        ),
        c(
            "tag with a space",
            pset("tags", json!(["netgo", "os user"])),
            "project.tags[1]",
            &["\"os user\" is not a Go build tag"],
            No,
        ),
        c(
            "pname with a space",
            pset("pname", json!("my app")),
            "project.pname",
            &["\"my app\" is not a valid package name", "letters, digits"],
            No,
        ),
        c(
            "pname empty",
            pset("pname", json!("")),
            "project.pname",
            &["\"\" is not a valid package name"],
            No,
        ),
        c(
            "version with a quote",
            pset("version", json!("1\"")),
            "project.version",
            &["is not a valid version"],
            No,
        ),
        c(
            "go attribute with a space",
            pset("go", json!("go 1.25")),
            "project.go",
            &["is not a nixpkgs attribute name", "go_1_25"],
            No,
        ),
        c(
            "stamp without a package",
            pset("stamp", json!({ "version": "version" })),
            "project.stamp.version",
            &["is not a Go variable for `-X`", "main.version"],
            No,
        ),
        c(
            "cflags with a space",
            tset("cflags", json!(["-O3 -g"])),
            "targets.linux-arm64.cflags[0]",
            &["one flag per list item"],
            No,
        ),
        c(
            "defaults.cflags with a space",
            with(|v| v["defaults"] = json!({ "cflags": ["-DA=1 -DB=2"] })),
            "defaults.cflags[0]",
            &["one flag per list item"],
            No,
        ),
        c(
            "defaults.ldflags empty flag",
            with(|v| v["defaults"] = json!({ "ldflags": ["-lm", ""] })),
            "defaults.ldflags[1]",
            &["one flag per list item"],
            No,
        ),
        c(
            "subPackages empty string",
            pset("subPackages", json!([""])),
            "project.subPackages[0]",
            &["an empty path is not allowed"],
            No,
        ),
        c(
            "darwinSdk url without hash",
            with(|v| v["darwinSdk"] = json!({ "version": "14.5", "url": "https://example.com/sdk.tar.xz" })),
            "darwinSdk.hash",
            &["required with `url`"],
            No,
        ),
        c(
            "short form empty string",
            targets(json!([""])),
            "targets[0]",
            &["\"\" is not a short target"],
            No,
        ),
        c(
            "defaultTarget typo",
            pset("defaultTarget", json!("linux-arm46")),
            "project.defaultTarget",
            &["no target named `linux-arm46`", "targets: linux-arm64"],
            Mean("linux-arm64"),
        ),
        c(
            "defaultTarget unrelated",
            pset("defaultTarget", json!("windows")),
            "project.defaultTarget",
            &["no target named `windows`", "targets: linux-arm64"],
            No,
        ),
    ];
    v.push(c(
        "target name too long",
        named(&"a".repeat(65)),
        "",
        &["is not allowed", "1-64 characters"],
        No,
    ));
    v
}

/// Every file and directory under `dir` with its content (directories: empty).
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(d) = stack.pop() {
        for entry in fs::read_dir(&d).unwrap() {
            let p = entry.unwrap().path();
            if p.is_dir() {
                stack.push(p.clone());
                out.insert(p, Vec::new());
            } else {
                let content = fs::read(&p).unwrap();
                out.insert(p, content);
            }
        }
    }
    out
}

/// A fresh directory with a real Go module and the matrix of `input`.
fn setup(input: &Input) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fs::create_dir_all(d.join("mod/cmd/app")).unwrap();
    fs::write(d.join("mod/go.mod"), "module example.com/app\n\ngo 1.25\n").unwrap();
    fs::write(
        d.join("mod/cmd/app/main.go"),
        "package main\n\nfunc main() {}\n",
    )
    .unwrap();
    fs::create_dir_all(d.join("nomod/cmd/app")).unwrap();
    fs::write(d.join("nomod/README"), "no go.mod here\n").unwrap();
    let file = d.join("cgoflake.json");
    match input {
        Input::Json(v) => fs::write(&file, serde_json::to_string_pretty(v).unwrap()),
        Input::Raw(s) => fs::write(&file, s),
        Input::Bytes(b) => fs::write(&file, b),
    }
    .unwrap();
    (dir, file)
}

/// Run `args` and return (exit code, stderr, stdout).
fn run(args: &[&str], cwd: &Path) -> (Option<i32>, String, String) {
    let out = Command::new(BIN)
        .args(args)
        .current_dir(cwd)
        // vendorHash "auto" would run `go`; no case may get that far, and
        // the cache must not land in the temporary directory.
        .env(
            "XDG_CACHE_HOME",
            std::env::temp_dir().join("cgoflake-bad-input-cache"),
        )
        .env_remove("RUST_BACKTRACE")
        .output()
        .expect("run cgoflake");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

/// Every problem with one command's result, or none.
fn check(case: &Case, file: &str, code: Option<i32>, stderr: &str, stdout: &str) -> Vec<String> {
    let mut problems = Vec::new();
    if code != Some(2) {
        problems.push(format!("exit code {code:?}, want 2"));
    }
    if stderr.contains("panicked") || stderr.contains("RUST_BACKTRACE") {
        problems.push("panicked".to_owned());
    }
    if !stdout.is_empty() {
        problems.push(format!("printed to stdout: {stdout:?}"));
    }
    let prefix = format!("error: {file}: ");
    match stderr.strip_prefix(&prefix) {
        None => problems.push(format!("stderr does not start with {prefix:?}")),
        Some(rest) => {
            if !case.key.is_empty() && !rest.starts_with(&format!("{}: ", case.key)) {
                problems.push(format!("key path is not `{}`", case.key));
            }
        }
    }
    // One message: the error line and at most one help line.
    let lines: Vec<&str> = stderr.lines().collect();
    if lines.len() > 2 || (lines.len() == 2 && !lines[1].starts_with("  help: ")) {
        problems.push(format!("more than one message ({} lines)", lines.len()));
    }
    for s in case.says {
        if !stderr.contains(s) {
            problems.push(format!("does not say {s:?}"));
        }
    }
    match case.hint {
        Hint::Mean(x) => {
            let want = format!("did you mean `{x}`?");
            if !stderr.contains(&want) {
                problems.push(format!("no {want:?}"));
            }
        }
        Hint::None => {
            if stderr.contains("did you mean") {
                problems.push("has an unexpected \"did you mean\"".to_owned());
            }
        }
        Hint::Any => {}
    }
    problems
}

#[test]
fn bad_matrices_are_rejected_precisely() {
    let mut failures = Vec::new();
    // BAD_INPUT_SHOW=1 prints every message, to review their wording.
    let show = std::env::var_os("BAD_INPUT_SHOW").is_some();
    let cases = cases();
    assert!(cases.len() > 100, "{} cases", cases.len());
    for case in &cases {
        let (dir, file) = setup(&case.input);
        let file_s = file.to_str().unwrap();
        let before = snapshot(dir.path());
        let mut outputs = Vec::new();
        for args in [
            &["gen", "--matrix", file_s][..],
            &["targets", "--json", "--matrix", file_s][..],
        ] {
            let (code, stderr, stdout) = run(args, dir.path());
            if show && args[0] == "gen" {
                eprintln!("[{}]\n{stderr}", case.name);
            }
            for p in check(case, file_s, code, &stderr, &stdout) {
                failures.push(format!(
                    "[{}] `{}`: {p}\n    stderr: {}",
                    case.name,
                    args[0],
                    stderr.trim_end().replace('\n', "\n            ")
                ));
            }
            outputs.push(stderr);
        }
        if outputs[0] != outputs[1] {
            failures.push(format!(
                "[{}] `gen` and `targets` disagree:\n    {}\n    {}",
                case.name,
                outputs[0].trim_end(),
                outputs[1].trim_end()
            ));
        }
        let after = snapshot(dir.path());
        if before != after {
            let new: Vec<_> = after.keys().filter(|k| !before.contains_key(*k)).collect();
            failures.push(format!(
                "[{}] the directory changed; new: {new:?}",
                case.name
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} problems in {} cases:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

#[test]
fn long_target_name_key_is_reported() {
    let name = "a".repeat(65);
    let (dir, file) = setup(&named(&name));
    let (code, stderr, _) = run(&["gen", "--matrix", file.to_str().unwrap()], dir.path());
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains(&format!(": targets.{name}: ")), "{stderr}");
}

#[test]
fn missing_matrix_file_is_bad_input() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("cgoflake.json");
    let file_s = file.to_str().unwrap();
    for args in [
        &["gen", "--matrix", file_s][..],
        &["targets", "--json", "--matrix", file_s][..],
    ] {
        let (code, stderr, _) = run(args, dir.path());
        assert_eq!(code, Some(2), "{stderr}");
        assert!(
            stderr.starts_with(&format!("error: {file_s}: ")),
            "{stderr}"
        );
        assert!(stderr.contains("cannot read the matrix"), "{stderr}");
        assert!(stderr.contains("cgoflake init"), "{stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
    assert!(fs::read_dir(dir.path()).unwrap().next().is_none());
}

#[test]
fn the_base_matrix_is_valid() {
    // Guards the table: every case must fail only because of its one change.
    let (dir, file) = setup(&Input::Json(base()));
    let (code, stderr, stdout) = run(
        &["targets", "--json", "--matrix", file.to_str().unwrap()],
        dir.path(),
    );
    assert_eq!(code, Some(0), "{stderr}");
    let plan: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(plan["targets"][0]["name"], "linux-arm64");
    // `$schema` is the one extra key accepted.
    let (dir, file) = setup(&with(|v| v["$schema"] = json!("./cgoflake.schema.json")));
    let (code, stderr, _) = run(
        &["targets", "--json", "--matrix", file.to_str().unwrap()],
        dir.path(),
    );
    assert_eq!(code, Some(0), "{stderr}");
}
