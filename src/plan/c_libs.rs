//! `cLibs`: C libraries the program links, each built per target from a
//! pinned source by one of two recipes (a file list compiled with the
//! target's C compiler, or autotools' configure + make). The flags and
//! configure arguments of every (library, target) pair are computed here,
//! once; `nix/c-lib.nix` only runs them.

use std::collections::BTreeMap;

use super::{validate, Ctx, MatrixError, SourceLocation, TargetPlan};
use crate::matrix::error::join_key;
use crate::matrix::{CLib, CLibFiles, Toolchain};
use crate::platform::Goos;

/// One C library, as every target builds it.
#[derive(Debug, Clone)]
pub struct CLibPlan {
    /// Its name (`cLibs.<name>`): the derivation's and, for a file list, the `.pc` file's.
    pub name: String,
    /// Its version.
    pub version: String,
    /// Where its source comes from (`path`: a directory or tarball, relative to the flake).
    pub source: SourceLocation,
    /// How it is built.
    pub recipe: CLibRecipe,
}

/// How a C library is built.
#[derive(Debug, Clone)]
pub enum CLibRecipe {
    /// Compile the listed files into `lib<archive>.a` each; cgoflake writes the `.pc`.
    Files(CLibFiles),
    /// autotools: configure (arguments per target in [`CLibBuild`]), make, make install.
    Configure,
}

/// One C library for one target: what `nix/c-lib.nix` runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CLibBuild {
    /// The library (a key of `Plan::c_libs`).
    pub name: String,
    /// C flags: the target's, then the library's, then the target override's
    /// (a file list adds its `-I`/`-D`).
    pub cflags: Vec<String>,
    /// The build environment: CC, CXX, AR, RANLIB, LD, OBJCOPY (the target's C toolchain).
    pub env: BTreeMap<String, String>,
    /// `./configure` arguments (configure recipe; empty for a file list).
    pub configure_args: Vec<String>,
}

/// Check `cLibs` (each library's keys in their documented order).
pub(super) fn resolve(
    ctx: &Ctx,
    libs: &BTreeMap<String, CLib>,
) -> Result<Vec<CLibPlan>, MatrixError> {
    libs.iter()
        .map(|(name, lib)| resolve_one(ctx, name, lib))
        .collect()
}

fn resolve_one(ctx: &Ctx, name: &str, lib: &CLib) -> Result<CLibPlan, MatrixError> {
    let key = join_key("cLibs", name);
    lib_name(ctx, &key, name)?;
    validate::version(ctx.file, &format!("{key}.version"), &lib.version)?;
    let source = super::sources::location(
        ctx,
        &key,
        (lib.url.as_deref(), lib.hash.as_deref(), lib.path.as_deref()),
        "the source",
    )?;
    if let Some(goos) = &lib.goos {
        for (i, g) in goos.iter().enumerate() {
            if Goos::parse(g).is_none() {
                return Err(ctx.invalid(
                    format!("{key}.goos[{i}]"),
                    format!(
                        "{g:?} is not a GOOS cgoflake builds for (allowed: {})",
                        Goos::all().map(Goos::as_str).collect::<Vec<_>>().join(", ")
                    ),
                ));
            }
        }
    }
    validate::c_flags(ctx.file, &format!("{key}.cflags"), &lib.cflags)?;
    let recipe = match (&lib.files, &lib.configure) {
        (Some(files), None) => {
            check_files(ctx, &format!("{key}.files"), files)?;
            CLibRecipe::Files(files.clone())
        }
        (None, Some(_)) => CLibRecipe::Configure,
        _ => {
            return Err(ctx
                .invalid(
                    key,
                    "give exactly one recipe: `files` (C files compiled into static archives) or `configure` (autotools configure + make)",
                )
                .with_help(
                    "e.g. \"files\": {\"archives\": {\"foo\": [\"src/*.c\"]}, \"headers\": [\"include/foo.h\"]} or \"configure\": {\"args\": []}",
                ))
        }
    };
    for (target, over) in &lib.targets {
        let okey = join_key(&format!("{key}.targets"), target);
        validate::c_flags(ctx.file, &format!("{okey}.cflags"), &over.cflags)?;
        if !over.configure_args.is_empty() && matches!(recipe, CLibRecipe::Files(_)) {
            return Err(ctx.invalid(
                format!("{okey}.configureArgs"),
                "only the `configure` recipe runs configure; this library has a `files` recipe",
            ));
        }
    }
    Ok(CLibPlan {
        name: name.to_owned(),
        version: lib.version.clone(),
        source,
        recipe,
    })
}

/// Library names become derivation, `.pc` and Nix attribute names.
fn lib_name(ctx: &Ctx, key: &str, name: &str) -> Result<(), MatrixError> {
    let ok = name.starts_with(|c: char| c.is_ascii_alphabetic())
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_".contains(c));
    if ok {
        return Ok(());
    }
    Err(ctx.invalid(
        key,
        format!("C library name {name:?} is not allowed: 1-64 letters, digits, `-` or `_`, a letter first (it names a derivation and a pkg-config file)"),
    ))
}

fn check_files(ctx: &Ctx, key: &str, files: &CLibFiles) -> Result<(), MatrixError> {
    if files.archives.is_empty() {
        return Err(ctx.invalid(
            format!("{key}.archives"),
            "name at least one archive, e.g. {\"foo\": [\"src/*.c\"]} for libfoo.a",
        ));
    }
    for (archive, sources) in &files.archives {
        let akey = join_key(&format!("{key}.archives"), archive);
        lib_name(ctx, &akey, archive)?;
        if sources.is_empty() {
            return Err(ctx.invalid(akey, "list the C files of this archive"));
        }
        for (i, s) in sources.iter().enumerate() {
            source_path(ctx, &format!("{akey}[{i}]"), s)?;
        }
    }
    for (list, what) in [
        (&files.include_dirs, "includeDirs"),
        (&files.headers, "headers"),
    ] {
        for (i, s) in list.iter().enumerate() {
            source_path(ctx, &format!("{key}.{what}[{i}]"), s)?;
        }
    }
    if files.headers.is_empty() {
        return Err(ctx.invalid(
            format!("{key}.headers"),
            "list the headers (files or directories) the Go code includes",
        ));
    }
    for (i, d) in files.defines.iter().enumerate() {
        let ok = d.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
            && d.chars()
                .all(|c| c.is_ascii_alphanumeric() || "_=.-".contains(c));
        if !ok {
            return Err(ctx.invalid(
                format!("{key}.defines[{i}]"),
                format!("{d:?} is not a C define like `NDEBUG` or `LEVEL=2` (without `-D`)"),
            ));
        }
    }
    Ok(())
}

/// A path (or shell glob) inside the library's source, rendered into a
/// build script: relative, and free of characters the shell would act on
/// beyond globbing.
fn source_path(ctx: &Ctx, key: &str, path: &str) -> Result<(), MatrixError> {
    validate::inside(ctx.file, key, path, "the library's source")?;
    let ok = path
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "-_./+*?[]".contains(c));
    if ok {
        return Ok(());
    }
    Err(ctx.invalid(
        key,
        format!("{path:?}: use letters, digits and `-_./+`, with `*`, `?` or `[…]` as globs"),
    ))
}

/// The libraries each target builds, with their flags; checks that
/// per-target overrides name targets of the matrix that build the library.
pub(super) fn builds(
    ctx: &Ctx,
    libs: &BTreeMap<String, CLib>,
    plans: &[CLibPlan],
    targets: &mut [TargetPlan],
) -> Result<(), MatrixError> {
    let names: Vec<String> = targets.iter().map(|t| t.name.clone()).collect();
    for plan in plans {
        let lib = &libs[&plan.name];
        let builds_for = |t: &TargetPlan| {
            lib.goos
                .as_ref()
                .is_none_or(|g| g.iter().any(|g| g == t.target.goos().as_str()))
        };
        for target in lib.targets.keys() {
            let key = join_key(
                &format!("{}.targets", join_key("cLibs", &plan.name)),
                target,
            );
            match targets.iter().find(|t| &t.name == target) {
                None => {
                    return Err(ctx
                        .invalid(
                            key,
                            format!(
                                "no target named `{target}` in the matrix (targets: {})",
                                names.join(", ")
                            ),
                        )
                        .suggest(target, names.iter().map(String::as_str)))
                }
                Some(t) if !builds_for(t) => {
                    return Err(ctx.invalid(
                        key,
                        format!(
                            "`{target}` does not build this library (its `goos` leaves {} out)",
                            t.target.goos()
                        ),
                    ))
                }
                Some(_) => {}
            }
        }
        for t in targets.iter_mut().filter(|t| builds_for(t)) {
            let over = lib.targets.get(&t.name).cloned().unwrap_or_default();
            let build = build_for(t, plan, lib, &over);
            t.c_libs.push(build);
        }
    }
    Ok(())
}

fn build_for(
    t: &TargetPlan,
    plan: &CLibPlan,
    lib: &CLib,
    over: &crate::matrix::CLibTargetOverride,
) -> CLibBuild {
    let mut cflags = [&t.recipe.c_lib_cflags[..], &lib.cflags, &over.cflags].concat();
    let mut configure_args = Vec::new();
    match &plan.recipe {
        CLibRecipe::Files(files) => {
            // The file list's own: after the user's flags, as a build system would.
            cflags.extend(files.include_dirs.iter().map(|d| format!("-I{d}")));
            cflags.extend(files.defines.iter().map(|d| format!("-D{d}")));
        }
        CLibRecipe::Configure => {
            configure_args = vec![
                format!("--host={}", autotools_host(&t.target.zig_triple())),
                // Static archives only: the Go binary links them in, and no
                // shared object of another platform lands beside them.
                "--enable-static".to_owned(),
                "--disable-shared".to_owned(),
                "--disable-dependency-tracking".to_owned(),
            ];
            configure_args.extend(lib.configure.iter().flat_map(|c| c.args.iter().cloned()));
            configure_args.extend(over.configure_args.iter().cloned());
        }
    }
    CLibBuild {
        name: plan.name.clone(),
        cflags,
        env: toolchain_env(t),
        configure_args,
    }
}

/// CC, CXX, AR, RANLIB, LD and (zig's) OBJCOPY of the target's C toolchain, each
/// replacing the build host's tool that nixpkgs' stdenv exports under the
/// same name (pitfall 24). LD only answers libtool's probe for a linker
/// (`zig cc` links everything itself); without it configure stops at "no
/// acceptable ld found in $PATH".
fn toolchain_env(t: &TargetPlan) -> BTreeMap<String, String> {
    let go_env = &t.recipe.go_env;
    let (ar, ranlib, ld, objcopy) = match t.target.toolchain {
        Toolchain::Zig => (
            "zig ar".to_owned(),
            "zig ranlib".to_owned(),
            "zig ld.lld".to_owned(),
            Some("zig objcopy".to_owned()),
        ),
        Toolchain::Osxcross => {
            let prefix = t
                .target
                .platform
                .osxcross_prefix
                .expect("osxcross builds darwin targets only");
            (
                format!("{prefix}-ar"),
                format!("{prefix}-ranlib"),
                format!("{prefix}-ld"),
                // cctools has no objcopy.
                None,
            )
        }
    };
    let mut env = BTreeMap::from([
        ("CC".to_owned(), go_env["CC"].clone()),
        ("CXX".to_owned(), go_env["CXX"].clone()),
        ("AR".to_owned(), ar),
        ("RANLIB".to_owned(), ranlib),
        ("LD".to_owned(), ld),
    ]);
    if let Some(objcopy) = objcopy {
        env.insert("OBJCOPY".to_owned(), objcopy);
    }
    env
}

/// The GNU triple autotools' `--host` takes, from zig's `-target`:
/// `aarch64-linux-gnu.2.28` → `aarch64-linux-gnu`, `x86_64-windows-gnu` →
/// `x86_64-w64-mingw32`, `aarch64-macos.11.0` → `aarch64-apple-darwin`,
/// `x86_64-freebsd.14.0` → `x86_64-unknown-freebsd14.0`.
pub fn autotools_host(zig_triple: &str) -> String {
    let mut parts = zig_triple.splitn(3, '-');
    let cpu = match parts.next().unwrap_or_default() {
        "x86" => "i686",
        cpu => cpu,
    };
    let os_and_version = parts.next().unwrap_or_default();
    let abi = parts.next().unwrap_or_default();
    let (os, version) = os_and_version
        .split_once('.')
        .unwrap_or((os_and_version, ""));
    match os {
        "linux" => {
            let abi = abi.split_once('.').map_or(abi, |(a, _)| a);
            format!("{cpu}-linux-{abi}")
        }
        "windows" => format!("{cpu}-w64-mingw32"),
        "macos" => format!("{cpu}-apple-darwin"),
        other => format!("{cpu}-unknown-{other}{version}"),
    }
}

#[cfg(test)]
mod tests {
    use super::autotools_host;

    #[test]
    fn autotools_hosts_follow_zig_triples() {
        for (zig, gnu) in [
            ("aarch64-linux-gnu.2.28", "aarch64-linux-gnu"),
            ("arm-linux-gnueabihf.2.28", "arm-linux-gnueabihf"),
            ("x86-linux-musl", "i686-linux-musl"),
            ("mips64el-linux-gnuabi64.2.28", "mips64el-linux-gnuabi64"),
            ("x86_64-windows-gnu", "x86_64-w64-mingw32"),
            ("aarch64-windows-gnu", "aarch64-w64-mingw32"),
            ("aarch64-macos.11.0", "aarch64-apple-darwin"),
            ("x86_64-freebsd.14.0", "x86_64-unknown-freebsd14.0"),
            ("aarch64-netbsd.10.1", "aarch64-unknown-netbsd10.1"),
        ] {
            assert_eq!(autotools_host(zig), gnu, "{zig}");
        }
    }
}
