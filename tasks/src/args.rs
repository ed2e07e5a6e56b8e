//! Program arguments: a scenario's `args` table, typed, without TOML.
//!
//! A scenario file gives a program its arguments as a TOML table; the `scenarios`
//! crate converts that table into [`Args`] so that programs (and this crate) need no
//! TOML parser. Every getter returns a typed [`ArgError`] naming the argument, so a
//! bad argument is a diagnostic before the run, never a panic during it.

use std::collections::BTreeMap;
use std::fmt;

/// One argument's value, as TOML can write it (dates excepted).
#[derive(Clone, Debug, PartialEq)]
pub enum ArgValue {
    /// An integer (TOML integers are 64-bit signed).
    Int(i64),
    /// A boolean.
    Bool(bool),
    /// A floating-point number.
    Float(f64),
    /// A string.
    Str(String),
    /// An array.
    List(Vec<ArgValue>),
    /// A table (a TOML inline table such as `{ timeout_ms = 5 }`).
    Table(Args),
}

impl ArgValue {
    /// The value's type, for error messages and argument checks.
    pub fn ty(&self) -> ArgType {
        match self {
            ArgValue::Int(_) => ArgType::Int,
            ArgValue::Bool(_) => ArgType::Bool,
            ArgValue::Float(_) => ArgType::Float,
            ArgValue::Str(_) => ArgType::Str,
            ArgValue::List(_) => ArgType::List,
            ArgValue::Table(_) => ArgType::Table,
        }
    }
}

impl fmt::Display for ArgValue {
    /// Writes the value as TOML would, so error messages quote what the user wrote.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ArgValue::Int(n) => write!(f, "{n}"),
            ArgValue::Bool(b) => write!(f, "{b}"),
            ArgValue::Float(x) => write!(f, "{x:?}"),
            ArgValue::Str(s) => write!(f, "{s:?}"),
            ArgValue::List(items) => {
                f.write_str("[")?;
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{item}")?;
                }
                f.write_str("]")
            }
            ArgValue::Table(table) => {
                f.write_str("{")?;
                for (i, (name, value)) in table.iter().enumerate() {
                    f.write_str(if i > 0 { ", " } else { " " })?;
                    write!(f, "{name} = {value}")?;
                }
                f.write_str(if table.is_empty() { "}" } else { " }" })
            }
        }
    }
}

impl From<i64> for ArgValue {
    fn from(n: i64) -> Self {
        ArgValue::Int(n)
    }
}

impl From<i32> for ArgValue {
    fn from(n: i32) -> Self {
        ArgValue::Int(i64::from(n))
    }
}

impl From<u32> for ArgValue {
    fn from(n: u32) -> Self {
        ArgValue::Int(i64::from(n))
    }
}

impl From<bool> for ArgValue {
    fn from(b: bool) -> Self {
        ArgValue::Bool(b)
    }
}

impl From<f64> for ArgValue {
    fn from(x: f64) -> Self {
        ArgValue::Float(x)
    }
}

impl From<&str> for ArgValue {
    fn from(s: &str) -> Self {
        ArgValue::Str(s.to_string())
    }
}

impl From<String> for ArgValue {
    fn from(s: String) -> Self {
        ArgValue::Str(s)
    }
}

impl From<Vec<ArgValue>> for ArgValue {
    fn from(items: Vec<ArgValue>) -> Self {
        ArgValue::List(items)
    }
}

impl From<Args> for ArgValue {
    fn from(table: Args) -> Self {
        ArgValue::Table(table)
    }
}

/// The type an argument must have; documents an argument and checks its value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ArgType {
    /// An integer.
    Int,
    /// A boolean.
    Bool,
    /// A number; an integer is accepted too, as TOML authors write `1` for `1.0`.
    Float,
    /// A string.
    Str,
    /// An array.
    List,
    /// A table.
    Table,
    /// Anything: the program checks the value itself.
    Any,
}

impl ArgType {
    /// True if a value of type `found` is acceptable where `self` is expected.
    pub fn accepts(self, found: ArgType) -> bool {
        self == ArgType::Any || self == found || (self == ArgType::Float && found == ArgType::Int)
    }

    /// The type's name as an error message or a program listing says it.
    pub fn as_str(self) -> &'static str {
        match self {
            ArgType::Int => "integer",
            ArgType::Bool => "boolean",
            ArgType::Float => "number",
            ArgType::Str => "string",
            ArgType::List => "list",
            ArgType::Table => "table",
            ArgType::Any => "any value",
        }
    }

    fn with_article(self) -> &'static str {
        match self {
            ArgType::Int => "an integer",
            ArgType::Bool => "a boolean",
            ArgType::Float => "a number",
            ArgType::Str => "a string",
            ArgType::List => "a list",
            ArgType::Table => "a table",
            ArgType::Any => "any value",
        }
    }
}

impl fmt::Display for ArgType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why an argument cannot be used; each variant names the argument.
///
/// Returned before the run (by [`Registry::build`](crate::Registry::build) and by the
/// programs' own `from_args`), so nothing has happened yet when one is reported.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ArgError {
    /// A required argument is absent.
    Missing {
        /// The argument's name.
        name: String,
        /// The type it must have.
        expected: ArgType,
    },
    /// An argument's value has another type.
    WrongType {
        /// The argument's name.
        name: String,
        /// The type it must have.
        expected: ArgType,
        /// The type it has.
        found: ArgType,
    },
    /// An argument has the right type but a value the program cannot use.
    Invalid {
        /// The argument's name.
        name: String,
        /// The value as written (TOML syntax).
        value: String,
        /// What is wrong and what would be right, e.g. `must not be negative`.
        reason: String,
    },
    /// An argument the program does not take (usually a typo).
    Unknown {
        /// The argument's name.
        name: String,
        /// The names the program does take, in the order it documents them.
        known: Vec<String>,
    },
}

impl ArgError {
    /// The name of the argument at fault, so a diagnostic can point at its key.
    pub fn name(&self) -> &str {
        match self {
            ArgError::Missing { name, .. }
            | ArgError::WrongType { name, .. }
            | ArgError::Invalid { name, .. }
            | ArgError::Unknown { name, .. } => name,
        }
    }

    /// An [`ArgError::Invalid`] for `name`, whose value is `value`.
    pub fn invalid(name: &str, value: &ArgValue, reason: impl Into<String>) -> ArgError {
        ArgError::Invalid {
            name: name.to_string(),
            value: value.to_string(),
            reason: reason.into(),
        }
    }
}

impl fmt::Display for ArgError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ArgError::Missing { name, expected } => {
                write!(f, "missing argument `{name}` ({})", expected.with_article())
            }
            ArgError::WrongType {
                name,
                expected,
                found,
            } => write!(
                f,
                "argument `{name}` must be {}, not {}",
                expected.with_article(),
                found.with_article()
            ),
            ArgError::Invalid {
                name,
                value,
                reason,
            } => write!(f, "argument `{name}` = {value}: {reason}"),
            ArgError::Unknown { name, known } if known.is_empty() => {
                write!(f, "unknown argument `{name}`: this program takes none")
            }
            ArgError::Unknown { name, known } => {
                write!(f, "unknown argument `{name}`: this program takes ")?;
                for (i, k) in known.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "`{k}`")?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for ArgError {}

/// A program's arguments by name, in name order so nothing depends on hashing.
///
/// # Examples
/// ```
/// use tasks::{ArgError, Args};
///
/// let args = Args::new().with("count", 3).with("port", "requests");
/// assert_eq!(args.u64_or("count", 10), Ok(3));
/// assert_eq!(args.str_or("port", "inbox"), Ok("requests"));
/// assert_eq!(args.opt_bool("verbose"), Ok(None));
/// let err = args.bool("port").unwrap_err();
/// assert_eq!(err.name(), "port");
/// assert_eq!(err.to_string(), "argument `port` must be a boolean, not a string");
/// assert!(matches!(args.u64("size"), Err(ArgError::Missing { .. })));
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Args {
    values: BTreeMap<String, ArgValue>,
}

impl Args {
    /// No arguments.
    pub fn new() -> Args {
        Args::default()
    }

    /// These arguments plus `name = value` (replacing any earlier value), for tests
    /// and for building arguments in code.
    #[must_use]
    pub fn with(mut self, name: &str, value: impl Into<ArgValue>) -> Args {
        self.insert(name, value);
        self
    }

    /// Sets `name = value`, returning the value it replaces.
    pub fn insert(&mut self, name: &str, value: impl Into<ArgValue>) -> Option<ArgValue> {
        self.values.insert(name.to_string(), value.into())
    }

    /// The value of `name`, if given.
    pub fn get(&self, name: &str) -> Option<&ArgValue> {
        self.values.get(name)
    }

    /// True if `name` is given.
    pub fn contains(&self, name: &str) -> bool {
        self.values.contains_key(name)
    }

    /// Every argument, in name order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &ArgValue)> {
        self.values.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// How many arguments are given.
    pub fn len(&self) -> usize {
        self.values.len()
    }

    /// True if no argument is given.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// `name` as an integer, if given.
    ///
    /// # Errors
    /// [`ArgError::WrongType`] if it is not an integer.
    pub fn opt_int(&self, name: &str) -> Result<Option<i64>, ArgError> {
        self.typed(name, ArgType::Int, |v| match v {
            ArgValue::Int(n) => Some(*n),
            _ => None,
        })
    }

    /// `name` as an integer; it must be given.
    ///
    /// # Errors
    /// [`ArgError::Missing`] or [`ArgError::WrongType`].
    pub fn int(&self, name: &str) -> Result<i64, ArgError> {
        required(name, ArgType::Int, self.opt_int(name)?)
    }

    /// `name` as an integer, or `default` if not given.
    ///
    /// # Errors
    /// [`ArgError::WrongType`] if it is not an integer.
    pub fn int_or(&self, name: &str, default: i64) -> Result<i64, ArgError> {
        Ok(self.opt_int(name)?.unwrap_or(default))
    }

    /// `name` as a non-negative integer (a count, a size, milliseconds), if given.
    ///
    /// # Errors
    /// [`ArgError::WrongType`] if it is not an integer, [`ArgError::Invalid`] if it
    /// is negative.
    pub fn opt_u64(&self, name: &str) -> Result<Option<u64>, ArgError> {
        match self.opt_int(name)? {
            None => Ok(None),
            Some(n) => u64::try_from(n)
                .map(Some)
                .map_err(|_| ArgError::invalid(name, &ArgValue::Int(n), "must not be negative")),
        }
    }

    /// `name` as a non-negative integer; it must be given.
    ///
    /// # Errors
    /// [`ArgError::Missing`], [`ArgError::WrongType`] or [`ArgError::Invalid`].
    pub fn u64(&self, name: &str) -> Result<u64, ArgError> {
        required(name, ArgType::Int, self.opt_u64(name)?)
    }

    /// `name` as a non-negative integer, or `default` if not given.
    ///
    /// # Errors
    /// [`ArgError::WrongType`] or [`ArgError::Invalid`].
    pub fn u64_or(&self, name: &str, default: u64) -> Result<u64, ArgError> {
        Ok(self.opt_u64(name)?.unwrap_or(default))
    }

    /// `name` as a boolean, if given.
    ///
    /// # Errors
    /// [`ArgError::WrongType`] if it is not a boolean.
    pub fn opt_bool(&self, name: &str) -> Result<Option<bool>, ArgError> {
        self.typed(name, ArgType::Bool, |v| match v {
            ArgValue::Bool(b) => Some(*b),
            _ => None,
        })
    }

    /// `name` as a boolean; it must be given.
    ///
    /// # Errors
    /// [`ArgError::Missing`] or [`ArgError::WrongType`].
    pub fn bool(&self, name: &str) -> Result<bool, ArgError> {
        required(name, ArgType::Bool, self.opt_bool(name)?)
    }

    /// `name` as a boolean, or `default` if not given.
    ///
    /// # Errors
    /// [`ArgError::WrongType`] if it is not a boolean.
    pub fn bool_or(&self, name: &str, default: bool) -> Result<bool, ArgError> {
        Ok(self.opt_bool(name)?.unwrap_or(default))
    }

    /// `name` as a number (an integer converts), if given.
    ///
    /// # Errors
    /// [`ArgError::WrongType`] if it is not a number.
    pub fn opt_float(&self, name: &str) -> Result<Option<f64>, ArgError> {
        self.typed(name, ArgType::Float, |v| match v {
            ArgValue::Float(x) => Some(*x),
            // TOML integers are exactly representable up to 2^53; past that the
            // nearest float is what anyone writing such a number means.
            ArgValue::Int(n) => Some(*n as f64),
            _ => None,
        })
    }

    /// `name` as a number; it must be given.
    ///
    /// # Errors
    /// [`ArgError::Missing`] or [`ArgError::WrongType`].
    pub fn float(&self, name: &str) -> Result<f64, ArgError> {
        required(name, ArgType::Float, self.opt_float(name)?)
    }

    /// `name` as a number, or `default` if not given.
    ///
    /// # Errors
    /// [`ArgError::WrongType`] if it is not a number.
    pub fn float_or(&self, name: &str, default: f64) -> Result<f64, ArgError> {
        Ok(self.opt_float(name)?.unwrap_or(default))
    }

    /// `name` as a string, if given.
    ///
    /// # Errors
    /// [`ArgError::WrongType`] if it is not a string.
    pub fn opt_str(&self, name: &str) -> Result<Option<&str>, ArgError> {
        self.typed(name, ArgType::Str, |v| match v {
            ArgValue::Str(s) => Some(s.as_str()),
            _ => None,
        })
    }

    /// `name` as a string; it must be given.
    ///
    /// # Errors
    /// [`ArgError::Missing`] or [`ArgError::WrongType`].
    pub fn str(&self, name: &str) -> Result<&str, ArgError> {
        required(name, ArgType::Str, self.opt_str(name)?)
    }

    /// `name` as a string, or `default` if not given.
    ///
    /// # Errors
    /// [`ArgError::WrongType`] if it is not a string.
    pub fn str_or<'a>(&'a self, name: &str, default: &'a str) -> Result<&'a str, ArgError> {
        Ok(self.opt_str(name)?.unwrap_or(default))
    }

    /// `name` as a list, if given.
    ///
    /// # Errors
    /// [`ArgError::WrongType`] if it is not a list.
    pub fn opt_list(&self, name: &str) -> Result<Option<&[ArgValue]>, ArgError> {
        self.typed(name, ArgType::List, |v| match v {
            ArgValue::List(items) => Some(items.as_slice()),
            _ => None,
        })
    }

    /// `name` as a list; it must be given.
    ///
    /// # Errors
    /// [`ArgError::Missing`] or [`ArgError::WrongType`].
    pub fn list(&self, name: &str) -> Result<&[ArgValue], ArgError> {
        required(name, ArgType::List, self.opt_list(name)?)
    }

    /// `name` as a table, if given.
    ///
    /// # Errors
    /// [`ArgError::WrongType`] if it is not a table.
    pub fn opt_table(&self, name: &str) -> Result<Option<&Args>, ArgError> {
        self.typed(name, ArgType::Table, |v| match v {
            ArgValue::Table(table) => Some(table),
            _ => None,
        })
    }

    /// The value of `name` through `pick`, or `WrongType` when `pick` refuses it.
    fn typed<'a, T>(
        &'a self,
        name: &str,
        expected: ArgType,
        pick: impl FnOnce(&'a ArgValue) -> Option<T>,
    ) -> Result<Option<T>, ArgError> {
        let Some(value) = self.values.get(name) else {
            return Ok(None);
        };
        pick(value).map(Some).ok_or_else(|| ArgError::WrongType {
            name: name.to_string(),
            expected,
            found: value.ty(),
        })
    }
}

fn required<T>(name: &str, expected: ArgType, value: Option<T>) -> Result<T, ArgError> {
    value.ok_or_else(|| ArgError::Missing {
        name: name.to_string(),
        expected,
    })
}

impl FromIterator<(String, ArgValue)> for Args {
    fn from_iter<I: IntoIterator<Item = (String, ArgValue)>>(iter: I) -> Self {
        Args {
            values: iter.into_iter().collect(),
        }
    }
}

impl From<BTreeMap<String, ArgValue>> for Args {
    fn from(values: BTreeMap<String, ArgValue>) -> Self {
        Args { values }
    }
}
