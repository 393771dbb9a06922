//! Mach-O: the load commands, code signature and symbol bindings the
//! darwin checks look at (minimum OS, dylibs, ad-hoc signature,
//! `__DATA_CONST` flags, every import bound to a library).

use anyhow::{Context as _, Result};
use goblin::mach::load_command::CommandVariant;
use goblin::mach::MachO;

use super::BinaryInfo;
use crate::platform::BinaryFormat;

/// `SG_READ_ONLY`: dyld makes the segment read-only after fix-ups; macOS 15
/// refuses `__DATA_CONST` without it.
pub const SG_READ_ONLY: u32 = 0x10;

/// What a structural check of a darwin binary needs beyond [`BinaryInfo`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MachoDetails {
    /// `cputype`.
    pub cputype: u32,
    /// `cpusubtype`.
    pub cpusubtype: u32,
    /// `filetype` (2: `MH_EXECUTE`).
    pub filetype: u32,
    /// `(platform, minos, sdk)` of `LC_BUILD_VERSION`, versions as `x.y.z`.
    pub build_version: Option<(u32, String, String)>,
    /// `(dataoff, datasize)` of `LC_CODE_SIGNATURE`.
    pub code_signature: Option<(u32, u32)>,
    /// CodeDirectory flags (CS_ADHOC = 0x2, CS_LINKER_SIGNED = 0x20000).
    pub code_directory_flags: Option<u32>,
    /// `(segname, flags, initprot, maxprot)` of each segment.
    pub segments: Vec<(String, u32, u32, u32)>,
    /// `LC_DYLD_CHAINED_FIXUPS` is present (then [`binds`] cannot decode).
    pub has_chained_fixups: bool,
    /// The undefined symbols of the symbol table.
    pub undefined: Vec<UndefinedSymbol>,
}

/// One undefined symbol of a linked Mach-O, from the symbol table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UndefinedSymbol {
    /// Its name (with Mach-O's leading `_`).
    pub name: String,
    /// Two-level-namespace library ordinal (`GET_LIBRARY_ORDINAL(n_desc)`).
    pub ordinal: u8,
    /// The load command it points to; `None` for special or invalid ordinals.
    pub dylib: Option<String>,
}

impl MachoDetails {
    /// Flags of `__DATA_CONST`, if the segment exists.
    pub fn data_const_flags(&self) -> Option<u32> {
        self.segments
            .iter()
            .find(|s| s.0 == "__DATA_CONST")
            .map(|s| s.1)
    }
}

/// A thin Mach-O file.
pub(super) fn read(m: &MachO, bytes: &[u8]) -> Result<BinaryInfo> {
    let mut info = BinaryInfo::new(BinaryFormat::MachO, m.header.cputype)?;
    // goblin lists `self` first.
    info.libraries = m
        .libs
        .iter()
        .filter(|l| **l != "self")
        .map(|s| (*s).to_owned())
        .collect();
    let mut details = load_commands(m, bytes);
    details.undefined = undefined_symbols(m, &info.libraries)?;
    info.macos_min = m
        .load_commands
        .iter()
        .rev()
        .find_map(|lc| match &lc.command {
            CommandVariant::BuildVersion(bv) => Some((bv.minos >> 16, (bv.minos >> 8) & 0xff)),
            _ => None,
        });
    info.code_signature = details.code_signature.is_some();
    info.data_const_read_only = details.data_const_flags().map(|f| f & SG_READ_ONLY != 0);
    info.macho = Some(details);
    Ok(info)
}

fn load_commands(m: &MachO, bytes: &[u8]) -> MachoDetails {
    let mut d = MachoDetails {
        cputype: m.header.cputype,
        cpusubtype: m.header.cpusubtype,
        filetype: m.header.filetype,
        build_version: None,
        code_signature: None,
        code_directory_flags: None,
        segments: Vec::new(),
        has_chained_fixups: false,
        undefined: Vec::new(),
    };
    for lc in &m.load_commands {
        match &lc.command {
            CommandVariant::BuildVersion(b) => {
                d.build_version =
                    Some((b.platform, version_string(b.minos), version_string(b.sdk)));
            }
            CommandVariant::CodeSignature(cs) => {
                d.code_signature = Some((cs.dataoff, cs.datasize));
                let (o, n) = (cs.dataoff as usize, cs.datasize as usize);
                d.code_directory_flags = bytes.get(o..o + n).and_then(code_directory_flags);
            }
            CommandVariant::Segment64(s) => {
                let name = s.segname.split(|&c| c == 0).next().unwrap_or_default();
                let name = String::from_utf8_lossy(name).into_owned();
                d.segments.push((name, s.flags, s.initprot, s.maxprot));
            }
            CommandVariant::DyldChainedFixups(_) => d.has_chained_fixups = true,
            _ => {}
        }
    }
    d
}

/// External undefined symbols (`N_EXT`, `N_UNDF`) with the dylib their
/// ordinal names (`dylibs` in load-command order).
fn undefined_symbols(m: &MachO, dylibs: &[String]) -> Result<Vec<UndefinedSymbol>> {
    let mut out = Vec::new();
    let Some(symbols) = &m.symbols else {
        return Ok(out);
    };
    for s in symbols.iter() {
        let (name, nl) = s.context("reading the symbol table")?;
        if nl.n_type & 0x01 == 0 || nl.n_type & 0x0e != 0 {
            continue;
        }
        let ordinal = ((nl.n_desc >> 8) & 0xff) as u8;
        let dylib = match ordinal {
            0 | 0xfe | 0xff => None,
            n => dylibs.get(n as usize - 1).cloned(),
        };
        out.push(UndefinedSymbol {
            name: name.to_owned(),
            ordinal,
            dylib,
        });
    }
    Ok(out)
}

/// `(symbol, dylib)` of every bind, lazy and weak bind opcode: the
/// `LC_DYLD_INFO` view of the imports, decoded by goblin. `None` when it
/// cannot be decoded (chained fixups, which goblin does not read, or an
/// out-of-range ordinal, on which goblin panics: a finding, not a crash).
pub fn binds(bytes: &[u8]) -> Option<Vec<(String, String)>> {
    let m = MachO::parse(bytes, 0).ok()?;
    let chained = m
        .load_commands
        .iter()
        .any(|lc| matches!(lc.command, CommandVariant::DyldChainedFixups(_)));
    if chained {
        return None;
    }
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        m.imports().ok().map(|v| {
            v.iter()
                .map(|i| (i.name.to_owned(), i.dylib.to_owned()))
                .collect()
        })
    }))
    .ok()
    .flatten()
}

fn version_string(v: u32) -> String {
    format!("{}.{}.{}", v >> 16, (v >> 8) & 0xff, v & 0xff)
}

fn be_u32(b: &[u8], off: usize) -> Option<u32> {
    b.get(off..off + 4)
        .map(|s| u32::from_be_bytes([s[0], s[1], s[2], s[3]]))
}

/// Flags of the first CodeDirectory (magic `0xfade0c02`) in a code signature
/// SuperBlob (`0xfade0cc0`).
fn code_directory_flags(sig: &[u8]) -> Option<u32> {
    if be_u32(sig, 0)? != 0xfade_0cc0 {
        return None;
    }
    let count = be_u32(sig, 8)? as usize;
    (0..count).find_map(|i| {
        let off = be_u32(sig, 12 + i * 8 + 4)? as usize;
        (be_u32(sig, off)? == 0xfade_0c02).then(|| be_u32(sig, off + 12))?
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn superblob_flags() {
        let mut sig = Vec::new();
        for w in [
            0xfade_0cc0u32,
            0,
            1,
            0,
            20,
            0xfade_0c02,
            0,
            0x20400,
            0x2_0002,
        ] {
            sig.extend_from_slice(&w.to_be_bytes());
        }
        assert_eq!(code_directory_flags(&sig), Some(0x2_0002));
        assert_eq!(code_directory_flags(&sig[4..]), None);
    }
}
