//! The list of problems found so far, and where each one is.
//!
//! Every stage of the parser reports into one [`Sink`] and goes on, so that `machsim check`
//! can list every problem at once. Line and column are filled in at the end, in file order,
//! which keeps the cost linear however many problems a file has.

use std::ops::Range;

use crate::diagnostic::{Diagnostic, LineIndex};

/// How many diagnostics one file gets; past this, one more says how many were left out.
///
/// A mangled file can produce a problem per character; nobody reads past the first
/// screens, and the cap keeps `check` fast on any input.
const MAX_DIAGNOSTICS: usize = 200;

/// Collects diagnostics for one file.
pub(super) struct Sink<'t> {
    file: &'t str,
    index: LineIndex<'t>,
    found: Vec<Diagnostic>,
}

impl<'t> Sink<'t> {
    /// A sink for `text`, the (possibly lossily decoded) contents of `file`.
    pub(super) fn new(file: &'t str, text: &'t str) -> Self {
        Self {
            file,
            index: LineIndex::new(text),
            found: Vec::new(),
        }
    }

    /// Records a problem at `span`; the returned handle adds what was expected and help.
    pub(super) fn error(&mut self, span: Range<usize>, message: impl Into<String>) -> Report<'_> {
        self.found.push(Diagnostic {
            file: self.file.to_owned(),
            span,
            line: 0,
            column: 0,
            message: message.into(),
            expected: None,
            help: None,
        });
        // The push above makes the list non-empty, so the last index is in range.
        let last = self.found.len() - 1;
        Report(&mut self.found[last])
    }

    /// The 1-based line and column of a byte offset.
    pub(super) fn position(&mut self, offset: usize) -> (u32, u32) {
        self.index.position(offset)
    }

    /// The 1-based line of a byte offset, for messages such as "first declared at line 3".
    pub(super) fn line(&self, offset: usize) -> u32 {
        self.index.line(offset)
    }

    /// Every diagnostic, in file order, with line and column filled in.
    pub(super) fn finish(mut self) -> Vec<Diagnostic> {
        // A stable sort keeps problems found at one place in the order they were found.
        self.found.sort_by_key(|diagnostic| diagnostic.span.start);
        let left_out = self.found.len().saturating_sub(MAX_DIAGNOSTICS);
        if left_out > 0 {
            // More than MAX_DIAGNOSTICS were found, so this index is in range.
            let first_left_out = self.found[MAX_DIAGNOSTICS].span.clone();
            self.found.truncate(MAX_DIAGNOSTICS);
            self.found.push(Diagnostic {
                file: self.file.to_owned(),
                span: first_left_out.start..first_left_out.start,
                line: 0,
                column: 0,
                message: format!("{left_out} more problems not shown"),
                expected: None,
                help: Some("fix the problems above and check again".to_owned()),
            });
        }
        for diagnostic in &mut self.found {
            diagnostic.message = shown(&diagnostic.message);
            diagnostic.expected = diagnostic.expected.as_deref().map(shown);
            diagnostic.help = diagnostic.help.as_deref().map(shown);
            let (line, column) = self.index.position(diagnostic.span.start);
            diagnostic.line = line;
            diagnostic.column = column;
        }
        self.found
    }
}

/// A just-recorded diagnostic, to which details can be added.
pub(super) struct Report<'s>(&'s mut Diagnostic);

impl Report<'_> {
    /// Says what the file should have had there.
    pub(super) fn expected(self, expected: impl Into<String>) -> Self {
        self.0.expected = Some(expected.into());
        self
    }

    /// Adds a suggestion.
    pub(super) fn help(self, help: impl Into<String>) -> Self {
        self.0.help = Some(help.into());
        self
    }

    /// Adds a suggestion when there is one.
    pub(super) fn maybe_help(self, help: Option<String>) -> Self {
        if let Some(help) = help {
            self.0.help = Some(help);
        }
        self
    }
}

/// The longest piece of the file a message quotes between backticks, in characters.
const MAX_QUOTED_CHARS: usize = 60;

/// The longest message, expectation or help, in characters (the longest machsim writes,
/// the list of every op, is under 700).
const MAX_TEXT_CHARS: usize = 2000;

/// `text` as a diagnostic shows it: on one line, short, whatever the file holds.
///
/// A name from the file may hold a newline or another control character (`"c\nsumer"` is
/// valid TOML), and it may be sixteen megabytes long: control characters are written as
/// escapes, every quoted piece longer than [`MAX_QUOTED_CHARS`] is cut with `…`, and so
/// is the whole text past [`MAX_TEXT_CHARS`].
fn shown(text: &str) -> String {
    let text = one_line(text);
    let text = if text.len() > MAX_QUOTED_CHARS {
        cut_quoted(&text)
    } else {
        text
    };
    cut(&text, MAX_TEXT_CHARS)
}

/// `text` with each piece between backticks cut to [`MAX_QUOTED_CHARS`].
fn cut_quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len().min(4 * MAX_TEXT_CHARS));
    for (index, piece) in text.split('`').enumerate() {
        if index > 0 {
            out.push('`');
        }
        if index % 2 == 1 {
            out.push_str(&cut(piece, MAX_QUOTED_CHARS));
        } else {
            out.push_str(piece);
        }
    }
    out
}

/// `text` cut to `max` characters, the last being `…`, when it is longer.
fn cut(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        None => text.to_owned(),
        Some(_) => {
            let mut out: String = text.chars().take(max.saturating_sub(1)).collect();
            out.push('…');
            out
        }
    }
}

/// `text` with control characters written as escapes (`\n`, `\u{7}`).
fn one_line(text: &str) -> String {
    if !text.chars().any(char::is_control) {
        return text.to_owned();
    }
    text.chars()
        .map(|c| {
            if c.is_control() {
                c.escape_default().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}
