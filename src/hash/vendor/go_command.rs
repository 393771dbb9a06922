//! Running `go` as buildGoModule's `goModules` derivation does: its
//! environment (the user's network and cache settings kept, every other
//! `GO*`/`CGO_*` variable reset), the pinned release's GOROOT, and what the
//! user's `go env` and go.mod say.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::process::{Command, Output};

use anyhow::{bail, Context, Result};
use camino::{Utf8Path, Utf8PathBuf};
use serde::Deserialize;

use super::VendorRequest;

/// Settings from the user's `go env` that are kept (network access and
/// caches); everything else Go-related is reset.
pub(super) const PASSTHROUGH_GO_ENV: &[&str] = &[
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

/// Remove the Go-related part of the inherited environment and set what
/// the goModules derivation sets.
pub(super) fn go_command(
    go: &Utf8Path,
    cwd: &Utf8Path,
    user: &BTreeMap<String, String>,
) -> Command {
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
pub(super) fn pinned_goroot(
    req: &VendorRequest,
    user: &BTreeMap<String, String>,
) -> Option<Utf8PathBuf> {
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
pub(super) fn user_go_env(go: &Utf8Path, vars: &[&str]) -> Result<BTreeMap<String, String>> {
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

pub(super) fn run(mut cmd: Command, what: &str, dir: &Utf8Path) -> Result<Output> {
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
pub(super) fn local_replacements(go: &Utf8Path, dir: &Utf8Path) -> Result<Vec<Utf8PathBuf>> {
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
}
