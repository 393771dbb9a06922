//! cgoflake: generate hermetic Nix flakes that cross-compile CGO Go programs.
//!
//! The pipeline reads as the module list: [`matrix`] (parse `cgoflake.json`)
//! → [`plan`] (every target resolved with [`target`] knowledge into its
//! concrete recipe: the single source of truth) → [`render`] (plan → Nix
//! through handlebars) and [`gen`] (write or check the files).

pub mod archive;
pub mod collect;
pub mod darwin_stubs;
pub mod drive;
pub mod error;
pub mod fsutil;
pub mod gen;
pub mod init;
pub mod inspect;
pub mod matrix;
pub mod nar;
pub mod pins;
pub mod plan;
pub mod render;
pub mod target;
pub mod universal;
pub mod validate;
pub mod vendor_hash;
