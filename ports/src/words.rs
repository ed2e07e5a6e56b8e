//! Fixed words: enums spelled one way in code, traces and scenario files.
//!
//! Traces and scenario files carry fixed words (right kinds, reasons, call names)
//! where the code carries enums. [`word_enum!`](crate::word_enum) declares such an
//! enum with each variant's spelling written once: that one literal is both serde's
//! name for the variant (so JSON writes the word, and the binary form its index)
//! and what `as_str`, `Display` and `from_name` use, so the two cannot drift apart.

/// Declares a fieldless enum of fixed words, each variant spelled once.
///
/// ```
/// ports::word_enum! {
///     /// Which way a door swings.
///     pub enum Swing {
///         /// Into the room.
///         Inward = "inward",
///         /// Out of it.
///         Outward = "outward",
///     }
/// }
/// assert_eq!(Swing::Inward.as_str(), "inward");
/// assert_eq!(Swing::from_name("outward"), Some(Swing::Outward));
/// assert_eq!(Swing::ALL.len(), 2);
/// ```
///
/// The enum derives `Clone`, `Copy`, `Debug`, `PartialEq`, `Eq`, `PartialOrd`, `Ord`,
/// `Hash`, and serde's `Serialize` and `Deserialize` (the crate using the macro
/// must depend on `serde`); it gets `ALL` (every value, in declaration order, which
/// is also the binary form's variant order), `as_str`, `from_name` and `Display`.
#[macro_export]
macro_rules! word_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $( $(#[$variant_meta:meta])* $variant:ident = $word:literal, )+
        }
    ) => {
        $(#[$meta])*
        #[derive(
            Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash,
            ::serde::Serialize, ::serde::Deserialize,
        )]
        $vis enum $name {
            $( $(#[$variant_meta])* #[serde(rename = $word)] $variant, )+
        }

        impl $name {
            /// Every value, in declaration order (the binary form's variant order).
            pub const ALL: [$name; [$($word),+].len()] = [$($name::$variant),+];

            /// The word, as traces and scenario files spell it.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $word,)+
                }
            }

            /// The value spelled `word`, if there is one.
            pub fn from_name(word: &str) -> ::core::option::Option<$name> {
                $name::ALL.into_iter().find(|value| value.as_str() == word)
            }
        }

        impl ::core::fmt::Display for $name {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use crate::service::{Access, PipeMode};
    use crate::{NotificationKind, PortType};
    use serde::{Serialize, de::DeserializeOwned};
    use serde_json::Value;

    /// Serde writes each value as the word `as_str` spells, and reads it back.
    fn check<T: Serialize + DeserializeOwned + PartialEq + std::fmt::Debug>(
        values: &[T],
        as_str: fn(&T) -> &'static str,
    ) {
        for value in values {
            let word = Value::String(as_str(value).to_string());
            assert_eq!(serde_json::to_value(value).expect("serialises"), word);
            let back: T = serde_json::from_value(word).expect("reads back");
            assert_eq!(&back, value);
        }
    }

    #[test]
    fn serde_writes_each_word_as_as_str_spells_it_and_reads_it_back() {
        check(&PortType::ALL, |v| v.as_str());
        check(&NotificationKind::ALL, |v| v.as_str());
        check(&PipeMode::ALL, |v| v.as_str());
        check(&Access::ALL, |v| v.as_str());
        assert_eq!(PortType::ReceiveSend.to_string(), "receive+send");
        assert_eq!(PortType::from_name("port_set"), Some(PortType::PortSet));
        assert_eq!(PortType::from_name("receive_send"), None);
    }
}
