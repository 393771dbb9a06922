//! macOS without an SDK: TAPI text stubs of the system libraries Go links,
//! derived at build time from the pinned Go toolchain.
//!
//! `zig cc -target <arch>-macos` compiles CGO code without an Apple SDK (Zig
//! ships the libc headers and `libSystem.tbd`), but the external link of a Go
//! program fails: the Go standard library asks the linker for `-lresolv`
//! (internal/syscall/unix), `-framework CoreFoundation` and
//! `-framework Security` (crypto/x509/internal/macos, and runtime/cgo on
//! arm64). `nix/darwin-stubs.nix` runs [`STUB_SCRIPT`] inside the build to
//! write minimal TAPI v4 stubs of exactly those libraries, with their real
//! install names, so the link succeeds and the binary binds to the system
//! libraries at run time.
//!
//! Go itself states, per symbol, which dylib it imports it from:
//!
//! ```text
//! //go:cgo_import_dynamic libresolv_res_9_ninit res_9_ninit "/usr/lib/libresolv.9.dylib"
//! ```
//!
//! The script collects those directives from the toolchain's `GOROOT/src`
//! (skipping `cmd`, `testdata`, `_*` and tests) and keeps the install names
//! under `/usr/lib` (but libSystem, which Zig provides) and
//! `/System/Library/Frameworks`, which occur only in darwin files. It is
//! plain POSIX `sh` + `awk`, because cgoflake itself is not in the build's
//! closure. `tests/darwin_stubs.rs` checks it: byte for byte against a Rust
//! derivation that evaluates Go's build constraints properly
//! (`tests/support/darwin_oracle.rs`), with `shellcheck`, and by linking
//! real darwin binaries with the stubs it writes.

/// `sh stubs.sh GOROOT OUT`: writes `OUT/lib/lib<name>.tbd` and
/// `OUT/Frameworks/<F>.framework/<F>.tbd`; link with `-L OUT/lib -F OUT/Frameworks`.
pub const STUB_SCRIPT: &str = include_str!("stubs.sh");

/// [`STUB_SCRIPT`] without its shebang line (the generated copy puts the
/// `@generated` marker after it).
pub fn script_body() -> &'static str {
    STUB_SCRIPT
        .split_once('\n')
        .map_or(STUB_SCRIPT, |(_, body)| body)
}
