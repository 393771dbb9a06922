//! Does a binary fit its target? `cgoflake inspect`: machine, glibc floor,
//! static-ness, interpreter, Mach-O load commands and signature.

use std::process::ExitCode;

use anyhow::Result;
use camino::Utf8Path;

use super::BinaryInfo;
use crate::plan::{self, Target};
use crate::platform::{Goarch, Goos, Libc};

/// `cgoflake inspect FILE --target NAME`: print what the binary is, then
/// every problem (exit 1) or that it fits.
pub fn inspect_command(file: &Utf8Path, target: &str, matrix: &Utf8Path) -> Result<ExitCode> {
    let t = inspected_target(target, matrix)?;
    let info = super::read(file)?;
    println!("{}", serde_json::to_string_pretty(&info)?);
    let problems = problems(&info, &t);
    if problems.is_empty() {
        eprintln!("{file}: fits target {target}");
        return Ok(ExitCode::SUCCESS);
    }
    for p in &problems {
        eprintln!("{file}: {p}");
    }
    Ok(ExitCode::FAILURE)
}

/// What `--target` names: a target of the matrix, or (with or without a
/// matrix) a short form like `linux/arm64/musl` with cgoflake's defaults.
fn inspected_target(target: &str, matrix: &Utf8Path) -> Result<Target> {
    if matrix.is_file() {
        let plan = plan::load(matrix)?;
        if let Some(t) = plan.targets.iter().find(|t| t.name == target) {
            return Ok(t.target.clone());
        }
        if !target.contains('/') {
            return Ok(plan.select(&[target.to_owned()])?[0].target.clone());
        }
    } else if !target.contains('/') {
        anyhow::bail!(
            "no matrix at {matrix} to look target `{target}` up in: name the target as goos/goarch[/musl] \
             (e.g. linux/arm64/musl), or pass --matrix"
        );
    }
    Ok(plan::standalone_target(Utf8Path::new("--target"), target)?)
}

/// Everything that is wrong with `info` for `t`; empty when it fits.
pub fn problems(info: &BinaryInfo, t: &Target) -> Vec<String> {
    let mut out = Vec::new();
    let want_format = t.binary_format().as_str();
    if info.format != want_format {
        out.push(format!("format is {}, expected {want_format}", info.format));
        return out;
    }
    if info.arch != t.platform.zig_arch {
        out.push(format!(
            "machine is {}, expected {}",
            info.arch, t.platform.zig_arch
        ));
    }
    match (t.goos(), &t.libc) {
        (Goos::Linux, Some(Libc::Musl)) if !info.is_static => out.push(format!(
            "musl target is not static (interpreter {:?}, needs {:?})",
            info.interpreter, info.libraries
        )),
        (Goos::Linux, Some(Libc::Gnu { glibc })) => {
            glibc_problems(info, glibc.numbers(), &mut out);
        }
        (Goos::Darwin, _) => darwin_problems(info, t, &mut out),
        (Goos::Freebsd | Goos::Netbsd, _) => bsd_problems(info, t, &mut out),
        _ => {}
    }
    for lib in &info.libraries {
        if lib.contains("/nix/store") {
            out.push(format!("loads {lib} from the Nix store"));
        }
    }
    out
}

/// A standard interpreter, and no symbol version above the floor.
fn glibc_problems(info: &BinaryInfo, floor: (u32, u32), out: &mut Vec<String>) {
    match &info.interpreter {
        Some(i) if i.starts_with("/nix/") => {
            out.push(format!("interpreter {i} points into the Nix store"))
        }
        Some(i) if !i.starts_with("/lib") => {
            out.push(format!("interpreter {i} is not a standard path"))
        }
        None => out.push("no ELF interpreter on a glibc target".into()),
        _ => {}
    }
    if let Some(max) = info.max_glibc.filter(|max| *max > floor) {
        out.push(format!(
            "needs GLIBC_{}.{}, above the floor {}.{}",
            max.0, max.1, floor.0, floor.1
        ));
    }
}

/// The OS's own dynamic linker, and its ABI note naming a version no newer
/// than the floor.
fn bsd_problems(info: &BinaryInfo, t: &Target, out: &mut Vec<String>) {
    let os = t.platform.os();
    if info.interpreter.as_deref() != os.interpreter {
        out.push(format!(
            "interpreter {}, expected {}",
            info.interpreter.as_deref().unwrap_or("none"),
            os.interpreter.unwrap_or("none")
        ));
    }
    let (Some(note), Some(floor)) = (os.abi_note, t.os_floor.as_ref()) else {
        return;
    };
    if let Some(versions) = os.symbol_versions {
        let max = versions.max_for(floor.numbers());
        let newest = info
            .symbol_versions
            .iter()
            .filter_map(|v| v.strip_prefix(versions.prefix)?.parse::<u32>().ok())
            .max();
        if let Some(n) = newest.filter(|n| *n > max) {
            out.push(format!(
                "needs {}{n}, newer than {} {floor} ({}{max})",
                versions.prefix, note.owner, versions.prefix
            ));
        }
    }
    let max = note.max_version(floor.numbers());
    match &info.abi_note {
        Some((owner, v)) if owner == note.owner && *v <= max => {}
        Some((owner, v)) => out.push(format!(
            "ABI note {owner} {v}, expected {} at most {max} ({} {floor})",
            note.owner, note.owner,
        )),
        None => out.push(format!(
            "no {} ABI note (the kernel would not know the binary's OS)",
            note.owner
        )),
    }
}

/// System libraries only, the minimum macOS, a signature on arm64, and a
/// read-only `__DATA_CONST`.
fn darwin_problems(info: &BinaryInfo, t: &Target, out: &mut Vec<String>) {
    for lib in &info.libraries {
        if !(lib.starts_with("/usr/lib/") || lib.starts_with("/System/Library/")) {
            out.push(format!("loads {lib}, which is not a system library"));
        }
    }
    let want = t.os_floor.as_ref().map(|v| v.numbers());
    if info.macos_min.is_none() || (want.is_some() && info.macos_min != want) {
        out.push(format!(
            "LC_BUILD_VERSION minos {:?}, expected {:?}",
            info.macos_min, want
        ));
    }
    if t.goarch() == Goarch::Arm64 && !info.code_signature {
        out.push("arm64 Mach-O without a code signature (macOS kills it)".into());
    }
    if info.data_const_read_only == Some(false) {
        out.push("__DATA_CONST lacks SG_READ_ONLY (macOS 15 refuses it)".into());
    }
}
