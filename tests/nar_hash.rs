//! `cgoflake::hash::nar` against the real Nix: `nix hash path` and
//! `nix-store --dump`. Without Nix the comparison says so and stops, or
//! fails in CI (tests/common).

use std::ffi::OsStr;
use std::fs;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{symlink, PermissionsExt};
use std::path::Path;
use std::process::Command;

use camino::{Utf8Path, Utf8PathBuf};
use cgoflake::hash::{nar, sri};
use sha2::{Digest, Sha256};

mod common;
use common::{nix_available, nix_hash_path};

fn nix_store_dump(path: &Path) -> Vec<u8> {
    let out = Command::new("nix-store")
        .arg("--dump")
        .arg(path)
        .output()
        .expect("run nix-store --dump");
    assert!(
        out.status.success(),
        "nix-store --dump failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// `nix-store --dump PATH | sha256sum`, literally.
fn dump_sha256sum(path: &Path) -> String {
    let out = Command::new("sh")
        .arg("-c")
        .arg("nix-store --dump \"$1\" | sha256sum")
        .arg("sh")
        .arg(path)
        .output()
        .expect("run sh");
    assert!(out.status.success());
    String::from_utf8(out.stdout)
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap()
        .to_owned()
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn write(path: &Path, contents: &[u8], mode: u32) {
    fs::write(path, contents).unwrap();
    fs::set_permissions(path, fs::Permissions::from_mode(mode)).unwrap();
}

/// A tree with every kind of node NAR supports.
fn build_tree(root: &Path) {
    fs::create_dir_all(root.join("src/nested/deeper")).unwrap();
    fs::create_dir_all(root.join("empty")).unwrap();
    fs::create_dir_all(root.join("src/empty-too")).unwrap();
    write(&root.join("README"), b"hello\n", 0o644);
    write(&root.join("empty-file"), b"", 0o644);
    // 8-byte aligned and unaligned sizes exercise the padding.
    write(&root.join("eight"), b"12345678", 0o600);
    write(
        &root.join("src/nested/deeper/data.bin"),
        &[0u8, 1, 2, 255, 254],
        0o444,
    );
    let big: Vec<u8> = (0..200_003u32).map(|i| (i * 7 % 256) as u8).collect();
    write(&root.join("src/big.bin"), &big, 0o644);
    write(&root.join("run.sh"), b"#!/bin/sh\necho hi\n", 0o755);
    // Only the owner-execute bit counts.
    write(&root.join("owner-exec-only"), b"x", 0o700);
    write(&root.join("group-exec-only"), b"x", 0o654);
    symlink("README", root.join("link-relative")).unwrap();
    symlink("../README", root.join("src/link-up")).unwrap();
    symlink("does/not/exist", root.join("dangling")).unwrap();
    symlink("/absolute/target", root.join("abs-link")).unwrap();
    symlink("nested", root.join("src/dir-link")).unwrap();
    // Odd names: spaces, quotes, unicode, shell and Nix specials, leading
    // dash/dot, a newline, and a name that is not valid UTF-8.
    for name in [
        "with space",
        "quote\"s'",
        "ünïcødé-日本",
        "$dollar{brace}",
        "-dash",
        ".hidden",
        "new\nline",
        "a=b;c#d",
        "Zupper",
        "zlower",
    ] {
        write(&root.join(name), name.as_bytes(), 0o644);
    }
    write(
        &root.join(OsStr::from_bytes(b"bad-utf8-\xff\xfe")),
        b"bytes",
        0o644,
    );
}

fn check_against_nix(path: &Path) {
    let p = Utf8Path::from_path(path).expect("utf8 test path");
    let digest = nar::nar_hash(p).expect("nar_hash");

    let mut ours = Vec::new();
    nar::write_nar(path, &mut ours).unwrap();
    let theirs = nix_store_dump(path);
    assert!(
        ours == theirs,
        "NAR bytes differ from nix-store --dump for {}",
        path.display()
    );
    assert_eq!(hex(&Sha256::digest(&ours)), hex(&digest));
    assert_eq!(dump_sha256sum(path), hex(&digest), "{}", path.display());
    assert_eq!(
        nix_hash_path(path, false),
        sri::sri_sha256(&digest),
        "{}",
        path.display()
    );
    assert_eq!(
        nix_hash_path(path, true),
        sri::nix32(&digest),
        "{}",
        path.display()
    );
}

#[test]
fn tree_matches_nix() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("tree");
    build_tree(&root);
    if !nix_available() {
        // Still exercise our side.
        nar::nar_hash(Utf8Path::from_path(&root).unwrap()).unwrap();
        return;
    }
    check_against_nix(&root);
    // Each kind of node on its own, as a top-level path.
    for sub in [
        "README",
        "empty-file",
        "eight",
        "run.sh",
        "empty",
        "src",
        "link-relative",
        "dangling",
    ] {
        check_against_nix(&root.join(sub));
    }
}

#[test]
fn executable_bit_changes_hash() {
    let tmp = tempfile::tempdir().unwrap();
    let f = Utf8PathBuf::from_path_buf(tmp.path().join("f")).unwrap();
    write(f.as_std_path(), b"x", 0o644);
    let plain = nar::nar_hash(&f).unwrap();
    write(f.as_std_path(), b"x", 0o744);
    let exec = nar::nar_hash(&f).unwrap();
    assert_ne!(plain, exec);
    if nix_available() {
        assert_eq!(
            nix_hash_path(f.as_std_path(), false),
            sri::sri_sha256(&exec)
        );
    }
}

#[test]
fn unsupported_file_type_is_a_typed_error() {
    let tmp = tempfile::tempdir().unwrap();
    let sock_path = tmp.path().join("sock");
    let _listener = std::os::unix::net::UnixListener::bind(&sock_path).unwrap();
    let root = Utf8Path::from_path(tmp.path()).unwrap();
    match nar::nar_hash(root) {
        Err(nar::NarError::UnsupportedFileType { path, kind }) => {
            assert_eq!(path, sock_path);
            assert_eq!(kind, "socket");
        }
        other => panic!("expected UnsupportedFileType, got {other:?}"),
    }
}
