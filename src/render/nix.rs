//! Nix syntax for rendered values: string escaping (the escape function of
//! every `.nix` template), and JSON values as Nix expressions (the
//! `{{{nix value}}}` helper).

use serde_json::Value;

/// Escape a value for the inside of a Nix double-quoted string.
///
/// Backslash, double quote and `${` (interpolation) are escaped; newlines,
/// carriage returns and tabs become `\n`, `\r`, `\t`. Nothing else is special.
///
/// ```
/// use cgoflake::render::nix::escape;
/// assert_eq!(escape(r#"a "b" \c"#), r#"a \"b\" \\c"#);
/// assert_eq!(escape("${HOME}"), r"\${HOME}");
/// assert_eq!(escape("$x $"), "$x $");
/// assert_eq!(escape("line\nnext"), r"line\nnext");
/// ```
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '$' if chars.peek() == Some(&'{') => out.push_str("\\$"),
            c => out.push(c),
        }
    }
    out
}

/// Render a JSON value as a Nix expression: objects become attribute sets
/// (keys sorted as given; quoted unless plain identifiers), arrays lists,
/// strings escaped with [`escape`]. Short lists of scalars stay on one line.
///
/// ```
/// use cgoflake::render::nix::to_nix;
/// let v = serde_json::json!({"a": [1, "x"], "if": null, "b-c": true});
/// assert_eq!(to_nix(&v, 0), "{\n  a = [ 1 \"x\" ];\n  \"if\" = null;\n  b-c = true;\n}");
/// ```
pub fn to_nix(v: &Value, indent: usize) -> String {
    match v {
        Value::Null => "null".to_owned(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => format!("\"{}\"", escape(s)),
        Value::Array(items) if items.is_empty() => "[ ]".to_owned(),
        Value::Array(items) => list(items, indent),
        Value::Object(map) if map.is_empty() => "{ }".to_owned(),
        Value::Object(map) => {
            let body: Vec<String> = map
                .iter()
                .map(|(k, v)| {
                    format!(
                        "{}{} = {};",
                        pad(indent + 2),
                        attr_name(k),
                        to_nix(v, indent + 2)
                    )
                })
                .collect();
            format!("{{\n{}\n{}}}", body.join("\n"), pad(indent))
        }
    }
}

fn pad(n: usize) -> String {
    " ".repeat(n)
}

/// A non-empty list: on one line when it holds only scalars and fits in 100
/// columns, else one item per line.
fn list(items: &[Value], indent: usize) -> String {
    let scalars = items.iter().all(|i| !i.is_object() && !i.is_array());
    let words: Vec<String> = items.iter().map(|i| to_nix(i, 0)).collect();
    let one_line = format!("[ {} ]", words.join(" "));
    if scalars && one_line.len() + indent <= 100 {
        return one_line;
    }
    let body: Vec<String> = items
        .iter()
        .map(|i| format!("{}{}", pad(indent + 2), to_nix(i, indent + 2)))
        .collect();
    format!("[\n{}\n{}]", body.join("\n"), pad(indent))
}

/// An attribute name, quoted unless it is a plain identifier and no keyword.
pub fn attr_name(name: &str) -> String {
    const KEYWORDS: &[&str] = &[
        "if", "then", "else", "assert", "with", "let", "in", "rec", "inherit", "or",
    ];
    let plain = name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-'".contains(c))
        && !KEYWORDS.contains(&name);
    if plain {
        name.to_owned()
    } else {
        format!("\"{}\"", escape(name))
    }
}

/// `{{{nix value}}}`: any value of the context as a Nix expression;
/// `{{{nix value 4}}}` indents it.
pub(super) fn helper(
    h: &handlebars::Helper,
    _: &handlebars::Handlebars,
    _: &handlebars::Context,
    _: &mut handlebars::RenderContext,
    out: &mut dyn handlebars::Output,
) -> handlebars::HelperResult {
    let value = h
        .param(0)
        .ok_or(handlebars::RenderErrorReason::ParamNotFoundForIndex(
            "nix", 0,
        ))?;
    let indent = h.param(1).and_then(|p| p.value().as_u64()).unwrap_or(0) as usize;
    out.write(&to_nix(value.value(), indent))?;
    Ok(())
}
