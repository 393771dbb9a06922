//! Strict JSON: the text becomes a JSON value while duplicate keys are
//! rejected with their key path (serde_json alone would keep the last one),
//! and shapes serde's derived types would accept or report vaguely are
//! caught first.

use std::collections::BTreeMap;
use std::fmt;

use camino::Utf8Path;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::Value;

use super::error::{self, ErrorKind, MatrixError};
use super::short_form_name;

/// What the whole file must be.
pub(super) const TOP_LEVEL: &str = "a JSON object with `project` and `targets`";

/// Checks serde's derived types would get wrong or report vaguely:
/// - the file must be an object (not an array or a scalar);
/// - derived structs also accept a JSON array of their fields in order
///   (`"project": ["app", "1.0"]`); every object of the schema must be one;
/// - a short-form target listed twice is named by its index.
pub(super) fn check_shape(file: &Utf8Path, value: &Value) -> Result<(), MatrixError> {
    let Value::Object(root) = value else {
        return Err(MatrixError {
            file: file.to_owned(),
            key: String::new(),
            kind: ErrorKind::InvalidValue,
            message: format!("invalid type: {}, expected {TOP_LEVEL}", json_type(value)),
            help: None,
        });
    };
    let not_object = |key: String, v: &Value| -> Result<(), MatrixError> {
        if v.is_array() {
            return Err(MatrixError::invalid(
                file,
                key,
                "invalid type: sequence, expected an object",
            ));
        }
        Ok(())
    };
    for key in ["project", "pins", "darwinSdk", "defaults"] {
        if let Some(v) = root.get(key) {
            not_object(key.to_owned(), v)?;
        }
    }
    if let Some(stamp) = root.get("project").and_then(|p| p.get("stamp")) {
        not_object("project.stamp".to_owned(), stamp)?;
    }
    match root.get("targets") {
        Some(Value::Object(targets)) => {
            for (name, v) in targets {
                not_object(error::join_key("targets", name), v)?;
            }
        }
        Some(Value::Array(items)) => {
            let mut seen: BTreeMap<String, usize> = BTreeMap::new();
            for (i, item) in items.iter().enumerate() {
                let Some(text) = item.as_str() else { continue };
                if let Some(first) = seen.insert(short_form_name(text), i) {
                    return Err(MatrixError::invalid(
                        file,
                        format!("targets[{i}]"),
                        format!("target `{text}` is listed twice (first at targets[{first}]): list each target once"),
                    ));
                }
            }
        }
        _ => {}
    }
    Ok(())
}

/// serde's name of a JSON value's type.
fn json_type(v: &Value) -> String {
    match v {
        Value::Null => "null".to_owned(),
        Value::Bool(b) => format!("boolean `{b}`"),
        Value::Number(n) => format!("number `{n}`"),
        Value::String(s) => format!("string {s:?}"),
        Value::Array(_) => "sequence".to_owned(),
        Value::Object(_) => "map".to_owned(),
    }
}

/// JSON → value, rejecting duplicate keys (with their key path).
pub(super) fn parse_strict_json(file: &Utf8Path, text: &str) -> Result<Value, MatrixError> {
    let syntax = |key: String, message: String| MatrixError {
        file: file.to_owned(),
        key,
        kind: ErrorKind::Syntax,
        message,
        help: None,
    };
    if text.trim().is_empty() {
        return Err(syntax(
            String::new(),
            format!(
                "invalid JSON: the file is empty (EOF at line 1 column 0); expected {TOP_LEVEL}"
            ),
        ));
    }
    let mut de = serde_json::Deserializer::from_str(text);
    match serde_path_to_error::deserialize::<_, StrictValue>(&mut de) {
        Ok(StrictValue(v)) => match de.end() {
            Ok(()) => Ok(v),
            Err(e) => Err(syntax(
                String::new(),
                format!("invalid JSON: {e} (after the top-level object)"),
            )),
        },
        Err(e) => {
            let path = error::format_path(e.path());
            let message = e.into_inner().to_string();
            if let Some(rest) = message.strip_prefix(DUPLICATE_KEY) {
                // `duplicate key "<json string>" at line L column C`.
                let mut strings = serde_json::Deserializer::from_str(rest).into_iter::<String>();
                if let Some(Ok(key)) = strings.next() {
                    let at = rest[strings.byte_offset()..].trim();
                    return Err(MatrixError {
                        file: file.to_owned(),
                        key: error::join_key(&path, &key),
                        kind: ErrorKind::DuplicateKey,
                        message: format!(
                            "duplicate key `{key}` ({at}): a key may appear only once in an object"
                        ),
                        help: None,
                    });
                }
            }
            Err(syntax(path, format!("invalid JSON: {message}")))
        }
    }
}

/// The start of the error a duplicate key raises inside [`StrictValue`].
const DUPLICATE_KEY: &str = "duplicate key ";

/// A JSON value whose objects never had duplicate keys.
struct StrictValue(Value);

impl<'de> Deserialize<'de> for StrictValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct StrictVisitor;
        impl<'de> Visitor<'de> for StrictVisitor {
            type Value = StrictValue;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a JSON value")
            }
            fn visit_bool<E>(self, v: bool) -> Result<StrictValue, E> {
                Ok(StrictValue(Value::Bool(v)))
            }
            fn visit_i64<E>(self, v: i64) -> Result<StrictValue, E> {
                Ok(StrictValue(Value::from(v)))
            }
            fn visit_u64<E>(self, v: u64) -> Result<StrictValue, E> {
                Ok(StrictValue(Value::from(v)))
            }
            fn visit_f64<E>(self, v: f64) -> Result<StrictValue, E> {
                Ok(StrictValue(Value::from(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<StrictValue, E> {
                Ok(StrictValue(Value::String(v.to_owned())))
            }
            fn visit_string<E>(self, v: String) -> Result<StrictValue, E> {
                Ok(StrictValue(Value::String(v)))
            }
            fn visit_unit<E>(self) -> Result<StrictValue, E> {
                Ok(StrictValue(Value::Null))
            }
            fn visit_none<E>(self) -> Result<StrictValue, E> {
                Ok(StrictValue(Value::Null))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<StrictValue, A::Error> {
                let mut items = Vec::new();
                while let Some(StrictValue(v)) = seq.next_element()? {
                    items.push(v);
                }
                Ok(StrictValue(Value::Array(items)))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<StrictValue, A::Error> {
                let mut obj = serde_json::Map::new();
                while let Some(key) = map.next_key::<String>()? {
                    if obj.contains_key(&key) {
                        let quoted = serde_json::to_string(&key).map_err(de::Error::custom)?;
                        return Err(de::Error::custom(format!("{DUPLICATE_KEY}{quoted}")));
                    }
                    let StrictValue(v) = map.next_value()?;
                    obj.insert(key, v);
                }
                Ok(StrictValue(Value::Object(obj)))
            }
        }
        d.deserialize_any(StrictVisitor)
    }
}
