//! `pipe_reader`: reads 8-byte items from a pipe or a named pipe (FIFO) until end
//! of file.
//!
//! The consumer of the textbook's pipe examples, for what a
//! [`pipe_writer`](super::pipe_writer) writes. It finds its end by `end`, the label
//! of a read end it holds, or by `path`, a FIFO it opens for reading (which waits
//! for a writer).
//!
//! # Protocol
//! It first closes the ends labelled in `close` (a child's inherited write end:
//! while any write end is open, a reader never sees end of file), and, with
//! `unlink`, removes the FIFO's name once it has opened it (the open ends keep
//! working). Then it reads up to `max` bytes at a time, waiting while the pipe is
//! empty, and counts whole 8-byte items: a pipe is a byte stream, and one read may
//! return part of an item, or several.
//!
//! # Ending
//! It stops at end of file (every write end closed and nothing left), or after
//! `count` items, when it closes its end and exits: a writer still writing then
//! gets `broken_pipe`. The exit code is the number of whole items read (bytes left
//! over at end of file are not counted). It crashes if it holds no end labelled
//! `end`, if the FIFO at `path` does not exist, or on any other error.

use super::pipe_writer::{PipeSource, close_ends, close_list};
use crate::args::{ArgError, ArgType, ArgValue, Args};
use crate::registry::{ArgDoc, Program};
use kernel::{Access, ServiceError, TaskContext, TaskExit};

/// The `pipe_reader` program with its arguments.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PipeReader {
    /// Where its read end comes from.
    pub source: PipeSource,
    /// Items to read before closing its end; `None` reads to end of file.
    pub count: Option<u64>,
    /// The most bytes one read asks for.
    pub max: u32,
    /// Labels of ends to close before reading.
    pub close: Vec<String>,
    /// Remove the FIFO's name once open (with `path`).
    pub unlink: bool,
    /// Virtual milliseconds to sleep after each read.
    pub delay_ms: u64,
}

impl Default for PipeReader {
    fn default() -> Self {
        PipeReader {
            source: PipeSource::End("read".to_string()),
            count: None,
            max: 64,
            close: Vec::new(),
            unlink: false,
            delay_ms: 0,
        }
    }
}

impl PipeReader {
    /// The name it is registered under.
    pub const NAME: &'static str = "pipe_reader";

    /// Its description in program listings.
    pub const DESCRIPTION: &'static str = "Reads the pipe end labelled `end`, or the FIFO at \
        `path` opened for reading, up to `max` bytes at a time, counting whole 8-byte items, \
        until end of file or `count` items; first closes the ends labelled in `close` (and with \
        `unlink` removes the FIFO's name once open), and closes its own end when done, so a \
        writer still writing gets broken_pipe. Exit code: whole items read.";

    /// Its arguments.
    pub const ARGS: &'static [ArgDoc] = &[
        ArgDoc::optional(
            "end",
            ArgType::Str,
            "\"read\"",
            "label of the read end this task holds (inherited from the parent that made the pipe)",
        ),
        ArgDoc::optional(
            "path",
            ArgType::Str,
            "none",
            "a named pipe (FIFO) to open for reading instead of `end`",
        ),
        ArgDoc::optional(
            "count",
            ArgType::Int,
            "until end of file",
            "items to read before closing its end",
        ),
        ArgDoc::optional(
            "max",
            ArgType::Int,
            "64",
            "the most bytes one read asks for (at least 1)",
        ),
        ArgDoc::optional(
            "close",
            ArgType::List,
            "[]",
            "labels of ends to close before reading (a child's inherited write end)",
        ),
        ArgDoc::optional(
            "unlink",
            ArgType::Bool,
            "false",
            "with `path`: remove the FIFO's name once open; the open ends keep working",
        ),
        ArgDoc::optional(
            "delay_ms",
            ArgType::Int,
            "0",
            "virtual milliseconds to sleep after each read (a slow reader fills the pipe)",
        ),
    ];

    /// Reads the arguments, falling back to the defaults.
    ///
    /// # Errors
    /// An [`ArgError`] naming the argument: a wrong type, a negative number, `max`
    /// 0 or past `u32`, both `end` and `path`, `unlink` without `path`, or a
    /// `close` entry that is not a string.
    pub fn from_args(args: &Args) -> Result<PipeReader, ArgError> {
        let max = args.u64_or("max", 64)?;
        let max = u32::try_from(max).ok().filter(|m| *m > 0).ok_or_else(|| {
            ArgError::invalid(
                "max",
                &ArgValue::Int(i64::try_from(max).unwrap_or(i64::MAX)),
                "must be from 1 to 4294967295",
            )
        })?;
        let source = PipeSource::from_args(args, "read")?;
        let unlink = args.bool_or("unlink", false)?;
        if unlink && !matches!(source, PipeSource::Path(_)) {
            return Err(ArgError::invalid(
                "unlink",
                &ArgValue::Bool(true),
                "is for a named pipe: give `path`",
            ));
        }
        Ok(PipeReader {
            source,
            count: args.opt_u64("count")?,
            max,
            close: close_list(args)?,
            unlink,
            delay_ms: args.u64_or("delay_ms", 0)?,
        })
    }

    /// The program, ready to spawn.
    pub fn program(self) -> Program {
        Program::new(move |cx| self.run(cx))
    }

    /// Reads to the end; see the [module documentation](self) for the exit code.
    pub async fn run(self, cx: TaskContext) -> TaskExit {
        super::exit_with(self.read(&cx).await)
    }

    /// Returns the number of whole items read.
    async fn read(&self, cx: &TaskContext) -> Result<u64, String> {
        close_ends(cx, Self::NAME, &self.close).await?;
        let end = self.source.open(cx, Self::NAME, Access::Read).await?;
        if let (true, PipeSource::Path(path)) = (self.unlink, &self.source) {
            cx.named_pipe_unlink(path)
                .await
                .map_err(|e| format!("{}: unlinking `{path}`: {e}", Self::NAME))?;
        }
        let mut bytes: u64 = 0;
        while self.count.is_none_or(|count| bytes / 8 < count) {
            // Ask for no more than the items still wanted, so none is read and dropped.
            let want = match self.count {
                Some(count) => u32::try_from(count.saturating_mul(8).saturating_sub(bytes))
                    .unwrap_or(u32::MAX)
                    .min(self.max),
                None => self.max,
            };
            match cx.pipe_read(end, want, false).await {
                Ok(data) => bytes += data.len() as u64,
                Err(ServiceError::Eof) => break,
                Err(e) => return Err(format!("{}: reading: {e}", Self::NAME)),
            }
            if self.delay_ms > 0 {
                cx.sleep(self.delay_ms).await;
            }
        }
        cx.pipe_close(end)
            .await
            .map_err(|e| format!("{}: closing its end: {e}", Self::NAME))?;
        Ok(bytes / 8)
    }
}

/// The registry's constructor for `pipe_reader`.
pub(crate) fn construct(args: &Args) -> Result<Program, ArgError> {
    Ok(PipeReader::from_args(args)?.program())
}
