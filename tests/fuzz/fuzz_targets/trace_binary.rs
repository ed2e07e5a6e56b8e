//! The binary reader: a valid header line of the binary form, then any bytes as its
//! postcard records.

#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../read.rs"]
mod read;

fuzz_target!(|data: &[u8]| {
    // Anything but `{` after the header is read as binary records.
    read::read_and_fold(&read::after_header(
        trace::TraceHeader::BINARY_VERSION,
        b"\x01",
        data,
    ));
});
