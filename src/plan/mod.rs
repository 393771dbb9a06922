//! The plan: every target of the matrix resolved into its concrete recipe
//! (Zig triple, Go environment, C flags, linker flags). This is the single
//! source of truth: `cgoflake targets --json` prints it, the templates render
//! it into `nix/plan.nix`, and tests assert on it.
//!
//! [`resolve`] checks and completes the matrix in a fixed order, so the first
//! error found is always the same one: the pinned inputs (`sources.rs`), the
//! project (`project.rs`), then every target (`target.rs`) with its flags
//! (`recipe.rs`). [`validate`] holds the checks of single values, `paths.rs`
//! the relative paths the flake needs, and `wire.rs` the JSON shape the plan
//! is printed in.

mod c_libs;
mod go;
mod paths;
mod project;
mod recipe;
mod sources;
mod target;
pub mod validate;
mod wire;

use std::collections::BTreeMap;

use camino::{Utf8Path, Utf8PathBuf};

use crate::matrix::error::{did_you_mean, MatrixError};
use crate::matrix::{self, DarwinLinker, Matrix, Toolchain};
use crate::platform::{BinaryFormat, Goarch, Goarm, Goos, Libc, Platform, Runner, Version};

pub use c_libs::{autotools_host, CLibBuild, CLibPlan, CLibRecipe};
pub use go::{
    default_release as go_default_release, held_list as held_go_releases, GoModRequirement,
    GoVersion,
};
pub use paths::matrix_dir;
pub use project::RESERVED_ENV;
pub use recipe::{Recipe, COMPAT_HEADER};
pub use sources::{SdkPlan, SourceLocation, SqliteSource, TarballPlan, ToolchainPlan};
pub(crate) use wire::{CLibWire, ProjectWire, SdkWire, SqliteWire, TargetWire};

/// The go-sqlite3 build tag that links the separately built SQLite.
pub const SQLITE_TAG: &str = "libsqlite3";

/// The resolved plan of a whole matrix.
#[derive(Debug, Clone)]
pub struct Plan {
    /// What is built.
    pub project: ProjectPlan,
    /// The pinned Zig.
    pub zig: ToolchainPlan,
    /// The pinned official Go release.
    pub go: ToolchainPlan,
    /// Where SQLite's source comes from (its options are in each target's
    /// recipe); `None`: the program does not use SQLite.
    pub sqlite: Option<SqliteSource>,
    /// The macOS SDK, when the matrix names one.
    pub darwin_sdk: Option<SdkPlan>,
    /// The C libraries (`cLibs`), by name; each target lists the ones it builds.
    pub c_libs: Vec<CLibPlan>,
    /// osxcross' default deployment target: `defaults.macos` as written
    /// (each osxcross target also passes its own `-mmacosx-version-min`).
    pub darwin_minimum: String,
    /// Every target, sorted by name.
    pub targets: Vec<TargetPlan>,
}

/// Project-wide settings for `buildGoModule`.
#[derive(Debug, Clone)]
pub struct ProjectPlan {
    /// `pname`.
    pub pname: String,
    /// `version`.
    pub version: String,
    /// The flake's description.
    pub description: String,
    /// The Go module, relative to the generated flake (a Nix path literal).
    pub src: String,
    /// The Go module on disk.
    pub src_dir: Utf8PathBuf,
    /// `subPackages`.
    pub sub_packages: Vec<String>,
    /// Build tags; with SQLite, always `libsqlite3` too.
    pub tags: Vec<String>,
    /// Go linker flags for every target, before the stamps.
    pub ldflags: Vec<String>,
    /// Extra environment for the Go build.
    pub env: BTreeMap<String, String>,
    /// Each target gets a Go build cache derivation (nix/go-cache.nix).
    pub go_cache: bool,
    /// `vendorHash` as written in the matrix (`auto` until `gen` computes it).
    pub vendor_hash: VendorHashPlan,
    /// buildGoModule's `proxyVendor`: `None` until `gen` decides (unset in the
    /// matrix), which looks for cgo sources `go mod vendor` would drop.
    pub proxy_vendor: Option<bool>,
    /// `-X` stamp targets.
    pub stamp: StampPlan,
    /// The `default` package.
    pub default_package: DefaultPackage,
    /// Arguments of the self-test `nix flake check` runs where it can; `None`: no run.
    pub check_args: Option<Vec<String>>,
    /// The hand-written Nix file merged into the flake's outputs, relative to
    /// the generated flake (a Nix path literal like `./nix/extra.nix`).
    pub flake_extras: Option<String>,
}

/// `vendorHash`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase", tag = "kind", content = "value")]
pub enum VendorHashPlan {
    /// `null`: the module has no dependencies.
    None,
    /// A fixed SRI hash.
    Fixed(String),
    /// To be computed by `cgoflake gen`.
    Auto,
}

/// Where stamps go: Go variables receiving `-X` values.
#[derive(Debug, Clone, Default, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StampPlan {
    /// Receives the version.
    pub version: Option<String>,
    /// Receives the commit.
    pub commit: Option<String>,
    /// Receives the build time (Unix seconds of the flake's lastModified).
    pub build_time: Option<String>,
}

/// What `nix build` builds without an attribute.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DefaultPackage {
    /// `all`: every target (a linkFarm).
    All,
    /// One target, by name.
    Target(String),
}

/// What a target is: its platform and the choices the matrix made for it.
#[derive(Debug, Clone)]
pub struct Target {
    /// GOOS/GOARCH and everything the platform table knows about them.
    pub platform: &'static Platform,
    /// GOARM (arm).
    pub goarm: Option<Goarm>,
    /// GOAMD64 (amd64), when set.
    pub goamd64: Option<&'static str>,
    /// The C library and its floor (linux).
    pub libc: Option<Libc>,
    /// The minimum OS version (darwin: macOS).
    pub os_floor: Option<Version>,
    /// The C toolchain.
    pub toolchain: Toolchain,
    /// How zig links darwin (darwin with `toolchain: zig`).
    pub darwin_linker: Option<DarwinLinker>,
}

/// One target, fully resolved.
#[derive(Debug, Clone)]
pub struct TargetPlan {
    /// Name: the flake attribute and the build job.
    pub name: String,
    /// Its package's `pname`: `<project pname>-<name>` (the derivation is
    /// `<pname>-<version>`, which `cgoflake build` follows in Nix's log).
    pub pname: String,
    /// What it is.
    pub target: Target,
    /// How it is built.
    pub recipe: Recipe,
    /// The C libraries it builds (`cLibs`), with their flags, by name.
    pub c_libs: Vec<CLibBuild>,
    /// Where `cgoflake build` collects it: `<goos>/<goarch>`, with a suffix
    /// for variants, or `<goos>/<name>` when two targets would share one.
    pub out_dir: String,
}

impl Target {
    /// GOOS.
    pub fn goos(&self) -> Goos {
        self.platform.goos
    }

    /// GOARCH.
    pub fn goarch(&self) -> Goarch {
        self.platform.goarch
    }

    /// Zig's `-target`.
    pub fn zig_triple(&self) -> String {
        self.platform
            .zig_triple(self.libc.as_ref(), self.goarm, self.os_floor.as_ref())
    }

    /// Fully static (musl).
    pub fn static_binary(&self) -> bool {
        self.libc == Some(Libc::Musl)
    }

    /// linux gnu: the standard dynamic linker the binary must name.
    pub fn interpreter(&self) -> Option<&'static str> {
        match self.libc {
            Some(Libc::Gnu { .. }) => self.platform.glibc.map(|g| g.interpreter),
            Some(Libc::Musl) => None,
            None => self.platform.os().interpreter,
        }
    }

    /// `.exe` on windows.
    pub fn exe_suffix(&self) -> &'static str {
        self.platform.os().exe_suffix
    }

    /// How an x86_64 Linux host runs it.
    pub fn runner(&self) -> Runner {
        self.platform.runner
    }

    /// The executable format.
    pub fn binary_format(&self) -> BinaryFormat {
        self.platform.format()
    }
}

impl Plan {
    /// Whether any target uses osxcross (then `nix/osxcross.nix` is generated).
    pub fn needs_osxcross(&self) -> bool {
        self.targets
            .iter()
            .any(|t| t.target.toolchain == Toolchain::Osxcross)
    }

    /// Whether any target links darwin with generated stubs.
    pub fn needs_darwin_stubs(&self) -> bool {
        self.targets
            .iter()
            .any(|t| t.target.darwin_linker == Some(DarwinLinker::Stubs))
    }

    /// One line per target, as `cgoflake targets` prints them.
    pub fn summary(&self) -> String {
        self.targets
            .iter()
            .map(|t| {
                format!(
                    "{:<24} {:<28} {}/{} runner={}\n",
                    t.name,
                    t.target.zig_triple(),
                    t.target.goos(),
                    t.target.goarch(),
                    t.target.runner()
                )
            })
            .collect()
    }

    /// The targets named (with "did you mean" for a typo), or all of them.
    pub fn select(&self, names: &[String]) -> anyhow::Result<Vec<&TargetPlan>> {
        if names.is_empty() {
            return Ok(self.targets.iter().collect());
        }
        let all: Vec<&str> = self.targets.iter().map(|t| t.name.as_str()).collect();
        names
            .iter()
            .map(|n| {
                self.targets.iter().find(|t| &t.name == n).ok_or_else(|| {
                    let hint = did_you_mean(n, all.iter().copied())
                        .map(|b| format!(" (did you mean `{b}`?)"))
                        .unwrap_or_default();
                    anyhow::anyhow!(
                        "no target `{n}` in the matrix{hint}; targets: {}",
                        all.join(", ")
                    )
                })
            })
            .collect()
    }
}

/// A target in the short form (`goos/goarch[/musl]`) with cgoflake's
/// defaults (glibc floor, minimum macOS), without a matrix; errors name
/// `origin` in place of a matrix file.
pub fn standalone_target(origin: &Utf8Path, short: &str) -> Result<Target, MatrixError> {
    let ctx = Ctx {
        file: origin,
        base: Utf8PathBuf::from("."),
        out_dir: Utf8Path::new("."),
    };
    target::standalone(&ctx, short)
}

/// Read, parse and resolve a matrix file, with the flake generated beside it.
pub fn load(matrix_file: &Utf8Path) -> Result<Plan, MatrixError> {
    let m = matrix::load(matrix_file)?;
    resolve(&m, matrix_file, &matrix_dir(matrix_file))
}

/// What every step of [`resolve`] needs to know: the matrix file (errors
/// name it), its directory (paths in it are relative to that), and where
/// the flake is generated.
pub(crate) struct Ctx<'a> {
    file: &'a Utf8Path,
    base: Utf8PathBuf,
    out_dir: &'a Utf8Path,
}

impl Ctx<'_> {
    /// An invalid value at `key`.
    fn invalid(&self, key: impl Into<String>, message: impl Into<String>) -> MatrixError {
        MatrixError::invalid(self.file, key, message)
    }
}

/// Resolve a parsed matrix. `matrix_file` is the file it came from (for
/// errors and relative paths); `out_dir` is where the flake is generated.
pub fn resolve(
    m: &Matrix,
    matrix_file: &Utf8Path,
    out_dir: &Utf8Path,
) -> Result<Plan, MatrixError> {
    let ctx = Ctx {
        file: matrix_file,
        base: matrix_dir(matrix_file),
        out_dir,
    };
    let zig = sources::zig(&ctx, &m.pins.zig)?;
    let darwin_sdk = match &m.darwin_sdk {
        None => None,
        Some(sdk) => Some(sources::sdk(&ctx, sdk)?),
    };
    let mut project = project::resolve(&ctx, &m.project)?;
    let sqlite = sources::sqlite(&ctx, &m.pins, &project.src_dir)?;
    if sqlite.is_some() && !project.tags.iter().any(|t| t == SQLITE_TAG) {
        project.tags.push(SQLITE_TAG.to_owned());
    }
    let go = go::resolve(&ctx, m.project.go.as_deref(), &project.src_dir)?;
    let mut targets = target::resolve_all(&ctx, m, darwin_sdk.is_some(), sqlite.is_some())?;
    let c_libs = c_libs::resolve(&ctx, &m.c_libs)?;
    c_libs::builds(&ctx, &m.c_libs, &c_libs, &mut targets)?;
    project.default_package = default_package(&ctx, m, &targets)?;
    Ok(Plan {
        project,
        zig,
        go,
        sqlite,
        darwin_sdk,
        c_libs,
        darwin_minimum: m.defaults.macos.clone(),
        targets,
    })
}

/// `project.defaultTarget`: one of the targets, or `all` when unset.
fn default_package(
    ctx: &Ctx,
    m: &Matrix,
    targets: &[TargetPlan],
) -> Result<DefaultPackage, MatrixError> {
    let Some(default) = &m.project.default_target else {
        return Ok(DefaultPackage::All);
    };
    if targets.iter().any(|t| &t.name == default) {
        return Ok(DefaultPackage::Target(default.clone()));
    }
    let names: Vec<&str> = targets.iter().map(|t| t.name.as_str()).collect();
    Err(ctx
        .invalid(
            "project.defaultTarget",
            format!(
                "no target named `{default}` (targets: {})",
                names.join(", ")
            ),
        )
        .suggest(default, names.iter().copied()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan_of(targets: &str) -> Result<Plan, MatrixError> {
        plan_with_go_mod(
            targets,
            "module x\n\nrequire github.com/mattn/go-sqlite3 v1.14.32\n",
        )
    }

    fn plan_with_go_mod(targets: &str, go_mod: &str) -> Result<Plan, MatrixError> {
        let dir = tempfile::tempdir().unwrap();
        let d = Utf8Path::from_path(dir.path()).unwrap();
        std::fs::write(d.join("go.mod"), go_mod).unwrap();
        let file = d.join("cgoflake.json");
        let text =
            format!(r#"{{"project": {{"pname": "x", "version": "1"}}, "targets": {targets}}}"#);
        let m = crate::matrix::parse(&file, &text)?;
        resolve(&m, &file, d)
    }

    #[test]
    fn short_form_resolves() {
        let p = plan_of(r#"["linux/arm64", "linux/arm64/musl", "windows/amd64"]"#).unwrap();
        let names: Vec<_> = p.targets.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, ["linux-arm64", "linux-arm64-musl", "windows-amd64"]);
        assert_eq!(p.targets[0].target.zig_triple(), "aarch64-linux-gnu.2.28");
        assert_eq!(p.targets[1].target.zig_triple(), "aarch64-linux-musl");
        assert!(p.targets[1].target.static_binary());
        assert_eq!(
            p.targets[2].recipe.go_env["CC"],
            "zig cc -target x86_64-windows-gnu"
        );
        assert_eq!(p.targets[2].target.exe_suffix(), ".exe");
    }

    #[test]
    fn windows_libraries_carry_no_codeview_but_cgo_code_keeps_its_flags() {
        let p = plan_of(r#"["windows/386", "linux/amd64"]"#).unwrap();
        let g0 = "-g0".to_owned();
        let recipe = |name: &str| &p.targets.iter().find(|t| t.name == name).unwrap().recipe;
        let (windows, linux) = (recipe("windows-386"), recipe("linux-amd64"));
        assert!(windows.sqlite_cflags.contains(&g0));
        assert!(windows.c_lib_cflags.contains(&g0));
        assert!(!windows.cgo_cflags.contains(&g0));
        assert!(!linux.sqlite_cflags.contains(&g0));
    }

    #[test]
    fn every_target_disables_ubsan_and_optimises() {
        let p =
            plan_of(r#"["linux/amd64", "linux/arm", "windows/arm64", "darwin/arm64"]"#).unwrap();
        for t in &p.targets {
            let r = &t.recipe;
            assert!(r.cgo_cflags.contains(&"-O2".to_owned()), "{}", t.name);
            assert!(
                r.cgo_cflags.contains(&"-fno-sanitize=undefined".to_owned()),
                "{}",
                t.name
            );
            assert!(!r.cgo_ldflags.contains(&"-g".to_owned()), "{}", t.name);
        }
    }

    #[test]
    fn sqlite_is_built_only_for_modules_that_require_it() {
        let uses = |go_mod: &str| {
            let p = plan_with_go_mod(r#"["linux/arm64"]"#, go_mod).unwrap();
            let tagged = p.project.tags.iter().any(|t| t == SQLITE_TAG);
            assert_eq!(p.sqlite.is_some(), tagged, "{go_mod}");
            tagged
        };
        assert!(!uses("module x\n\ngo 1.25\n"));
        assert!(!uses(
            "module x\n\nrequire golang.org/x/sys v0.1.0\n\n// github.com/mattn/go-sqlite3 v1\n"
        ));
        assert!(uses(
            "module x\n\nrequire (\n\tgolang.org/x/sys v0.1.0\n\tgithub.com/mattn/go-sqlite3 v1.14.32 // indirect\n)\n"
        ));
        assert!(uses(
            "module x\nrequire github.com/asg017/sqlite-vec-go-bindings v0.1.6\n"
        ));
        // go.sum: a module's source (not just its go.mod) was needed.
        let dir = tempfile::tempdir().unwrap();
        let d = Utf8Path::from_path(dir.path()).unwrap();
        std::fs::write(d.join("go.mod"), "module x\n\ngo 1.16\n").unwrap();
        let sum = |text: &str| {
            std::fs::write(d.join("go.sum"), text).unwrap();
            sources::links_sqlite(d)
        };
        assert!(!sum(
            "github.com/mattn/go-sqlite3 v1.14.32/go.mod h1:abc=\n"
        ));
        assert!(sum("github.com/mattn/go-sqlite3 v1.14.32 h1:abc=\n"));
        // A replace names a module without requiring it.
        assert!(!uses(
            "module x\nreplace github.com/mattn/go-sqlite3 => ../sqlite3\n"
        ));
    }

    #[test]
    fn an_inherited_glibc_floor_rises_to_the_first_glibc_of_the_cpu() {
        // defaults.glibc (2.28) predates loong64's first glibc (2.36).
        let p = plan_of(r#"["linux/loong64", "linux/ppc64le"]"#).unwrap();
        assert_eq!(
            p.targets[0].target.zig_triple(),
            "loongarch64-linux-gnu.2.36"
        );
        assert_eq!(
            p.targets[1].target.zig_triple(),
            "powerpc64le-linux-gnu.2.28"
        );
        // Named per target, the same floor is an error.
        let e = plan_of(r#"{"la": {"goos": "linux", "goarch": "loong64", "glibc": "2.28"}}"#)
            .unwrap_err();
        assert_eq!(e.key, "targets.la.glibc");
    }

    #[test]
    fn mips64le_drops_hard_float_and_musl_is_pic() {
        let p = plan_of(r#"["linux/mips64le", "linux/mips64le/musl"]"#).unwrap();
        assert_eq!(
            p.targets[0].target.zig_triple(),
            "mips64el-linux-gnuabi64.2.28"
        );
        assert_eq!(p.targets[0].target.platform.zig_drops, ["-mhard-float"]);
        assert!(!p.targets[0].recipe.cgo_cflags.contains(&"-fPIC".to_owned()));
        assert!(p.targets[1].recipe.cgo_cflags.contains(&"-fPIC".to_owned()));
    }

    #[test]
    fn arm_defaults_to_goarm7() {
        let p = plan_of(r#"["linux/arm"]"#).unwrap();
        assert_eq!(p.targets[0].recipe.go_env["GOARM"], "7");
        assert_eq!(p.targets[0].target.zig_triple(), "arm-linux-gnueabihf.2.28");
    }

    #[test]
    fn osxcross_without_sdk_is_an_error() {
        let e =
            plan_of(r#"{"mac": {"goos": "darwin", "goarch": "arm64", "toolchain": "osxcross"}}"#)
                .unwrap_err();
        assert_eq!(e.key, "targets.mac.toolchain");
        assert!(e.help.unwrap().contains("gen_sdk_package"));
    }

    #[test]
    fn darwin_linker_sdk_without_sdk_names_darwin_linker() {
        let e = plan_of(r#"{"mac": {"goos": "darwin", "goarch": "arm64", "darwinLinker": "sdk"}}"#)
            .unwrap_err();
        assert_eq!(e.key, "targets.mac.darwinLinker");
        assert!(e.help.unwrap().contains("drop `darwinLinker`"));
    }

    #[test]
    fn short_form_errors_name_the_list_item() {
        for (targets, key) in [
            (r#"["linux/amd64", "linux/arm65"]"#, "targets[1]"),
            (r#"["linix/arm64"]"#, "targets[0]"),
            (r#"["windows/amd64/musl"]"#, "targets[0]"),
            (r#"["linux/amd64", "linux"]"#, "targets[1]"),
            (r#"["linux/arm64/uclibc"]"#, "targets[0]"),
        ] {
            assert_eq!(plan_of(targets).unwrap_err().key, key, "{targets}");
        }
        let e = plan_of(r#"["linux/arm65"]"#).unwrap_err();
        assert_eq!(e.help.as_deref(), Some("did you mean `arm64`?"));
    }

    #[test]
    fn default_flags_are_checked() {
        let dir = tempfile::tempdir().unwrap();
        let d = Utf8Path::from_path(dir.path()).unwrap();
        std::fs::write(d.join("go.mod"), "module x\n").unwrap();
        let file = d.join("cgoflake.json");
        for (defaults, key) in [
            (r#"{"cflags": ["-DA=1 -DB=2"]}"#, "defaults.cflags[0]"),
            (r#"{"ldflags": ["-lm", ""]}"#, "defaults.ldflags[1]"),
        ] {
            let text = format!(
                r#"{{"project": {{"pname": "x", "version": "1"}}, "defaults": {defaults}, "targets": ["linux/amd64"]}}"#
            );
            let m = crate::matrix::parse(&file, &text).unwrap();
            let e = resolve(&m, &file, d).unwrap_err();
            assert_eq!(e.key, key);
            assert!(
                e.message.contains("one flag per list item"),
                "{}",
                e.message
            );
        }
    }

    #[test]
    fn darwin_without_sdk_uses_stubs() {
        let p = plan_of(r#"["darwin/amd64"]"#).unwrap();
        assert_eq!(p.targets[0].target.darwin_linker, Some(DarwinLinker::Stubs));
        assert!(p.needs_darwin_stubs());
    }

    #[test]
    fn selecting_a_missing_target_suggests_one() {
        let p = plan_of(r#"["linux/arm64", "windows/amd64"]"#).unwrap();
        assert_eq!(p.select(&[]).unwrap().len(), 2);
        let e = p.select(&["linux-arm46".to_owned()]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "no target `linux-arm46` in the matrix (did you mean `linux-arm64`?); targets: linux-arm64, windows-amd64"
        );
    }
}
