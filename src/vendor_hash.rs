//! vendorHash computation (owned by a helper; placeholder).
