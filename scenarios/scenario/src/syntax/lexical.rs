//! Checks on the raw text, made before TOML parsing: UTF-8, emptiness and nesting depth.
//!
//! The nesting check exists because TOML parsers, and the code that walks and drops what
//! they build, recurse once per level: a file of ten thousand `[` must be refused by a
//! loop that counts, never reach a recursive one. It follows TOML's lexical structure
//! (strings, comments, table headers, dotted keys, arrays, inline tables) just enough to
//! count levels, and leaves everything else to the TOML parser. Dotted keys count one
//! level per segment, since `a.b.c = 1` nests tables as surely as brackets do.

use std::ops::Range;

/// Where a file that is not UTF-8 goes wrong, and its lossy decoding for display.
pub(super) struct NotUtf8 {
    /// `String::from_utf8_lossy` of the file: each invalid sequence became one U+FFFD.
    pub(super) lossy: String,
    /// Every invalid sequence, in file order.
    pub(super) invalid: Vec<InvalidSequence>,
}

/// One invalid UTF-8 sequence.
pub(super) struct InvalidSequence {
    /// Offset of its first byte in the file as read.
    pub(super) byte_offset: usize,
    /// Its bytes (at most three: a maximal invalid prefix of a sequence).
    pub(super) bytes: Vec<u8>,
    /// The U+FFFD that stands for it in [`NotUtf8::lossy`].
    pub(super) lossy_span: Range<usize>,
}

/// The file as text, or where it is not UTF-8.
pub(super) fn decode(source: &[u8]) -> Result<&str, NotUtf8> {
    if let Ok(text) = std::str::from_utf8(source) {
        return Ok(text);
    }
    let mut lossy = String::with_capacity(source.len() + 16);
    let mut invalid = Vec::new();
    let mut byte_offset = 0;
    for chunk in source.utf8_chunks() {
        lossy.push_str(chunk.valid());
        byte_offset += chunk.valid().len();
        if !chunk.invalid().is_empty() {
            let start = lossy.len();
            lossy.push(char::REPLACEMENT_CHARACTER);
            invalid.push(InvalidSequence {
                byte_offset,
                bytes: chunk.invalid().to_vec(),
                lossy_span: start..lossy.len(),
            });
            byte_offset += chunk.invalid().len();
        }
    }
    Err(NotUtf8 { lossy, invalid })
}

/// Whether the text has nothing in it but white space (and perhaps a byte-order mark).
pub(super) fn is_blank(text: &str) -> bool {
    text.trim_start_matches('\u{feff}').trim().is_empty()
}

/// The offset of the first place where arrays and tables nest deeper than `limit`, if any.
pub(super) fn find_too_deep(text: &str, limit: usize) -> Option<usize> {
    let mut scanner = Scanner {
        bytes: text.as_bytes(),
        position: 0,
        limit,
        containers: Vec::new(),
        header_depth: 0,
        mode: Mode::LineStart,
    };
    scanner.run().err()
}

/// An open array or inline table, with the depth of its contents' parent.
#[derive(Clone, Copy)]
struct Container {
    is_array: bool,
    /// The nesting depth of the container itself.
    depth: usize,
}

/// What the scanner expects next.
#[derive(Clone, Copy)]
enum Mode {
    /// The start of a line outside any container: a header, a key, or nothing.
    LineStart,
    /// Inside a key, whose table is at `owner` depth; `segments` counts its dotted parts.
    Key { owner: usize, segments: usize },
    /// Inside a value whose containing table or array is at depth `parent`.
    Value { parent: usize },
}

struct Scanner<'a> {
    bytes: &'a [u8],
    position: usize,
    limit: usize,
    /// The open arrays and inline tables, innermost last; never longer than `limit`.
    containers: Vec<Container>,
    /// Depth of the table the last `[header]` opened (keys outside containers go there).
    header_depth: usize,
    mode: Mode,
}

impl Scanner<'_> {
    /// Scans the whole text; `Err` holds the offset where the limit was passed.
    fn run(&mut self) -> Result<(), usize> {
        while let Some(&byte) = self.bytes.get(self.position) {
            match (self.mode, byte) {
                (_, b' ' | b'\t' | b'\r') => self.position += 1,
                (_, b'#') => self.skip_comment(),
                (_, b'\n') => {
                    self.position += 1;
                    if self.containers.is_empty() {
                        self.mode = Mode::LineStart;
                    }
                }
                (_, quote @ (b'"' | b'\'')) => self.skip_string(quote),
                (Mode::LineStart, b'[') => self.header()?,
                (Mode::LineStart, _) => {
                    self.mode = Mode::Key {
                        owner: self.header_depth,
                        segments: 1,
                    };
                }
                (Mode::Key { owner, segments }, b'.') => {
                    let segments = segments + 1;
                    self.check(owner + segments - 1)?;
                    self.mode = Mode::Key { owner, segments };
                    self.position += 1;
                }
                (Mode::Key { owner, segments }, b'=') => {
                    self.mode = Mode::Value {
                        parent: owner + segments - 1,
                    };
                    self.position += 1;
                }
                // An empty inline table closes while a key is expected.
                (Mode::Key { .. }, b'}') => self.close(false),
                (Mode::Key { .. }, b'[' | b'{') | (Mode::Value { .. }, _) => {
                    self.value_byte(byte)?;
                }
                (Mode::Key { .. }, _) => self.position += 1,
            }
        }
        Ok(())
    }

    /// A byte in a value (or a bracket where TOML would not allow one, counted anyway).
    fn value_byte(&mut self, byte: u8) -> Result<(), usize> {
        let parent = match self.mode {
            Mode::Value { parent } => parent,
            Mode::Key { owner, segments } => owner + segments - 1,
            Mode::LineStart => self.header_depth,
        };
        match byte {
            b'[' | b'{' => {
                let depth = parent + 1;
                self.check(depth)?;
                let is_array = byte == b'[';
                self.containers.push(Container { is_array, depth });
                self.mode = if is_array {
                    Mode::Value { parent: depth }
                } else {
                    Mode::Key {
                        owner: depth,
                        segments: 1,
                    }
                };
                self.position += 1;
            }
            b']' => self.close(true),
            b'}' => self.close(false),
            b',' => {
                self.mode = match self.containers.last() {
                    Some(container) if container.is_array => Mode::Value {
                        parent: container.depth,
                    },
                    Some(container) => Mode::Key {
                        owner: container.depth,
                        segments: 1,
                    },
                    None => self.mode,
                };
                self.position += 1;
            }
            _ => self.position += 1,
        }
        Ok(())
    }

    /// Closes the innermost container if it is of the kind the bracket closes.
    fn close(&mut self, is_array: bool) {
        self.position += 1;
        if self
            .containers
            .last()
            .is_some_and(|container| container.is_array == is_array)
        {
            self.containers.pop();
        }
        // What follows a closed container is a separator or the end of the enclosing value.
        self.mode = match self.containers.last() {
            Some(container) => Mode::Value {
                parent: container.depth,
            },
            None => Mode::Value {
                parent: self.header_depth,
            },
        };
    }

    /// A `[table]` or `[[array.of.tables]]` header: its depth is one per dotted segment,
    /// plus one for the array.
    fn header(&mut self) -> Result<(), usize> {
        let start = self.position;
        let is_array = self.bytes.get(self.position + 1) == Some(&b'[');
        self.position += if is_array { 2 } else { 1 };
        let mut depth = 1 + usize::from(is_array);
        self.check(depth).map_err(|_| start)?;
        while let Some(&byte) = self.bytes.get(self.position) {
            match byte {
                quote @ (b'"' | b'\'') => self.skip_string(quote),
                b'.' => {
                    depth += 1;
                    self.check(depth)?;
                    self.position += 1;
                }
                b']' | b'\n' | b'#' => break,
                _ => self.position += 1,
            }
        }
        while self.bytes.get(self.position) == Some(&b']') {
            self.position += 1;
        }
        self.header_depth = depth;
        self.mode = Mode::Value { parent: depth };
        Ok(())
    }

    fn check(&self, depth: usize) -> Result<(), usize> {
        if depth > self.limit {
            Err(self.position)
        } else {
            Ok(())
        }
    }

    fn skip_comment(&mut self) {
        while let Some(&byte) = self.bytes.get(self.position) {
            if byte == b'\n' {
                break;
            }
            self.position += 1;
        }
    }

    /// Skips a basic or literal string, single- or multi-line, starting at its quote.
    fn skip_string(&mut self, quote: u8) {
        let triple = self.bytes.get(self.position..self.position + 3) == Some(&[quote; 3][..]);
        let escapes = quote == b'"';
        self.position += if triple { 3 } else { 1 };
        while let Some(&byte) = self.bytes.get(self.position) {
            if escapes && byte == b'\\' {
                self.position += 2;
            } else if byte == quote {
                if !triple {
                    self.position += 1;
                    return;
                }
                if self.bytes.get(self.position..self.position + 3) == Some(&[quote; 3][..]) {
                    self.position += 3;
                    // A closing delimiter may follow one or two quotes of content.
                    for _ in 0..2 {
                        if self.bytes.get(self.position) == Some(&quote) {
                            self.position += 1;
                        }
                    }
                    return;
                }
                self.position += 1;
            } else if byte == b'\n' && !triple {
                // An unterminated one-line string: TOML reports it; counting goes on.
                return;
            } else {
                self.position += 1;
            }
        }
    }
}
