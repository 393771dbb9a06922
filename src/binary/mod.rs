//! Structural facts about a built binary (ELF, PE, Mach-O), read with goblin,
//! and their check against the target it was built for: machine, glibc
//! floor, static-ness, interpreter path, Mach-O load commands and signature.
//! `cgoflake inspect` and the tests use it; nothing here runs the binary.

use anyhow::{bail, Context as _, Result};
use camino::Utf8Path;
use goblin::Object;
use serde::Serialize;

use crate::matrix::Libc;
use crate::plan::TargetPlan;
use crate::platform as target;

/// What a binary is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BinaryInfo {
    /// `elf`, `pe` or `macho`.
    pub format: String,
    /// The CPU, in Zig's architecture names (`x86_64`, `aarch64`, `arm`, `x86`, `riscv64`).
    pub arch: String,
    /// ELF: the program interpreter, if dynamically linked.
    pub interpreter: Option<String>,
    /// ELF: shared libraries needed (DT_NEEDED); Mach-O: LC_LOAD_DYLIB paths; PE: imported DLLs.
    pub libraries: Vec<String>,
    /// ELF: the highest `GLIBC_x.y` symbol version required.
    pub max_glibc: Option<(u32, u32)>,
    /// ELF: no interpreter and no shared libraries.
    pub is_static: bool,
    /// Mach-O: LC_BUILD_VERSION minimum OS, as `major.minor`.
    pub macos_min: Option<(u32, u32)>,
    /// Mach-O: has LC_CODE_SIGNATURE.
    pub code_signature: bool,
    /// Mach-O: `__DATA_CONST` carries SG_READ_ONLY (None when absent).
    pub data_const_read_only: Option<bool>,
}

/// SG_READ_ONLY: dyld makes the segment read-only after fix-ups (macOS 15 requires it).
const SG_READ_ONLY: u32 = 0x10;

/// Read a binary.
pub fn inspect(path: &Utf8Path) -> Result<BinaryInfo> {
    let bytes = std::fs::read(path).with_context(|| format!("reading {path}"))?;
    inspect_bytes(&bytes).with_context(|| format!("inspecting {path}"))
}

/// Read a binary from memory.
pub fn inspect_bytes(bytes: &[u8]) -> Result<BinaryInfo> {
    let mut info = BinaryInfo {
        format: String::new(),
        arch: String::new(),
        interpreter: None,
        libraries: Vec::new(),
        max_glibc: None,
        is_static: false,
        macos_min: None,
        code_signature: false,
        data_const_read_only: None,
    };
    match Object::parse(bytes)? {
        Object::Elf(elf) => {
            use goblin::elf::header::*;
            info.format = "elf".into();
            info.arch = match elf.header.e_machine {
                EM_X86_64 => "x86_64",
                EM_AARCH64 => "aarch64",
                EM_ARM => "arm",
                EM_386 => "x86",
                EM_RISCV => "riscv64",
                other => bail!("unknown ELF machine {other}"),
            }
            .into();
            info.interpreter = elf.interpreter.map(str::to_owned);
            info.libraries = elf.libraries.iter().map(|s| (*s).to_owned()).collect();
            info.is_static = info.interpreter.is_none() && info.libraries.is_empty();
            if let Some(verneed) = &elf.verneed {
                for need in verneed.iter() {
                    for aux in need.iter() {
                        let name = elf.dynstrtab.get_at(aux.vna_name).unwrap_or("");
                        if let Some(v) = name.strip_prefix("GLIBC_").and_then(parse_glibc) {
                            info.max_glibc = info.max_glibc.max(Some(v));
                        }
                    }
                }
            }
        }
        Object::PE(pe) => {
            use goblin::pe::header::*;
            info.format = "pe".into();
            info.arch = match pe.header.coff_header.machine {
                COFF_MACHINE_X86_64 => "x86_64",
                COFF_MACHINE_ARM64 => "aarch64",
                COFF_MACHINE_X86 => "x86",
                other => bail!("unknown PE machine {other:#x}"),
            }
            .into();
            let mut libs: Vec<String> = pe
                .libraries
                .iter()
                .map(|s| s.to_ascii_lowercase())
                .collect();
            libs.sort();
            libs.dedup();
            info.libraries = libs;
        }
        Object::Mach(goblin::mach::Mach::Binary(macho)) => {
            use goblin::mach::constants::cputype::*;
            use goblin::mach::load_command::CommandVariant;
            info.format = "macho".into();
            info.arch = match macho.header.cputype {
                CPU_TYPE_X86_64 => "x86_64",
                CPU_TYPE_ARM64 => "aarch64",
                other => bail!("unknown Mach-O cputype {other:#x}"),
            }
            .into();
            // goblin lists `self` first.
            info.libraries = macho
                .libs
                .iter()
                .filter(|l| **l != "self")
                .map(|s| (*s).to_owned())
                .collect();
            for lc in &macho.load_commands {
                match &lc.command {
                    CommandVariant::BuildVersion(bv) => {
                        info.macos_min = Some((bv.minos >> 16, (bv.minos >> 8) & 0xff));
                    }
                    CommandVariant::CodeSignature(_) => info.code_signature = true,
                    CommandVariant::Segment64(seg) => {
                        let name = seg.segname.split(|b| *b == 0).next().unwrap_or(&[]);
                        if name == b"__DATA_CONST" {
                            info.data_const_read_only = Some(seg.flags & SG_READ_ONLY != 0);
                        }
                    }
                    _ => {}
                }
            }
        }
        Object::Mach(goblin::mach::Mach::Fat(_)) => {
            info.format = "macho-universal".into();
            info.arch = "universal".into();
        }
        _ => bail!("not an ELF, PE or Mach-O binary"),
    }
    Ok(info)
}

fn parse_glibc(v: &str) -> Option<(u32, u32)> {
    let mut parts = v.split('.');
    let major = parts.next()?.parse().ok()?;
    let minor = parts.next().map_or(Some(0), |m| m.parse().ok())?;
    Some((major, minor))
}

/// Everything that is wrong with `info` for `target`; empty when it fits.
pub fn problems(info: &BinaryInfo, t: &TargetPlan) -> Vec<String> {
    let mut out = Vec::new();
    let platform = target::platform(&t.goos, &t.goarch).expect("plans hold known platforms");
    let want_format = match t.goos.as_str() {
        "linux" => "elf",
        "windows" => "pe",
        _ => "macho",
    };
    if info.format != want_format {
        out.push(format!("format is {}, expected {want_format}", info.format));
        return out;
    }
    if info.arch != platform.zig_arch {
        out.push(format!(
            "machine is {}, expected {}",
            info.arch, platform.zig_arch
        ));
    }
    match t.goos.as_str() {
        "linux" if t.libc == Some(Libc::Musl) && !info.is_static => {
            out.push(format!(
                "musl target is not static (interpreter {:?}, needs {:?})",
                info.interpreter, info.libraries
            ));
        }
        "linux" if t.libc == Some(Libc::Musl) => {}
        "linux" => {
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
            let floor = t.glibc.as_deref().and_then(target::parse_version);
            if let (Some(max), Some(floor)) = (info.max_glibc, floor) {
                if max > floor {
                    out.push(format!(
                        "needs GLIBC_{}.{}, above the floor {}.{}",
                        max.0, max.1, floor.0, floor.1
                    ));
                }
            }
        }
        "darwin" => {
            for lib in &info.libraries {
                if !(lib.starts_with("/usr/lib/") || lib.starts_with("/System/Library/")) {
                    out.push(format!("loads {lib}, which is not a system library"));
                }
            }
            let want = t.macos.as_deref().and_then(target::parse_version);
            if info.macos_min.is_none() || (want.is_some() && info.macos_min != want) {
                out.push(format!(
                    "LC_BUILD_VERSION minos {:?}, expected {:?}",
                    info.macos_min, want
                ));
            }
            if t.goarch == "arm64" && !info.code_signature {
                out.push("arm64 Mach-O without a code signature (macOS kills it)".into());
            }
            if info.data_const_read_only == Some(false) {
                out.push("__DATA_CONST lacks SG_READ_ONLY (macOS 15 refuses it)".into());
            }
        }
        _ => {}
    }
    for lib in &info.libraries {
        if lib.contains("/nix/store") {
            out.push(format!("loads {lib} from the Nix store"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glibc_versions() {
        assert_eq!(parse_glibc("2.28"), Some((2, 28)));
        assert_eq!(parse_glibc("2.2.5"), Some((2, 2)));
        assert_eq!(parse_glibc("PRIVATE"), None);
    }

    #[test]
    fn rejects_non_binaries() {
        assert!(inspect_bytes(b"#!/bin/sh\necho hi\n").is_err());
    }
}
