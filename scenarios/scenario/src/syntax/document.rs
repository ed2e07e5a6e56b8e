//! Reading the top level of a scenario file: the sections, `[scenario]`, `[[port]]`,
//! `[[port_set]]` and `[[fault]]`.
//!
//! Each section's keys are listed once, beside its reader, so an unknown key is always
//! reported with the valid ones and the nearest of them. `[[task]]` (`task`), `[expect]`
//! (`expect`) and the services' sections (`service_sections`) have their own modules, as
//! have steps, body items and policies.

use toml::de::{DeTable, DeValue};

use super::reader::{Reader, Value};
use super::suggest::one_of;
use super::symbols::{LabelKind, LabelNeed, PortDecl, SetDecl, TaskRole};
use crate::model::{
    DEFAULT_STEP_LIMIT, DEFAULT_TIME_LIMIT_MS, Expect, Fault, FaultAction, PortRef, PortSetSpec,
    PortSpec, Scenario, SetMember,
};
use kernel::{QueueLimit, ScheduleKind};

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
const FAULT_KEYS: &[&str] = &["at_ms", "kill", "destroy"];

/// No key is valid in another section in a way worth explaining.
pub(super) fn nowhere_else(_: &str) -> Option<String> {
    None
}

impl Reader<'_> {
    /// Reads a whole document; the model is meaningful only if no problem was recorded.
    pub(super) fn read_document(
        &mut self,
        root: &DeTable<'_>,
        source_name: &str,
        programs: &tasks::Registry,
    ) -> Scenario {
        self.top_level_keys(root);
        let mut scenario = Scenario {
            source_name: source_name.to_owned(),
            name: String::new(),
            description: None,
            seed: 0,
            schedule: ScheduleKind::RoundRobin,
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
        scenario.ports = self.read_sections(root, "port", Self::read_port);
        scenario.port_sets = self.read_sections(root, "port_set", Self::read_port_set);
        scenario.memory = self.read_sections(root, "memory", Self::read_memory);
        scenario.semaphores = self.read_sections(root, "semaphore", Self::read_semaphore);
        scenario.named_pipes = self.read_sections(root, "named_pipe", Self::read_named_pipe);
        scenario.tasks = self.read_sections(root, "task", |reader, value| {
            reader.read_task(value, programs)
        });
        scenario.faults = self.read_sections(root, "fault", Self::read_fault);
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

    /// Every `[[section]]` of the file that `read` can read, in file order.
    fn read_sections<T>(
        &mut self,
        root: &DeTable<'_>,
        section: &str,
        mut read: impl FnMut(&mut Self, &Value<'_>) -> Option<T>,
    ) -> Vec<T> {
        self.sections(root.get(section), section)
            .into_iter()
            .filter_map(|value| read(self, value))
            .collect()
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
        scenario.description = self
            .maybe(&fields, "description", |reader, value, key| {
                reader.string(value, key).map(str::to_owned)
            })
            .flatten();
        // A value that cannot be read is reported, so the scenario is not returned: the
        // defaults below only let reading go on to find the file's other problems.
        if let Some(seed) = self.optional(&fields, "seed", 0, Self::integer) {
            scenario.seed = seed;
        }
        if let Some(schedule) =
            self.optional(&fields, "schedule", ScheduleKind::RoundRobin, Self::word)
        {
            scenario.schedule = schedule;
        }
        if let Some(limit) = self.optional(
            &fields,
            "time_limit_ms",
            DEFAULT_TIME_LIMIT_MS,
            Self::integer,
        ) {
            scenario.time_limit_ms = limit;
        }
        if let Some(limit) = self.optional(&fields, "step_limit", DEFAULT_STEP_LIMIT, Self::integer)
        {
            scenario.step_limit = limit;
        }
    }

    /// A `[[port]]`.
    fn read_port(&mut self, value: &Value<'_>) -> Option<PortSpec> {
        let fields = self.fields(value, "[[port]]", PORT_KEYS, &nowhere_else)?;
        let label = self.required_new_label(
            &fields,
            "name",
            "a label, such as `name = \"requests\"`",
            LabelKind::Port,
        );
        let receiver = self
            .required(&fields, "receiver", "the task holding the receive right")
            .and_then(|receiver| self.task_ref(receiver, "receiver", TaskRole::Receiver));
        let queue_limit = self.optional(
            &fields,
            "capacity",
            QueueLimit::DEFAULT,
            |reader, value, key| reader.queue_limit(value, key, QueueLimit::MAX),
        );
        let senders = self.optional(&fields, "senders", Vec::new(), |reader, value, key| {
            reader.task_list(value, key, TaskRole::Sender)
        });
        let (line, column) = self.position(&fields.span);
        let (label, receiver) = (label?, receiver?);
        self.symbols.ports.push(PortDecl {
            label: label.clone(),
            receiver: receiver.clone(),
        });
        Some(PortSpec {
            label,
            receiver,
            queue_limit: queue_limit?,
            senders: senders?,
            line,
            column,
        })
    }

    /// A list of task names, each named once.
    pub(super) fn task_list(
        &mut self,
        value: &Value<'_>,
        what: &str,
        role: TaskRole,
    ) -> Option<Vec<String>> {
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
        let label = self.required_new_label(
            &fields,
            "name",
            "a label, such as `name = \"inbox\"`",
            LabelKind::Set,
        );
        let receiver = self
            .required(&fields, "receiver", "the task holding the set")
            .and_then(|receiver| self.task_ref(receiver, "receiver", TaskRole::SetReceiver));
        let members = self
            .required(&fields, "members", "a list of port labels")
            .and_then(|members| self.members(members));
        let (line, column) = self.position(&fields.span);
        let (label, receiver, members) = (label?, receiver?, members?);
        // A task's kernel port cannot be a member (the kernel receives from it), which the
        // checks report (`check_set_members`), so no scenario is made and no set needs it.
        let model_members = members
            .iter()
            .map(|(member, _)| match member {
                PortRef::Kernel => None,
                PortRef::Notify => Some(SetMember::Notify),
                PortRef::Label(label) => Some(SetMember::Label(label.clone())),
            })
            .collect::<Option<Vec<SetMember>>>();
        self.symbols.sets.push(SetDecl {
            label: label.clone(),
            receiver: receiver.clone(),
            members,
        });
        Some(PortSetSpec {
            label,
            receiver,
            members: model_members?,
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
}
