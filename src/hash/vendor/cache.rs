//! Memoising [`super::compute`]: a key over everything the `vendorHash`
//! depends on that is cheap to see, and validated cache files.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use anyhow::{Context, Result};
use camino::Utf8Path;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::go_command::{local_go_version, local_replacements};
use super::{compute, VendorHash, VendorRequest};
use crate::hash::{hex, sri};

/// Cache key for [`compute_cached`]: SHA-256 (hex) over everything the
/// result depends on that we can cheaply see: the go version, the
/// `proxy_vendor` flag, go.mod and go.sum, and (default mode, where
/// `vendor/modules.txt` lists the imported packages) every `.go` file of the
/// module plus all files of local `replace` directories. Over-approximate on
/// purpose: any code change recomputes, which is cheap with a warm module
/// cache, and a stale hash is never served.
pub fn cache_key(req: &VendorRequest) -> Result<String> {
    let dir = req.module_dir;
    let mut h = Sha256::new();
    // v2: proxyVendor hashes no longer include a golang.org/toolchain download.
    h.update(b"cgoflake-vendor-hash-v2\0");
    let version = match req.toolchain {
        Some(release) => format!("go{release}"),
        None => local_go_version(req.go)?,
    };
    field(&mut h, b"go", version.as_bytes());
    field(
        &mut h,
        b"proxy_vendor",
        if req.proxy_vendor { b"1" } else { b"0" },
    );
    let gomod = dir.join("go.mod");
    let gomod_bytes = fs::read(&gomod).with_context(|| format!("reading {gomod}"))?;
    field(&mut h, b"go.mod", &gomod_bytes);
    match fs::read(dir.join("go.sum")) {
        Ok(b) => field(&mut h, b"go.sum", &b),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => field(&mut h, b"no go.sum", b""),
        Err(e) => return Err(e).with_context(|| format!("reading {dir}/go.sum")),
    }
    if !req.proxy_vendor {
        let mut files = BTreeMap::new();
        collect_files(dir.as_std_path(), dir.as_std_path(), true, &mut files)?;
        digest_files(&mut h, b"module", &files);
    }
    for r in local_replacements(req.go, dir)? {
        let mut files = BTreeMap::new();
        if r.is_dir() {
            collect_files(r.as_std_path(), r.as_std_path(), false, &mut files)?;
        }
        field(&mut h, b"replace", r.as_str().as_bytes());
        digest_files(&mut h, b"replacement", &files);
    }
    Ok(hex(&h.finalize()))
}

/// [`compute`], memoised in `cache_dir` under [`cache_key`]. Cache files
/// are written atomically (temporary file + rename) and validated on read;
/// a corrupt entry is recomputed.
pub fn compute_cached(req: &VendorRequest, cache_dir: &Utf8Path) -> Result<VendorHash> {
    let key = cache_key(req)?;
    let path = cache_dir.join(format!("vendor-hash-{key}.json"));
    if let Ok(text) = fs::read_to_string(&path) {
        if let Ok(entry) = serde_json::from_str::<CacheEntry>(&text) {
            if entry.valid(&key) {
                return Ok(entry.vendor_hash);
            }
        }
    }
    let value = compute(req)?;
    fs::create_dir_all(cache_dir).with_context(|| format!("creating cache dir {cache_dir}"))?;
    let entry = CacheEntry {
        key: key.clone(),
        vendor_hash: value.clone(),
    };
    let mut json = serde_json::to_vec_pretty(&entry)?;
    json.push(b'\n');
    crate::fsutil::write(&path, &json).with_context(|| format!("writing cache file {path}"))?;
    Ok(value)
}

#[derive(Serialize, Deserialize)]
struct CacheEntry {
    key: String,
    vendor_hash: VendorHash,
}

impl CacheEntry {
    fn valid(&self, key: &str) -> bool {
        self.key == key
            && match &self.vendor_hash {
                VendorHash::NoDependencies => true,
                VendorHash::Sri(s) => sri::parse_sri_sha256(s).is_ok(),
            }
    }
}

/// Content of files under `dir`, keyed by path relative to `root`. With
/// `go_only`, only `*.go` files; directories Go ignores (`.`/`_` prefixed,
/// `testdata`) and `vendor` are skipped in that mode. Symlinks are recorded
/// by target, never followed.
fn collect_files(
    root: &Path,
    dir: &Path,
    go_only: bool,
    out: &mut BTreeMap<Vec<u8>, Vec<u8>>,
) -> Result<()> {
    use std::os::unix::ffi::OsStrExt;
    let rd = fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))?;
    for entry in rd {
        let entry = entry.with_context(|| format!("reading {}", dir.display()))?;
        let name = entry.file_name();
        let nb = name.as_bytes();
        let path = entry.path();
        let ft = entry
            .file_type()
            .with_context(|| format!("stat {}", path.display()))?;
        let rel = path
            .strip_prefix(root)
            .unwrap_or(&path)
            .as_os_str()
            .as_bytes()
            .to_vec();
        if ft.is_dir() {
            let skip = nb.starts_with(b".")
                || (go_only
                    && (nb.starts_with(b"_")
                        || nb == b"testdata"
                        || (nb == b"vendor" && dir == root)));
            if !skip {
                collect_files(root, &path, go_only, out)?;
            }
        } else if go_only && !nb.ends_with(b".go") {
            continue;
        } else if ft.is_symlink() {
            let t = fs::read_link(&path).with_context(|| format!("readlink {}", path.display()))?;
            let mut v = b"symlink:".to_vec();
            v.extend_from_slice(t.as_os_str().as_bytes());
            out.insert(rel, v);
        } else if ft.is_file() {
            let mut file =
                fs::File::open(&path).with_context(|| format!("reading {}", path.display()))?;
            let mut fh = Sha256::new();
            std::io::copy(&mut file, &mut fh)
                .with_context(|| format!("reading {}", path.display()))?;
            out.insert(rel, fh.finalize().to_vec());
        }
    }
    Ok(())
}

fn digest_files(h: &mut Sha256, label: &[u8], files: &BTreeMap<Vec<u8>, Vec<u8>>) {
    field(h, label, &(files.len() as u64).to_le_bytes());
    for (k, v) in files {
        field(h, b"path", k);
        field(h, b"content", v);
    }
}

fn field(h: &mut Sha256, name: &[u8], value: &[u8]) {
    h.update((name.len() as u64).to_le_bytes());
    h.update(name);
    h.update((value.len() as u64).to_le_bytes());
    h.update(value);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cache_entry_validation() {
        let e = CacheEntry {
            key: "k".into(),
            vendor_hash: VendorHash::Sri("sha256-nope".into()),
        };
        assert!(!e.valid("k"));
        let e = CacheEntry {
            key: "k".into(),
            vendor_hash: VendorHash::NoDependencies,
        };
        assert!(e.valid("k"));
        assert!(!e.valid("other"));
    }
}
