//! NAR serialisation (owned by a helper; placeholder).
