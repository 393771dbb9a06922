//! nixpkgs' `stdenv` exports `NIX_CFLAGS_COMPILE` and `NIX_LDFLAGS` (its
//! cc-wrapper's flags: `-isystem`/`-L` of every buildInput, `-frandom-seed`,
//! the output's rpath) into every build, and Zig reads both when it
//! compiles for the *native* target (std.zig.system.NativePaths). cgoflake
//! always names the target (`-target <triple>`), for which Zig reads
//! neither: this test compiles for every target of the example matrix with
//! both variables pointing at a poisoned include directory and a define
//! that makes the source fail, and checks the native target does see them
//! (so the test would notice if Zig started reading them for named targets).

mod common;

use std::process::{Command, Output};

const SOURCE: &str = "#ifdef CGOFLAKE_NIX_CFLAGS_LEAKED\n#error NIX_CFLAGS_COMPILE reached zig\n#endif\n#include <poisoned.h>\nint answer(void) { return 42; }\n";

fn compile(zig: &[String], dir: &std::path::Path, target: Option<&str>) -> Output {
    let poisoned = dir.join("poisoned-include");
    let mut cmd = Command::new(&zig[0]);
    cmd.args(&zig[1..]).arg("cc");
    if let Some(t) = target {
        cmd.args(["-target", t]);
    }
    cmd.args(["-c", "t.c", "-o", "t.o"])
        // Only the poisoned directory has a poisoned.h; without it the
        // include fails, so a leaked -isystem would make the compile pass.
        .env(
            "NIX_CFLAGS_COMPILE",
            format!(
                "-frandom-seed=0123456789 -isystem {} -DCGOFLAKE_NIX_CFLAGS_LEAKED=1",
                poisoned.display()
            ),
        )
        .env(
            "NIX_LDFLAGS",
            "-rpath /nix/store/x-out/lib -L/nix/store/x-dep/lib",
        )
        .env("ZIG_GLOBAL_CACHE_DIR", dir.join("zig-global"))
        .env("ZIG_LOCAL_CACHE_DIR", dir.join("zig-local"))
        .current_dir(dir)
        .output()
        .expect("zig runs")
}

#[test]
fn zig_ignores_nix_cflags_and_ldflags_for_every_named_target() {
    let Some(zig) = common::zig_command() else {
        common::require("zig 0.15 (python3 -m ziglang)", false);
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::write(dir.join("t.c"), SOURCE).unwrap();
    std::fs::create_dir_all(dir.join("poisoned-include")).unwrap();
    std::fs::write(dir.join("poisoned-include/poisoned.h"), "/* leaked */\n").unwrap();

    // The control: for the native target Zig reads NIX_CFLAGS_COMPILE, warns
    // about the define it does not take, and finds the poisoned header.
    let native = compile(&zig, dir, None);
    let native_err = String::from_utf8_lossy(&native.stderr);
    assert!(
        native.status.success() && native_err.contains("NIX_CFLAGS_COMPILE"),
        "Zig no longer reads NIX_CFLAGS_COMPILE for the native target; this test proves nothing now:\n{native_err}"
    );

    let root = common::root();
    let matrix = root.join("cgoflake.json");
    let m = cgoflake::matrix::load(&matrix).unwrap();
    let plan = cgoflake::plan::resolve(&m, &matrix, &root).unwrap();
    for t in &plan.targets {
        let triple = t.target.zig_triple();
        let out = compile(&zig, dir, Some(&triple));
        let err = String::from_utf8_lossy(&out.stderr);
        // Without the leak the include of poisoned.h fails: that failure,
        // and nothing about NIX_*, is what a named target must show.
        assert!(
            !out.status.success(),
            "{triple}: compiled, so NIX_CFLAGS_COMPILE's -isystem reached zig"
        );
        assert!(
            err.contains("'poisoned.h' file not found"),
            "{triple}: {err}"
        );
        assert!(
            !err.contains("NIX_"),
            "{triple}: zig read a NIX_ variable:\n{err}"
        );
        assert!(
            !err.contains("CGOFLAKE_NIX_CFLAGS_LEAKED"),
            "{triple}: {err}"
        );
    }
}
