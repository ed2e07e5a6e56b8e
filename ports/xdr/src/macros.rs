//! Declaring XDR structs, enums and unions as Rust types, the way `rpcgen` turns
//! a `.x` file into C: the declaration reads like the XDR one, and the
//! generated [`Xdr`](crate::Xdr) implementation follows RFC 4506 §4.14, §4.3 and
//! §4.15.

/// Declares a struct whose XDR encoding is its fields in declaration order
/// (RFC 4506 §4.14).
///
/// Each field's type says its XDR type (`u32` is `unsigned int`,
/// `Bounded<String, 255>` is `string<255>`, …). Attributes (derives, docs) pass
/// through to the struct and its fields.
///
/// ```
/// xdr::xdr_struct! {
///     /// RFC 1833's `mapping`.
///     #[derive(Clone, Debug, PartialEq)]
///     pub struct Mapping { pub prog: u32, pub vers: u32, pub prot: u32, pub port: u32 }
/// }
/// use xdr::Xdr;
/// let bytes = Mapping { prog: 100_000, vers: 2, prot: 17, port: 111 }.to_bytes().unwrap();
/// assert_eq!(bytes.len(), 16);
/// ```
#[macro_export]
macro_rules! xdr_struct {
    (
        $(#[$meta:meta])*
        $vis:vis struct $name:ident {
            $( $(#[$field_meta:meta])* $field_vis:vis $field:ident : $ty:ty ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        $vis struct $name {
            $( $(#[$field_meta])* $field_vis $field: $ty, )+
        }

        impl $crate::Xdr for $name {
            fn encode(&self, encoder: &mut $crate::Encoder) -> Result<(), $crate::Error> {
                $( $crate::Xdr::encode(&self.$field, encoder)?; )+
                Ok(())
            }

            fn decode(decoder: &mut $crate::Decoder<'_>) -> Result<Self, $crate::Error> {
                // Struct expressions evaluate their fields in the order written.
                Ok(Self { $( $field: $crate::Xdr::decode(decoder)?, )+ })
            }
        }
    };
}

/// Declares an enumeration: an `int` that may hold only the declared values
/// (RFC 4506 §4.3).
///
/// Each variant has its value and, optionally, its name in the protocol's
/// definition (`ProgUnavail = 1 => "PROG_UNAVAIL"`), which `name()` and
/// `Display` give (the variant's own name otherwise). The macro derives `Clone`,
/// `Copy`, `Debug`, `PartialEq`, `Eq`, `Hash`, `PartialOrd` and `Ord`, and adds
/// `ALL`, `value()`, `from_value()` and `name()`; decoding any other value is
/// [`Error::UnknownEnumValue`](crate::Error::UnknownEnumValue). An enum can be a
/// union's discriminant.
///
/// ```
/// xdr::xdr_enum! {
///     pub enum Filekind { Text = 0 => "TEXT", Data = 1 => "DATA", Exec = 2 => "EXEC" }
/// }
/// assert_eq!(Filekind::Exec.value(), 2);
/// assert_eq!(Filekind::from_value(1), Some(Filekind::Data));
/// assert_eq!(Filekind::Text.to_string(), "TEXT");
/// ```
#[macro_export]
macro_rules! xdr_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $( $(#[$variant_meta:meta])* $variant:ident = $value:expr $(=> $rfc_name:literal)? ),+
            $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[repr(i32)]
        $vis enum $name {
            $( $(#[$variant_meta])* $variant = $value, )+
        }

        #[allow(dead_code, unreachable_pub)]
        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The value on the wire.
            pub const fn value(self) -> i32 {
                self as i32
            }

            /// The variant with this value, if any.
            pub fn from_value(value: i32) -> Option<Self> {
                Self::ALL.iter().copied().find(|variant| variant.value() == value)
            }

            /// The name the protocol's definition gives this value.
            pub const fn name(self) -> &'static str {
                match self {
                    $( $name::$variant => $crate::__xdr_name!($variant $(, $rfc_name)?), )+
                }
            }
        }

        impl ::core::fmt::Display for $name {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.write_str(self.name())
            }
        }

        impl $crate::Xdr for $name {
            fn encode(&self, encoder: &mut $crate::Encoder) -> Result<(), $crate::Error> {
                encoder.int(self.value());
                Ok(())
            }

            fn decode(decoder: &mut $crate::Decoder<'_>) -> Result<Self, $crate::Error> {
                let offset = decoder.offset();
                let value = decoder.int()?;
                Self::from_value(value).ok_or($crate::Error::UnknownEnumValue {
                    offset,
                    name: stringify!($name),
                    value,
                })
            }
        }

        impl $crate::Discriminant for $name {
            fn as_i64(self) -> i64 {
                i64::from(self.value())
            }
        }
    };
}

/// Declares a discriminated union: a discriminant, then the arm it selects
/// (RFC 4506 §4.15), as a Rust enum with one variant per arm.
///
/// The discriminant type is `i32`, `u32`, `bool` or an [`xdr_enum!`] type. Each
/// `case VALUE => Variant(Type)` is one arm (`case VALUE => Variant` for a `void`
/// arm); an optional last `default => Variant` or `default => Variant(Type)`
/// takes every other value and keeps it as the variant's first field. Decoding
/// a discriminant with no arm when there is no default is
/// [`Error::UnknownDiscriminant`](crate::Error::UnknownDiscriminant). Attributes
/// on the union pass through; put a default arm's attributes after its `=>`.
/// The macro adds `discriminant()`.
///
/// ```
/// xdr::xdr_enum! { pub enum Filekind { Text = 0, Data = 1, Exec = 2 } }
/// xdr::xdr_union! {
///     #[derive(Clone, Debug, PartialEq)]
///     pub union Filetype switch (Filekind) {
///         case Filekind::Text => Text,
///         case Filekind::Data => Data(xdr::Bounded<String, 255>),
///         case Filekind::Exec => Exec(xdr::Bounded<String, 255>),
///     }
/// }
/// use xdr::Xdr;
/// assert_eq!(Filetype::Text.to_bytes().unwrap().as_ref(), [0, 0, 0, 0]);
/// assert_eq!(Filetype::Text.discriminant(), Filekind::Text);
/// ```
#[macro_export]
macro_rules! xdr_union {
    (
        $(#[$meta:meta])*
        $vis:vis union $name:ident switch ($disc:ty) {
            $( $(#[$arm_meta:meta])* case $value:expr => $variant:ident $( ( $arm:ty ) )? ),+
            $(, default => $(#[$default_meta:meta])* $default:ident $( ( $default_arm:ty ) )? )?
            $(,)?
        }
    ) => {
        $(#[$meta])*
        $vis enum $name {
            $( $(#[$arm_meta])* $variant $( ($arm) )?, )+
            $( $(#[$default_meta])* $default($disc $(, $default_arm)?), )?
        }

        #[allow(dead_code, unreachable_pub)]
        impl $name {
            /// The discriminants that have an arm of their own.
            const CASES: &'static [$disc] = &[$($value),+];

            /// The discriminant that selects this arm.
            pub fn discriminant(&self) -> $disc {
                match self {
                    $( $name::$variant { .. } => $value, )+
                    $( $name::$default { 0: discriminant, .. } => *discriminant, )?
                }
            }
        }

        impl $crate::Xdr for $name {
            fn encode(&self, encoder: &mut $crate::Encoder) -> Result<(), $crate::Error> {
                let discriminant = self.discriminant();
                $(
                    if matches!(self, $name::$default { .. }) && Self::CASES.contains(&discriminant) {
                        return Err($crate::Error::MisplacedDefault {
                            offset: encoder.len(),
                            name: stringify!($name),
                            value: $crate::Discriminant::as_i64(discriminant),
                        });
                    }
                )?
                $crate::Xdr::encode(&discriminant, encoder)?;
                match self {
                    $( $crate::__xdr_arm!(@pattern $name::$variant, payload $(, $arm)?) => {
                        $crate::__xdr_arm!(@encode encoder, payload $(, $arm)?)
                    } )+
                    $( $crate::__xdr_arm!(@default_pattern $name::$default, payload $(, $default_arm)?) => {
                        $crate::__xdr_arm!(@encode encoder, payload $(, $default_arm)?)
                    } )?
                }
            }

            fn decode(decoder: &mut $crate::Decoder<'_>) -> Result<Self, $crate::Error> {
                let offset = decoder.offset();
                let discriminant: $disc = $crate::Xdr::decode(decoder)?;
                $(
                    if discriminant == $value {
                        return Ok($crate::__xdr_arm!(@decode decoder, $name::$variant $(, $arm)?));
                    }
                )+
                $crate::__xdr_arm!(
                    @otherwise decoder, offset, discriminant, $name $(, $default $(, $default_arm)?)?
                )
            }
        }
    };
}

/// The protocol's name of an enum value: the one given, or the variant's own.
#[doc(hidden)]
#[macro_export]
macro_rules! __xdr_name {
    ($variant:ident) => {
        stringify!($variant)
    };
    ($variant:ident, $rfc_name:literal) => {
        $rfc_name
    };
}

/// The pieces of [`xdr_union!`] that differ between a `void` arm and an arm with
/// data. Bindings are named by the caller, so hygiene keeps them visible.
#[doc(hidden)]
#[macro_export]
macro_rules! __xdr_arm {
    (@pattern $name:ident :: $variant:ident, $payload:ident) => {
        $name::$variant
    };
    (@pattern $name:ident :: $variant:ident, $payload:ident, $arm:ty) => {
        $name::$variant($payload)
    };
    (@default_pattern $name:ident :: $variant:ident, $payload:ident) => {
        $name::$variant(_)
    };
    (@default_pattern $name:ident :: $variant:ident, $payload:ident, $arm:ty) => {
        $name::$variant(_, $payload)
    };
    (@encode $encoder:ident, $payload:ident) => {
        Ok(())
    };
    (@encode $encoder:ident, $payload:ident, $arm:ty) => {
        $crate::Xdr::encode($payload, $encoder)
    };
    (@decode $decoder:ident, $name:ident :: $variant:ident) => {
        $name::$variant
    };
    (@decode $decoder:ident, $name:ident :: $variant:ident, $arm:ty) => {
        $name::$variant(<$arm as $crate::Xdr>::decode($decoder)?)
    };
    (@otherwise $decoder:ident, $offset:ident, $discriminant:ident, $name:ident) => {
        Err($crate::Error::UnknownDiscriminant {
            offset: $offset,
            name: stringify!($name),
            value: $crate::Discriminant::as_i64($discriminant),
        })
    };
    (@otherwise $decoder:ident, $offset:ident, $discriminant:ident, $name:ident, $default:ident) => {{
        let _ = $offset;
        Ok($name::$default($discriminant))
    }};
    (
        @otherwise $decoder:ident, $offset:ident, $discriminant:ident, $name:ident,
        $default:ident, $arm:ty
    ) => {{
        let _ = $offset;
        Ok($name::$default(
            $discriminant,
            <$arm as $crate::Xdr>::decode($decoder)?,
        ))
    }};
}

#[cfg(test)]
mod tests;
