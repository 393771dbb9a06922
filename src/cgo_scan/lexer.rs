//! Finding cgo preambles: a small Go lexer (comments, strings, `import`),
//! enough to tell which comment group is the doc of an `import "C"`.

/// The cgo preambles of a Go source file: the text of the comment group
/// right before each `import "C"` (Go's rule: the doc comment of the import
/// spec, or of a one-spec import declaration), comment markers removed.
pub fn cgo_preambles(src: &str) -> Vec<String> {
    let tokens = lex_go(src);
    let mut out = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        if tokens[i].kind != Tok::Import {
            i += 1;
            continue;
        }
        let decl_doc = doc_before(&tokens, i);
        match tokens.get(i + 1).map(|t| &t.kind) {
            Some(Tok::Str(s)) if s == "C" => out.extend(decl_doc),
            Some(Tok::Other('(')) => {
                // Specs up to the closing parenthesis; each spec's path is a
                // string, possibly after a name (`_`, `.`, an identifier).
                let mut specs = Vec::new();
                let mut j = i + 2;
                while j < tokens.len() && tokens[j].kind != Tok::Other(')') {
                    if let Tok::Str(s) = &tokens[j].kind {
                        let start = match tokens[j - 1].kind {
                            Tok::Word | Tok::Other('.') if j > i + 2 => j - 1,
                            _ => j,
                        };
                        specs.push((s.clone(), doc_before(&tokens, start)));
                    }
                    j += 1;
                }
                let single = specs.len() == 1;
                for (path, doc) in specs {
                    if path == "C" {
                        out.extend(doc.or_else(|| decl_doc.clone().filter(|_| single)));
                    }
                }
                i = j;
            }
            _ => {}
        }
        i += 1;
    }
    out
}

/// One Go token, as far as [`cgo_preambles`] cares.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Tok {
    /// A comment: its text without markers.
    Comment(String),
    /// A string literal's value (escapes left as written).
    Str(String),
    /// The `import` keyword.
    Import,
    /// Another identifier, keyword or number.
    Word,
    /// Punctuation.
    Other(char),
}

#[derive(Debug, Clone)]
struct Token {
    kind: Tok,
    /// First and last line (1-based).
    line: usize,
    end_line: usize,
}

fn lex_go(src: &str) -> Vec<Token> {
    let chars: Vec<char> = src.chars().collect();
    let mut tokens = Vec::new();
    let (mut i, mut line) = (0, 1);
    while i < chars.len() {
        let c = chars[i];
        let start_line = line;
        let start = i;
        let kind = match c {
            '\n' => {
                line += 1;
                i += 1;
                continue;
            }
            c if c.is_whitespace() => {
                i += 1;
                continue;
            }
            '/' if chars.get(i + 1) == Some(&'/') => {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
                Tok::Comment(chars[start + 2..i].iter().collect())
            }
            '/' if chars.get(i + 1) == Some(&'*') => {
                i += 2;
                while i < chars.len() && !(chars[i] == '*' && chars.get(i + 1) == Some(&'/')) {
                    line += usize::from(chars[i] == '\n');
                    i += 1;
                }
                let text = chars[start + 2..i.min(chars.len())].iter().collect();
                i = (i + 2).min(chars.len());
                Tok::Comment(text)
            }
            '"' | '\'' | '`' => {
                i += 1;
                while i < chars.len() && chars[i] != c {
                    if c != '`' && chars[i] == '\\' {
                        i += 1;
                    } else if chars[i] == '\n' {
                        line += 1;
                    }
                    i += 1;
                }
                let value = chars[start + 1..i.min(chars.len())].iter().collect();
                i = (i + 1).min(chars.len());
                if c == '\'' {
                    Tok::Word
                } else {
                    Tok::Str(value)
                }
            }
            c if c.is_alphanumeric() || c == '_' => {
                while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                    i += 1;
                }
                let word: String = chars[start..i].iter().collect();
                if word == "import" {
                    Tok::Import
                } else {
                    Tok::Word
                }
            }
            c => {
                i += 1;
                Tok::Other(c)
            }
        };
        tokens.push(Token {
            kind,
            line: start_line,
            end_line: line,
        });
    }
    tokens
}

/// The doc comment of the token at `at`: the group of comments (no blank
/// line between them) ending on the line right before it.
fn doc_before(tokens: &[Token], at: usize) -> Option<String> {
    let mut first = at;
    while first > 0 {
        let t = &tokens[first - 1];
        if !matches!(t.kind, Tok::Comment(_)) {
            break;
        }
        let adjacent = if first == at {
            t.end_line + 1 == tokens[at].line
        } else {
            t.end_line + 1 >= tokens[first].line
        };
        // A comment on the line of an earlier token trails that token.
        let trailing = first >= 2
            && !matches!(tokens[first - 2].kind, Tok::Comment(_))
            && tokens[first - 2].end_line == t.line;
        if !adjacent || trailing {
            break;
        }
        first -= 1;
    }
    if first == at {
        return None;
    }
    let text: Vec<&str> = tokens[first..at]
        .iter()
        .filter_map(|t| match &t.kind {
            Tok::Comment(s) => Some(s.as_str()),
            _ => None,
        })
        .collect();
    Some(text.join("\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn preambles_are_the_comment_group_right_before_import_c() {
        let src = r#"package p

// #cgo CFLAGS: -I${SRCDIR}/inc
// #include "a.h"
import "C"

/*
#include <b.h>
*/
import "C"

// not a preamble: a blank line follows

import "C"

import (
	"fmt"
	// #include "grouped.h"
	"C"
)

var s = "import \"C\" // #include <in-string.h>"
"#;
        let p = cgo_preambles(src);
        assert_eq!(p.len(), 3, "{p:?}");
        assert!(p[0].contains("#cgo CFLAGS") && p[0].contains("#include \"a.h\""));
        assert!(p[1].contains("#include <b.h>"));
        assert!(p[2].contains("grouped.h"));
        assert!(!p
            .iter()
            .any(|x| x.contains("in-string") || x.contains("not a preamble")));
    }

    #[test]
    fn a_one_spec_import_group_takes_the_declarations_doc() {
        let src = "package p\n\n// #include <x.h>\nimport (\n\t\"C\"\n)\n";
        assert_eq!(cgo_preambles(src), [" #include <x.h>"]);
        let two = "package p\n\n// #include <x.h>\nimport (\n\t\"C\"\n\t\"fmt\"\n)\n";
        assert!(cgo_preambles(two).is_empty());
        // A comment trailing code on its line starts no preamble.
        let trailing = "package p\n\nconst x = 1 // #include <t.h>\nimport \"C\"\n";
        assert!(cgo_preambles(trailing).is_empty());
    }
}
