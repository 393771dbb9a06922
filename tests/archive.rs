//! `cgoflake build --archive`: per-target release archives in build/dist/ are
//! reproducible (byte-identical across runs and build directories), hold one
//! top-level folder with the target's binaries, and SHA256SUMS verifies.

use std::io::Read as _;
use std::process::Command;

use camino::{Utf8Path, Utf8PathBuf};
use cgoflake::build::archive::{archive_all, ArchiveOptions};
use cgoflake::build::collect::{collect, Collectable, Manifest};

fn fake_store(root: &Utf8Path, name: &str, files: &[(&str, &str)]) -> Utf8PathBuf {
    let p = root.join(name);
    std::fs::create_dir_all(p.join("bin")).unwrap();
    for (f, content) in files {
        std::fs::write(p.join("bin").join(f), content).unwrap();
    }
    p
}

/// Collect three fake targets (two unix, one windows) into `root/build`.
fn collected(root: &Utf8Path) -> (Utf8PathBuf, Manifest) {
    let item =
        |target: &str, goos: &str, goarch: &str, out_dir: &str, store: Utf8PathBuf| Collectable {
            target: target.into(),
            goos: goos.into(),
            goarch: goarch.into(),
            out_dir: out_dir.into(),
            result: Ok(store),
        };
    let items = vec![
        item(
            "linux-amd64",
            "linux",
            "amd64",
            "linux/amd64",
            fake_store(
                root,
                "a",
                &[("app", "linux amd64 binary"), ("tool", "second binary")],
            ),
        ),
        item(
            "linux-arm64-musl",
            "linux",
            "arm64",
            "linux/arm64-musl",
            fake_store(root, "b", &[("app", "linux arm64 musl binary")]),
        ),
        item(
            "windows-amd64",
            "windows",
            "amd64",
            "windows/amd64",
            fake_store(root, "c", &[("app.exe", "MZ windows binary")]),
        ),
        Collectable {
            result: Err("failed build".into()),
            ..item("linux-386", "linux", "386", "linux/386", root.join("none"))
        },
    ];
    let build = root.join("build");
    let manifest = collect(&build, &items).unwrap();
    (build, manifest)
}

fn opts(mtime: u64) -> ArchiveOptions {
    ArchiveOptions {
        pname: "app".into(),
        version: "1.2.3".into(),
        mtime,
    }
}

fn read_dist(build: &Utf8Path) -> Vec<(String, Vec<u8>)> {
    let mut v: Vec<(String, Vec<u8>)> = build
        .join("dist")
        .read_dir_utf8()
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (e.file_name().to_owned(), std::fs::read(e.path()).unwrap())
        })
        .collect();
    v.sort();
    v
}

#[test]
fn two_runs_give_byte_identical_archives() {
    let t1 = tempfile::tempdir().unwrap();
    let t2 = tempfile::tempdir().unwrap();
    let (b1, m1) = collected(Utf8Path::from_path(t1.path()).unwrap());
    let (b2, m2) = collected(Utf8Path::from_path(t2.path()).unwrap());
    // Different file mtimes on disk must not matter.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    std::fs::write(b2.join("linux/amd64/app"), "linux amd64 binary").unwrap();

    let a1 = archive_all(&b1, &m1, &opts(0)).unwrap();
    let a2 = archive_all(&b2, &m2, &opts(0)).unwrap();
    assert_eq!(a1, a2);
    let first = read_dist(&b1);
    assert_eq!(first, read_dist(&b2));
    // And again in the same directory.
    archive_all(&b1, &m1, &opts(0)).unwrap();
    assert_eq!(first, read_dist(&b1));

    let names: Vec<&str> = first.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "SHA256SUMS",
            "app-1.2.3-linux-amd64.tar.gz",
            "app-1.2.3-linux-arm64-musl.tar.gz",
            "app-1.2.3-windows-amd64.zip",
        ],
        "failed targets get no archive"
    );

    // A different SOURCE_DATE_EPOCH changes the bytes (the mtime is really used).
    let t3 = tempfile::tempdir().unwrap();
    let (b3, m3) = collected(Utf8Path::from_path(t3.path()).unwrap());
    archive_all(&b3, &m3, &opts(1_700_000_000)).unwrap();
    assert_ne!(first, read_dist(&b3));
}

#[test]
fn sha256sums_verify_with_the_standard_tool() {
    let t = tempfile::tempdir().unwrap();
    let (build, manifest) = collected(Utf8Path::from_path(t.path()).unwrap());
    let written = archive_all(&build, &manifest, &opts(0)).unwrap();
    let sums = std::fs::read_to_string(build.join("dist/SHA256SUMS")).unwrap();
    for a in &written {
        let file = a.path.strip_prefix("dist/").unwrap();
        assert!(sums.contains(&format!("{}  {file}\n", a.sha256)), "{sums}");
    }
    let out = Command::new("sha256sum")
        .args(["--check", "--strict", "SHA256SUMS"])
        .current_dir(build.join("dist"))
        .output()
        .expect("sha256sum (coreutils) runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn tar_gz_lists_the_expected_entries_with_fixed_metadata() {
    let t = tempfile::tempdir().unwrap();
    let (build, manifest) = collected(Utf8Path::from_path(t.path()).unwrap());
    archive_all(&build, &manifest, &opts(1_700_000_000)).unwrap();
    let bytes = std::fs::read(build.join("dist/app-1.2.3-linux-amd64.tar.gz")).unwrap();
    // gzip header: no name flag, mtime 0.
    assert_eq!(&bytes[..4], &[0x1f, 0x8b, 8, 0]);
    assert_eq!(&bytes[4..8], &[0, 0, 0, 0]);
    let mut ar = tar::Archive::new(flate2::read::GzDecoder::new(bytes.as_slice()));
    let mut seen = Vec::new();
    for e in ar.entries().unwrap() {
        let mut e = e.unwrap();
        let h = e.header().clone();
        assert_eq!(h.mode().unwrap(), 0o755);
        assert_eq!((h.uid().unwrap(), h.gid().unwrap()), (0, 0));
        assert_eq!(h.mtime().unwrap(), 1_700_000_000);
        assert_eq!(h.username().unwrap(), Some(""));
        let mut content = String::new();
        e.read_to_string(&mut content).unwrap();
        seen.push((e.path().unwrap().to_string_lossy().into_owned(), content));
    }
    assert_eq!(
        seen,
        [
            ("app-1.2.3-linux-amd64/".to_owned(), String::new()),
            (
                "app-1.2.3-linux-amd64/app".to_owned(),
                "linux amd64 binary".to_owned()
            ),
            (
                "app-1.2.3-linux-amd64/tool".to_owned(),
                "second binary".to_owned()
            ),
        ]
    );
    // The system tar agrees.
    let out = Command::new("tar")
        .args(["-tzf", "dist/app-1.2.3-linux-amd64.tar.gz"])
        .current_dir(&build)
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "app-1.2.3-linux-amd64/\napp-1.2.3-linux-amd64/app\napp-1.2.3-linux-amd64/tool\n"
    );
}

#[test]
fn zip_lists_the_expected_entries_without_extra_fields() {
    let t = tempfile::tempdir().unwrap();
    let (build, manifest) = collected(Utf8Path::from_path(t.path()).unwrap());
    archive_all(&build, &manifest, &opts(0)).unwrap();
    let bytes = std::fs::read(build.join("dist/app-1.2.3-windows-amd64.zip")).unwrap();
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut seen = Vec::new();
    for i in 0..z.len() {
        let mut f = z.by_index(i).unwrap();
        let name = f.name().unwrap().into_owned();
        assert_eq!(f.unix_mode().map(|m| m & 0o777), Some(0o755), "{name}");
        assert!(
            f.extra_data().is_none_or(|d| d.is_empty()),
            "{name}: extra field"
        );
        let t = f.last_modified().unwrap();
        assert_eq!((t.year(), t.month(), t.day()), (1980, 1, 1));
        let mut content = String::new();
        f.read_to_string(&mut content).unwrap();
        seen.push((name, content));
    }
    assert_eq!(
        seen,
        [
            ("app-1.2.3-windows-amd64/".to_owned(), String::new()),
            (
                "app-1.2.3-windows-amd64/app.exe".to_owned(),
                "MZ windows binary".to_owned()
            ),
        ]
    );
}

#[test]
fn a_manifest_naming_an_unknown_goos_is_refused_not_guessed() {
    let t = tempfile::tempdir().unwrap();
    let (build, mut manifest) = collected(Utf8Path::from_path(t.path()).unwrap());
    let windows = manifest
        .targets
        .iter_mut()
        .find(|t| t.target == "windows-amd64")
        .unwrap();
    windows.goos = "windoze".into();
    let err = archive_all(&build, &manifest, &opts(0)).unwrap_err();
    let msg = format!("{err:#}");
    assert!(msg.contains("manifest.json"), "{msg}");
    assert!(msg.contains("windows-amd64"), "{msg}");
    assert!(msg.contains("\"windoze\""), "{msg}");
}
