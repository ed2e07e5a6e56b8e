//! `pipe_writer`: writes numbered items into a pipe or a named pipe (FIFO).
//!
//! The producer of the textbook's pipe examples. It finds its end in one of two
//! ways: `end`, the label of a write end it holds (a pipe its parent made before
//! spawning it, or one it made itself; children inherit the labels with the
//! ends), or `path`, a FIFO it opens for writing (which waits for a reader).
//!
//! # Protocol
//! Item k (for k in `first .. first + count`) is the 8 bytes of `k` as a
//! little-endian `u64`, one `pipe_write` per item (8 bytes is below `PIPE_BUF`, so
//! items from several writers never interleave within an item). Before writing it
//! closes the ends labelled in `close`: a child inherits both ends of its parent's
//! pipe, and a writer that kept the read end open would never see `broken_pipe`,
//! as a reader that kept the write end would never see end of file. When done it
//! closes its own end.
//!
//! # Ending
//! The exit code is the number of items not written: 0 means all `count`. A
//! `broken_pipe` (no read end is open any more) stops it, counting the item that
//! failed and every later one. It crashes if it holds no end labelled `end`, if
//! the FIFO at `path` does not exist (or is unlinked while it waits to open), or
//! on any other error.

use crate::args::{ArgError, ArgType, ArgValue, Args};
use crate::registry::{ArgDoc, Program};
use bytes::Bytes;
use kernel::{Access, ServiceError, TaskContext, TaskExit};

/// Where a pipe program's end comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PipeSource {
    /// A handle this task holds under a label (an ordinary pipe's end).
    End(String),
    /// A FIFO to open by path.
    Path(String),
}

impl PipeSource {
    /// Reads `end` or `path` (exactly one; `default_end` when neither is given).
    pub(crate) fn from_args(args: &Args, default_end: &str) -> Result<PipeSource, ArgError> {
        match (args.opt_str("end")?, args.opt_str("path")?) {
            (Some(_), Some(path)) => Err(ArgError::invalid(
                "path",
                &ArgValue::from(path),
                "give either `end` (a pipe end's label) or `path` (a named pipe), not both",
            )),
            (Some(end), None) => Ok(PipeSource::End(end.to_string())),
            (None, Some(path)) => Ok(PipeSource::Path(path.to_string())),
            (None, None) => Ok(PipeSource::End(default_end.to_string())),
        }
    }

    /// The end's handle: looked up by label, or the FIFO opened with `access`.
    pub(crate) async fn open(
        &self,
        cx: &TaskContext,
        program: &str,
        access: Access,
    ) -> Result<u32, String> {
        match self {
            PipeSource::End(label) => cx.handle(label).ok_or_else(|| {
                format!(
                    "{program}: this task holds no pipe end labelled `{label}` (a child gets its \
                     parent's ends only if it is spawned after the pipe was made)"
                )
            }),
            PipeSource::Path(path) => cx
                .named_pipe_open(path, access, false)
                .await
                .map_err(|e| format!("{program}: opening `{path}` for {}: {e}", access.as_str())),
        }
    }
}

/// Reads `close`, a list of handle labels.
pub(crate) fn close_list(args: &Args) -> Result<Vec<String>, ArgError> {
    let Some(list) = args.opt_list("close")? else {
        return Ok(Vec::new());
    };
    list.iter()
        .map(|value| match value {
            ArgValue::Str(label) => Ok(label.clone()),
            other => Err(ArgError::invalid(
                "close",
                other,
                "each entry is the label of a pipe end, a string",
            )),
        })
        .collect()
}

/// Closes the ends labelled in `labels`.
pub(crate) async fn close_ends(
    cx: &TaskContext,
    program: &str,
    labels: &[String],
) -> Result<(), String> {
    for label in labels {
        let handle = cx
            .handle(label)
            .ok_or_else(|| format!("{program}: no pipe end labelled `{label}` to close"))?;
        cx.pipe_close(handle)
            .await
            .map_err(|e| format!("{program}: closing `{label}`: {e}"))?;
    }
    Ok(())
}

/// The `pipe_writer` program with its arguments.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PipeWriter {
    /// Where its write end comes from.
    pub source: PipeSource,
    /// How many items to write.
    pub count: u64,
    /// The first item.
    pub first: u64,
    /// Labels of ends to close before writing.
    pub close: Vec<String>,
    /// Virtual milliseconds to sleep between two items.
    pub delay_ms: u64,
}

impl Default for PipeWriter {
    fn default() -> Self {
        PipeWriter {
            source: PipeSource::End("write".to_string()),
            count: 10,
            first: 1,
            close: Vec::new(),
            delay_ms: 0,
        }
    }
}

impl PipeWriter {
    /// The name it is registered under.
    pub const NAME: &'static str = "pipe_writer";

    /// Its description in program listings.
    pub const DESCRIPTION: &'static str = "Writes the items first, first+1, ... (count of \
        them, each 8 bytes: a little-endian u64, one write each) to the pipe end labelled `end`, \
        or to the FIFO at `path` opened for writing; first closes the ends labelled in `close`, \
        and closes its own end when done. Exit code: items not written (0 = all; a broken pipe \
        stops it).";

    /// Its arguments.
    pub const ARGS: &'static [ArgDoc] = &[
        ArgDoc::optional(
            "end",
            ArgType::Str,
            "\"write\"",
            "label of the write end this task holds (inherited from the parent that made the pipe)",
        ),
        ArgDoc::optional(
            "path",
            ArgType::Str,
            "none",
            "a named pipe (FIFO) to open for writing instead of `end`",
        ),
        ArgDoc::optional("count", ArgType::Int, "10", "items to write"),
        ArgDoc::optional("first", ArgType::Int, "1", "the first item"),
        ArgDoc::optional(
            "close",
            ArgType::List,
            "[]",
            "labels of ends to close before writing (a child's inherited read end)",
        ),
        ArgDoc::optional(
            "delay_ms",
            ArgType::Int,
            "0",
            "virtual milliseconds to sleep between two items",
        ),
    ];

    /// Reads the arguments, falling back to the defaults.
    ///
    /// # Errors
    /// An [`ArgError`] naming the argument: a wrong type, a negative number, both
    /// `end` and `path`, or a `close` entry that is not a string.
    pub fn from_args(args: &Args) -> Result<PipeWriter, ArgError> {
        let count = args.u64_or("count", 10)?;
        let first = args.u64_or("first", 1)?;
        if first.checked_add(count).is_none() {
            return Err(ArgError::invalid(
                "count",
                &ArgValue::Int(i64::try_from(count).unwrap_or(i64::MAX)),
                "first + count must fit a u64",
            ));
        }
        Ok(PipeWriter {
            source: PipeSource::from_args(args, "write")?,
            count,
            first,
            close: close_list(args)?,
            delay_ms: args.u64_or("delay_ms", 0)?,
        })
    }

    /// The program, ready to spawn.
    pub fn program(self) -> Program {
        Program::new(move |cx| self.run(cx))
    }

    /// Writes every item; see the [module documentation](self) for the exit code.
    pub async fn run(self, cx: TaskContext) -> TaskExit {
        super::exit_with(self.write(&cx).await)
    }

    /// Returns the number of items not written.
    async fn write(&self, cx: &TaskContext) -> Result<u64, String> {
        close_ends(cx, Self::NAME, &self.close).await?;
        let end = self.source.open(cx, Self::NAME, Access::Write).await?;
        let mut written = 0;
        for item in self.first..self.first + self.count {
            if item > self.first && self.delay_ms > 0 {
                cx.sleep(self.delay_ms).await;
            }
            let data = Bytes::copy_from_slice(&item.to_le_bytes());
            match cx.pipe_write(end, data, false).await {
                Ok(_) => written += 1,
                Err(ServiceError::BrokenPipe) => break,
                Err(e) => return Err(format!("{}: writing item {item}: {e}", Self::NAME)),
            }
        }
        cx.pipe_close(end)
            .await
            .map_err(|e| format!("{}: closing its end: {e}", Self::NAME))?;
        Ok(self.count - written)
    }
}

/// The registry's constructor for `pipe_writer`.
pub(crate) fn construct(args: &Args) -> Result<Program, ArgError> {
    Ok(PipeWriter::from_args(args)?.program())
}
