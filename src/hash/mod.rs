//! Hashes: the NAR serialisation of a tree ([`nar`]), Nix's spellings of a
//! hash ([`sri`]), `buildGoModule`'s `vendorHash` computed locally
//! ([`vendor`]), and the sha256 sums of collected files.

pub mod nar;
pub mod sri;
pub mod vendor;

use std::fs::File;

use anyhow::{Context as _, Result};
use camino::Utf8Path;
use sha2::{Digest, Sha256};

/// Lower-case hex.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// sha256 of bytes, hex (as `sha256sum` prints it).
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// sha256 of a file, hex.
pub fn sha256_file(path: &Utf8Path) -> Result<String> {
    let mut f = File::open(path).with_context(|| format!("opening {path}"))?;
    let mut hasher = Sha256::new();
    std::io::copy(&mut f, &mut hasher)?;
    Ok(hex(&hasher.finalize()))
}
