//! `cgoflake init` on small temporary Go modules (offline: no module needs
//! the network; a CGO dependency comes through a local `replace`), scanned
//! for every GOOS of the starter targets. `init`
//! asks `go`: without Go a test says so and stops, or fails in CI
//! (tests/common).

mod common;

use common::{temp_dir as temp, write_file as write};

use std::process::{Command, Output};

use camino::Utf8Path;
use cgoflake::platform::Goos;

fn cgoflake(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cgoflake"))
        .args(args)
        .env("GOPROXY", "off")
        .output()
        .unwrap()
}

fn init_in(dir: &Utf8Path, extra: &[&str]) -> Output {
    let mut args = vec!["init", "--dir", dir.as_str()];
    args.extend_from_slice(extra);
    cgoflake(&args)
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

const CGO_MAIN: &str = r#"package main

/*
static int answer(void) { return 42; }
*/
import "C"

import "fmt"

func main() { fmt.Println(int(C.answer())) }
"#;

/// A module with a cgo main at the root, a pure-Go tool in cmd/, a library,
/// and main packages in directories Go ignores.
fn cgo_module(dir: &Utf8Path, go_line: &str) {
    write(
        &dir.join("go.mod"),
        &format!("module example.com/acme/my_tool/v2\n\ngo {go_line}\n"),
    );
    write(&dir.join("main.go"), CGO_MAIN);
    write(
        &dir.join("cmd/helper/main.go"),
        "package main\n\nfunc main() {}\n",
    );
    write(&dir.join("lib/lib.go"), "package lib\n\nconst X = 1\n");
    write(
        &dir.join("testdata/fake/main.go"),
        "package main\n\nfunc main() {}\n",
    );
    write(
        &dir.join("_attic/old/main.go"),
        "package main\n\nfunc main() {}\n",
    );
}

fn load_and_resolve(matrix: &Utf8Path) -> cgoflake::plan::Plan {
    let text = std::fs::read_to_string(matrix).unwrap();
    let m = cgoflake::matrix::parse(matrix, &text).unwrap_or_else(|e| panic!("{e}\n{text}"));
    cgoflake::plan::resolve(&m, matrix, matrix.parent().unwrap())
        .unwrap_or_else(|e| panic!("{e}\n{text}"))
}

#[test]
fn a_cgo_module_gets_a_matrix_that_parses_and_resolves() {
    if !common::go_available() {
        return;
    }
    let (_t, dir) = temp();
    cgo_module(&dir, "1.24");
    let out = init_in(&dir, &[]);
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert!(out.status.success(), "{stdout}\n{stderr}");

    // What it found, and what to do next.
    assert!(
        stdout.contains("module:        example.com/acme/my_tool/v2"),
        "{stdout}"
    );
    assert!(stdout.contains("main packages: ., cmd/helper"), "{stdout}");
    assert!(
        stdout.contains("example.com/acme/my_tool/v2 (this module; used by .)"),
        "{stdout}"
    );
    assert!(stdout.contains("cgoflake gen"), "{stdout}");
    // The platforms the starter matrix leaves out are offered by name.
    assert!(
        stdout.contains("more platforms to add to `targets`: linux/arm, linux/386")
            && stdout.contains("freebsd/amd64")
            && stdout.contains("netbsd/arm64"),
        "{stdout}"
    );
    assert!(stdout.contains("nix build .#linux-arm64"), "{stdout}");
    assert!(!stderr.contains("warning"), "{stderr}");
    // The same cgo set on every GOOS, nothing for darwin or vendoring.
    assert!(!stdout.contains("differ by GOOS"), "{stdout}");
    assert!(!stdout.contains("only for"), "{stdout}");
    assert!(!stdout.contains("darwin targets need"), "{stdout}");
    assert!(!stdout.contains("vendoring"), "{stdout}");

    let matrix = dir.join("cgoflake.json");
    let plan = load_and_resolve(&matrix);
    let m = cgoflake::matrix::load(&matrix).unwrap();
    assert_eq!(m.project.pname, "my_tool");
    assert_eq!(m.project.version, "0.1.0");
    assert_eq!(m.project.src.as_str(), ".");
    assert_eq!(m.project.sub_packages, [".", "cmd/helper"]);
    assert_eq!(m.project.vendor_hash.as_deref(), Some("auto"));
    assert!(m.project.go.as_deref().unwrap().starts_with("1.25."));
    assert!(m.project.stamp.version.is_none() && m.project.stamp.commit.is_none());
    let mut names: Vec<&str> = plan.targets.iter().map(|t| t.name.as_str()).collect();
    names.sort();
    assert_eq!(
        names,
        [
            "darwin-amd64",
            "darwin-arm64",
            "linux-amd64",
            "linux-amd64-musl",
            "linux-arm64",
            "linux-arm64-musl",
            "windows-amd64",
            "windows-arm64"
        ]
    );
    for t in &plan.targets {
        if t.target.goos() == Goos::Linux && !t.name.ends_with("-musl") {
            let glibc = t.target.libc.as_ref().and_then(|l| l.glibc());
            assert_eq!(glibc.map(|v| v.as_str()), Some("2.28"), "{}", t.name);
        }
        if t.name.ends_with("-musl") {
            assert!(t.target.static_binary(), "{}", t.name);
        }
    }
    // Every target is written in the long form.
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&matrix).unwrap()).unwrap();
    assert!(json["targets"]
        .as_object()
        .unwrap()
        .values()
        .all(|v| v.is_object()));
    // No temporary files are left behind.
    let leftovers: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with(".cgoflake-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn output_is_deterministic() {
    if !common::go_available() {
        return;
    }
    let (_t, a) = temp();
    let (_u, b) = temp();
    cgo_module(&a, "1.25.1");
    cgo_module(&b, "1.25.1");
    assert!(init_in(&a, &[]).status.success());
    assert!(init_in(&b, &[]).status.success());
    let first = std::fs::read(a.join("cgoflake.json")).unwrap();
    assert_eq!(first, std::fs::read(b.join("cgoflake.json")).unwrap());
    assert!(init_in(&a, &["--force"]).status.success());
    assert_eq!(first, std::fs::read(a.join("cgoflake.json")).unwrap());
}

#[test]
fn project_go_pins_the_release_go_mod_asks_for() {
    if !common::go_available() {
        return;
    }
    let newest_125 = cgoflake::pins::GO_RELEASES
        .iter()
        .rev()
        .find(|r| r.version.starts_with("1.25."))
        .unwrap()
        .version;
    // An older `go` line gets the oldest minor held; a held `toolchain` line
    // wins; either way the pin is written out.
    for (go_mod_lines, want) in [
        ("go 1.21\n", newest_125),
        ("go 1.25.1\n", newest_125),
        ("go 1.25.1\n\ntoolchain go1.26.8\n", "1.26.8"),
    ] {
        let (_t, dir) = temp();
        cgo_module(&dir, "1.25.1");
        write(
            &dir.join("go.mod"),
            &format!("module example.com/acme/my_tool/v2\n\n{go_mod_lines}"),
        );
        let out = init_in(&dir, &[]);
        assert!(out.status.success(), "{}", text(&out.stderr));
        assert!(
            !text(&out.stderr).contains("warning"),
            "{}",
            text(&out.stderr)
        );
        let m = cgoflake::matrix::load(&dir.join("cgoflake.json")).unwrap();
        assert_eq!(m.project.go.as_deref(), Some(want), "{go_mod_lines}");
        assert!(text(&out.stdout).contains(&format!("-> {want}")));
    }
}

#[test]
fn a_cgo_dependency_is_reported_by_package_and_module() {
    if !common::go_available() {
        return;
    }
    let (_t, root) = temp();
    let dep = root.join("cdep");
    write(&dep.join("go.mod"), "module example.com/cdep\n\ngo 1.24\n");
    write(
        &dep.join("cdep.go"),
        "package cdep\n\n// static int one(void) { return 1; }\nimport \"C\"\n\nfunc One() int { return int(C.one()) }\n",
    );
    let app = root.join("app");
    write(
        &app.join("go.mod"),
        "module example.com/app\n\ngo 1.24\n\nrequire example.com/cdep v0.0.0\n\nreplace example.com/cdep => ../cdep\n",
    );
    write(
        &app.join("cmd/app/main.go"),
        "package main\n\nimport \"example.com/cdep\"\n\nfunc main() { println(cdep.One()) }\n",
    );
    write(
        &app.join("cmd/pure/main.go"),
        "package main\n\nfunc main() {}\n",
    );
    let out = init_in(&app, &[]);
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{stdout}\n{}", text(&out.stderr));
    assert!(
        stdout.contains("example.com/cdep (dependency example.com/cdep; used by cmd/app)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("main packages: cmd/app, cmd/pure"),
        "{stdout}"
    );
    load_and_resolve(&app.join("cgoflake.json"));
}

#[test]
fn every_starter_goos_is_scanned_and_findings_say_what_to_do() {
    if !common::go_available() {
        return;
    }
    let (_t, root) = temp();
    // cdep: cgo everywhere, C sources in a directory that is no package
    // (`go mod vendor` drops it); on darwin also a framework.
    let dep = root.join("cdep");
    write(&dep.join("go.mod"), "module example.com/cdep\n\ngo 1.24\n");
    write(
        &dep.join("cdep.go"),
        "package cdep\n\n// #include \"csrc/one.c\"\nimport \"C\"\n\nfunc One() int { return int(C.one()) }\n",
    );
    write(
        &dep.join("csrc/one.c"),
        "static int one(void) { return 1; }\n",
    );
    // macproxy: cgo on darwin only.
    write(
        &dep.join("macproxy/proxy_darwin.go"),
        "package macproxy\n\n// #cgo LDFLAGS: -framework CoreFoundation -framework CFNetwork\n\
         // #include <CFNetwork/CFProxySupport.h>\nimport \"C\"\n",
    );
    write(
        &dep.join("macproxy/proxy.go"),
        "package macproxy\n\nconst X = 1\n",
    );
    let app = root.join("app");
    write(
        &app.join("go.mod"),
        "module example.com/app\n\ngo 1.24\n\nrequire example.com/cdep v0.0.0\n\nreplace example.com/cdep => ../cdep\n",
    );
    write(
        &app.join("main.go"),
        "package main\n\nimport (\n\t\"example.com/cdep\"\n\t_ \"example.com/cdep/macproxy\"\n)\n\nfunc main() { println(cdep.One()) }\n",
    );
    let out = init_in(&app, &[]);
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert!(
        stdout.contains("example.com/cdep (dependency example.com/cdep; used by .)\n"),
        "{stdout}"
    );
    assert!(
        stdout.contains(
            "example.com/cdep/macproxy (dependency example.com/cdep; used by .; only for darwin)"
        ),
        "{stdout}"
    );
    assert!(
        stdout.contains(
            "CGO packages differ by GOOS:\n  linux: example.com/cdep\n  windows: example.com/cdep\n  \
             darwin: example.com/cdep, example.com/cdep/macproxy\n"
        ),
        "{stdout}"
    );
    assert!(stdout.contains("darwin targets need an SDK:\n"), "{stdout}");
    assert!(
        stdout.contains(
            "  - example.com/cdep/macproxy (darwin/amd64, darwin/arm64) includes \
             <CFNetwork/CFProxySupport.h>: the SDK-free darwin path has no Apple framework \
             headers; set `darwinSdk` in cgoflake.json"
        ),
        "{stdout}"
    );
    assert!(stdout.contains("links `-framework CFNetwork`"), "{stdout}");
    assert!(!stdout.contains("-framework CoreFoundation`"), "{stdout}");
    assert!(
        stdout.contains(
            "vendoring (handled by `cgoflake gen`: proxyVendor is chosen automatically):\n  \
             - example.com/cdep (example.com/cdep) needs csrc/one.c (`#include \"csrc/one.c\"` in cdep.go)"
        ),
        "{stdout}"
    );
    assert!(!stderr.contains("warning"), "{stderr}");
    load_and_resolve(&app.join("cgoflake.json"));
}

#[test]
fn a_module_without_cgo_says_so() {
    if !common::go_available() {
        return;
    }
    let (_t, dir) = temp();
    write(&dir.join("go.mod"), "module example.com/pure\n\ngo 1.25\n");
    write(&dir.join("main.go"), "package main\n\nfunc main() {}\n");
    let out = init_in(&dir, &[]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("CGO packages:  none found"),
        "{}",
        text(&out.stdout)
    );
}

#[test]
fn a_module_without_a_main_package_is_an_error() {
    if !common::go_available() {
        return;
    }
    let (_t, dir) = temp();
    write(
        &dir.join("go.mod"),
        "module example.com/onlylib\n\ngo 1.25\n",
    );
    write(&dir.join("lib.go"), "package onlylib\n\nconst X = 1\n");
    write(
        &dir.join("testdata/x/main.go"),
        "package main\n\nfunc main() {}\n",
    );
    let out = init_in(&dir, &[]);
    assert!(!out.status.success());
    let stderr = text(&out.stderr);
    assert!(stderr.contains("no main package"), "{stderr}");
    assert!(stderr.contains("example.com/onlylib"), "{stderr}");
    assert!(!dir.join("cgoflake.json").exists());
}

#[test]
fn an_existing_matrix_is_kept_unless_forced() {
    if !common::go_available() {
        return;
    }
    let (_t, dir) = temp();
    cgo_module(&dir, "1.25");
    let matrix = dir.join("cgoflake.json");
    write(&matrix, "{ \"mine\": true }\n");
    let out = init_in(&dir, &[]);
    assert!(!out.status.success());
    let stderr = text(&out.stderr);
    assert!(stderr.contains("refusing to overwrite"), "{stderr}");
    assert!(stderr.contains("--force"), "{stderr}");
    assert_eq!(
        std::fs::read_to_string(&matrix).unwrap(),
        "{ \"mine\": true }\n"
    );

    let out = init_in(&dir, &["--force"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).starts_with("replaced "),
        "{}",
        text(&out.stdout)
    );
    load_and_resolve(&matrix);
}

#[test]
fn a_directory_without_go_mod_is_an_error_naming_it() {
    let (_t, dir) = temp();
    write(&dir.join("main.go"), "package main\n\nfunc main() {}\n");
    let out = init_in(&dir, &[]);
    assert!(!out.status.success());
    let stderr = text(&out.stderr);
    let shown = dir.canonicalize_utf8().unwrap();
    assert!(stderr.contains(shown.as_str()), "{stderr}");
    assert!(stderr.contains("go mod init"), "{stderr}");
    assert!(!dir.join("cgoflake.json").exists());

    // Inside a module's subdirectory, the module is suggested.
    let (_u, root) = temp();
    cgo_module(&root, "1.25");
    let out = init_in(&root.join("cmd/helper"), &[]);
    assert!(!out.status.success());
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains(&format!("--dir {}", root.canonicalize_utf8().unwrap())),
        "{stderr}"
    );
}

#[test]
fn init_then_gen_writes_a_flake() {
    if !common::go_available() {
        return;
    }
    let (_t, dir) = temp();
    cgo_module(&dir, "1.25");
    assert!(init_in(&dir, &[]).status.success());
    // No dependencies: vendorHash "auto" resolves to null, no network needed.
    let matrix = dir.join("cgoflake.json");
    let out = Command::new(env!("CARGO_BIN_EXE_cgoflake"))
        .args(["gen", "--matrix", matrix.as_str()])
        .env("GOPROXY", "off")
        .env("XDG_CACHE_HOME", dir.join(".cache"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let plan_nix = std::fs::read_to_string(dir.join("nix/plan.nix")).unwrap();
    assert!(plan_nix.contains("vendorHash = null"), "{plan_nix}");
    assert!(dir.join("flake.nix").is_file());
}
