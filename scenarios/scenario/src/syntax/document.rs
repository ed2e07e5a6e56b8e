//! Reading the top level of a scenario file: `[scenario]`, `[[port]]`, `[[port_set]]`,
//! `[[task]]`, `[[fault]]` and `[expect]`, and the services' `[[memory]]`, `[[semaphore]]`
//! and `[[named_pipe]]`.
//!
//! Each section's keys are listed once, here, so an unknown key is always reported with
//! the valid ones and the nearest of them. Steps, body items and policies have their own
//! modules.

use std::collections::BTreeMap;

use toml::de::{DeTable, DeValue};

use super::reader::{Fields, Reader, Value, quoted_words};
use super::suggest::one_of;
use super::symbols::{LabelKind, LabelNeed, PathDecl, PortDecl, ScriptHandles, SetDecl, TaskRole};
use crate::model::{
    Capacity, DEFAULT_PIPE_CAPACITY, DEFAULT_STEP_LIMIT, DEFAULT_TIME_LIMIT_MS, ExitExpectation,
    Expect, Fault, FaultAction, Located, MAX_CAPACITY, MAX_MEMORY_SIZE, MAX_PIPE_CAPACITY,
    MemorySpec, NamedPipeSpec, NotificationKind, Outcome, PipeMode, PortRef, PortSetSpec, PortSpec,
    Scenario, Schedule, SemaphoreSpec, TaskBody, TaskSpec,
};

const SECTIONS: &[&str] = &[
    "scenario",
    "port",
    "port_set",
    "task",
    "fault",
    "expect",
    "memory",
    "semaphore",
    "named_pipe",
];
const SCENARIO_KEYS: &[&str] = &[
    "name",
    "description",
    "seed",
    "schedule",
    "time_limit_ms",
    "step_limit",
];
const PORT_KEYS: &[&str] = &["name", "receiver", "capacity", "senders"];
const PORT_SET_KEYS: &[&str] = &["name", "receiver", "members"];
const TASK_KEYS: &[&str] = &["name", "start_ms", "spawned", "steps", "program", "args"];
const FAULT_KEYS: &[&str] = &["at_ms", "kill", "destroy"];
const EXPECT_KEYS: &[&str] = &["outcome", "delivered", "queued", "exit", "notifications"];
const MEMORY_KEYS: &[&str] = &["name", "size", "holders"];
const SEMAPHORE_KEYS: &[&str] = &["name", "value", "holders"];
const NAMED_PIPE_KEYS: &[&str] = &["path", "mode", "capacity"];
const EXIT_WORDS: &[&str] = &["crashed", "killed"];

/// No key is valid in another section in a way worth explaining.
fn nowhere_else(_: &str) -> Option<String> {
    None
}

impl Reader<'_> {
    /// Reads a whole document; the model is meaningful only if no problem was recorded.
    pub(super) fn read_document(
        &mut self,
        root: &DeTable<'_>,
        source_name: &str,
        programs: &dyn Fn(&str) -> bool,
    ) -> Scenario {
        self.top_level_keys(root);
        let mut scenario = Scenario {
            source_name: source_name.to_owned(),
            name: String::new(),
            description: None,
            seed: 0,
            schedule: Schedule::default(),
            time_limit_ms: DEFAULT_TIME_LIMIT_MS,
            step_limit: DEFAULT_STEP_LIMIT,
            ports: Vec::new(),
            port_sets: Vec::new(),
            tasks: Vec::new(),
            faults: Vec::new(),
            memory: Vec::new(),
            semaphores: Vec::new(),
            named_pipes: Vec::new(),
            expect: Expect::default(),
        };
        self.read_header(root.get("scenario"), &mut scenario);
        for value in self.sections(root.get("port"), "port") {
            if let Some(port) = self.read_port(value) {
                scenario.ports.push(port);
            }
        }
        for value in self.sections(root.get("port_set"), "port_set") {
            if let Some(set) = self.read_port_set(value) {
                scenario.port_sets.push(set);
            }
        }
        for value in self.sections(root.get("memory"), "memory") {
            if let Some(memory) = self.read_memory(value) {
                scenario.memory.push(memory);
            }
        }
        for value in self.sections(root.get("semaphore"), "semaphore") {
            if let Some(semaphore) = self.read_semaphore(value) {
                scenario.semaphores.push(semaphore);
            }
        }
        for value in self.sections(root.get("named_pipe"), "named_pipe") {
            if let Some(pipe) = self.read_named_pipe(value) {
                scenario.named_pipes.push(pipe);
            }
        }
        for value in self.sections(root.get("task"), "task") {
            if let Some(task) = self.read_task(value, programs) {
                scenario.tasks.push(task);
            }
        }
        for value in self.sections(root.get("fault"), "fault") {
            if let Some(fault) = self.read_fault(value) {
                scenario.faults.push(fault);
            }
        }
        if let Some(value) = root.get("expect") {
            scenario.expect = self.read_expect(value);
        }
        scenario
    }

    /// Reports unknown sections and keys at the top level.
    fn top_level_keys(&mut self, root: &DeTable<'_>) {
        for (key, value) in root.iter() {
            let name = key.get_ref().as_ref();
            if SECTIONS.contains(&name) {
                continue;
            }
            let help = if SCENARIO_KEYS.contains(&name) {
                Some(format!("`{name}` belongs in the [scenario] table"))
            } else {
                self.suggester.did_you_mean(name, SECTIONS.iter().copied())
            };
            let message = match value.get_ref() {
                DeValue::Table(_) | DeValue::Array(_) => format!("unknown section `{name}`"),
                _ => format!("unknown top-level key `{name}`"),
            };
            self.sink
                .error(key.span(), message)
                .expected(one_of(SECTIONS.iter().copied()))
                .maybe_help(help);
        }
    }

    /// The tables of an array-of-tables section such as `[[port]]`.
    fn sections<'v, 'i>(
        &mut self,
        value: Option<&'v Value<'i>>,
        section: &str,
    ) -> Vec<&'v Value<'i>> {
        let Some(value) = value else {
            return Vec::new();
        };
        let DeValue::Array(array) = value.get_ref() else {
            self.lost_declaration(section);
            self.sink
                .error(
                    value.span(),
                    format!("`{section}` must be an array of tables, one per {section}"),
                )
                .expected(format!("[[{section}]] blocks"))
                .help(format!("write `[[{section}]]`, with two brackets"));
            return Vec::new();
        };
        let mut tables = Vec::with_capacity(array.len());
        for item in array.iter() {
            if matches!(item.get_ref(), DeValue::Table(_)) {
                tables.push(item);
            } else {
                self.wrong_type(item, &format!("a [[{section}]] entry"), "a table");
                self.lost_declaration(section);
            }
        }
        tables
    }

    /// Notes that a `[[task]]`, `[[port]]` or `[[port_set]]` could not be read, so that uses
    /// of the name it may have declared are not reported as unknown.
    fn lost_declaration(&mut self, section: &str) {
        match section {
            "task" => self.symbols.tasks_incomplete = true,
            "port" | "port_set" | "memory" | "semaphore" => {
                self.symbols.labels_incomplete = true;
            }
            "named_pipe" => self.symbols.paths_incomplete = true,
            _ => {}
        }
    }

    /// `[scenario]`.
    fn read_header(&mut self, value: Option<&Value<'_>>, scenario: &mut Scenario) {
        let Some(value) = value else {
            self.sink
                .error(0..0, "missing [scenario] table")
                .expected("a [scenario] table with a `name`")
                .help("start the file with `[scenario]` and `name = \"...\"`");
            return;
        };
        let Some(fields) = self.fields(value, "[scenario]", SCENARIO_KEYS, &nowhere_else) else {
            return;
        };
        if let Some(name) = self.required(&fields, "name", "`name = \"...\"`") {
            scenario.name = self.name(name, "name").unwrap_or_default().to_owned();
        }
        if let Some(description) = fields.get("description") {
            scenario.description = self.string(description, "description").map(str::to_owned);
        }
        if let Some(seed) = fields.get("seed") {
            scenario.seed = self.integer(seed, "seed").unwrap_or_default();
        }
        if let Some(schedule) = fields.get("schedule") {
            scenario.schedule = self.keyword(schedule, "schedule").unwrap_or_default();
        }
        if let Some(limit) = fields.get("time_limit_ms") {
            scenario.time_limit_ms = self.integer(limit, "time_limit_ms").unwrap_or_default();
        }
        if let Some(limit) = fields.get("step_limit") {
            scenario.step_limit = self.integer(limit, "step_limit").unwrap_or_default();
        }
    }

    /// A `[[port]]`.
    fn read_port(&mut self, value: &Value<'_>) -> Option<PortSpec> {
        let fields = self.fields(value, "[[port]]", PORT_KEYS, &nowhere_else)?;
        let label = self.required(&fields, "name", "a label, such as `name = \"requests\"`");
        let label = match label {
            Some(label) => self.new_label(label, "name", LabelKind::Port),
            None => {
                self.symbols.labels_incomplete = true;
                None
            }
        };
        let receiver = self
            .required(&fields, "receiver", "the task holding the receive right")
            .and_then(|receiver| self.task_ref(receiver, "receiver", TaskRole::Receiver));
        let capacity = match fields.get("capacity") {
            Some(capacity) => self.capacity(capacity, "capacity", MAX_CAPACITY),
            None => Some(Capacity::DEFAULT),
        };
        let senders = match fields.get("senders") {
            Some(senders) => self.task_list(senders, "senders", TaskRole::Sender),
            None => Some(Vec::new()),
        };
        let (line, column) = self.position(&fields.span);
        let (label, receiver) = (label?, receiver?);
        self.symbols.ports.push(PortDecl {
            label: label.clone(),
            receiver: receiver.clone(),
        });
        Some(PortSpec {
            label,
            receiver,
            capacity: capacity?,
            senders: senders?,
            line,
            column,
        })
    }

    /// A list of task names, each named once.
    fn task_list(&mut self, value: &Value<'_>, what: &str, role: TaskRole) -> Option<Vec<String>> {
        let array = self.array(value, what)?;
        let mut names: Vec<String> = Vec::with_capacity(array.len());
        let mut complete = true;
        for item in array.iter() {
            match self.task_ref(item, what, role) {
                Some(name) if names.contains(&name) => {
                    self.sink
                        .error(item.span(), format!("`{name}` is listed twice in `{what}`"))
                        .expected("each task once");
                    complete = false;
                }
                Some(name) => names.push(name),
                None => complete = false,
            }
        }
        complete.then_some(names)
    }

    /// A `[[port_set]]`.
    fn read_port_set(&mut self, value: &Value<'_>) -> Option<PortSetSpec> {
        let fields = self.fields(value, "[[port_set]]", PORT_SET_KEYS, &nowhere_else)?;
        let label = match self.required(&fields, "name", "a label, such as `name = \"inbox\"`") {
            Some(label) => self.new_label(label, "name", LabelKind::Set),
            None => {
                self.symbols.labels_incomplete = true;
                None
            }
        };
        let receiver = self
            .required(&fields, "receiver", "the task holding the set")
            .and_then(|receiver| self.task_ref(receiver, "receiver", TaskRole::SetReceiver));
        let members = self
            .required(&fields, "members", "a list of port labels")
            .and_then(|members| self.members(members));
        let (line, column) = self.position(&fields.span);
        let (label, receiver, members) = (label?, receiver?, members?);
        self.symbols.sets.push(SetDecl {
            label: label.clone(),
            receiver: receiver.clone(),
            members: members.clone(),
        });
        Some(PortSetSpec {
            label,
            receiver,
            members: members.into_iter().map(|(member, _)| member).collect(),
            line,
            column,
        })
    }

    /// A set's `members`: labels of ports, or `"notify"` for the receiver's notify port.
    fn members(&mut self, value: &Value<'_>) -> Option<Vec<(PortRef, std::ops::Range<usize>)>> {
        let array = self.array(value, "members")?;
        let mut members = Vec::with_capacity(array.len());
        let mut complete = true;
        for item in array.iter() {
            match self.port_ref(item, "members", LabelNeed::Port) {
                Some(member) => members.push((member, item.span())),
                None => complete = false,
            }
        }
        complete.then_some(members)
    }

    /// A `[[task]]`.
    fn read_task(
        &mut self,
        value: &Value<'_>,
        programs: &dyn Fn(&str) -> bool,
    ) -> Option<TaskSpec> {
        let Some(fields) = self.fields(value, "[[task]]", TASK_KEYS, &nowhere_else) else {
            self.symbols.tasks_incomplete = true;
            return None;
        };
        let spawned = match fields.get("spawned") {
            Some(spawned) => self.boolean(spawned, "spawned"),
            None => Some(false),
        };
        let name = match self.required(&fields, "name", "a task name, such as `name = \"client\"`")
        {
            Some(name) => self.new_task(name, spawned.unwrap_or(false)),
            None => {
                self.symbols.tasks_incomplete = true;
                None
            }
        };
        let start_ms = match fields.get("start_ms") {
            Some(start) => {
                let start_ms = self.integer::<u64>(start, "start_ms");
                if spawned == Some(true) && start_ms.is_some_and(|ms| ms != 0) {
                    self.sink
                        .error(start.span(), "`start_ms` does not apply to a spawned task")
                        .expected("no `start_ms` with `spawned = true`")
                        .help("a spawned task starts when another task's `spawn` step runs");
                }
                start_ms
            }
            None => Some(0),
        };
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
        programs: &dyn Fn(&str) -> bool,
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
                let registered = programs(name);
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
                    None => toml::Table::new(),
                };
                registered.then(|| TaskBody::Program {
                    name: name.to_owned(),
                    args,
                })
            }
        }
    }

    /// A program's `args`, kept as plain TOML for the program to interpret.
    fn program_args(&mut self, value: &Value<'_>) -> Option<toml::Table> {
        match self.plain_toml(value)? {
            toml::Value::Table(table) => Some(table),
            _ => {
                self.wrong_type(value, "`args`", "a table");
                None
            }
        }
    }

    /// Converts a spanned value to a plain one, checking that integers fit TOML's `i64`.
    ///
    /// Recursion is bounded: the text was checked to nest at most `MAX_NESTING` deep.
    fn plain_toml(&mut self, value: &Value<'_>) -> Option<toml::Value> {
        Some(match value.get_ref() {
            DeValue::String(text) => toml::Value::String(text.to_string()),
            DeValue::Integer(_) => toml::Value::Integer(self.integer::<i64>(value, "args")?),
            DeValue::Float(float) => match float.as_str().parse::<f64>() {
                Ok(number) => toml::Value::Float(number),
                Err(_) => {
                    self.sink
                        .error(value.span(), format!("float `{float}` does not fit"))
                        .expected("a 64-bit float");
                    return None;
                }
            },
            DeValue::Boolean(flag) => toml::Value::Boolean(*flag),
            DeValue::Datetime(datetime) => toml::Value::Datetime(*datetime),
            DeValue::Array(array) => {
                let items: Vec<Option<toml::Value>> =
                    array.iter().map(|item| self.plain_toml(item)).collect();
                toml::Value::Array(items.into_iter().collect::<Option<_>>()?)
            }
            DeValue::Table(table) => {
                let mut plain = toml::Table::new();
                let mut complete = true;
                for (key, item) in table.iter() {
                    match self.plain_toml(item) {
                        Some(item) => {
                            plain.insert(key.get_ref().to_string(), item);
                        }
                        None => complete = false,
                    }
                }
                complete.then_some(toml::Value::Table(plain))?
            }
        })
    }

    /// A `[[memory]]`.
    fn read_memory(&mut self, value: &Value<'_>) -> Option<MemorySpec> {
        let fields = self.fields(value, "[[memory]]", MEMORY_KEYS, &nowhere_else)?;
        let label = self.section_label(
            &fields,
            "a label, such as `name = \"buffer\"`",
            LabelKind::Memory,
        );
        let expected = format!("an integer from 1 to {MAX_MEMORY_SIZE} (64 MiB)");
        let size = self
            .required(&fields, "size", "the size in bytes, such as `size = 64`")
            .and_then(|size| {
                self.integer_in(size, "size", 1, i128::from(MAX_MEMORY_SIZE), &expected)
            })
            .and_then(|size| u32::try_from(size).ok());
        let holders = self.holders(&fields);
        let (line, column) = self.position(&fields.span);
        Some(MemorySpec {
            label: label?,
            size: size?,
            holders: holders?,
            line,
            column,
        })
    }

    /// A `[[semaphore]]`.
    fn read_semaphore(&mut self, value: &Value<'_>) -> Option<SemaphoreSpec> {
        let fields = self.fields(value, "[[semaphore]]", SEMAPHORE_KEYS, &nowhere_else)?;
        let label = self.section_label(
            &fields,
            "a label, such as `name = \"empty\"`",
            LabelKind::Semaphore,
        );
        let count = match fields.get("value") {
            Some(count) => self.integer(count, "value"),
            None => Some(0),
        };
        let holders = self.holders(&fields);
        let (line, column) = self.position(&fields.span);
        Some(SemaphoreSpec {
            label: label?,
            value: count?,
            holders: holders?,
            line,
            column,
        })
    }

    /// The `name` of a `[[memory]]` or `[[semaphore]]`: a new label.
    fn section_label(
        &mut self,
        fields: &Fields<'_, '_>,
        expected: &str,
        kind: LabelKind,
    ) -> Option<String> {
        match self.required(fields, "name", expected) {
            Some(label) => self.new_label(label, "name", kind),
            None => {
                self.symbols.labels_incomplete = true;
                None
            }
        }
    }

    /// The `holders` of a `[[memory]]` or `[[semaphore]]`: at least one task, each once.
    fn holders(&mut self, fields: &Fields<'_, '_>) -> Option<Vec<String>> {
        let value = self.required(
            fields,
            "holders",
            "a list of task names, such as `holders = [\"producer\", \"consumer\"]`",
        )?;
        let holders = self.task_list(value, "holders", TaskRole::Holder)?;
        if holders.is_empty() {
            self.sink
                .error(value.span(), format!("`holders` is empty in {}", fields.context))
                .expected("at least one task")
                .help("the object lasts only while some task names or maps it; list the tasks that use it");
            return None;
        }
        Some(holders)
    }

    /// A `[[named_pipe]]`.
    fn read_named_pipe(&mut self, value: &Value<'_>) -> Option<NamedPipeSpec> {
        let Some(fields) = self.fields(value, "[[named_pipe]]", NAMED_PIPE_KEYS, &nowhere_else)
        else {
            self.symbols.paths_incomplete = true;
            return None;
        };
        let path = self
            .required(&fields, "path", "its path, such as `path = \"/tmp/fifo\"`")
            .and_then(|path| {
                self.name(path, "path")
                    .map(|name| (name.to_owned(), path.span()))
            });
        let mode = match fields.get("mode") {
            Some(mode) => self.keyword(mode, "mode"),
            None => Some(PipeMode::default()),
        };
        let capacity = self.pipe_capacity(fields.get("capacity"));
        match &path {
            Some((path, span)) => self.symbols.paths.push(PathDecl {
                path: path.clone(),
                mode,
                section_span: Some(span.clone()),
            }),
            None => self.symbols.paths_incomplete = true,
        }
        let (line, column) = self.position(&fields.span);
        Some(NamedPipeSpec {
            path: path?.0,
            mode: mode?,
            capacity: capacity?,
            line,
            column,
        })
    }

    /// A `[[named_pipe]]`'s `capacity`: 1 to 1 MiB, 4096 when absent.
    fn pipe_capacity(&mut self, value: Option<&Value<'_>>) -> Option<u32> {
        let Some(value) = value else {
            return Some(DEFAULT_PIPE_CAPACITY);
        };
        let expected = format!("an integer from 1 to {MAX_PIPE_CAPACITY} (1 MiB)");
        self.integer_in(
            value,
            "capacity",
            1,
            i128::from(MAX_PIPE_CAPACITY),
            &expected,
        )
        .and_then(|capacity| u32::try_from(capacity).ok())
    }

    /// A `[[fault]]`.
    fn read_fault(&mut self, value: &Value<'_>) -> Option<Fault> {
        let fields = self.fields(value, "[[fault]]", FAULT_KEYS, &nowhere_else)?;
        let at_ms = self
            .required(&fields, "at_ms", "the virtual time, such as `at_ms = 50`")
            .and_then(|at| self.integer::<u64>(at, "at_ms"));
        let action = match (fields.get("kill"), fields.get("destroy")) {
            (Some(_), Some(_)) => {
                let span = fields
                    .key_span("destroy")
                    .unwrap_or_else(|| fields.span.clone());
                self.sink
                    .error(
                        span,
                        "a fault either kills a task or destroys a port, not both",
                    )
                    .expected("`kill = \"task\"` or `destroy = \"port\"`")
                    .help("write two [[fault]] blocks");
                None
            }
            (None, None) => {
                self.sink
                    .error(
                        fields.span.clone(),
                        "missing `kill` or `destroy` in [[fault]]",
                    )
                    .expected("`kill = \"task\"` or `destroy = \"port\"`");
                None
            }
            (Some(kill), None) => self
                .task_ref(kill, "kill", TaskRole::FaultTarget)
                .map(FaultAction::Kill),
            (None, Some(destroy)) => self
                .label_ref(destroy, "destroy", LabelNeed::Port)
                .map(FaultAction::Destroy),
        };
        let (line, column) = self.position(&fields.span);
        Some(Fault {
            at_ms: at_ms?,
            action: action?,
            line,
            column,
        })
    }

    /// `[expect]`.
    fn read_expect(&mut self, value: &Value<'_>) -> Expect {
        let mut expect = Expect::default();
        let Some(fields) = self.fields(value, "[expect]", EXPECT_KEYS, &nowhere_else) else {
            return expect;
        };
        if let Some(outcome) = fields.get("outcome") {
            expect.outcome = self
                .keyword::<Outcome>(outcome, "outcome")
                .unwrap_or_default();
            expect.outcome_line = Some(self.position(&outcome.span()).0);
        }
        if let Some(delivered) = fields.get("delivered") {
            expect.delivered = self.port_counts(delivered, "delivered");
        }
        if let Some(queued) = fields.get("queued") {
            expect.queued = self.port_counts(queued, "queued");
        }
        if let Some(exit) = fields.get("exit") {
            expect.exit = self.per_task(exit, "exit", Self::exit_expectation);
        }
        if let Some(notifications) = fields.get("notifications") {
            expect.notifications = self.per_task(notifications, "notifications", Self::kinds);
        }
        expect
    }

    /// `delivered` or `queued`: a count per port label.
    fn port_counts(&mut self, value: &Value<'_>, what: &str) -> BTreeMap<String, Located<u64>> {
        let mut counts = BTreeMap::new();
        let Some(table) = self.inline_map(
            value,
            what,
            "a table of counts per port, such as `{ requests = 3 }`",
        ) else {
            return counts;
        };
        for (key, count) in table.iter() {
            let label = self.label_use(key.get_ref(), key.span(), what, LabelNeed::Port);
            let count = self.integer::<u64>(count, &format!("{what}.{}", key.get_ref()));
            let (line, column) = self.position(&key.span());
            if let (Some(label), Some(count)) = (label, count) {
                counts.insert(
                    label,
                    Located {
                        value: count,
                        line,
                        column,
                    },
                );
            }
        }
        counts
    }

    /// `exit` or `notifications`: a value per task name.
    fn per_task<T>(
        &mut self,
        value: &Value<'_>,
        what: &str,
        read: fn(&mut Self, &Value<'_>, &str) -> Option<T>,
    ) -> BTreeMap<String, Located<T>> {
        let mut map = BTreeMap::new();
        let Some(table) = self.inline_map(
            value,
            what,
            "a table keyed by task name, such as `{ client = 0 }`",
        ) else {
            return map;
        };
        for (key, item) in table.iter() {
            let name = key.get_ref().to_string();
            self.task_use(&name, key.span(), TaskRole::Expected);
            let item = read(self, item, &format!("{what}.{name}"));
            let (line, column) = self.position(&key.span());
            if let Some(item) = item {
                map.insert(
                    name,
                    Located {
                        value: item,
                        line,
                        column,
                    },
                );
            }
        }
        map
    }

    /// A table inside `[expect]`.
    fn inline_map<'v, 'i>(
        &mut self,
        value: &'v Value<'i>,
        what: &str,
        expected: &str,
    ) -> Option<&'v DeTable<'i>> {
        match value.get_ref() {
            DeValue::Table(table) => Some(table),
            _ => {
                self.wrong_type(value, &format!("`{what}`"), expected);
                None
            }
        }
    }

    /// An `exit` expectation: a code, `"crashed"` or `"killed"`.
    fn exit_expectation(&mut self, value: &Value<'_>, what: &str) -> Option<ExitExpectation> {
        let expected = "an exit code, \"crashed\" or \"killed\"";
        match value.get_ref() {
            DeValue::Integer(_) => self.integer::<i32>(value, what).map(ExitExpectation::Code),
            DeValue::String(word) if word == "crashed" => Some(ExitExpectation::Crashed),
            DeValue::String(word) if word == "killed" => Some(ExitExpectation::Killed),
            DeValue::String(word) => {
                let help = self
                    .suggester
                    .did_you_mean(word, EXIT_WORDS.iter().copied());
                self.sink
                    .error(value.span(), format!("unknown exit `{word}`"))
                    .expected(expected)
                    .maybe_help(help);
                None
            }
            _ => {
                self.wrong_type(value, &format!("`{what}`"), expected);
                None
            }
        }
    }

    /// A `notifications` list: notification kinds, in order.
    fn kinds(&mut self, value: &Value<'_>, what: &str) -> Option<Vec<NotificationKind>> {
        let DeValue::Array(array) = value.get_ref() else {
            let expected = format!("a list of {}", quoted_words::<NotificationKind>());
            self.wrong_type(value, &format!("`{what}`"), &expected);
            return None;
        };
        let kinds: Vec<Option<NotificationKind>> =
            array.iter().map(|item| self.keyword(item, what)).collect();
        kinds.into_iter().collect()
    }
}
