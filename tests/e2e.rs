//! End to end, offline, for real: the repository's generated flake builds the
//! example app inside the Nix sandbox against the offline nixpkgs fixture
//! (tests/fixture-nixpkgs), `cgoflake build` collects every target, each
//! binary is checked structurally and run where this host can (natively,
//! qemu-user, wine), and rebuilds are bit-identical.
//!
//! Expensive (a cold target is about a minute on two cores), so every test
//! is `#[ignore]`d; scripts/test (and so CI) runs them with
//! `--include-ignored`.

mod common;

use std::process::{Command, Output};
use std::sync::OnceLock;

use camino::{Utf8Path, Utf8PathBuf};
use cgoflake::build::collect::{Manifest, Status};
use cgoflake::plan::{Plan, TargetPlan};
use cgoflake::platform::{Goarch, Goos, Libc, Runner};

/// The targets the offline e2e builds: every Linux and Windows target of the
/// example matrix (darwin has its own test).
fn e2e_targets(plan: &Plan) -> Vec<&TargetPlan> {
    plan.targets
        .iter()
        .filter(|t| t.target.goos() != Goos::Darwin)
        .collect()
}

/// Shared state: the fixture, a copy of the flake, the plan, the build.
struct World {
    fixture: Utf8PathBuf,
    flake: Utf8PathBuf,
    plan: Plan,
    build: Utf8PathBuf,
    manifest: Manifest,
    build_output: Output,
}

impl World {
    fn nix_args(&self) -> Vec<String> {
        vec![
            "--override-input".into(),
            "nixpkgs".into(),
            format!("path:{}", self.fixture),
            "--option".into(),
            "sandbox".into(),
            "true".into(),
        ]
    }

    /// `cgoflake build TARGETS --out OUT` of the flake copy, against the fixture.
    fn cgoflake_build(&self, targets: &[String], out: &Utf8Path) -> Output {
        let matrix = self.flake.join("cgoflake.json");
        Command::new(env!("CARGO_BIN_EXE_cgoflake"))
            .arg("build")
            .args(targets)
            .args([
                "--matrix",
                matrix.as_str(),
                "--out",
                out.as_str(),
                "--jobs",
                "2",
                "--flake",
                &self.flake_ref(),
                "--",
            ])
            .args(self.nix_args())
            .output()
            .unwrap()
    }

    fn flake_ref(&self) -> String {
        format!("path:{}", self.flake)
    }
}

fn world() -> &'static World {
    static WORLD: OnceLock<World> = OnceLock::new();
    WORLD.get_or_init(|| {
        let work = common::e2e_dir();
        let fixture = common::fixture();

        // The flake as committed: only the files a user's checkout has.
        let flake = work.join("flake");
        common::copy_example_flake(&flake);
        let matrix = flake.join("cgoflake.json");
        let m = cgoflake::matrix::load(&matrix).unwrap();
        let plan = cgoflake::plan::resolve(&m, &matrix, &flake).unwrap();

        let build = work.join("build");
        let mut w = World {
            fixture,
            flake,
            plan,
            build,
            manifest: Manifest::default(),
            build_output: empty_output(),
        };
        let names: Vec<String> = e2e_targets(&w.plan)
            .iter()
            .map(|t| t.name.clone())
            .collect();
        let output = w.cgoflake_build(&names, &w.build);
        eprintln!("{}", String::from_utf8_lossy(&output.stderr));
        w.manifest = cgoflake::build::collect::read_manifest(&w.build);
        w.build_output = output;
        w
    })
}

fn empty_output() -> Output {
    Command::new("true").output().unwrap()
}

fn nix_eval_raw(w: &World, attr: &str) -> String {
    let out = Command::new("nix")
        .args(["eval", "--raw", &format!("path:{}#{attr}", w.fixture)])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "nix eval {attr}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
#[ignore = "e2e: builds the example in the Nix sandbox (minutes); scripts/test runs it"]
fn every_target_builds_and_is_collected() {
    let w = world();
    assert!(
        w.build_output.status.success(),
        "cgoflake build failed:\n{}",
        String::from_utf8_lossy(&w.build_output.stderr)
    );
    for t in e2e_targets(&w.plan) {
        let entry = w
            .manifest
            .targets
            .iter()
            .find(|e| e.target == t.name)
            .unwrap_or_else(|| panic!("{} not in manifest", t.name));
        assert_eq!(entry.status, Status::Ok, "{}: {:?}", t.name, entry.error);
        assert!(entry
            .store_path
            .as_deref()
            .is_some_and(|p| p.starts_with("/nix/store/")));
        for f in &entry.files {
            let path = w.build.join(&f.path);
            assert!(
                f.path.starts_with(&t.out_dir),
                "{} collected outside {}",
                f.path,
                t.out_dir
            );
            assert_eq!(cgoflake::hash::sha256_file(&path).unwrap(), f.sha256);
            assert_eq!(std::fs::metadata(&path).unwrap().len(), f.size);
        }
    }
    // SHA256SUMS verifies with the standard tool.
    let check = Command::new("sha256sum")
        .args(["--check", "--strict", "SHA256SUMS"])
        .current_dir(&w.build)
        .output()
        .unwrap();
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stdout)
    );
}

#[test]
#[ignore = "e2e: builds the example in the Nix sandbox (minutes); scripts/test runs it"]
fn binaries_fit_their_targets() {
    let w = world();
    for t in e2e_targets(&w.plan) {
        let bin = binary(w, t);
        let info = cgoflake::binary::read(&bin).unwrap();
        let problems = cgoflake::binary::problems(&info, &t.target);
        assert!(problems.is_empty(), "{}: {problems:?}\n{info:#?}", t.name);
        if let Some(Libc::Gnu { glibc }) = &t.target.libc {
            // The floor is explicit and respected, and the interpreter is the distribution's.
            let max = info
                .max_glibc
                .expect("glibc binaries have versioned symbols");
            let floor = glibc.numbers();
            assert!(
                max <= floor,
                "{}: needs GLIBC_{}.{} > floor",
                t.name,
                max.0,
                max.1
            );
            let interp = info.interpreter.as_deref().unwrap();
            assert!(
                interp.starts_with("/lib"),
                "{}: interpreter {interp}",
                t.name
            );
        }
        if t.target.static_binary() {
            assert!(info.is_static, "{}: musl binary is not static", t.name);
        }
    }
}

#[test]
#[ignore = "e2e: builds the example in the Nix sandbox (minutes); scripts/test runs it"]
fn runnable_binaries_print_the_pinned_sqlite_and_a_correct_knn() {
    let w = world();
    let want_sqlite = nix_eval_raw(w, "legacyPackages.x86_64-linux.sqlite.version");
    let mut ran = Vec::new();
    for t in e2e_targets(&w.plan) {
        let bin = binary(w, t);
        let out = Command::new("bash")
            .arg(common::root().join("tests/support/run-binary.sh"))
            .args([
                bin.as_str(),
                t.target.goos().as_str(),
                t.target.goarch().as_str(),
                t.target.libc.as_ref().map_or("none", Libc::name),
            ])
            .arg("selftest")
            .output()
            .unwrap();
        if out.status.code() == Some(77) {
            eprintln!(
                "{}: not runnable here: {}",
                t.name,
                String::from_utf8_lossy(&out.stderr).trim()
            );
            assert_eq!(
                t.target.runner(),
                Runner::None,
                "{} should be runnable here",
                t.name
            );
            continue;
        }
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "{} selftest failed:\n{stdout}\n{}",
            t.name,
            String::from_utf8_lossy(&out.stderr)
        );
        let lines: Vec<&str> = stdout.lines().map(str::trim_end).collect();
        assert!(
            lines.contains(&format!("sqlite_version={want_sqlite}").as_str()),
            "{}: {stdout}",
            t.name
        );
        assert!(
            lines.iter().any(|l| l
                .strip_prefix("vec_version=v")
                .is_some_and(|v| !v.is_empty())),
            "{}: {stdout}",
            t.name
        );
        assert!(
            lines.contains(&"knn=1:0.1414,5:0.9055,2:1.2728"),
            "{}: {stdout}",
            t.name
        );
        assert!(
            lines.contains(
                &format!("goos={} goarch={}", t.target.goos(), t.target.goarch()).as_str()
            ),
            "{}: {stdout}",
            t.name
        );
        // Stamps come from the matrix and the flake, never the clock.
        assert!(
            lines
                .iter()
                .any(|l| l.starts_with(&format!("version={} commit=", w.plan.project.version))),
            "{}: {stdout}",
            t.name
        );
        ran.push(t.name.clone());
    }
    eprintln!("ran: {ran:?}");
    for must in [
        "linux-amd64",
        "linux-arm64",
        "linux-arm64-musl",
        "linux-arm",
        "linux-riscv64",
        "windows-amd64",
    ] {
        assert!(ran.iter().any(|r| r == must), "{must} did not run");
    }
}

#[test]
#[ignore = "e2e: builds the example in the Nix sandbox (minutes); scripts/test runs it"]
fn rebuilds_are_bit_identical() {
    let w = world();
    // `nix build --rebuild` builds a derivation again (its inputs stay) and
    // fails if the output differs from the one in the store. The package of
    // one target per OS, C library and byte order; every other kind (the Go
    // build cache, zig's C runtime, SQLite; pitfall 27) of linux-arm64, and
    // zig's C runtime of windows-amd64 and linux-amd64-musl too (MinGW's and
    // musl's libc are the runtimes zig compiles from the most files), and
    // windows-amd64's SQLite (zig's CodeView names objects by temporary
    // files).
    // Reproducibility is a property of how a kind of derivation is built,
    // and every rebuild costs CI minutes.
    let mut kinds = std::collections::BTreeSet::new();
    let mut installables: Vec<String> = e2e_targets(&w.plan)
        .iter()
        .filter(|t| {
            kinds.insert((
                t.target.goos(),
                t.target.libc.as_ref().map(Libc::name),
                t.target.goarch().byte_order(),
            ))
        })
        .map(|t| format!("{}#{}", w.flake_ref(), t.name))
        .collect();
    for extra in [
        "linux-arm64.goCache",
        "linux-arm64.zigRuntime",
        "linux-arm64.sqlite",
        "windows-amd64.zigRuntime",
        "windows-amd64.sqlite",
        "linux-amd64-musl.zigRuntime",
    ] {
        installables.push(format!("{}#{extra}", w.flake_ref()));
    }
    eprintln!("rebuilding {installables:?}");
    let out = Command::new("nix")
        .args([
            "build",
            "--rebuild",
            "--no-link",
            "--keep-going",
            "--max-jobs",
            "2",
        ])
        .args(&installables)
        .args(w.nix_args())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "not reproducible:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn binary(w: &World, t: &TargetPlan) -> Utf8PathBuf {
    let entry = w
        .manifest
        .targets
        .iter()
        .find(|e| e.target == t.name)
        .unwrap();
    assert_eq!(entry.files.len(), 1, "{}: {:?}", t.name, entry.files);
    w.build.join(&entry.files[0].path)
}

#[test]
#[ignore = "e2e: builds the example in the Nix sandbox (minutes); scripts/test runs it"]
fn darwin_links_without_an_sdk_and_merges_into_a_universal_binary() {
    let w = world();
    let darwin: Vec<&TargetPlan> = w
        .plan
        .targets
        .iter()
        .filter(|t| t.target.goos() == Goos::Darwin)
        .collect();
    assert_eq!(
        darwin.len(),
        2,
        "the example matrix has darwin amd64 and arm64"
    );
    let out_dir = w.flake.parent().unwrap().join("build-darwin");
    let names: Vec<String> = darwin.iter().map(|t| t.name.clone()).collect();
    let output = w.cgoflake_build(&names, &out_dir);
    assert!(
        output.status.success(),
        "darwin build failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let manifest = cgoflake::build::collect::read_manifest(&out_dir);

    // Each thin binary: the right cputype, minimum macOS, only system
    // libraries, an ad-hoc signature on arm64, read-only __DATA_CONST.
    for t in &darwin {
        let entry = manifest
            .targets
            .iter()
            .find(|e| e.target == t.name)
            .unwrap();
        let bin = out_dir.join(&entry.files[0].path);
        let info = cgoflake::binary::read(&bin).unwrap();
        let problems = cgoflake::binary::problems(&info, &t.target);
        assert!(problems.is_empty(), "{}: {problems:?}\n{info:#?}", t.name);
        let mut libs = info.libraries.clone();
        libs.sort();
        assert_eq!(
            libs,
            [
                "/System/Library/Frameworks/CoreFoundation.framework/Versions/A/CoreFoundation",
                "/System/Library/Frameworks/Security.framework/Versions/A/Security",
                "/usr/lib/libSystem.B.dylib",
                "/usr/lib/libresolv.9.dylib",
            ],
            "{}",
            t.name
        );
        assert_eq!(info.data_const_read_only, Some(true), "{}", t.name);
        if t.target.goarch() == Goarch::Arm64 {
            assert!(info.code_signature, "arm64 must be signed");
        }
    }

    // The universal binary holds both slices unchanged.
    let universal = manifest
        .targets
        .iter()
        .find(|e| e.target == cgoflake::build::collect::UNIVERSAL_TARGET)
        .expect("universal entry");
    let fat = std::fs::read(out_dir.join(&universal.files[0].path)).unwrap();
    let goblin::mach::Mach::Fat(multi) = goblin::mach::Mach::parse(&fat).unwrap() else {
        panic!("not a universal binary")
    };
    let arches = multi.arches().unwrap();
    assert_eq!(arches.len(), 2);
    for arch in arches {
        let slice = &fat[arch.offset as usize..][..arch.size as usize];
        let info = cgoflake::binary::read_bytes(slice).unwrap();
        let t = darwin
            .iter()
            .find(|t| t.target.platform.zig_arch == info.arch)
            .unwrap();
        let thin = std::fs::read(
            out_dir.join(
                &manifest
                    .targets
                    .iter()
                    .find(|e| e.target == t.name)
                    .unwrap()
                    .files[0]
                    .path,
            ),
        )
        .unwrap();
        assert_eq!(
            slice,
            &thin[..],
            "{} slice differs from the thin binary",
            t.name
        );
    }
    let check = Command::new("sha256sum")
        .args(["--check", "--strict", "SHA256SUMS"])
        .current_dir(&out_dir)
        .output()
        .unwrap();
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stdout)
    );
}

/// Every package of every system evaluates in pure mode (flakes are pure by
/// default), against the fixture: `nix flake check` needs that, and users on
/// any of the four build hosts get a working flake.
/// Every build host's packages, checks, dev shell and apps evaluate to
/// derivations, against a fixture that enforces `meta.platforms` as nixpkgs
/// does (a Linux-only package in a darwin dev shell would refuse here).
#[test]
#[ignore = "e2e: builds the example in the Nix sandbox (minutes); scripts/test runs it"]
fn the_flake_evaluates_in_pure_mode_for_every_system() {
    let w = world();
    for system in [
        "x86_64-linux",
        "aarch64-linux",
        "x86_64-darwin",
        "aarch64-darwin",
    ] {
        let drvs = |output: &str| -> std::collections::BTreeMap<String, String> {
            let out = Command::new("nix")
                .args([
                    "eval",
                    "--json",
                    &format!("{}#{output}.{system}", w.flake_ref()),
                ])
                .args(["--apply", "ps: builtins.mapAttrs (n: p: p.drvPath) ps"])
                .args(&w.nix_args()[..3])
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "{output}.{system}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            serde_json::from_slice(&out.stdout).unwrap()
        };
        let packages = drvs("packages");
        let checks = drvs("checks");
        for t in &w.plan.targets {
            assert!(
                packages.contains_key(&t.name),
                "{system}: no package {}",
                t.name
            );
            assert!(
                checks.contains_key(&t.name),
                "{system}: no check {}",
                t.name
            );
        }
        assert!(packages.contains_key("all") && packages.contains_key("default"));
        assert!(
            drvs("devShells").contains_key("default"),
            "{system}: no dev shell"
        );
        let apps = Command::new("nix")
            .args([
                "eval",
                "--json",
                &format!("{}#apps.{system}", w.flake_ref()),
            ])
            .args([
                "--apply",
                "as: builtins.mapAttrs (n: a: a.meta.description) as",
            ])
            .args(&w.nix_args()[..3])
            .output()
            .unwrap();
        assert!(
            apps.status.success(),
            "apps.{system} (each with meta.description): {}",
            String::from_utf8_lossy(&apps.stderr)
        );
    }
}

/// No collected binary mentions the Nix store: the pinned official Go has no
/// nixpkgs patches compiling store paths in (tzdata, iana-etc, mailcap), and
/// nothing else may leak a build-time path into a distributable binary.
#[test]
#[ignore = "e2e: builds the example in the Nix sandbox (minutes); scripts/test runs it"]
fn no_binary_holds_a_nix_store_path() {
    let w = world();
    let mut read = 0;
    for entry in &w.manifest.targets {
        for f in &entry.files {
            let bytes = std::fs::read(w.build.join(&f.path)).unwrap();
            let hit = bytes
                .windows(b"/nix/store/".len())
                .position(|x| x == b"/nix/store/");
            if let Some(at) = hit {
                let end = (at + 80).min(bytes.len());
                panic!(
                    "{} holds a store path at byte {at}: {}",
                    f.path,
                    String::from_utf8_lossy(&bytes[at..end])
                );
            }
            read += 1;
        }
    }
    assert!(
        read >= e2e_targets(&w.plan).len(),
        "only {read} binaries read"
    );
}

/// Every toolchain path (zig with stubs, zig with an SDK sysroot, osxcross)
/// and every platform variant of tests/fixtures/matrix-all evaluates to a
/// derivation. (Building osxcross needs GitHub, clang and a real SDK: the
/// fixture stands in for them at evaluation only.)
#[test]
#[ignore = "e2e: builds the example in the Nix sandbox (minutes); scripts/test runs it"]
fn every_toolchain_path_evaluates() {
    let w = world();
    let dir = common::e2e_dir().join("matrix-all");
    if dir.exists() {
        std::fs::remove_dir_all(&dir).unwrap();
    }
    common::copy_tree(&common::root().join("tests/fixtures/matrix-all"), &dir);
    let gen = Command::new(env!("CARGO_BIN_EXE_cgoflake"))
        .arg("gen")
        .current_dir(&dir)
        .output()
        .unwrap();
    assert!(
        gen.status.success(),
        "{}",
        String::from_utf8_lossy(&gen.stderr)
    );
    let matrix = dir.join("cgoflake.json");
    let m = cgoflake::matrix::load(&matrix).unwrap();
    let plan = cgoflake::plan::resolve(&m, &matrix, &dir).unwrap();
    for t in &plan.targets {
        let out = Command::new("nix")
            .args(["eval", "--raw", &format!("path:{dir}#{}.drvPath", t.name)])
            .args(&w.nix_args()[..3])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}: {}",
            t.name,
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            String::from_utf8_lossy(&out.stdout).ends_with(".drv"),
            "{}",
            t.name
        );
    }
}

/// `nix flake check` builds and runs the generated check of every target:
/// format and machine, glibc floor or static-ness, interpreter, and the
/// example's self-test where the build host can run it.
#[test]
#[ignore = "e2e: builds the example in the Nix sandbox (minutes); scripts/test runs it"]
fn nix_flake_check_passes_a_check_per_target() {
    let w = world();
    let out = Command::new("nix")
        .args(["flake", "check", "-L", &w.flake_ref()])
        .args(w.nix_args())
        .output()
        .unwrap();
    let log = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "nix flake check failed:\n{log}");
    let checks = Command::new("nix")
        .args([
            "eval",
            "--json",
            &format!("{}#checks.x86_64-linux", w.flake_ref()),
        ])
        .args(["--apply", "builtins.attrNames"])
        .args(&w.nix_args()[..3])
        .output()
        .unwrap();
    let names: Vec<String> = serde_json::from_slice(&checks.stdout).unwrap();
    for t in &w.plan.targets {
        assert!(
            names.iter().any(|n| n.contains(&t.name)),
            "no check for {}: {names:?}",
            t.name
        );
    }
}
