//! `project`: what is built, checked and completed for `buildGoModule`.

use camino::Utf8Path;

use super::paths::inside_flake;
use super::MatrixError;
use super::{validate, Ctx, DefaultPackage, ProjectPlan, StampPlan, VendorHashPlan};
use crate::matrix::error::join_key;
use crate::matrix::Project;

/// Environment variables cgoflake sets per target; the matrix cannot override them.
pub const RESERVED_ENV: &[&str] = &[
    "GOOS",
    "GOARCH",
    "GOARM",
    "GOAMD64",
    "GO386",
    "CC",
    "CXX",
    "CGO_ENABLED",
    "CGO_CFLAGS",
    "CGO_CXXFLAGS",
    "CGO_LDFLAGS",
    "GOFLAGS",
    "GOPATH",
    "GOCACHE",
    "GOPROXY",
    "GOTOOLCHAIN",
    "ZIG_GLOBAL_CACHE_DIR",
    "ZIG_LOCAL_CACHE_DIR",
];

/// Check `project` in the order its keys are documented; the default
/// package is settled once the targets are known, the Go release in
/// `go.rs`, SQLite (and its `libsqlite3` tag) in `sources.rs`.
pub(super) fn resolve(ctx: &Ctx, p: &Project) -> Result<ProjectPlan, MatrixError> {
    validate::pname(ctx.file, "project.pname", &p.pname)?;
    validate::version(ctx.file, "project.version", &p.version)?;
    let (src, src_dir) = source(ctx, p)?;
    sub_packages(ctx, p, &src_dir)?;
    for name in p.env.keys() {
        validate::env_name(ctx.file, &join_key("project.env", name), name, RESERVED_ENV)?;
    }
    for (i, tag) in p.tags.iter().enumerate() {
        validate::go_tag(ctx.file, &format!("project.tags[{i}]"), tag)?;
    }
    let tags = p.tags.clone();
    let vendor_hash = vendor_hash(ctx, p.vendor_hash.as_deref())?;
    let stamp = stamp(ctx, p)?;
    Ok(ProjectPlan {
        pname: p.pname.clone(),
        version: p.version.clone(),
        description: p
            .description
            .clone()
            .unwrap_or_else(|| format!("{} cross-compiled with cgoflake", p.pname)),
        src,
        src_dir,
        sub_packages: p.sub_packages.clone(),
        tags,
        ldflags: p.ldflags.clone(),
        env: p.env.clone(),
        go_cache: p.go_cache,
        vendor_hash,
        proxy_vendor: p.proxy_vendor,
        stamp,
        default_package: DefaultPackage::All,
        check_args: check_args(ctx, p.check_args.as_deref())?,
        flake_extras: flake_extras(ctx, p.flake_extras.as_deref())?,
    })
}

/// `project.src`: a Go module inside the generated flake (or Nix cannot
/// copy it), as a path literal relative to the flake, and on disk.
fn source(ctx: &Ctx, p: &Project) -> Result<(String, camino::Utf8PathBuf), MatrixError> {
    let key = "project.src";
    validate::inside(ctx.file, key, p.src.as_str(), "the directory of the matrix")?;
    validate::nix_path_safe(ctx.file, key, p.src.as_str())?;
    let src_dir = ctx.base.join(&p.src);
    if !src_dir.join("go.mod").is_file() {
        return Err(ctx
            .invalid(
                key,
                format!(
                    "{:?} holds no go.mod (looked for {})",
                    p.src.as_str(),
                    src_dir.join("go.mod")
                ),
            )
            .with_help("point `src` at the Go module directory, relative to the matrix file"));
    }
    let src = inside_flake(ctx.out_dir, &src_dir).ok_or_else(|| {
        ctx.invalid(
            key,
            format!(
                "{:?} is outside the generated flake's directory {}",
                p.src.as_str(),
                ctx.out_dir
            ),
        )
    })?;
    Ok((src, src_dir))
}

/// `project.subPackages`: at least one, each a directory of the module.
fn sub_packages(ctx: &Ctx, p: &Project, src_dir: &Utf8Path) -> Result<(), MatrixError> {
    if p.sub_packages.is_empty() {
        return Err(ctx.invalid(
            "project.subPackages",
            "list at least one main package, e.g. [\".\"]",
        ));
    }
    for (i, sp) in p.sub_packages.iter().enumerate() {
        let key = format!("project.subPackages[{i}]");
        validate::inside(ctx.file, &key, sp, "the module")?;
        if !src_dir.join(sp).is_dir() {
            return Err(ctx.invalid(
                key,
                format!("{sp:?} is not a directory of the module {}", p.src),
            ));
        }
    }
    Ok(())
}

/// `project.vendorHash`: `null`, `"auto"` or an SRI hash.
fn vendor_hash(ctx: &Ctx, value: Option<&str>) -> Result<VendorHashPlan, MatrixError> {
    match value {
        None => Ok(VendorHashPlan::None),
        Some("auto") => Ok(VendorHashPlan::Auto),
        Some(h) => {
            validate::sri_hash(ctx.file, "project.vendorHash", h).map_err(|e| MatrixError {
                message: format!(
                    "{} (or `\"auto\"`, or `null` without dependencies)",
                    e.message
                ),
                ..e
            })?;
            Ok(VendorHashPlan::Fixed(h.to_owned()))
        }
    }
}

/// `project.stamp`: Go variables for `-X`.
fn stamp(ctx: &Ctx, p: &Project) -> Result<StampPlan, MatrixError> {
    let s = &p.stamp;
    for (key, sym) in [
        ("version", &s.version),
        ("commit", &s.commit),
        ("buildTime", &s.build_time),
    ] {
        if let Some(sym) = sym {
            validate::go_symbol(ctx.file, &format!("project.stamp.{key}"), sym)?;
        }
    }
    Ok(StampPlan {
        version: s.version.clone(),
        commit: s.commit.clone(),
        build_time: s.build_time.clone(),
    })
}

/// `project.checkArgs`: plain strings without NUL; an empty list means no run.
fn check_args(ctx: &Ctx, args: Option<&[String]>) -> Result<Option<Vec<String>>, MatrixError> {
    let Some(args) = args else { return Ok(None) };
    for (i, a) in args.iter().enumerate() {
        if a.contains('\0') {
            return Err(ctx.invalid(
                format!("project.checkArgs[{i}]"),
                "an argument cannot contain a NUL byte",
            ));
        }
    }
    Ok((!args.is_empty()).then(|| args.to_vec()))
}

/// `project.flakeExtras`: an existing `.nix` file inside the generated flake.
fn flake_extras(ctx: &Ctx, path: Option<&Utf8Path>) -> Result<Option<String>, MatrixError> {
    let Some(path) = path else { return Ok(None) };
    let key = "project.flakeExtras";
    validate::inside(ctx.file, key, path.as_str(), "the directory of the matrix")?;
    validate::nix_path_safe(ctx.file, key, path.as_str())?;
    let full = ctx.base.join(path);
    if path.extension() != Some("nix") || !full.is_file() {
        return Err(ctx.invalid(
            key,
            format!("{:?} is not a .nix file (looked for {full})", path.as_str()),
        ));
    }
    let rel = inside_flake(ctx.out_dir, &full).ok_or_else(|| {
        ctx.invalid(
            key,
            format!(
                "{:?} is outside the generated flake's directory {}",
                path.as_str(),
                ctx.out_dir
            ),
        )
    })?;
    Ok(Some(rel))
}
