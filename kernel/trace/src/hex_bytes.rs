//! Inline bytes in a trace: hex in JSON, raw in the binary form.

use serde::{Deserialize, Serialize};

/// Inline bytes in a trace: shared with the message (no copy when recorded),
/// written as lower-case hex in human-readable forms and raw in the binary form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HexBytes(pub bytes::Bytes);

impl Serialize for HexBytes {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if serializer.is_human_readable() {
            let mut hex = String::with_capacity(self.0.len() * 2);
            for byte in self.0.iter() {
                hex.push(char::from(HEX[usize::from(byte >> 4)]));
                hex.push(char::from(HEX[usize::from(byte & 0xf)]));
            }
            serializer.serialize_str(&hex)
        } else {
            serializer.serialize_bytes(&self.0)
        }
    }
}

const HEX: &[u8; 16] = b"0123456789abcdef";

impl<'de> Deserialize<'de> for HexBytes {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        if deserializer.is_human_readable() {
            let text = String::deserialize(deserializer)?;
            decode_hex(&text)
                .map(|b| HexBytes(bytes::Bytes::from(b)))
                .ok_or_else(|| {
                    serde::de::Error::custom("expected an even number of hexadecimal digits")
                })
        } else {
            // postcard writes `serialize_bytes` exactly as a sequence of `u8`s.
            let raw = Vec::<u8>::deserialize(deserializer)?;
            Ok(HexBytes(bytes::Bytes::from(raw)))
        }
    }
}

fn decode_hex(text: &str) -> Option<Vec<u8>> {
    let digits = text.as_bytes();
    if !digits.len().is_multiple_of(2) {
        return None;
    }
    let value = |d: u8| (d as char).to_digit(16).map(|v| v as u8);
    digits
        .chunks(2)
        .map(|pair| Some(value(pair[0])? << 4 | value(pair[1])?))
        .collect()
}
