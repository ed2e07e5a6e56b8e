//! Standard output, and what a failed write of it means.
//!
//! Every command that prints treats standard output it cannot write (a closed pipe,
//! `machsim completions bash | head -1`; a full disk, `> /dev/full`) as an error: it
//! says so on standard error and exits with status 2. It never panics, and never exits
//! 0 as if the output had been delivered, so a script that saves the output sees that
//! it is missing.

use std::fmt;
use std::io::{self, Write};
use std::process::ExitCode;

/// A command's standard output, keeping the first error of a write: the command goes
/// on with its work (a `--trace` file is still written) and reports the error at the
/// end with [`Printer::finish`].
///
/// Its `write_fmt` makes `write!` and `writeln!` work on it directly, returning
/// nothing: the error is kept, not returned at each call.
pub(crate) struct Printer<'w> {
    out: &'w mut dyn Write,
    error: Option<io::Error>,
}

impl<'w> Printer<'w> {
    /// Output to `out` (standard output, or a test's writer).
    pub(crate) fn new(out: &'w mut dyn Write) -> Self {
        Self { out, error: None }
    }

    /// Writes formatted text, unless an earlier write failed.
    pub(crate) fn write_fmt(&mut self, args: fmt::Arguments<'_>) {
        if self.error.is_none() {
            self.error = self.out.write_fmt(args).err();
        }
    }

    /// Writes `text`, unless an earlier write failed.
    pub(crate) fn print(&mut self, text: &[u8]) {
        if self.error.is_none() {
            self.error = self.out.write_all(text).err();
        }
    }

    /// Flushes the output; the first error of any write or of the flush.
    pub(crate) fn finish(mut self) -> Result<(), OutputError> {
        if self.error.is_none() {
            self.error = self.out.flush().err();
        }
        match self.error {
            None => Ok(()),
            Some(error) => Err(OutputError(error)),
        }
    }
}

/// Standard output could not be written.
#[derive(Debug, thiserror::Error)]
#[error("cannot write to standard output: {0}")]
pub(crate) struct OutputError(#[from] io::Error);

impl OutputError {
    /// Says so on standard error; the exit status, 2.
    pub(crate) fn exit(&self) -> ExitCode {
        eprintln!("error: {self}");
        ExitCode::from(2)
    }
}

/// Prints `text` whole; exit status 0, or 2 when it cannot be written.
pub(crate) fn print_all(out: &mut dyn Write, text: &[u8]) -> ExitCode {
    let mut printer = Printer::new(out);
    printer.print(text);
    match printer.finish() {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => error.exit(),
    }
}

#[cfg(test)]
mod tests {
    use super::{Printer, print_all};
    use std::io::{self, Write};
    use std::process::ExitCode;

    /// A writer that fails as a full disk does, after taking `room` bytes.
    struct Full {
        room: usize,
    }

    impl Write for Full {
        fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
            if self.room == 0 {
                return Err(io::Error::from_raw_os_error(28)); // ENOSPC
            }
            let taken = bytes.len().min(self.room);
            self.room -= taken;
            Ok(taken)
        }

        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn the_first_failed_write_is_kept_and_later_writes_are_skipped() {
        let mut out = Full { room: 3 };
        let mut printer = Printer::new(&mut out);
        writeln!(printer, "hello");
        writeln!(printer, "again");
        let error = printer.finish().expect_err("the disk is full");
        assert!(
            error
                .to_string()
                .starts_with("cannot write to standard output: "),
            "{error}"
        );
    }

    #[test]
    fn printing_all_exits_2_when_the_output_fails() {
        assert_eq!(print_all(&mut Vec::new(), b"text"), ExitCode::SUCCESS);
        assert_eq!(print_all(&mut Full { room: 0 }, b"text"), ExitCode::from(2));
    }
}
