//! The binary reader: a valid header line of the binary form, then any bytes as its
//! postcard records.

#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../header.rs"]
mod header;
#[path = "../promises.rs"]
mod promises;

fuzz_target!(|data: &[u8]| {
    // Anything but `{` after the header is read as binary records.
    let bytes = header::after_header(trace::TraceHeader::BINARY_VERSION, b"\x01", data);
    let _ = promises::read_and_fold(&bytes);
});
