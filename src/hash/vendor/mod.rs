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
//!
//! `go_command` runs `go` the way the derivation does (and as the pinned
//! release); `cache` memoises the answer under a key of what it depends on.

mod cache;
mod go_command;

use std::fs;
use std::path::Path;

use anyhow::{bail, Context, Result};
use camino::Utf8Path;
use serde::{Deserialize, Serialize};

use crate::hash::{nar, sri};

pub use cache::{cache_key, compute_cached};
pub use go_command::{go_minor_version, local_go_version};

use go_command::{go_command, pinned_goroot, run, user_go_env, PASSTHROUGH_GO_ENV};

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
