//! `cgoflake build`, part two: copy built binaries into
//! `build/<goos>/<goarch>/`, and write `build/SHA256SUMS` and
//! `build/manifest.json`.
//!
//! Safe against interruption and concurrent runs: files are staged in
//! `build/.staging/` and renamed into place (a reader never sees a partial
//! binary), and one run at a time holds `build/.lock` while collecting.

use std::collections::BTreeMap;
use std::fs::{self, File};
use std::io::{Read as _, Write as _};

use anyhow::{Context as _, Result};
use camino::{Utf8Path, Utf8PathBuf};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::platform::{Goarch, Goos};
use crate::{fsutil, hash};

/// `build/manifest.json`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Manifest {
    /// The tool that wrote it.
    pub generator: String,
    /// One entry per target ever collected into this directory, sorted by name.
    pub targets: Vec<TargetEntry>,
}

/// One target in the manifest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TargetEntry {
    /// Target name.
    pub target: String,
    /// GOOS.
    pub goos: String,
    /// GOARCH.
    pub goarch: String,
    /// `ok` or `failed`.
    pub status: Status,
    /// The Nix store path it was copied from.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub store_path: Option<String>,
    /// The collected files.
    pub files: Vec<FileEntry>,
    /// Why the build failed (with the end of its log).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub error: Option<String>,
}

/// Build status of a target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Built and collected.
    Ok,
    /// The build failed; files of an earlier run, if any, are left as they were.
    Failed,
}

/// One collected file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FileEntry {
    /// Path relative to the build directory, e.g. `linux/arm64/app`.
    pub path: String,
    /// sha256, hex.
    pub sha256: String,
    /// Size in bytes.
    pub size: u64,
}

/// What to collect for one target.
#[derive(Debug, Clone)]
pub struct Collectable {
    /// Target name.
    pub target: String,
    /// GOOS.
    pub goos: String,
    /// GOARCH.
    pub goarch: String,
    /// `<goos>/<goarch>` (plus a variant suffix), relative to the build dir.
    pub out_dir: String,
    /// The built store path, or the failure.
    pub result: Result<Utf8PathBuf, String>,
}

/// Holds `build/.lock` for as long as it lives.
pub struct BuildDirLock {
    _file: File,
}

/// Wait for and take the build directory's lock.
pub fn lock(build: &Utf8Path) -> Result<BuildDirLock> {
    fs::create_dir_all(build).with_context(|| format!("creating {build}"))?;
    let path = build.join(".lock");
    let file = File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .with_context(|| format!("opening {path}"))?;
    file.lock().with_context(|| format!("locking {path}"))?;
    Ok(BuildDirLock { _file: file })
}

/// Collect every result into `build`; returns the updated manifest.
pub fn collect(build: &Utf8Path, items: &[Collectable]) -> Result<Manifest> {
    let _lock = lock(build)?;
    let staging = build.join(".staging");
    // Leftovers of an interrupted run.
    if staging.exists() {
        fs::remove_dir_all(&staging).with_context(|| format!("removing {staging}"))?;
    }
    fs::create_dir_all(&staging)?;

    let mut manifest = read_manifest(build);
    for item in items {
        let entry = match &item.result {
            Ok(store_path) => TargetEntry {
                target: item.target.clone(),
                goos: item.goos.clone(),
                goarch: item.goarch.clone(),
                status: Status::Ok,
                store_path: Some(store_path.to_string()),
                files: install_target(build, &staging, item, store_path)?,
                error: None,
            },
            Err(error) => TargetEntry {
                target: item.target.clone(),
                goos: item.goos.clone(),
                goarch: item.goarch.clone(),
                status: Status::Failed,
                store_path: None,
                files: Vec::new(),
                error: Some(error.clone()),
            },
        };
        manifest.targets.retain(|t| t.target != entry.target);
        manifest.targets.push(entry);
    }
    if let Some(entry) = universal_darwin(build, &staging, &manifest)? {
        manifest.targets.retain(|t| t.target != entry.target);
        manifest.targets.push(entry);
    }
    manifest.targets.sort_by(|a, b| a.target.cmp(&b.target));
    manifest.generator = crate::GENERATOR.to_owned();

    let mut json = serde_json::to_string_pretty(&manifest)?;
    json.push('\n');
    fsutil::write(&build.join("manifest.json"), json.as_bytes())?;
    fsutil::write(&build.join("SHA256SUMS"), sha256sums(&manifest).as_bytes())?;
    fs::remove_dir_all(&staging).ok();
    Ok(manifest)
}

/// The name of the merged darwin entry in the manifest.
pub const UNIVERSAL_TARGET: &str = "darwin-universal";

/// When darwin/amd64 and darwin/arm64 are both collected, merge each of
/// their binaries into `darwin/universal/` (see [`crate::build::universal`]).
fn universal_darwin(
    build: &Utf8Path,
    staging: &Utf8Path,
    manifest: &Manifest,
) -> Result<Option<TargetEntry>> {
    let slice = |dir: &str| {
        manifest.targets.iter().find(|t| {
            t.status == Status::Ok
                && t.files
                    .first()
                    .is_some_and(|f| f.path.starts_with(&format!("{dir}/")))
        })
    };
    let darwin = |arch: &str| format!("{}/{arch}", Goos::Darwin);
    let (amd64, arm64) = (Goarch::Amd64.as_str(), Goarch::Arm64.as_str());
    let (Some(amd64), Some(arm64)) = (slice(&darwin(amd64)), slice(&darwin(arm64))) else {
        return Ok(None);
    };
    let name = |f: &FileEntry| f.path.rsplit('/').next().unwrap_or_default().to_owned();
    let stage = staging.join(UNIVERSAL_TARGET);
    fs::create_dir_all(&stage)?;
    let mut files = Vec::new();
    for a in &amd64.files {
        let Some(b) = arm64.files.iter().find(|b| name(b) == name(a)) else {
            continue;
        };
        let merged = crate::build::universal::merge(&[
            fs::read(build.join(&a.path))?,
            fs::read(build.join(&b.path))?,
        ])
        .with_context(|| format!("merging {} and {}", a.path, b.path))?;
        let file = stage.join(name(a));
        fs::write(&file, &merged)?;
        fsutil::set_executable(&file)?;
        files.push(FileEntry {
            path: format!("{}/{}", darwin("universal"), name(a)),
            sha256: hash::sha256_hex(&merged),
            size: merged.len() as u64,
        });
    }
    if files.is_empty() {
        return Ok(None);
    }
    let dest = build.join(darwin("universal"));
    let old = staging.join(format!("{UNIVERSAL_TARGET}.old"));
    if dest.exists() {
        fs::rename(&dest, &old)?;
    }
    fs::rename(&stage, &dest).with_context(|| format!("installing {dest}"))?;
    Ok(Some(TargetEntry {
        target: UNIVERSAL_TARGET.to_owned(),
        goos: Goos::Darwin.to_string(),
        goarch: "universal".to_owned(),
        status: Status::Ok,
        store_path: None,
        files,
        error: None,
    }))
}

/// The manifest of an earlier run, or an empty one.
pub fn read_manifest(build: &Utf8Path) -> Manifest {
    fs::read_to_string(build.join("manifest.json"))
        .ok()
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or_default()
}

/// `sha256sum -c`-compatible lines for every collected file, sorted.
pub fn sha256sums(manifest: &Manifest) -> String {
    let mut lines: Vec<String> = manifest
        .targets
        .iter()
        .filter(|t| t.status == Status::Ok)
        .flat_map(|t| {
            t.files
                .iter()
                .map(|f| format!("{}  {}\n", f.sha256, f.path))
        })
        .collect();
    lines.sort();
    lines.concat()
}

/// Copy `<store_path>/bin/*` to `build/<out_dir>/`: staged, then swapped in.
fn install_target(
    build: &Utf8Path,
    staging: &Utf8Path,
    item: &Collectable,
    store_path: &Utf8Path,
) -> Result<Vec<FileEntry>> {
    let bin = store_path.join("bin");
    let stage = staging.join(&item.target);
    fs::create_dir_all(&stage)?;
    let mut files = BTreeMap::new();
    let entries =
        fs::read_dir(&bin).with_context(|| format!("{}: no bin/ in {store_path}", item.target))?;
    for entry in entries {
        let entry = entry?;
        let name = entry
            .file_name()
            .into_string()
            .map_err(|n| anyhow::anyhow!("non-UTF-8 file name {n:?}"))?;
        let src = bin.join(&name);
        if !src.is_file() {
            continue;
        }
        let (sha256, size) = copy_hashing(&src, &stage.join(&name))?;
        files.insert(name, (sha256, size));
    }
    anyhow::ensure!(!files.is_empty(), "{}: {bin} holds no files", item.target);

    let dest = build.join(&item.out_dir);
    fs::create_dir_all(dest.parent().expect("out_dir has a parent"))?;
    let old = staging.join(format!("{}.old", item.target));
    if dest.exists() {
        fs::rename(&dest, &old).with_context(|| format!("moving {dest} aside"))?;
    }
    fs::rename(&stage, &dest).with_context(|| format!("installing {dest}"))?;
    if old.exists() {
        fs::remove_dir_all(&old).ok();
    }
    Ok(files
        .into_iter()
        .map(|(name, (sha256, size))| FileEntry {
            path: format!("{}/{name}", item.out_dir),
            sha256,
            size,
        })
        .collect())
}

/// Copy a file (mode 0755), returning its sha256 and size.
fn copy_hashing(src: &Utf8Path, dest: &Utf8Path) -> Result<(String, u64)> {
    let mut input = File::open(src).with_context(|| format!("opening {src}"))?;
    let mut output = File::create(dest).with_context(|| format!("creating {dest}"))?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    let mut size = 0u64;
    loop {
        let n = input.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        output.write_all(&buf[..n])?;
        size += n as u64;
    }
    output.sync_all()?;
    fsutil::set_executable(dest)?;
    Ok((hash::hex(&hasher.finalize()), size))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fake_store(dir: &Utf8Path, name: &str, content: &str) -> Utf8PathBuf {
        let p = dir.join(name);
        fs::create_dir_all(p.join("bin")).unwrap();
        fs::write(p.join("bin/app"), content).unwrap();
        p
    }

    #[test]
    fn collects_failures_without_losing_others() {
        let tmp = tempfile::tempdir().unwrap();
        let root = Utf8Path::from_path(tmp.path()).unwrap();
        let build = root.join("build");
        let a = fake_store(root, "a", "binary a");
        let items = vec![
            Collectable {
                target: "linux-amd64".into(),
                goos: "linux".into(),
                goarch: "amd64".into(),
                out_dir: "linux/amd64".into(),
                result: Ok(a),
            },
            Collectable {
                target: "linux-arm64".into(),
                goos: "linux".into(),
                goarch: "arm64".into(),
                out_dir: "linux/arm64".into(),
                result: Err("boom".into()),
            },
        ];
        let m = collect(&build, &items).unwrap();
        assert_eq!(m.targets.len(), 2);
        assert_eq!(m.targets[0].status, Status::Ok);
        assert_eq!(m.targets[1].status, Status::Failed);
        assert_eq!(
            fs::read_to_string(build.join("linux/amd64/app")).unwrap(),
            "binary a"
        );
        let sums = fs::read_to_string(build.join("SHA256SUMS")).unwrap();
        assert_eq!(
            sums,
            format!(
                "{}  linux/amd64/app\n",
                hash::sha256_file(&build.join("linux/amd64/app")).unwrap()
            )
        );
        assert!(!build.join(".staging").exists());

        // A later run of only the second target keeps the first in the manifest.
        let b = fake_store(root, "b", "binary b");
        let again = vec![Collectable {
            target: "linux-arm64".into(),
            goos: "linux".into(),
            goarch: "arm64".into(),
            out_dir: "linux/arm64".into(),
            result: Ok(b),
        }];
        let m = collect(&build, &again).unwrap();
        assert!(m.targets.iter().all(|t| t.status == Status::Ok));
        assert_eq!(read_manifest(&build), m);
    }
}
