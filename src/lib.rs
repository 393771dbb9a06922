//! cgoflake: generate hermetic Nix flakes that cross-compile CGO Go programs.
//!
//! The pipeline reads as the module list: [`matrix`] (parse `cgoflake.json`)
//! → [`plan`] (every target resolved with [`target`] knowledge into its
//! concrete recipe: the single source of truth) → [`render`] (plan → Nix
//! through handlebars) and [`gen`] (write or check the files).

pub mod binary;
pub mod build;
pub mod darwin_stubs;
pub mod fsutil;
pub mod gen;
pub mod hash;
pub mod init;
pub mod matrix;
pub mod pins;
pub mod plan;
pub mod platform;
pub mod render;
