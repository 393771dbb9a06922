//! Running `go`, and what `go list -json` says (the fields cgoflake reads).
//! [`super::scan`] lists once per GOOS/GOARCH; `init` lists the module's own
//! packages.

use std::process::Command;

use anyhow::{bail, Context as _, Result};
use camino::Utf8Path;
use serde::de::DeserializeOwned;
use serde::Deserialize;

use crate::platform::{Goarch, Goos};

/// The environment `go` runs with: one target platform, no workspace
/// (`buildGoModule` sees none), cgo on.
#[derive(Debug, Clone, Copy)]
pub(crate) struct GoEnv<'a> {
    pub goos: Goos,
    pub goarch: Goarch,
    /// `GOFLAGS`, replacing the user's.
    pub goflags: &'a str,
}

/// `go <args>` in `dir` with `env`; its stdout.
pub(crate) fn run_go(go: &Utf8Path, dir: &Utf8Path, env: GoEnv, args: &[&str]) -> Result<Vec<u8>> {
    let out = Command::new(go)
        .args(args)
        .current_dir(dir)
        .env("GOWORK", "off")
        .env("GOOS", env.goos.as_str())
        .env("GOARCH", env.goarch.as_str())
        .env("CGO_ENABLED", "1")
        .env("GOFLAGS", env.goflags)
        .output()
        .with_context(|| format!("running `{go} {}` (is Go installed?)", args.join(" ")))?;
    if !out.status.success() {
        bail!(
            "`{go} {}` failed in {dir} (GOOS={} GOARCH={}):\n{}",
            args.join(" "),
            env.goos,
            env.goarch,
            String::from_utf8_lossy(&out.stderr).trim_end()
        );
    }
    Ok(out.stdout)
}

/// `go list -json …`: a stream of objects.
pub(crate) fn go_list<T: DeserializeOwned>(
    go: &Utf8Path,
    dir: &Utf8Path,
    env: GoEnv,
    args: &[&str],
) -> Result<Vec<T>> {
    let stdout = run_go(go, dir, env, args)?;
    serde_json::Deserializer::from_slice(&stdout)
        .into_iter::<T>()
        .collect::<Result<_, _>>()
        .with_context(|| format!("parsing `go {}`", args.join(" ")))
}

/// The fields of `go list -json` cgoflake reads.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub(crate) struct ListedPackage {
    pub dir: String,
    pub import_path: String,
    pub name: String,
    pub standard: bool,
    pub dep_only: bool,
    #[serde(rename = "Match")]
    pub matched: Vec<String>,
    pub cgo_files: Vec<String>,
    #[serde(rename = "CFiles")]
    pub c_files: Vec<String>,
    #[serde(rename = "CXXFiles")]
    pub cxx_files: Vec<String>,
    #[serde(rename = "HFiles")]
    pub h_files: Vec<String>,
    #[serde(rename = "MFiles")]
    pub m_files: Vec<String>,
    pub embed_files: Vec<String>,
    #[serde(rename = "CgoCFLAGS")]
    pub cgo_cflags: Vec<String>,
    #[serde(rename = "CgoCPPFLAGS")]
    pub cgo_cppflags: Vec<String>,
    #[serde(rename = "CgoCXXFLAGS")]
    pub cgo_cxxflags: Vec<String>,
    #[serde(rename = "CgoLDFLAGS")]
    pub cgo_ldflags: Vec<String>,
    pub deps: Vec<String>,
    pub module: Option<ListedModule>,
    pub error: Option<ListedError>,
}

/// `Module` of `go list -json`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub(crate) struct ListedModule {
    pub path: String,
    pub version: String,
    pub dir: String,
    pub main: bool,
    pub replace: Option<Box<ListedModule>>,
}

/// `Error` of `go list -json`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub(crate) struct ListedError {
    pub err: String,
}
