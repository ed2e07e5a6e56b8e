//! Reading message bodies: one-key tables such as `{ u32 = 7 }`, in order.
//!
//! The same reader serves a `send`'s `body` and a `receive`'s `expect_body`; the one
//! difference is that a port item to compare may leave out its disposition.

use toml::de::{DeTable, DeValue};

use super::reader::{Reader, Value, in_file_order, quoted_words};
use super::suggest::one_of;
use super::symbols::LabelNeed;
use crate::model::{BodyItem, Disposition, ItemKind};

/// The example every body diagnostic shows.
const ITEM_EXAMPLE: &str =
    "a one-key table such as `{ u32 = 7 }` or `{ port = \"reply\", disposition = \"make_send\" }`";

impl Reader<'_> {
    /// A list of body items. `expecting` is true for `expect_body`.
    pub(super) fn read_body(
        &mut self,
        value: &Value<'_>,
        what: &str,
        expecting: bool,
    ) -> Option<Vec<BodyItem>> {
        let DeValue::Array(array) = value.get_ref() else {
            self.wrong_type(
                value,
                &format!("`{what}`"),
                &format!("an array of items, each {ITEM_EXAMPLE}"),
            );
            return None;
        };
        let items: Vec<Option<BodyItem>> = array
            .iter()
            .map(|item| self.body_item(item, expecting))
            .collect();
        items.into_iter().collect()
    }

    /// One body item.
    fn body_item(&mut self, value: &Value<'_>, expecting: bool) -> Option<BodyItem> {
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
        Some(match kind {
            ItemKind::U8 => BodyItem::U8(self.integer(item, what)?),
            ItemKind::U16 => BodyItem::U16(self.integer(item, what)?),
            ItemKind::U32 => BodyItem::U32(self.integer(item, what)?),
            ItemKind::U64 => BodyItem::U64(self.integer(item, what)?),
            ItemKind::I8 => BodyItem::I8(self.integer(item, what)?),
            ItemKind::I16 => BodyItem::I16(self.integer(item, what)?),
            ItemKind::I32 => BodyItem::I32(self.integer(item, what)?),
            ItemKind::I64 => BodyItem::I64(self.integer(item, what)?),
            ItemKind::Bool => BodyItem::Bool(self.boolean(item, what)?),
            ItemKind::F64 => BodyItem::F64(self.float(item)?),
            ItemKind::Str => BodyItem::Str(self.string(item, what)?.to_owned()),
            ItemKind::Bytes => BodyItem::Bytes(self.hex(item)?),
            ItemKind::Fill => BodyItem::Fill(self.integer(item, what)?),
            ItemKind::Ool => BodyItem::Ool(self.integer(item, what)?),
            ItemKind::Port => {
                let port = self.port_ref(item, "port", LabelNeed::Any);
                let disposition = match disposition {
                    Some((_, disposition)) => self
                        .keyword::<Disposition>(disposition, "disposition")
                        .map(Some),
                    None if expecting => Some(None),
                    None => {
                        self.sink
                            .error(
                                value.span(),
                                "a port item in a message needs a `disposition`",
                            )
                            .expected(format!(
                                "`disposition = ...`, {}",
                                quoted_words::<Disposition>()
                            ));
                        None
                    }
                };
                BodyItem::Port {
                    port: port?,
                    disposition: disposition?,
                }
            }
        })
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
            match name.parse::<ItemKind>() {
                Ok(kind) => match found {
                    Some((first, _)) => {
                        self.sink
                            .error(key.span(), format!("a body item has one type, but this one has `{first}` and `{kind}`"))
                            .expected(ITEM_EXAMPLE)
                            .help("write one item per value");
                        complete = false;
                    }
                    None => found = Some((kind, item)),
                },
                Err(_) => {
                    let candidates = ItemKind::ALL.iter().map(|kind| kind.as_str());
                    let help = self.suggester.did_you_mean(name, candidates);
                    self.sink
                        .error(key.span(), format!("unknown item type `{name}`"))
                        .expected(one_of(ItemKind::ALL.iter().map(|kind| kind.as_str())))
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
