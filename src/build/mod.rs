//! `cgoflake build`: run `nix build` per target ([`drive`]), collect the
//! binaries into `build/<goos>/<goarch>/` ([`collect`], with a
//! [`universal`] darwin binary), and pack release archives ([`archive`]).

pub mod archive;
pub mod collect;
pub mod drive;
pub mod universal;
