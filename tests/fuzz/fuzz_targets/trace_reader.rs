//! `read_trace` on any bytes, telling the forms apart itself.

#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../promises.rs"]
mod promises;

fuzz_target!(|data: &[u8]| {
    let _ = promises::read_and_fold(data);
});
