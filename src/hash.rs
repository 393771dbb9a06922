//! Hash formats Nix uses: SRI (`sha256-<base64>`) and hex.

use base64::Engine as _;

/// Parse an SRI sha256 hash (`sha256-` + base64 of 32 bytes); `None` otherwise.
///
/// ```
/// use cgoflake::hash::parse_sri_sha256;
/// assert!(parse_sri_sha256("sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=").is_some());
/// assert!(parse_sri_sha256("sha512-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=").is_none());
/// assert!(parse_sri_sha256("sha256-tooshort").is_none());
/// ```
pub fn parse_sri_sha256(s: &str) -> Option<[u8; 32]> {
    let b64 = s.strip_prefix("sha256-")?;
    if b64.len() != 44 {
        return None;
    }
    let bytes = base64::engine::general_purpose::STANDARD.decode(b64).ok()?;
    bytes.try_into().ok()
}

/// Format a sha256 digest as SRI.
pub fn sri_sha256(digest: &[u8; 32]) -> String {
    format!(
        "sha256-{}",
        base64::engine::general_purpose::STANDARD.encode(digest)
    )
}

/// Hex (as ziglang.org publishes) → SRI.
///
/// ```
/// use cgoflake::hash::hex_to_sri;
/// let sri = hex_to_sri("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855").unwrap();
/// assert_eq!(sri, "sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=");
/// ```
pub fn hex_to_sri(hex: &str) -> Option<String> {
    if hex.len() != 64 {
        return None;
    }
    let mut digest = [0u8; 32];
    for (i, byte) in digest.iter_mut().enumerate() {
        *byte = u8::from_str_radix(hex.get(2 * i..2 * i + 2)?, 16).ok()?;
    }
    Some(sri_sha256(&digest))
}
