//! `targets`: each entry checked against the platform table and completed
//! with the defaults into a [`Target`], then given its [`Recipe`].

use super::recipe::{ExtraFlags, Recipe};
use super::{validate, Ctx, MatrixError, Target, TargetPlan};
use crate::matrix::error::join_key;
use crate::matrix::{
    short_form_name, DarwinLinker, LibcKind, Matrix, TargetDefaults, TargetEntry, TargetSpec,
    Toolchain,
};
use crate::platform::{glibc, Goarch, Goarm, Goos, Libc, Platform, Version, GOAMD64_VALUES};

/// Where a target's errors point: `targets.<name>.<field>` in the long form;
/// the list item `targets[<i>]` itself in the short form, which has no fields.
enum TargetKey {
    Long(String),
    Short(String),
}

impl TargetKey {
    /// The whole entry.
    fn entry(&self) -> &str {
        match self {
            TargetKey::Long(k) | TargetKey::Short(k) => k,
        }
    }

    /// One of its fields.
    fn field(&self, field: &str) -> String {
        match self {
            TargetKey::Long(k) => join_key(k, field),
            TargetKey::Short(k) => k.clone(),
        }
    }
}

/// A target named in the short form (`linux/arm64/musl`) with cgoflake's
/// defaults, outside any matrix (`cgoflake inspect FILE --target
/// linux/arm64/musl`). Errors name `origin` (e.g. `--target`) as their file.
pub(super) fn standalone(ctx: &Ctx, short: &str) -> Result<Target, MatrixError> {
    let key = TargetKey::Short(String::new());
    let spec = parse_short(ctx, key.entry(), short)?;
    resolve(ctx, &key, &spec, &TargetDefaults::default(), false)
}

/// Every target, sorted by name, each with its own output directory.
pub(super) fn resolve_all(
    ctx: &Ctx,
    m: &Matrix,
    have_sdk: bool,
    sqlite: bool,
) -> Result<Vec<TargetPlan>, MatrixError> {
    if m.targets.0.is_empty() {
        return Err(ctx.invalid(
            "targets",
            "no targets: list at least one, e.g. [\"linux/amd64\"]",
        ));
    }
    validate::c_flags(ctx.file, "defaults.cflags", &m.defaults.cflags)?;
    validate::c_flags(ctx.file, "defaults.ldflags", &m.defaults.ldflags)?;
    let mut targets = Vec::new();
    for (name, entry) in &m.targets.0 {
        let (spec, key) = match entry {
            TargetEntry::Long(spec) => {
                let key = TargetKey::Long(join_key("targets", name));
                validate::target_name(ctx.file, key.entry(), name)?;
                ((**spec).clone(), key)
            }
            TargetEntry::Short(short) => {
                let key = TargetKey::Short(format!("targets[{}]", short.index));
                (parse_short(ctx, key.entry(), &short.text)?, key)
            }
        };
        let target = resolve(ctx, &key, &spec, &m.defaults, have_sdk)?;
        let extra = ExtraFlags {
            defaults: &m.defaults,
            spec: &spec,
            sqlite_defines: &m.pins.sqlite_defines,
            sqlite,
        };
        targets.push(TargetPlan {
            name: name.clone(),
            pname: format!("{}-{name}", m.project.pname),
            recipe: Recipe::new(&target, &extra),
            c_libs: Vec::new(),
            out_dir: out_dir(&target),
            target,
        });
    }
    separate_out_dirs(&mut targets);
    Ok(targets)
}

/// `linux/arm64` or `linux/arm64/musl`.
fn parse_short(ctx: &Ctx, key: &str, short: &str) -> Result<TargetSpec, MatrixError> {
    let bad = || {
        ctx.invalid(key, format!("{short:?} is not a short target: write `goos/goarch` or `goos/goarch/musl`, e.g. \"linux/arm64\""))
    };
    let parts: Vec<&str> = short.split('/').collect();
    let (goos, goarch, libc) = match parts.as_slice() {
        [goos, goarch] => (*goos, *goarch, None),
        [goos, goarch, "gnu"] => (*goos, *goarch, Some(LibcKind::Gnu)),
        [goos, goarch, "musl"] => (*goos, *goarch, Some(LibcKind::Musl)),
        _ => return Err(bad()),
    };
    validate::target_name(ctx.file, key, &short_form_name(short)).map_err(|_| bad())?;
    Ok(TargetSpec {
        goos: goos.to_owned(),
        goarch: goarch.to_owned(),
        libc,
        ..TargetSpec::default()
    })
}

/// One target's fields, checked in the order they are documented.
fn resolve(
    ctx: &Ctx,
    key: &TargetKey,
    spec: &TargetSpec,
    defaults: &TargetDefaults,
    have_sdk: bool,
) -> Result<Target, MatrixError> {
    let platform = platform(ctx, key, spec)?;
    let goarm = goarm(ctx, key, spec, platform)?;
    let goamd64 = goamd64(ctx, key, spec, platform)?;
    let libc = libc(ctx, key, spec, defaults, platform)?;
    let os_floor = os_floor(ctx, key, spec, defaults, platform)?;
    let (toolchain, darwin_linker) = toolchain(ctx, key, spec, platform, have_sdk)?;
    validate::c_flags(ctx.file, &key.field("cflags"), &spec.cflags)?;
    validate::c_flags(ctx.file, &key.field("ldflags"), &spec.ldflags)?;
    Ok(Target {
        platform,
        goarm,
        goamd64,
        libc,
        os_floor,
        toolchain,
        darwin_linker,
    })
}

/// `goos` and `goarch`: a row of the platform table.
fn platform(
    ctx: &Ctx,
    key: &TargetKey,
    spec: &TargetSpec,
) -> Result<&'static Platform, MatrixError> {
    let Some(goos) = Goos::parse(&spec.goos) else {
        let all: Vec<&str> = Goos::all().map(Goos::as_str).collect();
        return Err(ctx
            .invalid(
                key.field("goos"),
                format!(
                    "unsupported GOOS {:?} (allowed: {})",
                    spec.goos,
                    all.join(", ")
                ),
            )
            .suggest(&spec.goos, all.iter().copied()));
    };
    Platform::find(goos, &spec.goarch).ok_or_else(|| {
        let archs: Vec<&str> = Goarch::all_for(goos).map(Goarch::as_str).collect();
        ctx.invalid(
            key.field("goarch"),
            format!(
                "unsupported GOARCH {:?} for GOOS {goos} (allowed: {})",
                spec.goarch,
                archs.join(", ")
            ),
        )
        .suggest(&spec.goarch, archs.iter().copied())
    })
}

/// `goarm`: arm only, `7` unless set.
fn goarm(
    ctx: &Ctx,
    key: &TargetKey,
    spec: &TargetSpec,
    p: &Platform,
) -> Result<Option<Goarm>, MatrixError> {
    if p.goarch != Goarch::Arm {
        if spec.goarm.is_some() {
            return Err(ctx.invalid(
                key.field("goarm"),
                format!("`goarm` applies only to goarch `arm`, not `{}`", p.goarch),
            ));
        }
        return Ok(None);
    }
    let Some(value) = spec.goarm.as_deref() else {
        return Ok(Some(Goarm::V7));
    };
    let all: Vec<&str> = Goarm::ALL.iter().map(|g| g.as_str()).collect();
    Goarm::parse(value).map(Some).ok_or_else(|| {
        ctx.invalid(
            key.field("goarm"),
            format!("unsupported GOARM {value:?} (allowed: {})", all.join(", ")),
        )
    })
}

/// `goamd64`: amd64 only, Go's default unless set.
fn goamd64(
    ctx: &Ctx,
    key: &TargetKey,
    spec: &TargetSpec,
    p: &Platform,
) -> Result<Option<&'static str>, MatrixError> {
    let Some(value) = spec.goamd64.as_deref() else {
        return Ok(None);
    };
    if p.goarch != Goarch::Amd64 {
        return Err(ctx.invalid(
            key.field("goamd64"),
            format!(
                "`goamd64` applies only to goarch `amd64`, not `{}`",
                p.goarch
            ),
        ));
    }
    let known = GOAMD64_VALUES.iter().find(|v| **v == value);
    known.copied().map(Some).ok_or_else(|| {
        ctx.invalid(
            key.field("goamd64"),
            format!(
                "unsupported GOAMD64 {value:?} (allowed: {})",
                GOAMD64_VALUES.join(", ")
            ),
        )
        .suggest(value, GOAMD64_VALUES.iter().copied())
    })
}

/// `libc` and `glibc` (linux only): the C library with its floor.
fn libc(
    ctx: &Ctx,
    key: &TargetKey,
    spec: &TargetSpec,
    defaults: &TargetDefaults,
    p: &Platform,
) -> Result<Option<Libc>, MatrixError> {
    let Some(facts) = p.glibc else {
        if spec.libc.is_some() {
            return Err(ctx.invalid(
                key.field("libc"),
                format!("`libc` applies only to linux targets, not {}", p.goos),
            ));
        }
        return glibc_without_gnu(ctx, key, spec).map(|()| None);
    };
    if spec.libc.unwrap_or(defaults.libc) == LibcKind::Musl {
        return glibc_without_gnu(ctx, key, spec).map(|()| Some(Libc::Musl));
    }
    let (value, value_key) = match &spec.glibc {
        Some(v) => (v, key.field("glibc")),
        None => (&defaults.glibc, "defaults.glibc".to_owned()),
    };
    match Version::parse(value) {
        Some(v) if v.numbers().0 == 2 && (facts.min..=glibc::MAX).contains(&v.numbers()) => {
            Ok(Some(Libc::Gnu { glibc: v }))
        }
        // A floor inherited from `defaults`, valid elsewhere, that this
        // CPU's glibc never reached (loong64's first glibc is 2.36) is raised
        // to that first release: there is no older glibc to run on. Set per
        // target, it is an error like any other.
        Some(v) if spec.glibc.is_none() && (glibc::oldest()..facts.min).contains(&v.numbers()) => {
            let floor = format!("{}.{}", facts.min.0, facts.min.1);
            Ok(Some(Libc::Gnu {
                glibc: Version::parse(&floor).expect("table floors are versions"),
            }))
        }
        _ => Err(ctx.invalid(
            value_key,
            format!(
                "unsupported glibc floor {value:?} for {}/{} (allowed: 2.{}…2.{}, written like `{}`)",
                p.goos,
                p.goarch,
                facts.min.1,
                glibc::MAX.1,
                if facts.min > glibc::oldest() { format!("2.{}", facts.min.1) } else { glibc::DEFAULT.to_owned() }
            ),
        )),
    }
}

/// A glibc floor set where the C library is not glibc.
fn glibc_without_gnu(ctx: &Ctx, key: &TargetKey, spec: &TargetSpec) -> Result<(), MatrixError> {
    match spec.glibc {
        Some(_) => Err(ctx.invalid(
            key.field("glibc"),
            "a glibc floor applies only to linux targets with `libc: gnu`",
        )),
        None => Ok(()),
    }
}

/// `macos`, `freebsd`, `netbsd`: the OS floor, where the OS has one.
fn os_floor(
    ctx: &Ctx,
    key: &TargetKey,
    spec: &TargetSpec,
    defaults: &TargetDefaults,
    p: &Platform,
) -> Result<Option<Version>, MatrixError> {
    let own = p.os().floor.map(|f| f.key);
    for other in Goos::all().filter_map(|g| g.facts().floor) {
        if Some(other.key) != own && spec.os_floor(other.key).is_some() {
            let goos = Goos::all()
                .find(|g| g.facts().floor == Some(other))
                .expect("a row");
            return Err(ctx.invalid(
                key.field(other.key),
                format!("`{}` applies only to {goos} targets", other.key),
            ));
        }
    }
    let Some(floor) = p.os().floor else {
        return Ok(None);
    };
    let (value, value_key) = match spec.os_floor(floor.key) {
        Some(v) => (v, key.field(floor.key)),
        None => (
            defaults.os_floor(floor.key),
            format!("defaults.{}", floor.key),
        ),
    };
    match Version::parse(value) {
        Some(v) if v.numbers() >= floor.min && v.numbers().0 <= floor.max_major => Ok(Some(v)),
        _ => Err(ctx.invalid(
            value_key,
            format!(
                "unsupported {} minimum {value:?} (allowed: {}.{} … {}.x, written like `{}`; {})",
                floor.name, floor.min.0, floor.min.1, floor.max_major, floor.default, floor.why
            ),
        )),
    }
}

/// `toolchain` and `darwinLinker`, and the SDK they may need.
fn toolchain(
    ctx: &Ctx,
    key: &TargetKey,
    spec: &TargetSpec,
    p: &Platform,
    have_sdk: bool,
) -> Result<(Toolchain, Option<DarwinLinker>), MatrixError> {
    let darwin = p.goos == Goos::Darwin;
    let toolchain = spec.toolchain.unwrap_or(Toolchain::Zig);
    if toolchain == Toolchain::Osxcross && !darwin {
        return Err(ctx.invalid(
            key.field("toolchain"),
            format!(
                "`osxcross` builds only darwin targets; use `zig` for {}",
                p.goos
            ),
        ));
    }
    let zig_darwin = darwin && toolchain == Toolchain::Zig;
    if spec.darwin_linker.is_some() && !zig_darwin {
        return Err(ctx.invalid(
            key.field("darwinLinker"),
            "`darwinLinker` applies only to darwin targets built with `toolchain: zig`",
        ));
    }
    let default_linker = if have_sdk {
        DarwinLinker::Sdk
    } else {
        DarwinLinker::Stubs
    };
    let linker = zig_darwin.then(|| spec.darwin_linker.unwrap_or(default_linker));
    let (what, field) = match (toolchain, linker) {
        (Toolchain::Osxcross, _) => ("`toolchain: osxcross`", "toolchain"),
        (_, Some(DarwinLinker::Sdk)) => ("`darwinLinker: sdk`", "darwinLinker"),
        _ => return Ok((toolchain, linker)),
    };
    if have_sdk {
        return Ok((toolchain, linker));
    }
    Err(ctx
        .invalid(
            key.field(field),
            format!("{what} needs a macOS SDK, and `darwinSdk` is not set"),
        )
        .with_help(format!(
            "package one on a Mac with osxcross' `tools/gen_sdk_package.sh` (or from Xcode with `gen_sdk_package_pbzx.sh`), then set `darwinSdk` to {{\"url\", \"hash\"}} or {{\"path\"}}; or drop `{field}` to link with cgoflake's SDK-free stubs"
        )))
}

/// `<goos>/<goarch>`, with a suffix for variants of one pair.
fn out_dir(t: &Target) -> String {
    let mut dir = format!("{}/{}", t.goos(), t.goarch());
    if let Some(v) = t.goarm.filter(|v| *v != Goarm::V7) {
        dir.push_str(&format!("-v{v}"));
    }
    if let Some(v) = t.goamd64 {
        dir.push_str(&format!("-{v}"));
    }
    if t.static_binary() {
        dir.push_str("-musl");
    }
    dir
}

/// Two targets with the same directory (say, two toolchains for one
/// platform) fall back to `<goos>/<name>`, so outputs never overwrite each other.
fn separate_out_dirs(targets: &mut [TargetPlan]) {
    let mut seen = std::collections::BTreeMap::<String, usize>::new();
    for t in targets.iter() {
        *seen.entry(t.out_dir.clone()).or_default() += 1;
    }
    for t in targets.iter_mut() {
        if seen[&t.out_dir] > 1 {
            t.out_dir = format!("{}/{}", t.target.goos(), t.name);
        }
    }
}
