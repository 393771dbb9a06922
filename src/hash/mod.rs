//! Nix's hashes: the NAR serialisation of a tree and its SRI / Nix-base32
//! forms ([`nar`]), and `buildGoModule`'s `vendorHash` computed locally
//! ([`vendor`]).

pub mod nar;
pub mod vendor;
