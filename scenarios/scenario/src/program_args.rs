//! Converting a scenario's `args` table into a program's [`tasks::Args`].

use tasks::{ArgValue, Args};

/// Converts TOML values to program arguments. Dates and times have no argument
/// type; they are refused with the key that holds one.
///
/// # Errors
/// The key whose value has no argument type.
pub fn from_toml(table: &toml::Table) -> Result<Args, String> {
    let mut args = Args::new();
    for (key, value) in table {
        args.insert(key, convert(key, value)?);
    }
    Ok(args)
}

/// The resolver [`crate::run::prepare`] takes, for the programs in `registry`:
/// builds a registered program's task from its name and the scenario's `args`.
pub fn resolver(
    registry: &tasks::Registry,
) -> impl Fn(&str, &toml::Table) -> Result<kernel::TaskFactory, String> + '_ {
    move |name, table| {
        let args = from_toml(table).map_err(|e| format!("program `{name}`: {e}"))?;
        registry
            .build(name, &args)
            .map(tasks::Program::into_factory)
            .map_err(|e| e.to_string())
    }
}

fn convert(key: &str, value: &toml::Value) -> Result<ArgValue, String> {
    Ok(match value {
        toml::Value::Integer(i) => ArgValue::Int(*i),
        toml::Value::Boolean(b) => ArgValue::Bool(*b),
        toml::Value::Float(f) => ArgValue::Float(*f),
        toml::Value::String(s) => ArgValue::Str(s.clone()),
        toml::Value::Array(items) => ArgValue::List(
            items
                .iter()
                .map(|v| convert(key, v))
                .collect::<Result<_, _>>()?,
        ),
        toml::Value::Table(table) => ArgValue::Table(from_toml(table)?),
        toml::Value::Datetime(_) => {
            return Err(format!(
                "argument `{key}` is a date; expected a number, string, boolean, list or table"
            ));
        }
    })
}
