//! Values in words: virtual times, counts, body items, carried rights and bytes.

use std::fmt::Write;
use trace::{CarriedRight, Code, TraceItem};

/// A call's result: Mach's word (`send_timed_out`), or NT's own name and value
/// (`STATUS_REPLY_MESSAGE_MISMATCH (0xC000021F)`).
pub fn code(code: Code) -> String {
    match code {
        Code::Mach(code) => code.to_string(),
        Code::Nt(status) => format!("{} ({:#010X})", status.symbol(), status.value()),
    }
}

/// Virtual time as `12.345 ms`.
pub fn time(t_ns: u64) -> String {
    format!("{}.{:03} ms", t_ns / 1_000_000, (t_ns % 1_000_000) / 1_000)
}

/// `1 byte`, `2 bytes`.
pub fn plural(n: u64, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}

/// One typed item of a body: `u32 7`, `str "hi"`, `bytes 0a0b`, `ool 4096 bytes`,
/// `send right to reply`.
pub fn item(item: &TraceItem) -> String {
    match item {
        TraceItem::U8(v) => format!("u8 {v}"),
        TraceItem::U16(v) => format!("u16 {v}"),
        TraceItem::U32(v) => format!("u32 {v}"),
        TraceItem::U64(v) => format!("u64 {v}"),
        TraceItem::I8(v) => format!("i8 {v}"),
        TraceItem::I16(v) => format!("i16 {v}"),
        TraceItem::I32(v) => format!("i32 {v}"),
        TraceItem::I64(v) => format!("i64 {v}"),
        TraceItem::Bool(v) => format!("bool {v}"),
        TraceItem::F64(v) => format!("f64 {v}"),
        TraceItem::Str(v) => format!("str {v:?}"),
        TraceItem::Bytes(b) if b.0.len() <= 16 => format!("bytes {}", hex(&b.0)),
        TraceItem::Bytes(b) => format!("bytes ({} bytes)", b.0.len()),
        TraceItem::Ool(n) => format!("ool {n} bytes"),
        TraceItem::Port(c) => carried(c),
    }
}

/// A right carried in a message: `send right to reply`, or one whose port died
/// on the way.
pub fn carried(c: &CarriedRight) -> String {
    match &c.port {
        Some(port) => format!("{} right to {port}", c.right),
        None => format!("{} (a right that died in transit)", c.right),
    }
}

/// A body: `[u32 7, str "hi"]`.
pub fn body(items: &[TraceItem]) -> String {
    let parts: Vec<String> = items.iter().map(item).collect();
    format!("[{}]", parts.join(", "))
}

/// Bytes in lower-case hex.
pub fn hex(bytes: &[u8]) -> String {
    let mut text = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(text, "{b:02x}");
    }
    text
}

/// How many bytes of a pipe's data or a memory object a line shows in hex.
const HEX_SHOWN: usize = 32;

/// Bytes in hex, the first [`HEX_SHOWN`] of them when there are more: `6869`,
/// `0001…0f… (8 more)`, `none`.
pub fn short_hex(bytes: &[u8]) -> String {
    let mut text = hex(&bytes[..bytes.len().min(HEX_SHOWN)]);
    if bytes.len() > HEX_SHOWN {
        let _ = write!(text, "… ({} more)", bytes.len() - HEX_SHOWN);
    }
    if text.is_empty() {
        text.push_str("none");
    }
    text
}

/// Bytes through a pipe, in a sentence: their count, with the text when it is
/// short and printable, or their hexadecimal digits when they are few.
pub fn data(bytes: &[u8]) -> String {
    let n = bytes.len();
    let unit = if n == 1 { "byte" } else { "bytes" };
    if n > 0
        && n <= 32
        && bytes
            .iter()
            .all(|b| b.is_ascii_graphic() || b" \n\t".contains(b))
    {
        format!("{n} {unit} {:?}", String::from_utf8_lossy(bytes))
    } else if n > 0 && n <= 8 {
        format!("{n} {unit} {}", hex(bytes))
    } else {
        format!("{n} {unit}")
    }
}
