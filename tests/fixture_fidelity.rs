//! The offline nixpkgs fixture (tests/fixture-nixpkgs) stands in for nixpkgs
//! in every build test, so it must be at least as strict as nixpkgs wherever
//! generated code depends on it: a lenient fixture turns real failures into
//! green tests. Each test here is one row of the fidelity table in
//! tests/fixture-nixpkgs/README.md and shows the fixture refusing, or
//! rewriting, what nixpkgs refuses or rewrites.
//!
//! They need Nix and the prepared fixture: `#[ignore]`d by default,
//! scripts/test runs them.

mod common;

use std::process::{Command, Output};

use camino::{Utf8Path, Utf8PathBuf};

/// A flake in a temporary directory whose `nixpkgs` is the fixture;
/// `outputs` is a Nix expression with `nixpkgs`, `pkgs` (x86_64-linux) and
/// `lib` in scope.
struct Probe {
    _tmp: tempfile::TempDir,
    dir: Utf8PathBuf,
}

impl Probe {
    fn new(outputs: &str) -> Probe {
        let fixture = common::fixture();
        let tmp = tempfile::tempdir().unwrap();
        let dir = Utf8Path::from_path(tmp.path()).unwrap().to_owned();
        std::fs::write(
            dir.join("flake.nix"),
            format!(
                "{{\n  inputs.nixpkgs.url = \"path:{fixture}\";\n  outputs = {{ self, nixpkgs }}:\n    let pkgs = nixpkgs.legacyPackages.x86_64-linux; lib = nixpkgs.lib; in\n    {outputs};\n}}\n"
            ),
        )
        .unwrap();
        Probe { _tmp: tmp, dir }
    }

    /// A file beside flake.nix (referred to as `./name`).
    fn file(&self, name: &str, content: &[u8]) -> &Probe {
        let path = self.dir.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, content).unwrap();
        self
    }

    fn nix(&self, args: &[&str]) -> Output {
        Command::new("nix")
            .args(args)
            .args(["--option", "sandbox", "true"])
            .output()
            .expect("nix runs")
    }

    fn installable(&self, attr: &str) -> String {
        format!("path:{}#{attr}", self.dir)
    }

    fn eval(&self, attr: &str) -> Output {
        self.nix(&["eval", "--raw", &self.installable(attr)])
    }

    fn build(&self, attr: &str) -> Output {
        self.nix(&[
            "build",
            "--no-link",
            "--json",
            "-L",
            &self.installable(attr),
        ])
    }

    /// Build `attr`, which must succeed; its output path.
    fn built(&self, attr: &str) -> Utf8PathBuf {
        let out = self.build(attr);
        assert!(out.status.success(), "{attr}: {}", stderr(&out));
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        Utf8PathBuf::from(json[0]["outputs"]["out"].as_str().unwrap())
    }
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// `out` failed, and its error output says `needle`.
#[track_caller]
fn assert_fails_with(out: &Output, needle: &str) {
    let err = stderr(out);
    assert!(
        !out.status.success(),
        "expected a failure saying {needle:?}"
    );
    assert!(err.contains(needle), "expected {needle:?} in:\n{err}");
}

/// A small ELF program compiled by the host's C compiler with `flags`.
fn host_elf(flags: &[&str]) -> Vec<u8> {
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path().join("p.c");
    std::fs::write(&src, "int main(void) { return 0; }\n").unwrap();
    let bin = tmp.path().join("p");
    let status = Command::new("cc")
        .args(flags)
        .arg(&src)
        .arg("-o")
        .arg(&bin)
        .status()
        .expect("the host's cc runs");
    assert!(status.success(), "cc {flags:?}");
    std::fs::read(bin).unwrap()
}

/// A small Windows (COFF, x86-64) object with debug info, compiled by the
/// host's zig: the same BFD backend as a PE executable, without linking
/// (which would first build mingw's C runtime, minutes on a cold cache).
fn host_pe() -> Vec<u8> {
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path().join("p.c");
    std::fs::write(&src, "int main(void) { return 0; }\n").unwrap();
    let bin = tmp.path().join("p.obj");
    let status = Command::new("python3")
        .args([
            "-m",
            "ziglang",
            "cc",
            "-target",
            "x86_64-windows-gnu",
            "-g",
            "-c",
        ])
        .arg(&src)
        .arg("-o")
        .arg(&bin)
        .env("ZIG_GLOBAL_CACHE_DIR", tmp.path().join("zig-cache"))
        .env("ZIG_LOCAL_CACHE_DIR", tmp.path().join("zig-cache"))
        .status()
        .expect("the host's zig runs (python3 -m ziglang)");
    assert!(status.success(), "zig cc -target x86_64-windows-gnu -c");
    std::fs::read(bin).unwrap()
}

fn section_names(elf: &[u8]) -> Vec<String> {
    let elf = goblin::elf::Elf::parse(elf).unwrap();
    elf.section_headers
        .iter()
        .filter_map(|s| elf.shdr_strtab.get_at(s.sh_name).map(str::to_owned))
        .collect()
}

/// A derivation installing `./payload` as `$out/bin/<name>` with `attrs`.
fn installs(name: &str, stdenv: &str, attrs: &str) -> String {
    format!(
        "pkgs.{stdenv}.mkDerivation {{ name = \"{name}\"; dontUnpack = true; {attrs}
           installPhase = ''mkdir -p $out/bin; cp ${{./payload}} $out/bin/{name}; chmod 755 $out/bin/{name}; runHook postInstall''; }}"
    )
}

// ---- check-meta.nix ------------------------------------------------------

#[test]
#[ignore = "needs Nix and the offline fixture; scripts/test runs it"]
fn a_linux_only_package_in_a_darwin_dev_shell_does_not_evaluate() {
    let p = Probe::new(
        "{ darwin = (nixpkgs.legacyPackages.aarch64-darwin.mkShell { packages = [ nixpkgs.legacyPackages.aarch64-darwin.qemu-user ]; }).drvPath;
           linux = (pkgs.mkShell { packages = [ pkgs.qemu-user ]; }).drvPath;
           name = nixpkgs.legacyPackages.aarch64-darwin.qemu-user.pname; }",
    );
    assert_fails_with(
        &p.eval("darwin"),
        "Refusing to evaluate package 'qemu-user'",
    );
    assert_fails_with(
        &p.eval("darwin"),
        "hostPlatform.system = \"aarch64-darwin\"",
    );
    // Only the store path is guarded: on Linux it evaluates, and the name
    // stays readable everywhere (as in nixpkgs).
    assert!(
        p.eval("linux").status.success(),
        "{}",
        stderr(&p.eval("linux"))
    );
    assert!(p.eval("name").status.success());
}

#[test]
#[ignore = "needs Nix and the offline fixture; scripts/test runs it"]
fn meta_platforms_of_any_derivation_are_enforced() {
    let p = Probe::new(
        "{ bad = (pkgs.stdenv.mkDerivation { name = \"x\"; dontUnpack = true; meta.platforms = [ \"aarch64-darwin\" ]; }).drvPath;
           bad2 = (pkgs.stdenv.mkDerivation { name = \"y\"; dontUnpack = true; meta.badPlatforms = [ \"x86_64-linux\" ]; }).outPath;
           good = (pkgs.stdenv.mkDerivation { name = \"z\"; dontUnpack = true; meta.platforms = [ \"x86_64-linux\" ]; }).drvPath; }",
    );
    assert_fails_with(&p.eval("bad"), "Refusing to evaluate package 'x'");
    assert_fails_with(
        &p.eval("bad2"),
        "package.meta.badPlatforms = [ \"x86_64-linux\" ]",
    );
    assert!(p.eval("good").status.success());
}

// ---- make-derivation.nix -------------------------------------------------

#[test]
#[ignore = "needs Nix and the offline fixture; scripts/test runs it"]
fn env_is_checked_like_nixpkgs() {
    let p = Probe::new(
        "{ overlap = (pkgs.stdenv.mkDerivation { name = \"x\"; CGO_ENABLED = \"1\"; env.CGO_ENABLED = \"0\"; }).drvPath;
           list = (pkgs.stdenv.mkDerivation { name = \"x\"; env.GOFLAGS = [ \"-v\" ]; }).drvPath;
           path = (pkgs.stdenv.mkDerivation { name = \"x\"; env.P = ./flake.nix; }).drvPath; }",
    );
    assert_fails_with(
        &p.eval("overlap"),
        "cannot contain any attributes passed to derivation",
    );
    assert_fails_with(&p.eval("list"), "The `GOFLAGS` attribute is of type list");
    assert_fails_with(&p.eval("path"), "The `P` attribute is of type path");
}

#[test]
#[ignore = "needs Nix and the offline fixture; scripts/test runs it"]
fn builders_run_in_bash_with_setup_sh_shell_options() {
    // pkgs/stdenv/generic/setup.sh: `set -eu; set -o pipefail; shopt -s
    // inherit_errexit` at the top, `shopt -s nullglob` in its
    // initialisation (never undone), and nounset dropped again at its end
    // (the builder is `bash -e`). runCommand runs through the same setup.
    let p = Probe::new(
        r#"{ opts = pkgs.runCommand "opts" { } ''
               { echo "$-"; shopt -po pipefail; shopt -p inherit_errexit nullglob; echo "bash $BASH_VERSION"; } > $out
               for f in /no-such-dir/*.c; do echo "literal $f" >> $out; done
               echo "unset: ''${NO_SUCH_VARIABLE}" >> $out
             '';
           pipefail = pkgs.runCommand "pipefail" { } ''
               found=$(printf 'a\nb\n' | grep -c zzz | cat)
               echo "went on: $found" > $out
             '';
           sigpipe = pkgs.stdenv.mkDerivation { name = "sigpipe"; dontUnpack = true;
             installPhase = ''first=$(yes | head -n 1); echo "$first" > $out''; };
           inherited = pkgs.runCommand "inherit" { } ''
               x=$(false; echo "went on")
               echo "$x" > $out
             ''; }"#,
    );
    let opts = std::fs::read_to_string(p.built("opts")).unwrap();
    let lines: Vec<&str> = opts.lines().collect();
    assert!(lines[0].contains('e') && !lines[0].contains('u'), "{opts}");
    assert!(opts.contains("set -o pipefail"), "{opts}");
    assert!(opts.contains("shopt -s inherit_errexit"), "{opts}");
    assert!(opts.contains("shopt -s nullglob"), "{opts}");
    assert!(opts.contains("bash 5."), "{opts}");
    assert!(
        !opts.contains("literal"),
        "an unmatched glob stayed: {opts}"
    );
    assert!(opts.contains("unset: \n"), "{opts}");
    // A failing command inside a pipeline fails the build (pipefail), and
    // so does a writer killed by SIGPIPE once its reader quit.
    assert!(!p.build("pipefail").status.success());
    assert!(!p.build("sigpipe").status.success());
    // errexit reaches into command substitutions (inherit_errexit).
    assert!(!p.build("inherited").status.success());
}

#[test]
#[ignore = "needs Nix and the offline fixture; scripts/test runs it"]
fn stdenv_exports_the_build_hosts_c_toolchain() {
    // cc-wrapper's and bintools-wrapper's setup hooks: CC=gcc, CXX=g++,
    // AR=ar, …, NIX_CC, NIX_HARDENING_ENABLE, NIX_CFLAGS_COMPILE with
    // -frandom-seed and -isystem of buildInputs, NIX_LDFLAGS with the rpath
    // and -L; GNU binutils on PATH. stdenvNoCC has none of it.
    let p = Probe::new(
        r#"{ cc = pkgs.stdenv.mkDerivation { name = "cc-env"; dontUnpack = true;
               buildInputs = [ (pkgs.runCommand "dep" { } "mkdir -p $out/include $out/lib") ];
               installPhase = ''
                 for v in CC CXX AR AS LD NM OBJCOPY OBJDUMP RANLIB READELF STRIP NIX_CC NIX_HARDENING_ENABLE NIX_CFLAGS_COMPILE NIX_LDFLAGS; do
                   echo "$v=''${!v}"
                 done > $out
                 ld --version | head -n 1 >> $out || true
                 if gcc -v 2>/dev/null; then echo "gcc ran" >> $out; fi
               ''; };
           nocc = pkgs.stdenvNoCC.mkDerivation { name = "nocc-env"; dontUnpack = true;
               installPhase = ''echo "CC=''${CC-unset} NIX_CFLAGS_COMPILE=''${NIX_CFLAGS_COMPILE-unset}" > $out''; }; }"#,
    );
    let cc = std::fs::read_to_string(p.built("cc")).unwrap();
    for want in [
        "CC=gcc\n",
        "CXX=g++\n",
        "AR=ar\n",
        "LD=ld\n",
        "NM=nm\n",
        "RANLIB=ranlib\n",
        "STRIP=strip\n",
        "OBJCOPY=objcopy\n",
        "NIX_HARDENING_ENABLE=bindnow",
        "NIX_CFLAGS_COMPILE= -frandom-seed=",
        "-isystem /nix/store/",
        "NIX_LDFLAGS=-rpath /nix/store/",
        "GNU ld",
    ] {
        assert!(cc.contains(want), "{want:?} missing in:\n{cc}");
    }
    assert!(
        !cc.contains("gcc ran"),
        "the host's gcc must refuse to run:\n{cc}"
    );
    assert_eq!(
        std::fs::read_to_string(p.built("nocc")).unwrap(),
        "CC=unset NIX_CFLAGS_COMPILE=unset\n"
    );
}

#[test]
#[ignore = "needs Nix and the offline fixture; scripts/test runs it"]
fn structured_attrs_work_like_make_derivation() {
    // make-derivation.nix and setup.sh with `__structuredAttrs = true`:
    // lists are bash arrays, `env` is exported and nothing else is, and the
    // reference checks move into `outputChecks` (still enforced).
    // `config.structuredAttrsByDefault` flips the default.
    let p = Probe::new(
        r#"{ on = pkgs.stdenv.mkDerivation { name = "sa"; dontUnpack = true; __structuredAttrs = true;
               tags = [ "a b" "c" ]; plain = "x"; env.EXPORTED = "yes";
               installPhase = ''
                 { echo "n=''${#tags[@]} first=''${tags[0]}"; echo "EXPORTED=$(sh -c 'echo $EXPORTED')";
                   echo "plain exported: $(sh -c 'echo ''${plain:-no}')"; } > $out
               ''; };
           off = pkgs.stdenv.mkDerivation { name = "sa-off"; dontUnpack = true;
               tags = [ "a" "c" ]; installPhase = ''echo "tags=$(sh -c 'echo $tags')" > $out''; };
           refs = pkgs.stdenv.mkDerivation { name = "sa-refs"; dontUnpack = true; __structuredAttrs = true;
               allowedReferences = [ ]; installPhase = ''echo ${pkgs.bash} > $out''; };
           byDefault = (import nixpkgs { system = "x86_64-linux"; config.structuredAttrsByDefault = true; }).stdenv.mkDerivation {
               name = "sa-default"; dontUnpack = true; list = [ "p" "q" ];
               installPhase = ''echo "n=''${#list[@]}" > $out''; }; }"#,
    );
    let on = std::fs::read_to_string(p.built("on")).unwrap();
    assert!(on.contains("n=2 first=a b"), "{on}");
    assert!(on.contains("EXPORTED=yes"), "{on}");
    assert!(on.contains("plain exported: no"), "{on}");
    assert_eq!(
        std::fs::read_to_string(p.built("off")).unwrap(),
        "tags=a c\n"
    );
    assert_fails_with(&p.build("refs"), "is not allowed to refer to");
    assert_eq!(
        std::fs::read_to_string(p.built("byDefault")).unwrap(),
        "n=2\n"
    );
}

// ---- stdenv fixup: strip.sh, patchelf, patch-shebangs.sh, audit-tmpdir.sh,
// ---- no-broken-symlinks.sh ------------------------------------------------

#[test]
#[ignore = "needs Nix, the offline fixture and the host's cc; scripts/test runs it"]
fn stdenv_strips_debug_info_unless_told_not_to() {
    let payload = host_elf(&["-g", "-static"]);
    assert!(section_names(&payload).iter().any(|s| s == ".debug_info"));
    let p = Probe::new(&format!(
        "{{ stripped = {}; kept = {}; nocc = {}; }}",
        installs("stripped", "stdenv", ""),
        installs("kept", "stdenv", "dontStrip = true;"),
        installs("nocc", "stdenvNoCC", ""),
    ));
    p.file("payload", &payload);
    let sections = |attr: &str| {
        let out = p.built(attr);
        section_names(&std::fs::read(out.join("bin").join(attr)).unwrap())
    };
    assert!(
        !sections("stripped").iter().any(|s| s.starts_with(".debug")),
        "stdenv's fixup left debug sections"
    );
    assert!(sections("kept").iter().any(|s| s == ".debug_info"));
    // stdenvNoCC has no strip, in nixpkgs as here.
    assert!(sections("nocc").iter().any(|s| s == ".debug_info"));
}

#[test]
#[ignore = "needs Nix, the offline fixture and the host's zig; scripts/test runs it"]
fn stdenv_strips_windows_executables_too() {
    // nixpkgs' x86_64-linux strip reads Windows' formats (pe-x86-64 is among
    // its BFD targets) and rewrites them; generated packages set dontStrip.
    let payload = host_pe();
    let p = Probe::new(&format!(
        "{{ stripped = {}; kept = {}; }}",
        installs("stripped", "stdenv", ""),
        installs("kept", "stdenv", "dontStrip = true;"),
    ));
    p.file("payload", &payload);
    let read = |attr: &str| std::fs::read(p.built(attr).join("bin").join(attr)).unwrap();
    assert_ne!(
        read("stripped"),
        payload,
        "stdenv's fixup left the COFF file as it was"
    );
    assert_eq!(read("kept"), payload);
}

#[test]
#[ignore = "needs Nix, the offline fixture, the host's cc and patchelf; scripts/test runs it"]
fn stdenv_shrinks_rpaths_unless_told_not_to() {
    let payload = host_elf(&["-Wl,-rpath,/nonexistent/lib", "-Wl,--disable-new-dtags"]);
    let rpath = |bytes: &[u8]| goblin::elf::Elf::parse(bytes).unwrap().rpaths.join(":");
    assert_eq!(rpath(&payload), "/nonexistent/lib");
    let p = Probe::new(&format!(
        "{{ shrunk = {}; kept = {}; }}",
        installs("shrunk", "stdenv", ""),
        installs("kept", "stdenv", "dontPatchELF = true; dontStrip = true;"),
    ));
    p.file("payload", &payload);
    let read = |attr: &str| std::fs::read(p.built(attr).join("bin").join(attr)).unwrap();
    assert_eq!(rpath(&read("shrunk")), "");
    assert_eq!(rpath(&read("kept")), "/nonexistent/lib");
}

#[test]
#[ignore = "needs Nix and the offline fixture; scripts/test runs it"]
fn fixup_patches_shebangs_and_refuses_what_nixpkgs_refuses() {
    let p = Probe::new(&format!(
        "{{ patched = {}; buildflag = {}; envflag = {}; dangling = {}; tmpdir = {}; }}",
        installs("patched", "stdenv", ""),
        // Called by hand with nixpkgs' --build flag, fixup's pass turned off.
        installs("buildflag", "stdenv", "dontPatchShebangs = true; postInstall = ''patchShebangs --build $out/bin'';"),
        installs("envflag", "stdenv", "postInstall = ''printf '#!/usr/bin/env -S sh\\n' > $out/bin/ok; printf '#!/usr/bin/env -i sh\\n' > $out/bin/bad; chmod +x $out/bin/ok $out/bin/bad'';"),
        installs("dangling", "stdenv", "postInstall = ''ln -s /nonexistent $out/bin/link'';"),
        installs("tmpdir", "stdenv", "postInstall = ''printf '#!/bin/sh\\nexec %s/x\\n' \"$TMPDIR\" > $out/bin/wrapper; chmod +x $out/bin/wrapper'';"),
    ));
    p.file("payload", b"#!/bin/sh\necho hi\n");
    let out = p.built("patched");
    let script = std::fs::read_to_string(out.join("bin/patched")).unwrap();
    let first = script.lines().next().unwrap();
    assert!(
        first.starts_with("#!/nix/store/") && first.ends_with("/bin/sh"),
        "shebang not patched: {first}"
    );
    let by_hand = std::fs::read_to_string(p.built("buildflag").join("bin/buildflag")).unwrap();
    assert!(
        by_hand.starts_with("#!/nix/store/"),
        "patchShebangs --build did nothing: {by_hand}"
    );
    assert_fails_with(&p.build("envflag"), "unsupported interpreter directive");
    assert_fails_with(&p.build("dangling"), "points to a missing target");
    assert_fails_with(
        &p.build("tmpdir"),
        "contains a forbidden reference to /build/",
    );
}

// ---- pkgs/build-support/go/module.nix ------------------------------------

const MAIN_GO: &[u8] = b"package main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(\"hi\") }\n";

#[test]
#[ignore = "needs Nix and the offline fixture; scripts/test runs it"]
fn build_go_module_asserts_like_nixpkgs() {
    let p = Probe::new(
        "{ missing = (pkgs.buildGoModule { pname = \"x\"; version = \"1\"; src = ./src; }).drvPath;
           renamed = (pkgs.buildGoModule { pname = \"x\"; version = \"1\"; src = ./src; vendorSha256 = lib.fakeHash; }).drvPath;
           topLevelCgo = (pkgs.buildGoModule { pname = \"x\"; version = \"1\"; src = ./src; vendorHash = null; CGO_ENABLED = \"1\"; }).drvPath; }",
    );
    p.file("src/go.mod", b"module example.com/x\n\ngo 1.25\n")
        .file("src/main.go", MAIN_GO);
    assert_fails_with(&p.eval("missing"), "buildGoModule: vendorHash is missing");
    assert_fails_with(
        &p.eval("renamed"),
        "buildGoModule: Expect vendorHash instead of vendorSha256",
    );
    // nixos-25.11's release notes: a top-level CGO_ENABLED is now an error
    // (buildGoModule puts it in env).
    assert_fails_with(
        &p.eval("topLevelCgo"),
        "cannot contain any attributes passed to derivation",
    );
}

#[test]
#[ignore = "needs Nix and the offline fixture; builds Go in the sandbox; scripts/test runs it"]
fn build_go_module_takes_goos_from_go_and_keeps_the_toolchain_local() {
    let p = Probe::new(
        "{ env = pkgs.buildGoModule { pname = \"x\"; version = \"1\"; src = ./src; vendorHash = null; env.GOOS = \"windows\"; };
           newer = pkgs.buildGoModule { pname = \"y\"; version = \"1\"; src = ./newer; vendorHash = null; };
           empty = pkgs.buildGoModule { pname = \"z\"; version = \"1\"; src = ./src; vendorHash = \"sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\"; }; }",
    );
    p.file("src/go.mod", b"module example.com/x\n\ngo 1.25\n")
        .file("src/main.go", MAIN_GO)
        .file("newer/go.mod", b"module example.com/y\n\ngo 1.99\n")
        .file("newer/main.go", MAIN_GO);
    // The caller's env.GOOS loses to the go package's: a Linux ELF comes out.
    let out = p.built("env");
    let bin = std::fs::read(out.join("bin/x")).unwrap();
    assert_eq!(&bin[..4], b"\x7fELF", "env.GOOS from the caller won");
    // GOTOOLCHAIN=local: a go.mod asking for a newer Go fails, no download.
    assert_fails_with(&p.build("newer"), "requires go >= 1.99");
    // A module without dependencies and a non-null vendorHash.
    assert_fails_with(
        &p.build("empty"),
        "vendor folder is empty, please set 'vendorHash = null;' in your expression",
    );
}

#[test]
#[ignore = "needs Nix and the offline fixture; scripts/test runs it"]
fn go_modules_inherit_pre_build_and_env_but_not_post_configure() {
    let pkg = |extra: &str| {
        format!("(pkgs.buildGoModule {{ pname = \"x\"; version = \"1\"; src = ./src; vendorHash = lib.fakeHash; {extra} }}).goModules.drvPath")
    };
    let p = Probe::new(&format!(
        "{{ base = {}; postConfigure = {}; preBuild = {}; env = {}; }}",
        pkg(""),
        pkg("postConfigure = \"export GOOS=windows\";"),
        pkg("preBuild = \"export GOOS=windows\";"),
        pkg("env.GOEXPERIMENT = \"loopvar\";"),
    ));
    p.file("src/go.mod", b"module example.com/x\n\ngo 1.25\n")
        .file("src/main.go", MAIN_GO);
    let drv = |attr: &str| {
        let out = p.eval(attr);
        assert!(out.status.success(), "{attr}: {}", stderr(&out));
        String::from_utf8(out.stdout).unwrap()
    };
    let base = drv("base");
    assert_eq!(drv("postConfigure"), base);
    assert_ne!(drv("preBuild"), base);
    assert_ne!(drv("env"), base);
}

// ---- fetchurl --------------------------------------------------------------

#[test]
#[ignore = "needs Nix and the offline fixture; scripts/test runs it"]
fn fetchurl_checks_pins_and_refuses_unknown_urls() {
    let p = Probe::new(
        "{ wrong = pkgs.fetchurl { url = \"https://go.dev/dl/go1.25.14.linux-amd64.tar.gz\"; hash = lib.fakeHash; };
           unknown = (pkgs.fetchurl { url = \"https://example.com/x.tar.gz\"; hash = lib.fakeHash; }).drvPath; }",
    );
    assert_fails_with(
        &p.build("wrong"),
        "hash mismatch in fixed-output derivation",
    );
    assert_fails_with(
        &p.eval("unknown"),
        "test fixture cannot fetch https://example.com/x.tar.gz",
    );
}

// ---- C libraries: gnumake, pkg-config, upstream tarballs --------------------

const SECCOMP_URL: &str =
    "https://github.com/seccomp/libseccomp/releases/download/v2.5.4/libseccomp-2.5.4.tar.gz";
const SECCOMP_SHA256: &str = "d82902400405cf0068574ef3dc1fe5f5926207543ba1ae6f8e7a1576351dcbdb";
const BROTLI_URL: &str = "https://github.com/google/brotli/archive/refs/tags/v1.0.9.tar.gz";
const BROTLI_SHA256: &str = "f9e8d81d0405ba66d181529af42a3354f838c939095ff99930da6aa9cdf6fe46";

fn sha256_hex(path: &Utf8Path) -> String {
    let out = Command::new("sha256sum").arg(path).output().unwrap();
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap()[..64].to_owned()
}

#[test]
#[ignore = "needs Nix and the offline fixture; scripts/test runs it"]
fn gnu_make_is_on_every_stdenv_path() {
    // pkgs/stdenv/common-path.nix: gnumake is in the initial PATH of stdenv
    // and stdenvNoCC. Recipes run with `sh` from PATH (nixpkgs' gnumake
    // patch; the sandbox has no /bin/sh) and $(MAKE) recursion works.
    let p = Probe::new(
        "{ cc = pkgs.stdenv.mkDerivation { name = \"m\"; dontUnpack = true; buildCommand = ''
             mkdir sub; printf 'all:\\n\\t@echo top; $(MAKE) -s -C sub\\n' > Makefile
             printf 'all:\\n\\t@echo sub\\n' > sub/Makefile
             make -s > $out''; };
           nocc = pkgs.stdenvNoCC.mkDerivation { name = \"n\"; dontUnpack = true; buildCommand = \"make --version > $out\"; };
           phases = pkgs.stdenvNoCC.mkDerivation { name = \"ph\"; src = ./src; makeFlags = [ \"PREFIX=$(out)\" ]; };
           gnumake = pkgs.gnumake.outPath; }",
    );
    p.file(
        "src/Makefile",
        b"all:\n\techo built > built.txt\ninstall:\n\tmkdir -p $(PREFIX)\n\tcp built.txt $(PREFIX)/\n",
    );
    assert_eq!(
        std::fs::read_to_string(p.built("cc")).unwrap(),
        "top\nsub\n"
    );
    assert!(std::fs::read_to_string(p.built("nocc"))
        .unwrap()
        .starts_with("GNU Make "));
    // The default buildPhase/installPhase run make (and `make install`).
    let out = p.built("phases");
    assert_eq!(
        std::fs::read_to_string(out.join("built.txt")).unwrap(),
        "built\n"
    );
    assert!(p.eval("gnumake").status.success());
}

#[test]
#[ignore = "needs Nix and the offline fixture; scripts/test runs it"]
fn pkg_config_searches_only_pkg_config_path_and_build_inputs() {
    let p = Probe::new(
        "let foo = pkgs.runCommand \"foo-pc\" { } ''
               mkdir -p $out/lib/pkgconfig
               printf 'prefix=%s\\nName: foo\\nDescription: f\\nVersion: 1.2\\nCflags: -I%s/include\\nLibs: -L%s/lib -lfoo\\n' $out $out $out > $out/lib/pkgconfig/foo.pc
             '';
             drv = name: attrs: cmd: pkgs.stdenv.mkDerivation ({ inherit name; dontUnpack = true; buildCommand = cmd; } // attrs);
         in {
           absent = drv \"absent\" { } ''if command -v pkg-config; then exit 1; fi; touch $out'';
           native = drv \"native\" { nativeBuildInputs = [ pkgs.pkg-config ]; env.PKG_CONFIG_PATH = \"${foo}/lib/pkgconfig\"; }
             ''{ echo \"$PKG_CONFIG\"; pkg-config --modversion foo; pkg-config --libs foo; } > $out'';
           empty = drv \"empty\" { nativeBuildInputs = [ pkgs.pkg-config ]; } ''pkg-config --list-all > $out'';
           hook = drv \"hook\" { nativeBuildInputs = [ pkgs.pkg-config ]; buildInputs = [ foo ]; } ''pkg-config --modversion foo > $out'';
           asBuildInput = drv \"bi\" { buildInputs = [ pkgs.pkg-config ]; env.PKG_CONFIG_PATH = \"${foo}/lib/pkgconfig\"; }
             ''if pkg-config --exists foo; then echo found; exit 1; fi; touch $out'';
           wrapper = pkgs.pkg-config.outPath; }",
    );
    p.built("absent");
    let native = std::fs::read_to_string(p.built("native")).unwrap();
    let mut lines = native.lines();
    assert_eq!(lines.next(), Some("pkg-config"), "PKG_CONFIG not exported");
    assert_eq!(lines.next(), Some("1.2"));
    assert!(lines
        .next()
        .unwrap()
        .trim_end()
        .ends_with("-foo-pc/lib -lfoo"));
    assert_eq!(std::fs::read_to_string(p.built("empty")).unwrap(), "");
    // Setup hook: lib/pkgconfig of buildInputs joins PKG_CONFIG_PATH.
    assert_eq!(std::fs::read_to_string(p.built("hook")).unwrap(), "1.2\n");
    // As a buildInput the wrapper serves the target role:
    // PKG_CONFIG_PATH_FOR_TARGET, not PKG_CONFIG_PATH.
    p.built("asBuildInput");

    // Outside the sandbox too, the program has no default search path: the
    // host's /usr/lib/pkgconfig (and .../x86_64-linux-gnu/pkgconfig) are not
    // searched, though the host's own pkg-config finds .pc files there.
    let out = p.eval("wrapper");
    assert!(out.status.success(), "{}", stderr(&out));
    let wrapper = String::from_utf8(out.stdout).unwrap();
    let run = |program: &str, pkg_config_path: Option<&str>| {
        let mut c = Command::new(program);
        c.arg("--list-all").env_remove("PKG_CONFIG_LIBDIR");
        match pkg_config_path {
            Some(v) => c.env("PKG_CONFIG_PATH", v),
            None => c.env_remove("PKG_CONFIG_PATH"),
        };
        let o = c.output().unwrap();
        assert!(o.status.success(), "{program}: {}", stderr(&o));
        String::from_utf8(o.stdout).unwrap()
    };
    let tmp = tempfile::tempdir().unwrap();
    let pcdir = Utf8Path::from_path(tmp.path()).unwrap();
    std::fs::write(
        pcdir.join("bar.pc"),
        "Name: bar\nDescription: b\nVersion: 3\n",
    )
    .unwrap();
    let host = "/usr/bin/pkg-config";
    if std::path::Path::new(host).exists() {
        assert!(
            !run(host, None).is_empty(),
            "the host's pkg-config finds no .pc files: this check proves nothing"
        );
    }
    let ours = format!("{wrapper}/bin/pkg-config");
    assert_eq!(run(&ours, None), "");
    assert_eq!(
        run(&ours, Some(pcdir.as_str())),
        "bar                            bar - b\n"
    );
}

#[test]
#[ignore = "needs Nix and the offline fixture; scripts/test runs it"]
fn upstream_tarballs_are_fixed_output_and_byte_identical() {
    let p = Probe::new(&format!(
        "{{ seccomp = pkgs.fetchurl {{ url = \"{SECCOMP_URL}\"; hash = \"sha256-2CkCQAQFzwBoV07z3B/l9ZJiB1Q7oa5vjnoVdjUdy9s=\"; }};
           seccompHex = pkgs.fetchurl {{ url = \"{SECCOMP_URL}\"; sha256 = \"{SECCOMP_SHA256}\"; }};
           seccompPrefixed = pkgs.fetchurl {{ url = \"{SECCOMP_URL}\"; hash = \"sha256:{SECCOMP_SHA256}\"; }};
           seccompBareHex = (pkgs.fetchurl {{ url = \"{SECCOMP_URL}\"; hash = \"{SECCOMP_SHA256}\"; }}).drvPath;
           brotli = pkgs.fetchurl {{ url = \"{BROTLI_URL}\"; sha256 = \"{BROTLI_SHA256}\"; }};
           brotliWrong = pkgs.fetchurl {{ url = \"{BROTLI_URL}\"; hash = \"sha256-2CkCQAQFzwBoV07z3B/l9ZJiB1Q7oa5vjnoVdjUdy9s=\"; }};
           fod = (pkgs.fetchurl {{ url = \"{BROTLI_URL}\"; hash = lib.fakeHash; }}).drvPath;
           configureHelp = pkgs.stdenv.mkDerivation {{
             name = \"seccomp-configure-help\";
             src = pkgs.fetchurl {{ url = \"{SECCOMP_URL}\"; hash = \"sha256-2CkCQAQFzwBoV07z3B/l9ZJiB1Q7oa5vjnoVdjUdy9s=\"; }};
             configureFlags = [ \"--help\" ];
             postConfigure = \"./configure --help > $TMPDIR/help\";
             dontBuild = true;
             installPhase = \"cp $TMPDIR/help $out\";
           }}; }}"
    ));
    let seccomp = p.built("seccomp");
    assert!(
        seccomp.as_str().ends_with("-libseccomp-2.5.4.tar.gz"),
        "{seccomp}"
    );
    assert_eq!(sha256_hex(&seccomp), SECCOMP_SHA256);
    assert_eq!(p.built("seccompHex"), seccomp);
    assert_eq!(p.built("seccompPrefixed"), seccomp);
    // nixpkgs hands `hash` to Nix as is: a bare hex digest has no type.
    assert_fails_with(&p.eval("seccompBareHex"), "does not include a type");
    let brotli = p.built("brotli");
    assert!(brotli.as_str().ends_with("-v1.0.9.tar.gz"), "{brotli}");
    assert_eq!(sha256_hex(&brotli), BROTLI_SHA256);
    // Nix itself checks the pin, and reports the real hash.
    let wrong = p.build("brotliWrong");
    assert_fails_with(&wrong, "hash mismatch in fixed-output derivation");
    assert_fails_with(
        &wrong,
        "sha256-+ejYHQQFumbRgVKa9CozVPg4yTkJX/mZMNpqqc32/kY=",
    );
    // A real fixed-output derivation (flat, as nixpkgs' fetchurl).
    let drv = String::from_utf8(p.eval("fod").stdout).unwrap();
    let show = Command::new("nix")
        .args(["show-derivation", &drv])
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&show.stdout).unwrap();
    let out = &json[&drv]["outputs"]["out"];
    assert_eq!(out["hashAlgo"], "sha256", "{json}");
    // busybox sh runs upstream's autotools configure script.
    let help = std::fs::read_to_string(p.built("configureHelp")).unwrap();
    assert!(
        help.contains("`configure' configures libseccomp 2.5.4"),
        "{help}"
    );
}
