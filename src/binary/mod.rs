//! Built binaries as cgoflake sees them: one goblin-based reader for ELF, PE
//! and Mach-O ([`read`]), and its check against the target a binary was
//! built for ([`check`]). `cgoflake inspect`, the collector's universal
//! binary and the tests all use it; nothing here runs a binary.

pub mod check;
pub mod macho;

use anyhow::{bail, Context as _, Result};
use camino::Utf8Path;
use goblin::Object;
use serde::Serialize;

use crate::platform::{BinaryFormat, PLATFORMS};

pub use check::{inspect_command, problems};
pub use macho::{MachoDetails, UndefinedSymbol, SG_READ_ONLY};

/// What a binary is. Serialised, it is what `cgoflake inspect` prints.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BinaryInfo {
    /// `elf`, `pe`, `macho`, or `macho-universal`.
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
    /// ELF: the FreeBSD or NetBSD ABI note: its owner and the OS version
    /// its descriptor names.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub abi_note: Option<(String, u64)>,
    /// ELF: every symbol version needed, e.g. `GLIBC_2.17`, `FBSD_1.7`.
    #[serde(skip)]
    pub symbol_versions: Vec<String>,
    /// Mach-O: LC_BUILD_VERSION minimum OS, as `major.minor`.
    pub macos_min: Option<(u32, u32)>,
    /// Mach-O: has LC_CODE_SIGNATURE.
    pub code_signature: bool,
    /// Mach-O: `__DATA_CONST` carries SG_READ_ONLY (None when absent).
    pub data_const_read_only: Option<bool>,
    /// Mach-O: everything else the darwin checks look at.
    #[serde(skip)]
    pub macho: Option<MachoDetails>,
}

impl BinaryInfo {
    /// A binary of `format` whose header names `machine`: the CPU is the
    /// platform table's name for it.
    fn new(format: BinaryFormat, machine: u32) -> Result<BinaryInfo> {
        let row = PLATFORMS
            .iter()
            .find(|p| p.format() == format && p.machine == machine);
        match (row, format) {
            (Some(row), _) => Ok(BinaryInfo::blank(format.as_str(), row.zig_arch)),
            (None, BinaryFormat::Elf) => bail!("unknown ELF machine {machine}"),
            (None, BinaryFormat::Pe) => bail!("unknown PE machine {machine:#x}"),
            (None, BinaryFormat::MachO) => bail!("unknown Mach-O cputype {machine:#x}"),
        }
    }

    fn blank(format: &str, arch: &str) -> BinaryInfo {
        BinaryInfo {
            format: format.to_owned(),
            arch: arch.to_owned(),
            interpreter: None,
            libraries: Vec::new(),
            max_glibc: None,
            is_static: false,
            abi_note: None,
            symbol_versions: Vec::new(),
            macos_min: None,
            code_signature: false,
            data_const_read_only: None,
            macho: None,
        }
    }
}

/// Read a binary.
pub fn read(path: &Utf8Path) -> Result<BinaryInfo> {
    let bytes = std::fs::read(path).with_context(|| format!("reading {path}"))?;
    read_bytes(&bytes).with_context(|| format!("inspecting {path}"))
}

/// Read a binary from memory.
pub fn read_bytes(bytes: &[u8]) -> Result<BinaryInfo> {
    match Object::parse(bytes)? {
        Object::Elf(elf) => read_elf(&elf, bytes),
        Object::PE(pe) => read_pe(&pe),
        Object::Mach(goblin::mach::Mach::Binary(m)) => macho::read(&m, bytes),
        Object::Mach(goblin::mach::Mach::Fat(_)) => {
            Ok(BinaryInfo::blank("macho-universal", "universal"))
        }
        _ => bail!("not an ELF, PE or Mach-O binary"),
    }
}

fn read_elf(elf: &goblin::elf::Elf, bytes: &[u8]) -> Result<BinaryInfo> {
    let mut info = BinaryInfo::new(BinaryFormat::Elf, u32::from(elf.header.e_machine))?;
    info.interpreter = elf.interpreter.map(str::to_owned);
    info.libraries = elf.libraries.iter().map(|s| (*s).to_owned()).collect();
    info.is_static = info.interpreter.is_none() && info.libraries.is_empty();
    info.abi_note = bsd_abi_note(elf, bytes);
    if let Some(verneed) = &elf.verneed {
        for need in verneed.iter() {
            for aux in need.iter() {
                let name = elf.dynstrtab.get_at(aux.vna_name).unwrap_or("");
                info.symbol_versions.push(name.to_owned());
                if let Some(v) = name.strip_prefix("GLIBC_").and_then(parse_glibc) {
                    info.max_glibc = info.max_glibc.max(Some(v));
                }
            }
        }
    }
    Ok(info)
}

fn read_pe(pe: &goblin::pe::PE) -> Result<BinaryInfo> {
    let mut info = BinaryInfo::new(BinaryFormat::Pe, u32::from(pe.header.coff_header.machine))?;
    let mut libs: Vec<String> = pe
        .libraries
        .iter()
        .map(|s| s.to_ascii_lowercase())
        .collect();
    libs.sort();
    libs.dedup();
    info.libraries = libs;
    Ok(info)
}

/// The first `FreeBSD` or `NetBSD` note of type 1 (the ABI tag) with a
/// 4-byte descriptor: the OS version the binary was linked for.
fn bsd_abi_note(elf: &goblin::elf::Elf, bytes: &[u8]) -> Option<(String, u64)> {
    let notes = elf.iter_note_headers(bytes)?;
    notes.flatten().find_map(|note| {
        let owner = note.name.trim_end_matches('\0');
        let desc: [u8; 4] = note.desc.try_into().ok()?;
        let version = if elf.little_endian {
            u32::from_le_bytes(desc)
        } else {
            u32::from_be_bytes(desc)
        };
        (note.n_type == 1 && matches!(owner, "FreeBSD" | "NetBSD"))
            .then(|| (owner.to_owned(), u64::from(version)))
    })
}

/// `2.28` or `2.2.5` (the patch level is dropped) from a `GLIBC_` version.
fn parse_glibc(v: &str) -> Option<(u32, u32)> {
    let mut parts = v.split('.');
    let major = parts.next()?.parse().ok()?;
    let minor = parts.next().map_or(Some(0), |m| m.parse().ok())?;
    Some((major, minor))
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
        assert!(read_bytes(b"#!/bin/sh\necho hi\n").is_err());
    }

    #[test]
    fn machines_come_from_the_platform_table() {
        let info = BinaryInfo::new(BinaryFormat::Elf, 183).unwrap();
        assert_eq!(info.arch, "aarch64");
        assert_eq!(
            BinaryInfo::new(BinaryFormat::Pe, 0x1c4)
                .unwrap_err()
                .to_string(),
            "unknown PE machine 0x1c4"
        );
    }
}
