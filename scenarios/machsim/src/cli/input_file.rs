//! Reading an input file (a scenario or a trace) within bounds.
//!
//! Only a regular file is read, and at most a documented number of bytes of it: a
//! directory, a FIFO with no writer (which would block the open forever), a terminal or
//! `/dev/zero` (which would grow the buffer until the host runs out of memory) is
//! refused with an error that names the path and what it is, and a file over the limit
//! with an error that names the limit.

use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};

use scenario::model::MAX_SOURCE_BYTES;

/// The largest trace file `step` and `export` read, in bytes (1 GiB).
///
/// A trace is read whole, then folded. An event takes about 140 bytes as JSON Lines and
/// a quarter of that in the binary form, so the limit holds several million events,
/// more than a run within the default step limit records, and it keeps a mistaken input
/// (a disk image, a log file) from exhausting memory.
pub(crate) const MAX_TRACE_BYTES: u64 = 1 << 30;

/// What an input file is read as.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum InputKind {
    /// A scenario file (TOML), at most [`MAX_SOURCE_BYTES`].
    Scenario,
    /// A trace in either form, at most [`MAX_TRACE_BYTES`].
    Trace,
}

impl InputKind {
    /// The most bytes read.
    pub(crate) fn limit(self) -> u64 {
        match self {
            InputKind::Scenario => MAX_SOURCE_BYTES as u64,
            InputKind::Trace => MAX_TRACE_BYTES,
        }
    }

    /// The file's kind in messages.
    fn noun(self) -> &'static str {
        match self {
            InputKind::Scenario => "a scenario file",
            InputKind::Trace => "a trace file",
        }
    }
}

/// What a path that is not a regular file is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum FileKind {
    /// A directory.
    Directory,
    /// A named pipe (FIFO).
    Fifo,
    /// A character device (a terminal, `/dev/zero`).
    CharacterDevice,
    /// A block device (a disk).
    BlockDevice,
    /// A Unix domain socket.
    Socket,
    /// Anything else that is not a regular file.
    Other,
}

impl FileKind {
    fn of(file_type: std::fs::FileType) -> FileKind {
        #[cfg(unix)]
        {
            use std::os::unix::fs::FileTypeExt;
            if file_type.is_fifo() {
                return FileKind::Fifo;
            }
            if file_type.is_char_device() {
                return FileKind::CharacterDevice;
            }
            if file_type.is_block_device() {
                return FileKind::BlockDevice;
            }
            if file_type.is_socket() {
                return FileKind::Socket;
            }
        }
        if file_type.is_dir() {
            FileKind::Directory
        } else {
            FileKind::Other
        }
    }
}

impl fmt::Display for FileKind {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(match self {
            FileKind::Directory => "a directory",
            FileKind::Fifo => "a named pipe (FIFO)",
            FileKind::CharacterDevice => "a character device",
            FileKind::BlockDevice => "a block device",
            FileKind::Socket => "a socket",
            FileKind::Other => "not a regular file",
        })
    }
}

/// Why an input file was not read.
#[derive(Debug, thiserror::Error)]
pub(crate) enum InputError {
    /// The system refused to open or read it.
    #[error("cannot read {}: {source}", path.display())]
    Unreadable {
        /// The path as given.
        path: PathBuf,
        /// What the system said.
        source: std::io::Error,
    },
    /// It is not a regular file.
    #[error("cannot read {}: it is {kind}, not a regular file", path.display())]
    NotAFile {
        /// The path as given.
        path: PathBuf,
        /// What it is.
        kind: FileKind,
    },
    /// It is larger than its kind's limit.
    #[error(
        "cannot read {}: it is larger than {}, the limit for {} ({} bytes)",
        path.display(),
        in_mib(*limit),
        input.noun(),
        limit
    )]
    TooLarge {
        /// The path as given.
        path: PathBuf,
        /// What it was read as.
        input: InputKind,
        /// The limit, in bytes.
        limit: u64,
    },
}

/// `bytes` in MiB, as the limits are written.
fn in_mib(bytes: u64) -> String {
    format!("{} MiB", bytes / (1024 * 1024))
}

/// Reads the regular file at `path`, at most `input`'s limit.
///
/// The file's type is looked at before it is opened, so a FIFO is refused without
/// waiting for a writer; the open file's type and size are checked again, and at most
/// one byte more than the limit is read, so a file that grows or is replaced meanwhile
/// is still bounded.
pub(crate) fn read_input(path: &Path, input: InputKind) -> Result<Vec<u8>, InputError> {
    let unreadable = |source| InputError::Unreadable {
        path: path.to_owned(),
        source,
    };
    let not_a_file = |file_type: std::fs::FileType| InputError::NotAFile {
        path: path.to_owned(),
        kind: FileKind::of(file_type),
    };
    let metadata = std::fs::metadata(path).map_err(unreadable)?;
    if !metadata.is_file() {
        return Err(not_a_file(metadata.file_type()));
    }
    let file = std::fs::File::open(path).map_err(unreadable)?;
    let metadata = file.metadata().map_err(unreadable)?;
    if !metadata.is_file() {
        return Err(not_a_file(metadata.file_type()));
    }
    let limit = input.limit();
    let too_large = || InputError::TooLarge {
        path: path.to_owned(),
        input,
        limit,
    };
    // The size a regular file reports refuses most files without reading them; the
    // bounded read catches one that grows meanwhile (or reports 0, as `/proc` does).
    if metadata.len() > limit {
        return Err(too_large());
    }
    let mut bytes = Vec::with_capacity(usize::try_from(metadata.len()).unwrap_or(0));
    file.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(unreadable)?;
    if bytes.len() as u64 > limit {
        return Err(too_large());
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::{InputError, InputKind, read_input};
    use std::path::Path;

    #[test]
    fn a_directory_is_refused_by_name() {
        let error = read_input(Path::new("."), InputKind::Scenario).expect_err("a directory");
        assert_eq!(
            error.to_string(),
            "cannot read .: it is a directory, not a regular file"
        );
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn dev_zero_is_refused_at_once_as_a_device() {
        let error = read_input(Path::new("/dev/zero"), InputKind::Trace).expect_err("a device");
        assert_eq!(
            error.to_string(),
            "cannot read /dev/zero: it is a character device, not a regular file"
        );
    }

    #[test]
    fn a_missing_file_says_what_the_system_said() {
        let error =
            read_input(Path::new("/no/such/file.toml"), InputKind::Scenario).expect_err("missing");
        assert!(matches!(error, InputError::Unreadable { .. }), "{error}");
        assert!(
            error
                .to_string()
                .starts_with("cannot read /no/such/file.toml: ")
        );
    }

    #[test]
    fn a_file_over_the_limit_is_refused_naming_the_limit() {
        let path = std::env::temp_dir().join(format!("machsim-big-{}.toml", std::process::id()));
        let file = std::fs::File::create(&path).expect("a temporary file");
        // A sparse file: no disk is used for the hole.
        file.set_len(InputKind::Scenario.limit() + 1)
            .expect("the file grows");
        let error = read_input(&path, InputKind::Scenario).expect_err("too large");
        let _ = std::fs::remove_file(&path);
        assert_eq!(
            error.to_string(),
            format!(
                "cannot read {}: it is larger than 16 MiB, the limit for a scenario file (16777216 bytes)",
                path.display()
            )
        );
    }
}
