//! macOS SDK-free linking stubs (owned by a helper; placeholder).
