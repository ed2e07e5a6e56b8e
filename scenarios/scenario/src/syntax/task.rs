//! Reading a `[[task]]`: its name, start, and what it runs, a script of steps or a
//! registered program with its arguments.
//!
//! A program's `args` become the program's typed arguments here, and the registry checks
//! them as it would to build the program, so a bad argument is a diagnostic of the file,
//! at the argument, like any other.

use toml::de::{DeTable, DeValue};

use super::document::nowhere_else;
use super::reader::{Fields, Reader, Value};
use super::symbols::ScriptHandles;
use crate::model::{TaskBody, TaskSpec};
use tasks::{ArgValue, Args, BuildError};

const TASK_KEYS: &[&str] = &["name", "start_ms", "spawned", "steps", "program", "args"];

impl Reader<'_> {
    /// A `[[task]]`.
    pub(super) fn read_task(
        &mut self,
        value: &Value<'_>,
        programs: &tasks::Registry,
    ) -> Option<TaskSpec> {
        let Some(fields) = self.fields(value, "[[task]]", TASK_KEYS, &nowhere_else) else {
            self.symbols.tasks_incomplete = true;
            return None;
        };
        let spawned = self.optional(&fields, "spawned", false, Self::boolean);
        let name = match self.required(&fields, "name", "a task name, such as `name = \"client\"`")
        {
            Some(name) => self.new_task(name, spawned.unwrap_or(false)),
            None => {
                self.symbols.tasks_incomplete = true;
                None
            }
        };
        let start_ms = self.optional(&fields, "start_ms", 0, |reader, start, key| {
            let start_ms = reader.integer::<u64>(start, key);
            if spawned == Some(true) && start_ms.is_some_and(|ms| ms != 0) {
                reader
                    .sink
                    .error(start.span(), "`start_ms` does not apply to a spawned task")
                    .expected("no `start_ms` with `spawned = true`")
                    .help("a spawned task starts when another task's `spawn` step runs");
            }
            start_ms
        });
        let described = match &name {
            Some(name) => format!("task `{name}`"),
            None => "this task".to_owned(),
        };
        self.script = Some(ScriptHandles {
            task: name.clone(),
            spawned: spawned.unwrap_or(false),
            events: Vec::new(),
            incomplete: false,
        });
        let body = self.task_body(&fields, &described, programs);
        if let Some(script) = self.script.take()
            && matches!(body, Some(TaskBody::Steps(_)))
        {
            self.symbols.scripts.push(script);
        }
        let (line, column) = self.position(&fields.span);
        Some(TaskSpec {
            name: name?,
            start_ms: start_ms?,
            spawned: spawned?,
            body: body?,
            line,
            column,
        })
    }

    /// A task's `steps`, or its `program` and `args`.
    fn task_body(
        &mut self,
        fields: &Fields<'_, '_>,
        described: &str,
        programs: &tasks::Registry,
    ) -> Option<TaskBody> {
        let steps = fields.get("steps");
        let program = fields.get("program");
        let args = fields.get("args");
        if let (Some(args), None) = (args, program) {
            let span = fields.key_span("args").unwrap_or_else(|| args.span());
            self.sink
                .error(span, "`args` without `program`")
                .expected("`args` only next to `program = \"...\"`");
        }
        match (steps, program) {
            (Some(_), Some(_)) => {
                let span = fields
                    .key_span("program")
                    .unwrap_or_else(|| fields.span.clone());
                self.sink
                    .error(span, format!("{described} has both `steps` and `program`"))
                    .expected("either `steps` or `program`, not both");
                None
            }
            (None, None) => {
                self.sink
                    .error(
                        fields.span.clone(),
                        format!("{described} has neither `steps` nor `program`"),
                    )
                    .expected("`steps = [...]` (or [[task.steps]] blocks), or `program = \"...\"`");
                None
            }
            (Some(steps), None) => Some(TaskBody::Steps(self.read_steps(steps, 0))),
            (None, Some(program)) => {
                self.symbols.has_programs = true;
                let name = self.name(program, "program")?;
                let registered = programs.contains(name);
                if !registered {
                    self.sink
                        .error(
                            program.span(),
                            format!("no program named `{name}` is registered"),
                        )
                        .expected("the name of a registered program");
                }
                let args = match args {
                    Some(args) => self.program_args(args)?,
                    None => Args::new(),
                };
                if !registered {
                    return None;
                }
                if let Err(error) = programs.validate(name, &args) {
                    self.refused_args(fields, program, name, &error);
                    return None;
                }
                Some(TaskBody::Program {
                    name: name.to_owned(),
                    args,
                })
            }
        }
    }

    /// Reports arguments the program refused, at the argument at fault when the file
    /// writes it, else at `args`, else at `program` (an argument left out).
    fn refused_args(
        &mut self,
        fields: &Fields<'_, '_>,
        program: &Value<'_>,
        name: &str,
        error: &BuildError,
    ) {
        let argument = match error {
            BuildError::Args { error, .. } => Some(error.name()),
            BuildError::UnknownProgram { .. } => None,
        };
        let args = fields.get("args");
        let at = argument
            .zip(args)
            .and_then(|(argument, args)| match args.get_ref() {
                DeValue::Table(table) => table.get_key_value(argument).map(|(key, _)| key.span()),
                _ => None,
            })
            .or_else(|| fields.key_span("args"))
            .unwrap_or_else(|| program.span());
        self.sink.error(at, error.to_string()).expected(format!(
            "arguments that `{name}` accepts (see `docs/scenarios.md`)"
        ));
    }

    /// A program's `args`, as the program's typed arguments.
    fn program_args(&mut self, value: &Value<'_>) -> Option<Args> {
        match value.get_ref() {
            DeValue::Table(table) => self.arg_table(table),
            _ => {
                self.wrong_type(value, "`args`", "a table");
                None
            }
        }
    }

    /// A table of arguments (`args`, or a table inside it).
    fn arg_table(&mut self, table: &DeTable<'_>) -> Option<Args> {
        let mut args = Args::new();
        let mut complete = true;
        for (key, value) in table.iter() {
            match self.arg_value(value, key.get_ref()) {
                Some(value) => {
                    args.insert(key.get_ref(), value);
                }
                None => complete = false,
            }
        }
        complete.then_some(args)
    }

    /// One argument's value, under `key`; integers must fit TOML's `i64`, and a date,
    /// which no argument type holds, is refused.
    ///
    /// Recursion is bounded: the text was checked to nest at most `MAX_NESTING` deep.
    fn arg_value(&mut self, value: &Value<'_>, key: &str) -> Option<ArgValue> {
        Some(match value.get_ref() {
            DeValue::String(text) => ArgValue::Str(text.to_string()),
            DeValue::Integer(_) => ArgValue::Int(self.integer::<i64>(value, "args")?),
            DeValue::Float(float) => match float.as_str().parse::<f64>() {
                Ok(number) => ArgValue::Float(number),
                Err(_) => {
                    self.sink
                        .error(value.span(), format!("float `{float}` does not fit"))
                        .expected("a 64-bit float");
                    return None;
                }
            },
            DeValue::Boolean(flag) => ArgValue::Bool(*flag),
            DeValue::Datetime(_) => {
                self.sink
                    .error(value.span(), format!("argument `{key}` is a date"))
                    .expected("a number, string, boolean, list or table");
                return None;
            }
            DeValue::Array(array) => {
                let items: Vec<Option<ArgValue>> =
                    array.iter().map(|item| self.arg_value(item, key)).collect();
                ArgValue::List(items.into_iter().collect::<Option<_>>()?)
            }
            DeValue::Table(table) => ArgValue::Table(self.arg_table(table)?),
        })
    }
}
