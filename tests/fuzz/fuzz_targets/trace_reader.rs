//! `read_trace` on any bytes, telling the forms apart itself.

#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../read.rs"]
#[allow(dead_code)] // `after_header`: this target feeds the bytes as they are
mod read;

fuzz_target!(|data: &[u8]| read::read_and_fold(data));
