//! The JSON Lines reader: a valid header line, then any bytes as its events.

#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../read.rs"]
mod read;

fuzz_target!(|data: &[u8]| {
    // An event line starts with `{`, which sends the bytes to the JSON Lines reader.
    read::read_and_fold(&read::after_header(1, b"{", data));
});
