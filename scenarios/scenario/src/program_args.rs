//! Building the program a `program = "..."` task runs.
//!
//! The parser turned the task's `args` into the program's typed [`tasks::Args`] and had the
//! registry check them (`crate::syntax::parse`); what is left is to build the program.

/// The resolver [`crate::run::prepare`] takes, for the programs in `registry`:
/// builds a registered program's task from its name and the scenario's `args`.
pub fn resolver(
    registry: &tasks::Registry,
) -> impl Fn(&str, &tasks::Args) -> Result<kernel::TaskFactory, String> + '_ {
    move |name, args| {
        registry
            .build(name, args)
            .map(tasks::Program::into_factory)
            .map_err(|e| e.to_string())
    }
}
