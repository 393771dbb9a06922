//! `cgoflake inspect FILE --target …` works on a plain file anywhere: a
//! target given as goos/goarch[/musl] needs no matrix.

mod common;

use std::process::{Command, Output};

fn inspect(dir: &std::path::Path, file: &std::path::Path, target: &str) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cgoflake"))
        .args(["inspect"])
        .arg(file)
        .args(["--target", target])
        .current_dir(dir)
        .output()
        .unwrap()
}

#[test]
fn a_short_target_needs_no_matrix() {
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path().join("p.c");
    std::fs::write(&src, "int main(void) { return 0; }\n").unwrap();
    let bin = tmp.path().join("p");
    let built = Command::new("cc")
        .args(["-static", "-o"])
        .arg(&bin)
        .arg(&src)
        .status();
    if !common::require("cc", built.is_ok_and(|s| s.success())) {
        return;
    }
    // No cgoflake.json here: a static x86-64 ELF fits linux/amd64/musl …
    let fits = inspect(tmp.path(), &bin, "linux/amd64/musl");
    let said = String::from_utf8_lossy(&fits.stderr);
    assert!(fits.status.success(), "{said}");
    assert!(said.contains("fits target linux/amd64/musl"), "{said}");
    // … and not linux/arm64, with the reason.
    let wrong = inspect(tmp.path(), &bin, "linux/arm64");
    assert_eq!(wrong.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&wrong.stderr).contains("machine is x86_64, expected aarch64"));
    // A target name needs a matrix to look it up in, and says so.
    let named = inspect(tmp.path(), &bin, "linux-arm64");
    assert_eq!(named.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&named.stderr).contains("name the target as goos/goarch"));
    // A wrong short form gets the matrix's precise error, naming --target.
    let typo = inspect(tmp.path(), &bin, "linux/arm65");
    assert_eq!(typo.status.code(), Some(2));
    let said = String::from_utf8_lossy(&typo.stderr);
    assert!(
        said.contains("--target") && said.contains("did you mean `arm64`"),
        "{said}"
    );
}
