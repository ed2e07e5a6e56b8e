//! A process-memory probe, for figures such as bytes per idle port.
//!
//! `unsafe` is forbidden, so there is no counting global allocator; the
//! probe reads the resident set size the Linux kernel reports instead. RSS
//! moves in whole pages and includes every thread's allocations, so measure
//! many items (a hundred thousand or more) and expect a few percent of noise.

use std::fs::File;
use std::hint::black_box;
use std::io::{BufRead, BufReader};

/// The page size assumed when `/proc/self/smaps` does not say (x86-64's).
pub const DEFAULT_PAGE_SIZE: u64 = 4096;

/// The resident set size of this process in bytes, or `None` off Linux.
///
/// Reads the second field of `/proc/self/statm` (resident pages) and
/// multiplies it by [`page_size`].
pub fn resident_bytes() -> Option<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let resident_pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    resident_pages.checked_mul(page_size())
}

/// The kernel's page size in bytes, from the first `KernelPageSize` line of
/// `/proc/self/smaps`; [`DEFAULT_PAGE_SIZE`] (4096) if that cannot be read.
///
/// std has no page-size query and `libc` is not a dependency; smaps states
/// it in kibibytes for each mapping, and the first mapping uses base pages.
pub fn page_size() -> u64 {
    File::open("/proc/self/smaps")
        .ok()
        .and_then(|file| {
            BufReader::new(file)
                .lines()
                .map_while(Result::ok)
                .find_map(|line| parse_kernel_page_size(&line))
        })
        .unwrap_or(DEFAULT_PAGE_SIZE)
}

/// Parses `KernelPageSize:       4 kB` into bytes.
fn parse_kernel_page_size(line: &str) -> Option<u64> {
    let rest = line.strip_prefix("KernelPageSize:")?;
    let mut fields = rest.split_whitespace();
    let size: u64 = fields.next()?.parse().ok()?;
    match fields.next()? {
        "kB" => size.checked_mul(1024),
        _ => None,
    }
}

/// Builds a structure of `count` items and returns resident bytes per item.
///
/// Reads RSS, calls `build(count)`, reads RSS again while the structure is
/// still alive, then drops it. Returns `None` when RSS cannot be read or
/// `count` is zero. The result is the signed RSS delta over `count`: a
/// negative value means other threads freed memory meanwhile, i.e. noise.
/// Memory the allocator already held is reused without raising RSS, so a
/// structure smaller than earlier freed memory can read low; build the
/// structure early in the process, or large enough to dwarf such slack.
pub fn measure_bytes_per_item<T>(count: usize, build: impl FnOnce(usize) -> T) -> Option<f64> {
    if count == 0 {
        return None;
    }
    let before = resident_bytes()?;
    let structure = black_box(build(count));
    let after = resident_bytes();
    drop(structure);
    let after = after?;
    Some((after as f64 - before as f64) / count as f64)
}
