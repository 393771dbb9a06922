//! cgoflake: generate hermetic Nix flakes that cross-compile CGO Go programs.
//!
//! The pipeline reads as the module list: `matrix` (parse and validate
//! `cgoflake.json`) → `target` (what we know about each GOOS/GOARCH) → `plan`
//! (every target resolved into its concrete recipe, the single source of truth)
//! → `render` (plan → Nix through handlebars) / `drive` (nix build) → `collect`.

pub mod darwin_stubs;
pub mod nar;
pub mod vendor_hash;
