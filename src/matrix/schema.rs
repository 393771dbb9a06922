//! The JSON Schema of the matrix (`cgoflake schema`, `cgoflake.schema.json`),
//! generated from the types, with the parts serde's derive cannot describe.

use schemars::JsonSchema;

use super::{Matrix, TargetSpec, Targets};

/// The JSON Schema of the matrix, generated from these types.
pub fn json_schema() -> String {
    let schema = schemars::schema_for!(Matrix);
    let mut text = serde_json::to_string_pretty(&schema).expect("a schema always serialises");
    text.push('\n');
    text
}

impl JsonSchema for Targets {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Targets".into()
    }
    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let spec = generator.subschema_for::<TargetSpec>();
        schemars::json_schema!({
            "description": "Name → target, or the short form [\"goos/goarch\", \"goos/goarch/musl\"]. Names are safe Nix attribute and file names.",
            "oneOf": [
                {
                    "type": "object",
                    "propertyNames": { "pattern": "^[A-Za-z][A-Za-z0-9_-]*$", "maxLength": 64 },
                    "additionalProperties": spec,
                    "minProperties": 1
                },
                {
                    "type": "array",
                    "items": { "type": "string", "pattern": "^[a-z]+/[a-z0-9]+(/(gnu|musl))?$" },
                    "minItems": 1,
                    "uniqueItems": true
                }
            ]
        })
    }
}

// `"nixpkgs"`, the one string `pins.sqlite` accepts (a doc comment here
// would become a description in the schema).
