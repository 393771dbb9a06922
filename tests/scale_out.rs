//! Nix's own distribution works unchanged for a cgoflake flake: a built
//! matrix copied to a file:// binary cache is substituted by a fresh store
//! that builds nothing, and `cgoflake build -- --builders ssh://…` builds a
//! target on a remote builder over SSH on loopback. The steps and their
//! checks are in tests/scale-out/run; this test runs it against the offline
//! fixture.

mod common;

use std::process::Command;

#[test]
#[ignore = "builds in the Nix sandbox, starts an sshd on 127.0.0.1 and needs root (minutes); scripts/test runs it"]
fn a_binary_cache_and_a_remote_builder_work_unchanged() {
    let root = nix::unistd_is_root();
    if !common::require("root (chroot stores)", root)
        || !common::require("sshd", camino::Utf8Path::new("/usr/sbin/sshd").is_file())
    {
        return;
    }
    let out = Command::new("bash")
        .arg(common::root().join("tests/scale-out/run"))
        .env("FIXTURE", common::fixture())
        .env("CGOFLAKE", env!("CARGO_BIN_EXE_cgoflake"))
        .env(
            "SCALE_OUT_DIR",
            common::e2e_dir().join("scale-out").as_str(),
        )
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && stdout.contains("SCALE-OUT CHECKS PASSED"),
        "tests/scale-out/run failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for line in stdout.lines().filter(|l| l.starts_with("ok: ")) {
        eprintln!("{line}");
    }
}

mod nix {
    /// Chroot stores (`--store DIR`) and an sshd need root.
    pub fn unistd_is_root() -> bool {
        std::process::Command::new("id")
            .arg("-u")
            .output()
            .is_ok_and(|o| o.stdout.trim_ascii() == b"0")
    }
}
