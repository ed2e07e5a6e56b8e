//! The JSON Lines reader: a valid header line, then any bytes as its events.

#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../header.rs"]
mod header;
#[path = "../promises.rs"]
mod promises;

fuzz_target!(|data: &[u8]| {
    // An event line starts with `{`, which sends the bytes to the JSON Lines reader.
    let bytes = header::after_header(trace::TraceHeader::VERSION, b"{", data);
    let _ = promises::read_and_fold(&bytes);
});
