//! Diagnostics for scenario files: what is wrong, where, and what to write instead.
//!
//! A [`Diagnostic`] is plain data (file, byte span, line, column, message, what was expected,
//! a suggestion) so that `machsim check` can list every problem, tests can compare them, and
//! the command line can choose how to print them: [`render`] draws them as rustc does, with
//! the offending line and a marker under the span, and `Display` gives the one-line
//! `file:line:column: message` form for logs and exit-status-2 output. A rendered
//! diagnostic quotes only a few lines, each cut to the span's neighbourhood when it is very
//! long, so it stays small whatever the file (`excerpt`).

mod excerpt;

use std::fmt;
use std::ops::Range;

use excerpt::Excerpt;

use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, MietteSpanContents,
    SourceCode, SourceSpan, SpanContents,
};

/// One problem found in a scenario file.
///
/// Line and column are 1-based; the column counts characters, not bytes, so it matches
/// what an editor shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// The file the problem is in, as given to the parser.
    pub file: String,
    /// The byte range of the offending text. For a file that is not UTF-8, offsets are into
    /// its lossy decoding (`String::from_utf8_lossy`), which is what [`render`] expects.
    pub span: Range<usize>,
    /// 1-based line of the start of `span`.
    pub line: u32,
    /// 1-based column (in characters) of the start of `span`.
    pub column: u32,
    /// What is wrong, in lower case without a trailing period.
    pub message: String,
    /// What the file should have had there, when that can be said.
    pub expected: Option<String>,
    /// What to write instead, such as the near name of a typo.
    pub help: Option<String>,
}

impl Diagnostic {
    /// A diagnostic for `span` of `text`, with its line and column computed.
    ///
    /// This scans `text` up to the span; the parser uses a shared [`LineIndex`] instead
    /// when it reports many problems.
    pub fn new(file: &str, text: &str, span: Range<usize>, message: impl Into<String>) -> Self {
        let (line, column) = LineIndex::new(text).position(span.start);
        Self {
            file: file.to_owned(),
            span,
            line,
            column,
            message: message.into(),
            expected: None,
            help: None,
        }
    }

    /// The same diagnostic, saying what was expected.
    #[must_use]
    pub fn with_expected(mut self, expected: impl Into<String>) -> Self {
        self.expected = Some(expected.into());
        self
    }

    /// The same diagnostic, with a suggestion.
    #[must_use]
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// The diagnostic joined with the part of the text it points into, ready for a
    /// miette handler.
    ///
    /// `source` is the whole file (lossily decoded if it is not UTF-8); the diagnostic
    /// quotes only the lines around its span, each cut to the span's neighbourhood when
    /// it is very long (the `excerpt` module), so what miette draws stays small.
    pub fn with_source<'a>(&'a self, source: &str) -> SourcedDiagnostic<'a> {
        self.quoting(source, &mut LineIndex::new(source))
    }

    /// [`Diagnostic::with_source`] with an index of `source` shared by many diagnostics.
    fn quoting<'a>(&'a self, source: &str, index: &mut LineIndex<'_>) -> SourcedDiagnostic<'a> {
        let span = clamp_span(source, self.span.clone());
        let (line, column) = index.position(span.start);
        let span_line = usize::try_from(line).map_or(0, |line| line.saturating_sub(1));
        SourcedDiagnostic {
            diagnostic: self,
            source: Quoted {
                name: &self.file,
                excerpt: Excerpt::new(source, span, span_line),
                column: usize::try_from(column).map_or(0, |column| column.saturating_sub(1)),
            },
        }
    }

    /// The one label miette draws under the span: what was expected there.
    fn label(&self, span: Range<usize>) -> LabeledSpan {
        let text = self
            .expected
            .as_ref()
            .map(|expected| format!("expected {expected}"));
        LabeledSpan::new_primary_with_span(text, SourceSpan::from(span))
    }
}

/// `file:line:column: message`, and `; expected ...` when that is known: one line, for logs
/// and for the command line's exit-status-2 output.
impl fmt::Display for Diagnostic {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Self {
            file,
            line,
            column,
            message,
            ..
        } = self;
        write!(formatter, "{file}:{line}:{column}: {message}")?;
        if let Some(expected) = &self.expected {
            write!(formatter, "; expected {expected}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostic {}

/// Without its source text a diagnostic still has its label and help; miette prints the
/// one-line form as the heading. [`render`] is the richer way to print.
impl miette::Diagnostic for Diagnostic {
    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|help| Box::new(help) as Box<dyn fmt::Display + 'a>)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(std::iter::once(self.label(self.span.clone()))))
    }
}

/// A [`Diagnostic`] together with the lines of its file it quotes, as miette wants it.
///
/// Its `Display` is the bare message, because miette prints the location itself, above
/// the quoted line.
#[derive(Debug)]
pub struct SourcedDiagnostic<'a> {
    diagnostic: &'a Diagnostic,
    source: Quoted<'a>,
}

impl fmt::Display for SourcedDiagnostic<'_> {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(&self.diagnostic.message)
    }
}

impl std::error::Error for SourcedDiagnostic<'_> {}

impl miette::Diagnostic for SourcedDiagnostic<'_> {
    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        miette::Diagnostic::help(self.diagnostic)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(&self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        // The span was clamped to the text and mapped into the excerpt.
        let span = self.source.excerpt.span.clone();
        Some(Box::new(std::iter::once(self.diagnostic.label(span))))
    }
}

/// The lines a diagnostic quotes, with the file's name, as miette reads them: offsets
/// are into the excerpt, and line numbers and the heading's column are the file's.
#[derive(Debug)]
struct Quoted<'a> {
    name: &'a str,
    excerpt: Excerpt,
    /// The 0-based column, in characters, of the span's start in its line of the file.
    column: usize,
}

impl SourceCode for Quoted<'_> {
    fn read_span<'b>(
        &'b self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'b> + 'b>, MietteError> {
        let contents =
            self.excerpt
                .text
                .read_span(span, context_lines_before, context_lines_after)?;
        // Without context lines, miette prints this column in the `file:line:column`
        // heading; it would count bytes of the excerpt, and diagnostics count characters
        // of the file, as editors do.
        let column = if context_lines_before == 0 {
            self.column
        } else {
            contents.column()
        };
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.to_owned(),
            contents.data(),
            *contents.span(),
            contents.line() + self.excerpt.first_line,
            column,
            contents.line_count(),
        )))
    }
}

/// Renders diagnostics as rustc does: heading, `file:line:column`, the offending line with a
/// marker under the span, what was expected, and the suggestion.
///
/// `source` is the file's text; for a file that is not UTF-8, pass
/// `String::from_utf8_lossy(bytes)`, whose offsets the diagnostics use.
/// With `color` false the output has no ANSI escape codes.
pub fn render(diagnostics: &[Diagnostic], source: &str, color: bool) -> String {
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    // A fixed width keeps the output the same on every terminal, so it can be tested.
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(100)
        .with_links(false);
    let mut index = LineIndex::new(source);
    let mut out = String::new();
    for diagnostic in diagnostics {
        if !out.is_empty() {
            out.push('\n');
        }
        let before = out.len();
        if handler
            .render_report(&mut out, &diagnostic.quoting(source, &mut index))
            .is_err()
        {
            // Rendering into a String only fails if a Display impl fails; fall back to the
            // one-line form rather than lose the diagnostic.
            out.truncate(before);
            out.push_str(&diagnostic.to_string());
            out.push('\n');
        }
    }
    out
}

/// Clamps a span to the text and to character boundaries.
fn clamp_span(text: &str, span: Range<usize>) -> Range<usize> {
    let floor = |mut offset: usize| {
        offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        offset
    };
    let start = floor(span.start);
    let end = floor(span.end).max(start);
    start..end
}

/// Finds the line and column of byte offsets in a text quickly.
///
/// The parser asks for the position of every step and every diagnostic, so this keeps the
/// start of each line (binary search gives the line) and whether the line is ASCII (then the
/// column is a subtraction). Other lines are counted in characters from the last position
/// asked on that line, so asking in increasing order, as the parser does, stays linear even
/// for a file that is one long line.
#[derive(Clone, Debug)]
pub struct LineIndex<'t> {
    text: &'t str,
    /// Byte offset of the start of each line; the first is 0.
    line_starts: Vec<usize>,
    /// Whether each line is pure ASCII, so that byte and character columns agree.
    line_is_ascii: Vec<bool>,
    /// The last position counted on a non-ASCII line: (byte offset, column).
    cursor: (usize, u32),
}

impl<'t> LineIndex<'t> {
    /// Indexes `text` (one pass over it).
    pub fn new(text: &'t str) -> Self {
        let mut line_starts = vec![0];
        let mut line_is_ascii = Vec::new();
        let mut ascii = true;
        for (offset, byte) in text.bytes().enumerate() {
            if byte == b'\n' {
                line_starts.push(offset + 1);
                line_is_ascii.push(ascii);
                ascii = true;
            } else if !byte.is_ascii() {
                ascii = false;
            }
        }
        line_is_ascii.push(ascii);
        Self {
            text,
            line_starts,
            line_is_ascii,
            cursor: (0, 1),
        }
    }

    /// The 1-based line of a byte offset (offsets past the end count as the last line).
    pub fn line(&self, offset: usize) -> u32 {
        saturate(self.line_index(offset) + 1)
    }

    /// The 1-based line and 1-based character column of a byte offset.
    ///
    /// Offsets past the end, or inside a character, are moved back to the nearest
    /// character start.
    pub fn position(&mut self, offset: usize) -> (u32, u32) {
        let offset = clamp_span(self.text, offset..offset).start;
        let line_index = self.line_index(offset);
        let line_start = self.line_starts.get(line_index).copied().unwrap_or(0);
        let ascii = self.line_is_ascii.get(line_index).copied().unwrap_or(false);
        let column = if ascii {
            saturate(offset - line_start + 1)
        } else {
            let (cursor_offset, cursor_column) = self.cursor;
            let (from, base) = if cursor_offset >= line_start && cursor_offset <= offset {
                (cursor_offset, cursor_column)
            } else {
                (line_start, 1)
            };
            let counted = self.text.get(from..offset).map_or(0, |s| s.chars().count());
            let column = base.saturating_add(saturate(counted));
            self.cursor = (offset, column);
            column
        };
        (saturate(line_index + 1), column)
    }

    /// The 0-based index of the line holding `offset`.
    fn line_index(&self, offset: usize) -> usize {
        // `line_starts[0]` is 0, so at least one start is <= offset and this is >= 1.
        self.line_starts
            .partition_point(|&start| start <= offset)
            .saturating_sub(1)
    }
}

/// Converts a count to `u32`, saturating (a file with four billion lines is no concern,
/// but input-derived numbers are never allowed to panic).
fn saturate(count: usize) -> u32 {
    u32::try_from(count).unwrap_or(u32::MAX)
}
