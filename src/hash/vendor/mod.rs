//! Compute `buildGoModule`'s `vendorHash` locally, without the
//! "build with a fake hash, copy the real one from the error" dance.
//!
//! # What nixpkgs does (pkgs/build-support/go/module.nix, 25.05+ / 25.11)
//!
//! Unless `vendorHash = null`, `buildGoModule` builds a fixed-output
//! derivation `goModules` with `outputHashMode = "recursive"` and
//! `outputHash = vendorHash`, so `vendorHash` is the SHA-256 of the NAR of
//! its `$out`. That derivation:
//!
//! * gets the package's `env`, i.e. `GO111MODULE=on`, `GOTOOLCHAIN=local`,
//!   `GOOS`/`GOARCH` of the Go package, `CGO_ENABLED`, plus any user `env`;
//!   `GOFLAGS` is *not* part of `env`, so it is unset; `HOME` is
//!   `/homeless-shelter`, so no `go env -w` file applies; `GOPROXY` and the
//!   usual proxy variables are impure (taken from the Nix daemon); `GOSUMDB`,
//!   `GOPRIVATE`, `GOWORK` are left at their defaults;
//! * configure: `GOCACHE=$TMPDIR/go-cache`, `GOPATH=$TMPDIR/go` (so a fresh,
//!   empty module cache), `cd "$modRoot"`;
//! * build: fails if `vendor/` already exists in the source (then the
//!   caller must use `vendorHash = null`, or `deleteVendor = true`); sets
//!   `GIT_SSL_CAINFO`; then
//!   * default: `go mod vendor` (plus `-v` only under `NIX_DEBUG`, which
//!     does not change the output), then `mkdir -p vendor`;
//!   * `proxyVendor = true`: `mkdir -p $GOPATH/pkg/mod/cache/download` and
//!     `go mod download` (no arguments);
//! * install: default: `cp -r vendor $out`; `proxyVendor`: delete
//!   `$GOPATH/pkg/mod/cache/download/sumdb`, then
//!   `cp -r $GOPATH/pkg/mod/cache/download $out`. If `$out` is empty the
//!   build fails telling the user to set `vendorHash = null` — that is our
//!   [`VendorHash::NoDependencies`].
//!
//! # How we reproduce it
//!
//! [`compute`] runs `go` in `module_dir` (the `modRoot`) as the release the
//! flake pins: `GOTOOLCHAIN=go<pinned>` makes any local Go >= 1.21 fetch that
//! exact toolchain from the Go module proxy (checksum-verified) and run it, so
//! the vendor tree is made by the same Go as the flake's. Only when that
//! toolchain cannot be had (offline) does it fall back to the local Go, with
//! a warning. It writes nothing in `module_dir`: go.mod/go.sum are copied into a temporary directory
//! and passed as `-modfile` (so the module root, its packages and relative
//! `replace` paths are exactly the user's, while any go.mod/go.sum update
//! `go mod vendor` would make lands in the temporary copy), and the vendor
//! tree is written with `-o <tmp>/vendor`. An existing `vendor/` in
//! `module_dir` is ignored (see [`has_vendor_dir`]; whether Nix sees it depends
//! on what the flake's `src` contains, e.g. git-tracked files only).
//!
//! Environment: the user's environment minus every `GO*` variable (except
//! `GOROOT`) and `CGO_*`, then `GOENV=off`, `GO111MODULE=on`,
//! `GOTOOLCHAIN=go<pinned>` (or `local`), `GOWORK=off`, no `GOFLAGS`; the network-related
//! settings (`GOPROXY`, `GOSUMDB`, `GONOSUMDB`, `GONOPROXY`, `GOPRIVATE`,
//! `GOINSECURE`, `GOVCS`, `GOAUTH`) and `GOPATH`/`GOMODCACHE`/`GOCACHE` are
//! kept as the
//! user's `go env` resolves them, so private proxies keep working. `GOOS`,
//! `GOARCH` and `CGO_ENABLED` do not matter: `go mod vendor` and
//! `go mod download` consider all build tags.
//!
//! * Default mode uses the user's `GOMODCACHE`: vendored files are copied
//!   from extracted, checksum-verified module directories, so the result
//!   equals a fresh download, and repeated runs need no network.
//! * `proxy_vendor` mode must hash a *fresh* download cache (the user's holds
//!   unrelated modules), so `GOMODCACHE` is a temporary directory, and
//!   `GOPROXY` is `file://<user GOMODCACHE>/cache/download,<user GOPROXY>`:
//!   the user's cache serves what it has, the network the rest. Go re-encodes
//!   `.info` files and rebuilds `list` files from what is in the cache, so the
//!   tree is the same as a download straight from the proxy (checked in
//!   tests/vendor_hash.rs). `sumdb/` is removed as nixpkgs does.
//!
//! # What varies with the Go version
//!
//! The vendor tree is produced by `go`, so `vendorHash` is only reproducible
//! for the same Go *minor* release (patch releases have not changed it in
//! practice, but nothing guarantees that). Known variations:
//!
//! * `vendor/modules.txt` format: `## explicit` markers (Go 1.17+),
//!   `## explicit; go 1.N` annotations recording each dependency's `go`
//!   line (Go 1.17+, when the main module's `go` line is >= 1.17), and newer
//!   releases add further annotations (e.g. recording the main module's
//!   `go`/`toolchain`/`godebug` settings, workspace markers), and their
//!   `go` version default when a dependency's go.mod has none;
//! * which files are copied: rules for non-Go files (cgo sources, embedded
//!   files via `//go:embed`, LICENSE files) have changed between releases;
//! * module graph pruning (go 1.17+ `go` lines) and `go mod download`'s
//!   default set of modules (Go 1.17 stopped downloading zips of every
//!   module in the graph), which changes the `proxy_vendor` tree;
//! * with `GOTOOLCHAIN=local`, a go.mod whose `go`/`toolchain` line is newer
//!   than the local Go fails instead of switching toolchains — in Nix too.
//!
//! Running the pinned release itself (above) removes all of these.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::fs;
use std::path::Path;
use std::process::{Command, Output};

use anyhow::{bail, Context, Result};
use camino::{Utf8Path, Utf8PathBuf};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::hash::{hex, nar, sri};

/// What to compute a `vendorHash` for.
#[derive(Debug, Clone, Copy)]
pub struct VendorRequest<'a> {
    /// The directory holding go.mod (buildGoModule's `src` + `modRoot`).
    pub module_dir: &'a Utf8Path,
    /// The `go` binary to run.
    pub go: &'a Utf8Path,
    /// The Go release the flake pins (`1.25.14`): `go` runs as that release
    /// (`GOTOOLCHAIN=go<release>`). `None`: the local Go itself.
    pub toolchain: Option<&'a str>,
    /// buildGoModule's `proxyVendor`.
    pub proxy_vendor: bool,
}

/// The value for `vendorHash`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum VendorHash {
    /// Nothing to vendor: `vendorHash = null;` (buildGoModule refuses a hash
    /// for an empty vendor tree).
    NoDependencies,
    /// `vendorHash = "sha256-...";`
    Sri(String),
}

impl VendorHash {
    /// The SRI string, or `None` for `vendorHash = null`.
    pub fn sri(&self) -> Option<&str> {
        match self {
            VendorHash::NoDependencies => None,
            VendorHash::Sri(s) => Some(s),
        }
    }
}

/// Settings from the user's `go env` that are kept (network access and
/// caches); everything else Go-related is reset.
const PASSTHROUGH_GO_ENV: &[&str] = &[
    "GOPROXY",
    "GOSUMDB",
    "GONOSUMDB",
    "GONOPROXY",
    "GOPRIVATE",
    "GOINSECURE",
    "GOVCS",
    "GOAUTH",
    "GOPATH",
    "GOMODCACHE",
    "GOCACHE",
];

/// `go env GOVERSION` of `go`, e.g. `go1.25.4`.
pub fn local_go_version(go: &Utf8Path) -> Result<String> {
    let env = user_go_env(go, &["GOVERSION"])?;
    let v = env.get("GOVERSION").cloned().unwrap_or_default();
    if v.is_empty() {
        bail!("`{go} env GOVERSION` printed nothing");
    }
    Ok(v)
}

/// `(major, minor)` of a Go version string such as `go1.25.4`, `go1.26rc1`
/// or `1.24`; `None` if it does not look like one.
pub fn go_minor_version(version: &str) -> Option<(u32, u32)> {
    let v = version.trim().strip_prefix("go").unwrap_or(version.trim());
    let mut parts = v.split('.');
    let major = parts.next()?.parse().ok()?;
    let minor_str = parts.next()?;
    let digits: String = minor_str
        .chars()
        .take_while(|c| c.is_ascii_digit())
        .collect();
    Some((major, digits.parse().ok()?))
}

/// Whether `module_dir` has its own `vendor/` directory. If Nix's `src`
/// contains it, buildGoModule needs `vendorHash = null` (or
/// `deleteVendor = true`); [`compute`] itself ignores it.
pub fn has_vendor_dir(module_dir: &Utf8Path) -> bool {
    module_dir.join("vendor").is_dir()
}

/// Compute the `vendorHash` buildGoModule's `goModules` derivation will
/// have for `req.module_dir`, by running `go mod vendor` (or
/// `go mod download` for `proxy_vendor`) the way it does and NAR-hashing
/// the same tree. See the module docs for the exact mirroring.
pub fn compute(req: &VendorRequest) -> Result<VendorHash> {
    let dir = req.module_dir;
    let gomod = dir.join("go.mod");
    if !gomod.is_file() {
        bail!("no go.mod in module directory {dir}");
    }
    let mut user = user_go_env(req.go, PASSTHROUGH_GO_ENV)
        .with_context(|| format!("computing vendorHash for module {dir}"))?;
    // The pinned release's own go binary, run with GOTOOLCHAIN=local: a
    // toolchain switch inside the run would download golang.org/toolchain
    // into proxyVendor's fresh module cache and change the hash.
    let go = match pinned_goroot(req, &user) {
        Some(root) => {
            let go = root.join("bin/go");
            user.insert("GOROOT".to_owned(), root.into_string());
            go
        }
        None => req.go.to_owned(),
    };

    let tmp = tempfile::Builder::new()
        .prefix("cgoflake-vendor-")
        .tempdir()
        .context("creating a temporary directory for go mod vendor")?;
    let tmp_path = Utf8Path::from_path(tmp.path())
        .context("temporary directory path is not UTF-8")?
        .to_owned();
    let modfile_dir = tmp_path.join("modfile");
    fs::create_dir(&modfile_dir)?;
    let modfile = modfile_dir.join("go.mod");
    fs::copy(&gomod, &modfile).with_context(|| format!("copying {gomod}"))?;
    let gosum = dir.join("go.sum");
    if gosum.is_file() {
        fs::copy(&gosum, modfile_dir.join("go.sum")).with_context(|| format!("copying {gosum}"))?;
    }
    let modfile_flag = format!("-modfile={modfile}");

    let result = if req.proxy_vendor {
        let gopath = tmp_path.join("gopath");
        let modcache = gopath.join("pkg/mod");
        let download = modcache.join("cache/download");
        fs::create_dir_all(&download)?;
        let mut proxy = user.get("GOPROXY").cloned().unwrap_or_default();
        if let Some(c) = user.get("GOMODCACHE").filter(|c| !c.is_empty()) {
            let seed = Utf8Path::new(c).join("cache/download");
            if seed.is_dir() {
                proxy = if proxy.is_empty() {
                    format!("file://{seed}")
                } else {
                    format!("file://{seed},{proxy}")
                };
            }
        }
        let mut cmd = go_command(&go, dir, &user);
        cmd.env("GOPATH", &gopath)
            .env("GOMODCACHE", &modcache)
            .env("GOPROXY", &proxy)
            // Only keeps extracted module dirs writable so the temporary
            // directory can be removed; cache/download is unaffected.
            .args(["mod", "download", "-modcacherw", &modfile_flag]);
        run(cmd, "go mod download", dir)?;
        let sumdb = download.join("sumdb");
        if sumdb.exists() {
            fs::remove_dir_all(&sumdb).with_context(|| format!("removing {sumdb}"))?;
        }
        hash_tree_or_empty(&download)
    } else {
        let vendor = tmp_path.join("vendor");
        let mut cmd = go_command(&go, dir, &user);
        cmd.args(["mod", "vendor", &modfile_flag, "-o", vendor.as_str()]);
        run(cmd, "go mod vendor", dir)?;
        hash_tree_or_empty(&vendor)
    };
    let result = result.with_context(|| format!("hashing vendored dependencies of {dir}"));
    make_writable(tmp.path());
    result
}

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

/// NAR-hash `dir`; a missing or empty directory means nothing to vendor.
fn hash_tree_or_empty(dir: &Utf8Path) -> Result<VendorHash> {
    let empty = match fs::read_dir(dir) {
        Ok(mut it) => it.next().is_none(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => true,
        Err(e) => return Err(e).with_context(|| format!("reading {dir}")),
    };
    if empty {
        return Ok(VendorHash::NoDependencies);
    }
    let digest = nar::nar_hash(dir)?;
    Ok(VendorHash::Sri(sri::sri_sha256(&digest)))
}

/// Remove the Go-related part of the inherited environment and set what
/// the goModules derivation sets.
fn go_command(go: &Utf8Path, cwd: &Utf8Path, user: &BTreeMap<String, String>) -> Command {
    let mut cmd = Command::new(go.as_std_path());
    cmd.current_dir(cwd);
    for (k, _) in std::env::vars_os() {
        if is_reset_var(&k) {
            cmd.env_remove(&k);
        }
    }
    cmd.env("GOENV", "off")
        .env("GO111MODULE", "on")
        .env("GOTOOLCHAIN", "local")
        .env("GOWORK", "off");
    for (k, v) in user {
        if !v.is_empty() {
            cmd.env(k, v);
        }
    }
    cmd
}

/// The GOROOT of the pinned release when the go command can run it
/// (fetching it into the user's module cache the first time); `None`: use
/// the local Go (with a warning naming both versions).
fn pinned_goroot(req: &VendorRequest, user: &BTreeMap<String, String>) -> Option<Utf8PathBuf> {
    let release = req.toolchain?;
    let wanted = format!("go{release}");
    let mut cmd = go_command(
        req.go,
        Utf8Path::new(&std::env::temp_dir().to_string_lossy()),
        user,
    );
    cmd.env("GOTOOLCHAIN", &wanted)
        .args(["env", "GOVERSION", "GOROOT"]);
    let out = cmd.output();
    let found = out
        .as_ref()
        .ok()
        .filter(|o| o.status.success())
        .and_then(|o| {
            let text = String::from_utf8_lossy(&o.stdout).into_owned();
            let mut lines = text.lines();
            let version = lines.next()?;
            let root = lines.next()?;
            (version == wanted).then(|| Utf8PathBuf::from(root))
        });
    match found {
        Some(root) if root.join("bin/go").is_file() => Some(root),
        _ => {
            let result = out;
            let why = match result {
                Ok(out) => String::from_utf8_lossy(&out.stderr).trim().to_owned(),
                Err(e) => e.to_string(),
            };
            let local = local_go_version(req.go).unwrap_or_else(|_| "the local Go".to_owned());
            eprintln!(
                "warning: cannot run Go {release}, which the flake pins ({why}); \
                 computing vendorHash with {local} instead: if the build reports a \
                 vendorHash mismatch, rerun `cgoflake gen` where the Go module proxy is reachable"
            );
            None
        }
    }
}

fn is_reset_var(k: &OsString) -> bool {
    let Some(k) = k.to_str() else { return false };
    (k.starts_with("GO") && k != "GOROOT") || k.starts_with("CGO_")
}

/// Values of `vars` as the user's own `go env` resolves them (their
/// environment and `go env -w` file), with toolchain switching disabled.
fn user_go_env(go: &Utf8Path, vars: &[&str]) -> Result<BTreeMap<String, String>> {
    let mut cmd = Command::new(go.as_std_path());
    // Neutral directory: no go.mod/go.work to trigger toolchain selection.
    cmd.current_dir(std::env::temp_dir())
        .env("GOTOOLCHAIN", "local")
        .arg("env")
        .arg("-json")
        .args(vars);
    let out = cmd
        .output()
        .with_context(|| format!("running `{go} env` (is Go installed?)"))?;
    if !out.status.success() {
        bail!(
            "`{go} env -json` failed ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    let map: BTreeMap<String, String> = serde_json::from_slice(&out.stdout)
        .with_context(|| format!("parsing `{go} env -json` output"))?;
    Ok(map)
}

fn run(mut cmd: Command, what: &str, dir: &Utf8Path) -> Result<Output> {
    let out = cmd
        .output()
        .with_context(|| format!("running `{what}` for module {dir}"))?;
    if !out.status.success() {
        bail!(
            "`{what}` failed for module {dir} ({}):\n{}",
            out.status,
            String::from_utf8_lossy(&out.stderr).trim_end()
        );
    }
    Ok(out)
}

/// Local directories that go.mod `replace`s modules with, absolute.
fn local_replacements(go: &Utf8Path, dir: &Utf8Path) -> Result<Vec<Utf8PathBuf>> {
    #[derive(Deserialize)]
    struct ModFile {
        #[serde(rename = "Replace", default)]
        replace: Option<Vec<Replace>>,
    }
    #[derive(Deserialize)]
    struct Replace {
        #[serde(rename = "New")]
        new: ModVersion,
    }
    #[derive(Deserialize)]
    struct ModVersion {
        #[serde(rename = "Path")]
        path: String,
        #[serde(rename = "Version", default)]
        version: Option<String>,
    }
    let mut cmd = go_command(go, dir, &BTreeMap::new());
    cmd.args(["mod", "edit", "-json", "go.mod"]);
    let out = run(cmd, "go mod edit -json", dir)?;
    let parsed: ModFile = serde_json::from_slice(&out.stdout)
        .with_context(|| format!("parsing `go mod edit -json` of {dir}/go.mod"))?;
    let mut dirs: Vec<Utf8PathBuf> = parsed
        .replace
        .unwrap_or_default()
        .into_iter()
        .filter(|r| r.new.version.as_deref().unwrap_or("").is_empty())
        .map(|r| dir.join(r.new.path))
        .collect();
    dirs.sort();
    dirs.dedup();
    Ok(dirs)
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

/// Module caches are read-only; make a temporary tree removable.
fn make_writable(dir: &Path) {
    use std::os::unix::fs::PermissionsExt;
    let Ok(meta) = fs::symlink_metadata(dir) else {
        return;
    };
    if meta.is_dir() {
        let mut perm = meta.permissions();
        perm.set_mode(perm.mode() | 0o700);
        let _ = fs::set_permissions(dir, perm);
        if let Ok(rd) = fs::read_dir(dir) {
            for e in rd.flatten() {
                make_writable(&e.path());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minor_versions() {
        assert_eq!(go_minor_version("go1.25.4"), Some((1, 25)));
        assert_eq!(go_minor_version("go1.26rc1"), Some((1, 26)));
        assert_eq!(go_minor_version("1.24"), Some((1, 24)));
        assert_eq!(
            go_minor_version("go1.22.0 X:nocoverageredesign"),
            Some((1, 22))
        );
        assert_eq!(go_minor_version("devel"), None);
    }

    #[test]
    fn reset_vars() {
        for k in [
            "GOFLAGS",
            "GOOS",
            "GOPROXY",
            "GOWORK",
            "CGO_ENABLED",
            "GO111MODULE",
        ] {
            assert!(is_reset_var(&OsString::from(k)), "{k}");
        }
        for k in ["GOROOT", "PATH", "HOME", "https_proxy"] {
            assert!(!is_reset_var(&OsString::from(k)), "{k}");
        }
    }

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
