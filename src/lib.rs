//! cgoflake: generate hermetic Nix flakes that cross-compile CGO Go programs.
//!
//! The pipeline, in the order the modules run:
//! 1. [`matrix`] reads `cgoflake.json` strictly (types, schema, precise errors);
//! 2. [`plan`] resolves it with what [`platform`] and [`pins`] know into one typed plan per target;
//! 3. [`render`] turns the plan into Nix (and CI) files through typed template views;
//! 4. [`gen`] writes or checks them ([`hash`] computes `vendorHash`), atomically ([`fsutil`]),
//!    and flake.lock's nixpkgs pin ([`lock`]);
//! 5. [`build`] drives `nix build`, collects and archives; [`binary`] checks what was built.
//!
//! Beside it: [`init`] writes a starter matrix (with what [`cgo_scan`] finds
//! in the programs' cgo code); [`darwin`] holds the stub generator that lets
//! Zig link macOS binaries without an SDK.

pub mod binary;
pub mod build;
pub mod cgo_scan;
pub mod darwin;
pub mod fsutil;
pub mod gen;
pub mod hash;
pub mod init;
pub mod lock;
pub mod matrix;
pub mod pins;
pub mod plan;
pub mod platform;
pub mod render;

/// What made a plan, a manifest or a generated file.
pub const GENERATOR: &str = concat!("cgoflake ", env!("CARGO_PKG_VERSION"));
