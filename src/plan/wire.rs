//! The plan as JSON: what `cgoflake targets --json` prints and, keyed by
//! name with `vendorHash` resolved, what `nix/plan.nix` holds (see
//! `render::views`). The Rust types are typed; this is the one place that
//! says how they are spelled for scripts and for Nix.

use std::collections::BTreeMap;

use serde::{Serialize, Serializer};

use super::{
    CLibBuild, CLibPlan, CLibRecipe, DefaultPackage, Plan, ProjectPlan, SdkPlan, SourceLocation,
    SqliteSource, StampPlan, TargetPlan, ToolchainPlan, VendorHashPlan, COMPAT_HEADER,
};
use crate::matrix::{DarwinLinker, Toolchain};
use crate::platform::{BinaryFormat, Goarch, Goos, Runner, Version};
use crate::GENERATOR;

impl Serialize for Plan {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        PlanWire {
            generator: GENERATOR,
            project: ProjectWire::new(&self.project, &self.project.vendor_hash),
            zig: &self.zig,
            go: &self.go,
            sqlite: self.sqlite.as_ref().map(SqliteWire::new),
            darwin_sdk: self.darwin_sdk.as_ref().map(SdkWire::new),
            c_libs: CLibWire::all(&self.c_libs),
            needs_osxcross: self.needs_osxcross(),
            darwin_minimum: &self.darwin_minimum,
            needs_darwin_stubs: self.needs_darwin_stubs(),
            targets: self.targets.iter().map(TargetWire::new).collect(),
        }
        .serialize(s)
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PlanWire<'a> {
    generator: &'static str,
    project: ProjectWire<'a, &'a VendorHashPlan>,
    zig: &'a ToolchainPlan,
    go: &'a ToolchainPlan,
    sqlite: Option<SqliteWire<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    darwin_sdk: Option<SdkWire<'a>>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    c_libs: BTreeMap<&'a str, CLibWire<'a>>,
    needs_osxcross: bool,
    darwin_minimum: &'a str,
    needs_darwin_stubs: bool,
    targets: Vec<TargetWire<'a>>,
}

/// `project`; `V` is how `vendorHash` is spelled: the plan's
/// [`VendorHashPlan`], or the resolved hash in `nix/plan.nix`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ProjectWire<'a, V> {
    pname: &'a str,
    version: &'a str,
    description: &'a str,
    src: &'a str,
    sub_packages: &'a [String],
    tags: &'a [String],
    ldflags: &'a [String],
    env: &'a BTreeMap<String, String>,
    go_cache: bool,
    vendor_hash: V,
    /// `null` in `targets --json` when the matrix leaves it to `gen`.
    proxy_vendor: Option<bool>,
    stamp: &'a StampPlan,
    default_package: &'a str,
    check_args: Option<&'a [String]>,
    flake_extras: Option<&'a str>,
}

impl<'a, V: Serialize> ProjectWire<'a, V> {
    pub(crate) fn new(p: &'a ProjectPlan, vendor_hash: V) -> Self {
        ProjectWire {
            pname: &p.pname,
            version: &p.version,
            description: &p.description,
            src: &p.src,
            sub_packages: &p.sub_packages,
            tags: &p.tags,
            ldflags: &p.ldflags,
            env: &p.env,
            go_cache: p.go_cache,
            vendor_hash,
            proxy_vendor: p.proxy_vendor,
            stamp: &p.stamp,
            default_package: match &p.default_package {
                DefaultPackage::All => "all",
                DefaultPackage::Target(name) => name,
            },
            check_args: p.check_args.as_deref(),
            flake_extras: p.flake_extras.as_deref(),
        }
    }

    /// For Nix, which needs a boolean: `proxyVendor` unset is off.
    pub(crate) fn proxy_vendor_decided(mut self) -> Self {
        self.proxy_vendor = Some(self.proxy_vendor.unwrap_or(false));
        self
    }
}

/// `sqlite` (`null` without SQLite): the amalgamation tarball and the
/// header musl targets force-include.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct SqliteWire<'a> {
    compat_header: &'static str,
    version: &'a str,
    url: &'a str,
    hash: &'a str,
}

impl<'a> SqliteWire<'a> {
    pub(crate) fn new(s: &'a SqliteSource) -> Self {
        SqliteWire {
            compat_header: COMPAT_HEADER,
            version: &s.version,
            url: &s.url,
            hash: &s.hash,
        }
    }
}

/// A pinned input: `url` and `hash`, or `path` (the other two `null`).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct SourceWire<'a> {
    url: Option<&'a str>,
    hash: Option<&'a str>,
    path: Option<&'a str>,
}

impl<'a> SourceWire<'a> {
    fn new(location: &'a SourceLocation) -> Self {
        match location {
            SourceLocation::Url { url, hash } => SourceWire {
                url: Some(url),
                hash: Some(hash),
                path: None,
            },
            SourceLocation::Path(path) => SourceWire {
                url: None,
                hash: None,
                path: Some(path),
            },
        }
    }
}

/// `darwinSdk`: its version, and where the tarball is.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct SdkWire<'a> {
    version: &'a str,
    #[serde(flatten)]
    source: SourceWire<'a>,
}

impl<'a> SdkWire<'a> {
    pub(crate) fn new(sdk: &'a SdkPlan) -> Self {
        SdkWire {
            version: &sdk.version,
            source: SourceWire::new(&sdk.location),
        }
    }
}

/// One target, with what the platform table says about it spelled out.
/// A C library: its source and recipe (each target's flags are in its `cLibs`).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CLibWire<'a> {
    version: &'a str,
    src: SourceWire<'a>,
    recipe: &'static str,
    /// File list: `lib<name>.a` ← files (shell globs), and the headers installed.
    #[serde(skip_serializing_if = "Option::is_none")]
    archives: Option<&'a BTreeMap<String, Vec<String>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    headers: Option<&'a [String]>,
}

impl<'a> CLibWire<'a> {
    pub(crate) fn all(libs: &'a [CLibPlan]) -> BTreeMap<&'a str, Self> {
        libs.iter()
            .map(|l| {
                let (recipe, archives, headers) = match &l.recipe {
                    CLibRecipe::Files(f) => ("files", Some(&f.archives), Some(&f.headers[..])),
                    CLibRecipe::Configure => ("configure", None, None),
                };
                let wire = CLibWire {
                    version: &l.version,
                    src: SourceWire::new(&l.source),
                    recipe,
                    archives,
                    headers,
                };
                (l.name.as_str(), wire)
            })
            .collect()
    }
}

/// One C library for one target.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CLibBuildWire<'a> {
    cflags: &'a [String],
    env: &'a BTreeMap<String, String>,
    configure_args: &'a [String],
}

impl<'a> CLibBuildWire<'a> {
    fn all(builds: &'a [CLibBuild]) -> BTreeMap<&'a str, Self> {
        builds
            .iter()
            .map(|b| {
                let wire = CLibBuildWire {
                    cflags: &b.cflags,
                    env: &b.env,
                    configure_args: &b.configure_args,
                };
                (b.name.as_str(), wire)
            })
            .collect()
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct TargetWire<'a> {
    name: &'a str,
    pname: &'a str,
    goos: Goos,
    goarch: Goarch,
    libc: Option<&'static str>,
    glibc: Option<&'a Version>,
    macos: Option<&'a Version>,
    os_floor: Option<&'a Version>,
    toolchain: Toolchain,
    darwin_linker: Option<DarwinLinker>,
    zig_target: String,
    go_env: &'a BTreeMap<String, String>,
    cgo_cflags: &'a [String],
    cgo_ldflags: &'a [String],
    go_ldflags: &'a [String],
    sqlite_cflags: &'a [String],
    c_libs: BTreeMap<&'a str, CLibBuildWire<'a>>,
    static_binary: bool,
    runner: Runner,
    native_system: Option<&'static str>,
    exe_suffix: &'static str,
    out_dir: &'a str,
    binary_format: BinaryFormat,
    machine: u32,
    byte_order: &'static str,
    interpreter: Option<&'static str>,
    abi_note: Option<AbiNoteWire>,
    symbol_versions: Option<SymbolVersionsWire>,
    zig_drops: &'static [&'static str],
    zig_refuses: &'static [&'static str],
    empty_libs: &'static [&'static str],
}

/// The newest libc symbol version a binary may need: `<prefix><max>`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SymbolVersionsWire {
    prefix: &'static str,
    max: u32,
}

/// The ELF ABI note a BSD binary must carry: its owner, and the largest OS
/// version its descriptor may name (the floor's).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct AbiNoteWire {
    owner: &'static str,
    max_version: u64,
}

impl<'a> TargetWire<'a> {
    pub(crate) fn new(t: &'a TargetPlan) -> Self {
        let (target, recipe) = (&t.target, &t.recipe);
        TargetWire {
            name: &t.name,
            pname: &t.pname,
            goos: target.goos(),
            goarch: target.goarch(),
            libc: target.libc.as_ref().map(|l| l.name()),
            glibc: target.libc.as_ref().and_then(|l| l.glibc()),
            macos: target
                .os_floor
                .as_ref()
                .filter(|_| target.goos() == Goos::Darwin),
            os_floor: target.os_floor.as_ref(),
            toolchain: target.toolchain,
            darwin_linker: target.darwin_linker,
            zig_target: target.zig_triple(),
            go_env: &recipe.go_env,
            cgo_cflags: &recipe.cgo_cflags,
            cgo_ldflags: &recipe.cgo_ldflags,
            go_ldflags: &recipe.go_ldflags,
            sqlite_cflags: &recipe.sqlite_cflags,
            c_libs: CLibBuildWire::all(&t.c_libs),
            static_binary: target.static_binary(),
            runner: target.runner(),
            native_system: target.platform.native_system,
            exe_suffix: target.exe_suffix(),
            out_dir: &t.out_dir,
            binary_format: target.binary_format(),
            machine: target.platform.machine,
            byte_order: target.goarch().byte_order(),
            interpreter: target.interpreter(),
            abi_note: target.platform.os().abi_note.map(|n| AbiNoteWire {
                owner: n.owner,
                max_version: n.max_version(
                    target
                        .os_floor
                        .as_ref()
                        .expect("an OS with an ABI note has a floor")
                        .numbers(),
                ),
            }),
            symbol_versions: target
                .platform
                .os()
                .symbol_versions
                .map(|v| SymbolVersionsWire {
                    prefix: v.prefix,
                    max: v.max_for(
                        target
                            .os_floor
                            .as_ref()
                            .expect("an OS with versioned symbols has a floor")
                            .numbers(),
                    ),
                }),
            zig_drops: target.platform.zig_drops,
            zig_refuses: target.platform.zig_refuses,
            empty_libs: target.platform.os().empty_libs,
        }
    }
}

impl Serialize for TargetPlan {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        TargetWire::new(self).serialize(s)
    }
}
