//! Asterisk's text configuration reader (`main/config.c`,
//! `config_text_file_load` and `process_text_line`), as far as `statsd.conf`
//! and `extensions.conf` need it, with byte positions kept for diagnostics.
//!
//! What it reproduces:
//! * lines are cut at `\n`; comments start at `;`; `\;` is a literal `;` (the
//!   backslash is removed); `;--` opens and `--;` closes a block comment, which
//!   may nest and span lines;
//! * the remaining text is stripped of C `isspace` blanks; empty lines are skipped;
//! * `[name]` starts a category (the name is taken verbatim up to the first `]`,
//!   `(...)` after it lists template options); `#include`/`#exec` are directives;
//! * `name = value` and `name => value` (the `>` is dropped) define a variable,
//!   both sides stripped; `name += value` appends to the previous value;
//! * a line without `=` is ignored with a warning; a variable before any category
//!   and an unclosed `[` or `(` make the whole file invalid.

/// A piece of text from one line, with the byte offset in the original line of
/// every byte (`\;` escapes make the two differ).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Located {
    /// The text.
    pub(crate) text: String,
    /// For each byte of `text`, its offset in the original line.
    pub(crate) offsets: Vec<usize>,
    /// Where the text starts in the original line (meaningful when it is empty).
    pub(crate) start: usize,
}

impl Located {
    /// The text of `bytes`; `fallback` is its position when `bytes` is empty.
    fn from_bytes(bytes: &[(u8, usize)], fallback: usize) -> Self {
        let raw: Vec<u8> = bytes.iter().map(|&(b, _)| b).collect();
        Located {
            text: String::from_utf8_lossy(&raw).into_owned(),
            offsets: bytes.iter().map(|&(_, o)| o).collect(),
            start: bytes.first().map_or(fallback, |&(_, o)| o),
        }
    }

    /// The original offset of byte `i` of the text (or just past the text).
    pub(crate) fn offset_of(&self, i: usize) -> usize {
        match self.offsets.get(i) {
            Some(&o) => o,
            None => self.offsets.last().map_or(self.start, |&o| o + 1),
        }
    }
}

/// Why Asterisk's reader refuses the whole file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum FatalKind {
    /// `parse error: no closing ']'`.
    UnclosedBracket,
    /// `parse error: no closing ')'` after a category name.
    UnclosedParen,
    /// `parse error: No category context for line N`.
    MissingCategory,
}

/// One meaningful line of a configuration file.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Item {
    /// `[name]` or `[name](options)`.
    Category {
        /// 1-based line number.
        line: usize,
        /// Byte offset of the `[`.
        offset: usize,
        /// The name, verbatim.
        name: String,
        /// The text between the parentheses after `]`, if any.
        options: Option<String>,
    },
    /// `name = value`, `name => value` or `name += value`.
    Variable {
        /// 1-based line number.
        line: usize,
        /// The stripped name.
        name: Located,
        /// The stripped value (for `+=`, the raw text after `=`).
        value: Located,
        /// Whether this is `+=`.
        append: bool,
    },
    /// `#include`, `#exec` or another `#` directive.
    Directive {
        /// 1-based line number.
        line: usize,
        /// Byte offset of the `#`.
        offset: usize,
        /// The directive name without `#`.
        name: String,
    },
    /// A line with no `=`: Asterisk logs a warning and ignores it.
    MissingEquals {
        /// 1-based line number.
        line: usize,
        /// Byte offset of the line's first non-blank byte.
        offset: usize,
        /// The stripped line.
        text: String,
    },
    /// `--;` outside a block comment. Asterisk's reader then counts its
    /// comment depth below zero and silently drops the following lines; this
    /// reader reports it and treats the rest of the line as a comment.
    StrayCommentEnd {
        /// 1-based line number.
        line: usize,
        /// Byte offset of the `;`.
        offset: usize,
    },
    /// A block comment `;--` never closed (the rest of the file is a comment).
    UnclosedBlockComment {
        /// 1-based line number of the `;--`.
        line: usize,
        /// Byte offset of the `;`.
        offset: usize,
    },
    /// The whole file is invalid for Asterisk.
    Fatal {
        /// 1-based line number.
        line: usize,
        /// Byte offset of the fault.
        offset: usize,
        /// What is wrong.
        kind: FatalKind,
    },
}

/// C `isspace` in the C locale.
fn is_c_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

fn strip(mut s: &[(u8, usize)]) -> &[(u8, usize)] {
    while let [(first, _), rest @ ..] = s {
        if is_c_space(*first) {
            s = rest;
        } else {
            break;
        }
    }
    while let [rest @ .., (last, _)] = s {
        if is_c_space(*last) {
            s = rest;
        } else {
            break;
        }
    }
    s
}

/// The 1-based column (in characters) of byte `offset` of `line`.
pub(crate) fn column(line: &str, offset: usize) -> usize {
    let mut end = offset.min(line.len());
    while end > 0 && !line.is_char_boundary(end) {
        end -= 1;
    }
    line[..end].chars().count() + 1
}

/// Columns of one line, for offsets asked in (mostly) increasing order: each
/// answer counts characters from the previous one, so asking for every byte of
/// a line costs time linear in the line (not quadratic, as [`column`] from the
/// line start each time would: a 1 MiB line took 21 s).
#[derive(Debug)]
pub(crate) struct Columns<'a> {
    line: &'a str,
    /// The last offset answered (a char boundary) and its column.
    at: std::cell::Cell<(usize, usize)>,
}

impl<'a> Columns<'a> {
    /// Columns of `line`.
    pub(crate) fn new(line: &'a str) -> Self {
        Columns {
            line,
            at: std::cell::Cell::new((0, 1)),
        }
    }

    /// The 1-based column (in characters) of byte `offset`, as [`column`] gives it.
    pub(crate) fn column(&self, offset: usize) -> usize {
        let mut end = offset.min(self.line.len());
        while end > 0 && !self.line.is_char_boundary(end) {
            end -= 1;
        }
        let (from, col) = self.at.get();
        let (from, col) = if end >= from { (from, col) } else { (0, 1) };
        let col = col + self.line[from..end].chars().count();
        self.at.set((end, col));
        col
    }
}

/// Reads `text` the way Asterisk's config reader does and returns its items.
pub(crate) fn read(text: &str) -> Vec<Item> {
    let mut items = Vec::new();
    read_with(text, |item| items.push(item));
    items
}

/// Reads `text` the way Asterisk's config reader does, handing each item to
/// `f` as soon as its line is read: the memory held is that of one line
/// (`lint` on a 100 MB dialplan kept every item of every line).
pub(crate) fn read_with(text: &str, mut f: impl FnMut(Item)) {
    let mut items = Vec::new();
    let mut depth: u32 = 0;
    let mut open_at: Option<(usize, usize)> = None;
    let mut have_category = false;

    for (index, raw_line) in text.split('\n').enumerate() {
        let line_no = index + 1;
        let bytes = raw_line.as_bytes();
        // The bytes kept for processing, with their original offsets.
        let mut kept: Vec<(u8, usize)> = Vec::with_capacity(bytes.len());
        // Where the current scan region starts (C's `new_buf`), in original offsets.
        let mut region = 0usize;
        let mut i = 0usize;
        while i < bytes.len() {
            let b = bytes[i];
            if b != b';' {
                if depth == 0 {
                    kept.push((b, i));
                }
                i += 1;
                continue;
            }
            // A ';'.
            if i > region && bytes[i - 1] == b'\\' {
                // Escaped semicolon: the backslash goes, the ';' stays.
                if depth == 0 {
                    kept.pop();
                    kept.push((b';', i));
                }
                region = i + 1;
                i += 1;
            } else if bytes.get(i + 1) == Some(&b'-')
                && bytes.get(i + 2) == Some(&b'-')
                && bytes.get(i + 3) != Some(&b'-')
            {
                if depth == 0 {
                    open_at = Some((line_no, i));
                }
                depth += 1;
                region = i + 3;
                i += 3;
            } else if i >= region + 2 && bytes[i - 1] == b'-' && bytes[i - 2] == b'-' {
                if depth == 0 {
                    items.push(Item::StrayCommentEnd {
                        line: line_no,
                        offset: i,
                    });
                    break;
                }
                depth -= 1;
                region = i + 1;
                i += 1;
            } else if depth == 0 {
                // A comment to the end of the line.
                break;
            } else {
                region = i + 1;
                i += 1;
            }
        }
        let content = strip(&kept);
        if !content.is_empty() {
            process_line(content, line_no, &mut have_category, &mut items);
        }
        items.drain(..).for_each(&mut f);
    }
    if depth > 0 {
        if let Some((line, offset)) = open_at {
            f(Item::UnclosedBlockComment { line, offset });
        }
    }
}

fn process_line(
    content: &[(u8, usize)],
    line: usize,
    have_category: &mut bool,
    items: &mut Vec<Item>,
) {
    let first_offset = content[0].1;
    match content[0].0 {
        b'[' => {
            let Some(close) = content.iter().position(|&(b, _)| b == b']') else {
                items.push(Item::Fatal {
                    line,
                    offset: first_offset,
                    kind: FatalKind::UnclosedBracket,
                });
                return;
            };
            let name = Located::from_bytes(&content[1..close], 0).text;
            let after = &content[close + 1..];
            let options = if after.first().map(|&(b, _)| b) == Some(b'(') {
                match after.iter().position(|&(b, _)| b == b')') {
                    Some(end) => Some(Located::from_bytes(&after[1..end], 0).text),
                    None => {
                        items.push(Item::Fatal {
                            line,
                            offset: after[0].1,
                            kind: FatalKind::UnclosedParen,
                        });
                        return;
                    }
                }
            } else {
                None
            };
            *have_category = true;
            items.push(Item::Category {
                line,
                offset: first_offset,
                name,
                options,
            });
        }
        b'#' => {
            let name: Vec<(u8, usize)> = content[1..]
                .iter()
                .copied()
                .take_while(|&(b, _)| b > 32)
                .collect();
            items.push(Item::Directive {
                line,
                offset: first_offset,
                name: Located::from_bytes(&name, 0).text,
            });
        }
        _ => {
            if !*have_category {
                items.push(Item::Fatal {
                    line,
                    offset: first_offset,
                    kind: FatalKind::MissingCategory,
                });
                return;
            }
            let Some(eq) = content.iter().position(|&(b, _)| b == b'=') else {
                items.push(Item::MissingEquals {
                    line,
                    offset: first_offset,
                    text: Located::from_bytes(content, 0).text,
                });
                return;
            };
            let end_offset = content.last().map_or(0, |&(_, o)| o + 1);
            let position = |i: usize| content.get(i).map_or(end_offset, |&(_, o)| o);
            if eq > 0 && content[eq - 1].0 == b'+' {
                items.push(Item::Variable {
                    line,
                    name: Located::from_bytes(strip(&content[..eq - 1]), first_offset),
                    value: Located::from_bytes(&content[eq + 1..], position(eq + 1)),
                    append: true,
                });
                return;
            }
            let mut value_start = eq + 1;
            if content.get(value_start).map(|&(b, _)| b) == Some(b'>') {
                value_start += 1;
            }
            items.push(Item::Variable {
                line,
                name: Located::from_bytes(strip(&content[..eq]), first_offset),
                value: Located::from_bytes(strip(&content[value_start..]), position(value_start)),
                append: false,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(text: &str) -> Vec<(String, String)> {
        read(text)
            .into_iter()
            .filter_map(|item| match item {
                Item::Variable { name, value, .. } => Some((name.text, value.text)),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn comments_and_escapes() {
        let text =
            "[general]\n a = b ; comment\nc => d\\;e\n;whole line\nf=g;--block\nstill --; h = i\n";
        assert_eq!(
            vars(text),
            vec![
                ("a".into(), "b".into()),
                ("c".into(), "d;e".into()),
                ("f".into(), "g".into()),
                // Line 6 starts inside the block comment; the text after `--;` is read.
                ("h".into(), "i".into()),
            ]
        );
        // The text after a block comment closes on another line is its own line.
        let text = "[x]\n;-- a\nb --; k = v\n";
        assert_eq!(vars(text), vec![("k".into(), "v".into())]);
    }

    #[test]
    fn escaped_semicolon_offsets() {
        let items = read("[x]\nkey = a\\;b\n");
        let Some(Item::Variable { value, .. }) = items.get(1) else {
            panic!("{items:?}");
        };
        assert_eq!(value.text, "a;b");
        // a at 6, ';' at 8 (the backslash at 7 is gone), b at 9.
        assert_eq!(value.offsets, vec![6, 8, 9]);
    }

    #[test]
    fn fatal_and_ignored_lines() {
        let items = read("a = b\n[general\n[ok]\njunk\n");
        assert!(matches!(
            items[0],
            Item::Fatal {
                line: 1,
                kind: FatalKind::MissingCategory,
                ..
            }
        ));
        assert!(matches!(
            items[1],
            Item::Fatal {
                line: 2,
                kind: FatalKind::UnclosedBracket,
                ..
            }
        ));
        assert!(matches!(items[3], Item::MissingEquals { line: 4, .. }));
    }

    #[test]
    fn category_names_are_verbatim() {
        let items = read("[ general ](!)\n");
        assert_eq!(
            items,
            vec![Item::Category {
                line: 1,
                offset: 0,
                name: " general ".into(),
                options: Some("!".into()),
            }]
        );
    }

    #[test]
    fn stray_and_unclosed_block_comments() {
        let items = read("[x]\na = b --; c\n;-- open\n");
        assert!(matches!(items[1], Item::StrayCommentEnd { line: 2, .. }));
        assert!(
            items
                .iter()
                .any(|i| matches!(i, Item::UnclosedBlockComment { line: 3, .. }))
        );
    }

    #[test]
    fn column_cursor_agrees_with_column() {
        let line = "héllo wörld, ça va";
        let cols = Columns::new(line);
        for offset in (0..=line.len() + 2).chain([7, 3, 0, 25, 2, 11]) {
            assert_eq!(cols.column(offset), column(line, offset), "offset {offset}");
        }
    }

    #[test]
    fn columns_count_characters() {
        assert_eq!(column("héllo", 0), 1);
        assert_eq!(column("héllo", 3), 3);
        assert_eq!(column("héllo", 2), 2); // inside 'é': clamps back
        assert_eq!(column("ab", 10), 3);
    }
}
