//! What each template sees: one view type per template, built from the
//! plan. A template can only name fields its view has (handlebars runs in
//! strict mode), and the views are where plan values get their generated
//! spelling.

use std::collections::BTreeMap;

use serde::Serialize;

use super::RenderContext;
use crate::pins::{OsxcrossPin, OSXCROSS};
use crate::plan::{CLibWire, ProjectWire, SdkWire, SqliteWire, TargetWire, ToolchainPlan};
use crate::GENERATOR;

/// The header every generated file starts with names the matrix.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Header<'a> {
    matrix_name: &'a str,
}

impl<'a> Header<'a> {
    pub fn new(ctx: &'a RenderContext) -> Self {
        Header {
            matrix_name: &ctx.matrix_name,
        }
    }
}

/// `flake.nix`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Flake<'a> {
    matrix_name: &'a str,
    description: &'a str,
    /// The target the usage comment shows.
    example_target: &'a str,
    /// Build hosts: those with a pinned Zig.
    systems: Vec<&'a str>,
    src: &'a str,
    /// The Go build cache is on: the flake also hands over go.mod and go.sum.
    go_cache: bool,
    flake_extras: Option<&'a str>,
}

impl<'a> Flake<'a> {
    pub fn new(ctx: &'a RenderContext) -> Self {
        let plan = ctx.plan;
        Flake {
            matrix_name: &ctx.matrix_name,
            description: &plan.project.description,
            example_target: &plan.targets[0].name,
            systems: plan
                .zig
                .tarballs
                .iter()
                .map(|t| t.system.as_str())
                .collect(),
            src: &plan.project.src,
            go_cache: plan.project.go_cache,
            flake_extras: plan.project.flake_extras.as_deref(),
        }
    }
}

/// `nix/default.nix`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Default<'a> {
    matrix_name: &'a str,
    sqlite: bool,
    c_libs: bool,
    go_cache: bool,
    needs_darwin_stubs: bool,
    needs_osxcross: bool,
}

impl<'a> Default<'a> {
    pub fn new(ctx: &'a RenderContext) -> Self {
        Default {
            matrix_name: &ctx.matrix_name,
            sqlite: ctx.plan.sqlite.is_some(),
            c_libs: !ctx.plan.c_libs.is_empty(),
            go_cache: ctx.plan.project.go_cache,
            needs_darwin_stubs: ctx.plan.needs_darwin_stubs(),
            needs_osxcross: ctx.plan.needs_osxcross(),
        }
    }
}

/// `nix/plan.nix`: the plan as `targets --json` prints it, with targets and
/// the Zig and Go tarballs keyed by name and `vendorHash` resolved.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PlanNix<'a> {
    matrix_name: &'a str,
    generator: &'static str,
    project: ProjectWire<'a, Option<&'a str>>,
    zig: ToolchainNix<'a>,
    go: ToolchainNix<'a>,
    sqlite: Option<SqliteWire<'a>>,
    darwin_sdk: Option<SdkWire<'a>>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    c_libs: BTreeMap<&'a str, CLibWire<'a>>,
    darwin_minimum: &'a str,
    targets: BTreeMap<&'a str, TargetWire<'a>>,
}

#[derive(Serialize)]
struct ToolchainNix<'a> {
    version: &'a str,
    tarballs: BTreeMap<&'a str, TarballNix<'a>>,
}

#[derive(Serialize)]
struct TarballNix<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    goarch: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    goos: Option<&'a str>,
    hash: &'a str,
    url: &'a str,
}

impl<'a> ToolchainNix<'a> {
    fn new(t: &'a ToolchainPlan) -> Self {
        ToolchainNix {
            version: &t.version,
            tarballs: t
                .tarballs
                .iter()
                .map(|t| {
                    let nix = TarballNix {
                        goarch: t.goarch,
                        goos: t.goos,
                        hash: &t.hash,
                        url: &t.url,
                    };
                    (t.system.as_str(), nix)
                })
                .collect(),
        }
    }
}

impl<'a> PlanNix<'a> {
    pub fn new(ctx: &'a RenderContext) -> Self {
        let plan = ctx.plan;
        PlanNix {
            matrix_name: &ctx.matrix_name,
            generator: GENERATOR,
            project: ProjectWire::new(&plan.project, ctx.vendor_hash.as_deref())
                .proxy_vendor_decided(),
            zig: ToolchainNix::new(&plan.zig),
            go: ToolchainNix::new(&plan.go),
            sqlite: plan.sqlite.as_ref().map(SqliteWire::new),
            darwin_sdk: plan.darwin_sdk.as_ref().map(SdkWire::new),
            c_libs: CLibWire::all(&plan.c_libs),
            darwin_minimum: &plan.darwin_minimum,
            targets: plan
                .targets
                .iter()
                .map(|t| (t.name.as_str(), TargetWire::new(t)))
                .collect(),
        }
    }
}

/// `nix/zig.nix` and `nix/go.nix`: a pinned toolchain.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Toolchain<'a> {
    matrix_name: &'a str,
    version: &'a str,
}

impl<'a> Toolchain<'a> {
    pub fn new(ctx: &'a RenderContext, toolchain: &'a ToolchainPlan) -> Self {
        Toolchain {
            matrix_name: &ctx.matrix_name,
            version: &toolchain.version,
        }
    }
}

/// `nix/darwin-stubs.sh`: the stub generator of [`crate::darwin`].
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StubScript<'a> {
    matrix_name: &'a str,
    /// The script without its shebang (the template adds it and the marker).
    body: &'static str,
}

impl<'a> StubScript<'a> {
    pub fn new(ctx: &'a RenderContext) -> Self {
        StubScript {
            matrix_name: &ctx.matrix_name,
            body: crate::darwin::script_body(),
        }
    }
}

/// `nix/osxcross.nix`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Osxcross<'a> {
    matrix_name: &'a str,
    osxcross: OsxcrossPin,
}

impl<'a> Osxcross<'a> {
    pub fn new(ctx: &'a RenderContext) -> Self {
        Osxcross {
            matrix_name: &ctx.matrix_name,
            osxcross: OSXCROSS,
        }
    }
}

/// `.github/workflows/cgoflake.yml`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Workflow<'a> {
    matrix_name: &'a str,
    pname: &'a str,
    version: &'a str,
    targets: Vec<WorkflowTarget<'a>>,
}

#[derive(Serialize)]
struct WorkflowTarget<'a> {
    name: &'a str,
    goos: &'static str,
    /// The release archive's extension, like `cgoflake build --archive`.
    archive: &'static str,
}

impl<'a> Workflow<'a> {
    pub fn new(ctx: &'a RenderContext) -> Self {
        let plan = ctx.plan;
        Workflow {
            matrix_name: &ctx.matrix_name,
            pname: &plan.project.pname,
            version: &plan.project.version,
            targets: plan
                .targets
                .iter()
                .map(|t| WorkflowTarget {
                    name: &t.name,
                    goos: t.target.goos().as_str(),
                    archive: t.target.goos().facts().archive.extension(),
                })
                .collect(),
        }
    }
}
