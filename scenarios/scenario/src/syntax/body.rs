//! Reading message bodies: one-key tables such as `{ u32 = 7 }`, in order.
//!
//! The same reader serves a `send`'s `body` and a `receive`'s `expect_body`; the one
//! difference is that a port item to compare may leave out its disposition.

use bytes::Bytes;
use toml::de::{DeTable, DeValue};

use super::reader::{Reader, Value, in_file_order, quoted_words};
use super::suggest::one_of;
use super::symbols::LabelNeed;
use crate::model::words::spellings;
use crate::model::{BodyItem, ExpectedItem, ItemKind, SendItem, Word};
use kernel::{Disposition, Item};

/// The example every body diagnostic shows.
const ITEM_EXAMPLE: &str =
    "a one-key table such as `{ u32 = 7 }` or `{ port = \"reply\", disposition = \"make_send\" }`";

/// Reads a port item's `disposition` (its value, if the item has the key), reporting at
/// the item's span what a missing one lacks.
type DispositionReader<D> = fn(&mut Reader<'_>, Option<&Value<'_>>, &Value<'_>) -> Option<D>;

impl Reader<'_> {
    /// A `send` step's `body`: every port item says how its right travels.
    pub(super) fn send_body(&mut self, value: &Value<'_>, what: &str) -> Option<Vec<SendItem>> {
        self.body(value, what, |reader, disposition, item| match disposition {
            Some(disposition) => reader.word::<Disposition>(disposition, "disposition"),
            None => {
                reader
                    .sink
                    .error(
                        item.span(),
                        "a port item in a message needs a `disposition`",
                    )
                    .expected(format!(
                        "`disposition = ...`, {}",
                        quoted_words(Disposition::WORDS)
                    ));
                None
            }
        })
    }

    /// A `receive` step's `expect_body`: a port item without a disposition compares the
    /// port alone.
    pub(super) fn expected_body(
        &mut self,
        value: &Value<'_>,
        what: &str,
    ) -> Option<Vec<ExpectedItem>> {
        self.body(value, what, |reader, disposition, _| match disposition {
            Some(disposition) => reader
                .word::<Disposition>(disposition, "disposition")
                .map(Some),
            None => Some(None),
        })
    }

    /// A list of body items whose port items' dispositions `disposition` reads.
    fn body<D>(
        &mut self,
        value: &Value<'_>,
        what: &str,
        disposition: DispositionReader<D>,
    ) -> Option<Vec<BodyItem<D>>> {
        let DeValue::Array(array) = value.get_ref() else {
            self.wrong_type(
                value,
                &format!("`{what}`"),
                &format!("an array of items, each {ITEM_EXAMPLE}"),
            );
            return None;
        };
        let items: Vec<Option<BodyItem<D>>> = array
            .iter()
            .map(|item| self.body_item(item, disposition))
            .collect();
        items.into_iter().collect()
    }

    /// One body item.
    fn body_item<D>(
        &mut self,
        value: &Value<'_>,
        read_disposition: DispositionReader<D>,
    ) -> Option<BodyItem<D>> {
        let DeValue::Table(table) = value.get_ref() else {
            self.wrong_type(value, "a body item", ITEM_EXAMPLE);
            return None;
        };
        let (kind, item) = self.item_type(value, table)?;
        let disposition = table.get_key_value("disposition");
        if let (Some((key, _)), false) = (disposition, kind == ItemKind::Port) {
            self.sink
                .error(
                    key.span(),
                    format!("`disposition` does not apply to a `{kind}` item"),
                )
                .expected("`disposition` only in a `port` item");
            return None;
        }
        let what = kind.as_str();
        Some(BodyItem::Value(match kind {
            ItemKind::U8 => Item::U8(self.integer(item, what)?),
            ItemKind::U16 => Item::U16(self.integer(item, what)?),
            ItemKind::U32 => Item::U32(self.integer(item, what)?),
            ItemKind::U64 => Item::U64(self.integer(item, what)?),
            ItemKind::I8 => Item::I8(self.integer(item, what)?),
            ItemKind::I16 => Item::I16(self.integer(item, what)?),
            ItemKind::I32 => Item::I32(self.integer(item, what)?),
            ItemKind::I64 => Item::I64(self.integer(item, what)?),
            ItemKind::Bool => Item::Bool(self.boolean(item, what)?),
            ItemKind::F64 => Item::F64(self.float(item)?),
            ItemKind::Str => Item::Str(self.string(item, what)?.to_owned()),
            ItemKind::Bytes => Item::Bytes(Bytes::from(self.hex(item)?)),
            ItemKind::Fill => return Some(BodyItem::Fill(self.integer(item, what)?)),
            ItemKind::Ool => return Some(BodyItem::Ool(self.integer(item, what)?)),
            ItemKind::Port => {
                let port = self.port_ref(item, "port", LabelNeed::Any);
                let disposition = read_disposition(self, disposition.map(|(_, d)| d), value);
                return Some(BodyItem::Port {
                    port: port?,
                    disposition: disposition?,
                });
            }
        }))
    }

    /// The one type key of an item and its value; other keys are reported.
    fn item_type<'v, 'i>(
        &mut self,
        value: &Value<'_>,
        table: &'v DeTable<'i>,
    ) -> Option<(ItemKind, &'v Value<'i>)> {
        let mut found: Option<(ItemKind, &'v Value<'i>)> = None;
        let mut complete = true;
        for (key, item) in in_file_order(table) {
            let name = key.get_ref().as_ref();
            if name == "disposition" {
                continue;
            }
            match ItemKind::from_word(name) {
                Some(kind) => match found {
                    Some((first, _)) => {
                        self.sink
                            .error(key.span(), format!("a body item has one type, but this one has `{first}` and `{kind}`"))
                            .expected(ITEM_EXAMPLE)
                            .help("write one item per value");
                        complete = false;
                    }
                    None => found = Some((kind, item)),
                },
                None => {
                    let help = self
                        .suggester
                        .did_you_mean(name, spellings(ItemKind::WORDS));
                    self.sink
                        .error(key.span(), format!("unknown item type `{name}`"))
                        .expected(one_of(spellings(ItemKind::WORDS)))
                        .maybe_help(help);
                    complete = false;
                }
            }
        }
        if found.is_none() && complete {
            self.sink
                .error(value.span(), "a body item without a type")
                .expected(ITEM_EXAMPLE);
        }
        if complete { found } else { None }
    }

    /// An `f64` item: a float, or an integer (converted).
    fn float(&mut self, value: &Value<'_>) -> Option<f64> {
        match value.get_ref() {
            DeValue::Float(float) => {
                let text = float.as_str();
                // TOML writes `inf` and `nan` with an optional sign; Rust parses them the same.
                let parsed = text.parse::<f64>().ok().or_else(|| {
                    text.strip_prefix(['+', '-'])
                        .and_then(|rest| rest.parse::<f64>().ok())
                        .map(|number| {
                            if text.starts_with('-') {
                                -number
                            } else {
                                number
                            }
                        })
                });
                if parsed.is_none() {
                    self.sink
                        .error(value.span(), format!("`f64` value `{float}` does not fit"))
                        .expected("a 64-bit float");
                }
                parsed
            }
            // Every i64 has a nearest f64; the conversion rounds, as `1e20` would.
            DeValue::Integer(_) => self
                .integer::<i64>(value, "f64")
                .map(|number| number as f64),
            _ => {
                self.wrong_type(value, "`f64`", "a number, such as `1.5`");
                None
            }
        }
    }

    /// A `bytes` item: an even number of hex digits.
    pub(super) fn hex(&mut self, value: &Value<'_>) -> Option<Vec<u8>> {
        let text = self.string(value, "bytes")?;
        let expected = "an even number of hex digits, such as \"0a1b\"";
        if let Some((index, bad)) = text
            .chars()
            .enumerate()
            .find(|(_, c)| !c.is_ascii_hexdigit())
        {
            self.sink
                .error(
                    value.span(),
                    format!(
                        "`bytes` has `{bad}` at character {}, which is not a hex digit",
                        index + 1
                    ),
                )
                .expected(expected);
            return None;
        }
        if text.len() % 2 != 0 {
            self.sink
                .error(
                    value.span(),
                    format!("`bytes` has an odd number of hex digits ({})", text.len()),
                )
                .expected(expected);
            return None;
        }
        text.as_bytes()
            .chunks(2)
            .map(|pair| {
                let pair = std::str::from_utf8(pair).ok()?;
                u8::from_str_radix(pair, 16).ok()
            })
            .collect()
    }
}
