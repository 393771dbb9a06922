//! Nix's hash spellings: SRI (`sha256-<base64>`, what generated Nix and the
//! matrix use), Nix-base32 (store paths, `nix hash path --base32`), and hex
//! (what ziglang.org publishes).

use base64::Engine as _;

/// Errors from [`parse_sri_sha256`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SriError {
    #[error("hash {0:?} is not a sha256 SRI hash: it must start with \"sha256-\"")]
    WrongPrefix(String),
    #[error("hash {input:?} is not a sha256 SRI hash: expected 44 base64 characters after \"sha256-\", found {found}")]
    WrongLength { input: String, found: usize },
    #[error("hash {input:?} is not a sha256 SRI hash: invalid base64 ({reason})")]
    InvalidBase64 { input: String, reason: String },
}

/// `sha256-<base64>`, the SRI form Nix prints and accepts for hashes.
pub fn sri_sha256(digest: &[u8; 32]) -> String {
    format!(
        "sha256-{}",
        base64::engine::general_purpose::STANDARD.encode(digest)
    )
}

/// Nix's own base32 form (52 characters for SHA-256), as in store paths and
/// `nix hash path --base32`.
pub fn nix32(digest: &[u8; 32]) -> String {
    nix_base32::to_nix_base32(digest)
}

/// Hex (as ziglang.org publishes sha256 sums) → SRI.
///
/// ```
/// use cgoflake::hash::sri::hex_to_sri;
/// let sri = hex_to_sri("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855").unwrap();
/// assert_eq!(sri, "sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=");
/// assert!(hex_to_sri("xyz").is_none());
/// ```
pub fn hex_to_sri(hex: &str) -> Option<String> {
    if hex.len() != 64 || !hex.is_ascii() {
        return None;
    }
    let mut digest = [0u8; 32];
    for (i, byte) in digest.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).ok()?;
    }
    Some(sri_sha256(&digest))
}

/// Parse a user-supplied SRI SHA-256 hash (`sha256-` + exactly 44 base64
/// characters with canonical `=` padding). Other algorithms, Nix-base32 and
/// hex forms are rejected so that a typo cannot slip into generated Nix.
pub fn parse_sri_sha256(s: &str) -> Result<[u8; 32], SriError> {
    let b64 = s
        .strip_prefix("sha256-")
        .ok_or_else(|| SriError::WrongPrefix(s.to_owned()))?;
    if b64.len() != 44 {
        return Err(SriError::WrongLength {
            input: s.to_owned(),
            found: b64.chars().count(),
        });
    }
    // The STANDARD engine requires canonical padding and rejects non-zero
    // trailing bits, so every digest has exactly one accepted spelling.
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(b64)
        .map_err(|e| SriError::InvalidBase64 {
            input: s.to_owned(),
            reason: e.to_string(),
        })?;
    bytes
        .try_into()
        .map_err(|v: Vec<u8>| SriError::InvalidBase64 {
            input: s.to_owned(),
            reason: format!("decodes to {} bytes, not 32", v.len()),
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use sha2::{Digest, Sha256};

    #[test]
    fn nix32_of_empty_sha256() {
        let d: [u8; 32] = Sha256::digest(b"").into();
        // `nix hash to-base32 --type sha256 e3b0c442...b855`
        assert_eq!(
            nix32(&d),
            "0mdqa9w1p6cmli6976v4wi0sw9r4p5prkj7lzfd1877wk11c9c73"
        );
        assert_eq!(
            sri_sha256(&d),
            "sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="
        );
    }

    #[test]
    fn sri_round_trip_and_rejections() {
        let good = "sha256-HDfQGvQL4ugGkd48w99EN3ppmvuxfGjwgJZLL9Bx/BM=";
        let d = parse_sri_sha256(good).unwrap();
        assert_eq!(sri_sha256(&d), good);

        let bad = [
            "",
            "sha256-",
            "sha512-HDfQGvQL4ugGkd48w99EN3ppmvuxfGjwgJZLL9Bx/BM=",
            "SHA256-HDfQGvQL4ugGkd48w99EN3ppmvuxfGjwgJZLL9Bx/BM=",
            "sha256:04zwf782yjwnh3q6hz5izfd6jyip8kgw6g6yj43fiqhbyhdd0dqw",
            "04zwf782yjwnh3q6hz5izfd6jyip8kgw6g6yj43fiqhbyhdd0dqw",
            // missing padding
            "sha256-HDfQGvQL4ugGkd48w99EN3ppmvuxfGjwgJZLL9Bx/BM",
            // extra padding / too long
            "sha256-HDfQGvQL4ugGkd48w99EN3ppmvuxfGjwgJZLL9Bx/BM==",
            // non-canonical trailing bits (M -> N changes only dropped bits)
            "sha256-HDfQGvQL4ugGkd48w99EN3ppmvuxfGjwgJZLL9Bx/BN=",
            // URL-safe alphabet
            "sha256-HDfQGvQL4ugGkd48w99EN3ppmvuxfGjwgJZLL9Bx_BM=",
            // whitespace
            " sha256-HDfQGvQL4ugGkd48w99EN3ppmvuxfGjwgJZLL9Bx/BM=",
            "sha256-HDfQGvQL4ugGkd48w99EN3ppmvuxfGjwgJZLL9Bx/BM=\n",
            // padding in the middle
            "sha256-HDfQGvQL4ugGkd48w99EN3ppmvuxfGjwgJZLL9Bx/B==",
            // fake hash of nixpkgs (lib.fakeHash) is valid syntax and is accepted
        ];
        for b in bad {
            assert!(parse_sri_sha256(b).is_err(), "accepted {b:?}");
        }
        assert!(
            parse_sri_sha256("sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=").is_ok(),
            "lib.fakeHash is syntactically valid"
        );
    }

    proptest::proptest! {
        #[test]
        fn sri_round_trips(bytes in proptest::array::uniform32(proptest::num::u8::ANY)) {
            let s = sri_sha256(&bytes);
            proptest::prop_assert_eq!(s.len(), 7 + 44);
            proptest::prop_assert_eq!(parse_sri_sha256(&s).unwrap(), bytes);
            let n = nix32(&bytes);
            proptest::prop_assert_eq!(n.len(), 52);
            proptest::prop_assert_eq!(nix_base32::from_nix_base32(&n).unwrap(), bytes.to_vec());
        }
    }
}
