//! Cross-reference checks, run once the whole file is read: duplicate names, undeclared
//! tasks and labels, spawn targets, and port-set membership.
//!
//! They run even when reading found problems, so that `check` lists everything at once;
//! when a declaration itself could not be read, the "unknown name" checks of its kind are
//! skipped rather than reporting every use of a name that was in fact declared.

use std::collections::BTreeMap;

use super::reader::Reader;
use super::symbols::{LabelDecl, LabelKind, LabelNeed, Symbols, TaskDecl, TaskRole};
use crate::model::PortRef;

impl Reader<'_> {
    /// Runs every cross-reference check on the names recorded while reading.
    pub(super) fn validate(&mut self) {
        let symbols = std::mem::take(&mut self.symbols);
        let tasks = self.unique_tasks(&symbols);
        let labels = self.unique_labels(&symbols);
        self.check_task_uses(&symbols, &tasks);
        self.check_label_uses(&symbols, &labels);
        self.check_set_members(&symbols, &labels);
        self.check_handles(&symbols);
        self.check_paths(&symbols);
        self.symbols = symbols;
    }

    /// Each task name's first declaration; later ones are reported.
    fn unique_tasks<'s>(&mut self, symbols: &'s Symbols) -> BTreeMap<&'s str, &'s TaskDecl> {
        let mut declarations: Vec<&TaskDecl> = symbols.tasks.iter().collect();
        declarations.sort_by_key(|task| task.span.start);
        let mut first: BTreeMap<&str, &TaskDecl> = BTreeMap::new();
        for task in declarations {
            if let Some(earlier) = first.get(task.name.as_str()) {
                let line = self.sink.line(earlier.span.start);
                self.sink
                    .error(
                        task.span.clone(),
                        format!("task `{}` is declared twice", task.name),
                    )
                    .expected("a name no other task has")
                    .help(format!("the first `{}` is at line {line}", task.name));
            } else {
                first.insert(&task.name, task);
            }
        }
        first
    }

    /// Each label's first declaration; later ones are reported.
    fn unique_labels<'s>(&mut self, symbols: &'s Symbols) -> BTreeMap<&'s str, &'s LabelDecl> {
        let mut declarations: Vec<&LabelDecl> = symbols.labels.iter().collect();
        declarations.sort_by_key(|label| label.span.start);
        let mut first: BTreeMap<&str, &LabelDecl> = BTreeMap::new();
        for label in declarations {
            if let Some(earlier) = first.get(label.name.as_str()) {
                let line = self.sink.line(earlier.span.start);
                self.sink
                    .error(
                        label.span.clone(),
                        format!("label `{}` is declared twice", label.name),
                    )
                    .expected(
                        "a label unique among ports, port sets, memory objects, semaphores and the steps that make them",
                    )
                    .help(format!("the first `{}` is at line {line}", label.name));
            } else {
                first.insert(&label.name, label);
            }
        }
        first
    }

    /// Every task named is declared, and every spawn target may be spawned.
    fn check_task_uses(&mut self, symbols: &Symbols, tasks: &BTreeMap<&str, &TaskDecl>) {
        for task_use in &symbols.task_uses {
            match tasks.get(task_use.name.as_str()) {
                None if symbols.tasks_incomplete => {}
                None => {
                    let help = self
                        .suggester
                        .did_you_mean(&task_use.name, tasks.keys().copied());
                    self.sink
                        .error(
                            task_use.span.clone(),
                            format!("unknown {} `{}`", task_use.role.noun(), task_use.name),
                        )
                        .expected("the name of a [[task]]")
                        .maybe_help(help);
                }
                Some(task) if task_use.role == TaskRole::SpawnTarget && !task.spawned => {
                    let line = self.sink.line(task.span.start);
                    self.sink
                        .error(
                            task_use.span.clone(),
                            format!("task `{}` is not declared with `spawned = true`", task.name),
                        )
                        .expected("a task with `spawned = true`")
                        .help(format!(
                            "add `spawned = true` to the task `{}` at line {line}; tasks without it start on their own",
                            task.name
                        ));
                }
                Some(_) => {}
            }
        }
    }

    /// Every label named is declared, and is a port or a set as its use requires.
    fn check_label_uses(&mut self, symbols: &Symbols, labels: &BTreeMap<&str, &LabelDecl>) {
        for label_use in &symbols.label_uses {
            let name = &label_use.name;
            match (labels.get(name.as_str()), label_use.need) {
                (None, _)
                    if symbols.labels_incomplete || symbols.possible_labels.contains(name) => {}
                (None, need) => {
                    let (expected, reserved): (&str, &[&str]) = match need {
                        LabelNeed::Memory => (
                            "a label declared by [[memory]] or a `memory_create` or `memory_from_ool` step",
                            &[],
                        ),
                        LabelNeed::Semaphore => (
                            "a label declared by [[semaphore]] or a `semaphore_create` step",
                            &[],
                        ),
                        LabelNeed::Any | LabelNeed::Port | LabelNeed::Set => (
                            "a label declared by [[port]], [[port_set]] or an `allocate` step",
                            &["kernel", "notify"],
                        ),
                    };
                    let help = self
                        .suggester
                        .did_you_mean(name, labels.keys().copied().chain(reserved.iter().copied()));
                    self.sink
                        .error(label_use.span.clone(), format!("undeclared label `{name}`"))
                        .expected(expected)
                        .maybe_help(help);
                }
                (Some(label), need) => {
                    let (fits, wanted, expected) = match need {
                        LabelNeed::Any => (true, "", ""),
                        LabelNeed::Port => (
                            matches!(label.kind, LabelKind::Port | LabelKind::Allocated),
                            "a port",
                            "the label of a port",
                        ),
                        LabelNeed::Set => (
                            label.kind == LabelKind::Set,
                            "a port set",
                            "the label of a [[port_set]]",
                        ),
                        LabelNeed::Memory => (
                            label.kind == LabelKind::Memory,
                            "a memory object",
                            "the label of a [[memory]], or of a `memory_create` or `memory_from_ool` step",
                        ),
                        LabelNeed::Semaphore => (
                            label.kind == LabelKind::Semaphore,
                            "a semaphore",
                            "the label of a [[semaphore]] or of a `semaphore_create` step",
                        ),
                    };
                    if !fits {
                        self.sink
                            .error(
                                label_use.span.clone(),
                                format!("`{name}` is {}, not {wanted}", label.kind.noun()),
                            )
                            .expected(expected);
                    }
                }
            }
        }
    }

    /// Every set member is a port whose receive right the set's receiver holds, listed once,
    /// in one set only.
    fn check_set_members(&mut self, symbols: &Symbols, labels: &BTreeMap<&str, &LabelDecl>) {
        let receivers: BTreeMap<&str, &str> = symbols
            .ports
            .iter()
            .rev()
            .map(|port| (port.label.as_str(), port.receiver.as_str()))
            .collect();
        let mut owner_sets: BTreeMap<&str, &str> = BTreeMap::new();
        for set in &symbols.sets {
            let mut seen: Vec<&PortRef> = Vec::new();
            for (member, span) in &set.members {
                if seen.contains(&member) {
                    self.sink
                        .error(
                            span.clone(),
                            format!("`{member}` is listed twice in `members`"),
                        )
                        .expected("each port once");
                    continue;
                }
                seen.push(member);
                let label = match member {
                    PortRef::Notify => continue,
                    PortRef::Kernel => {
                        self.sink
                            .error(
                                span.clone(),
                                format!(
                                    "`{}` does not hold the receive right of its kernel port",
                                    set.receiver
                                ),
                            )
                            .expected(format!(
                                "ports whose receive right `{}` holds",
                                set.receiver
                            ))
                            .help("the kernel receives on a task's kernel port");
                        continue;
                    }
                    PortRef::Label(label) => label.as_str(),
                };
                if let Some(other) = owner_sets.insert(label, &set.label) {
                    self.sink
                        .error(
                            span.clone(),
                            format!("`{label}` is already a member of the set `{other}`"),
                        )
                        .expected("a port in at most one set");
                }
                match labels.get(label).map(|declaration| &declaration.kind) {
                    Some(LabelKind::Port) => match receivers.get(label) {
                        Some(receiver) if *receiver != set.receiver => {
                            self.sink
                                .error(
                                    span.clone(),
                                    format!(
                                        "`{}` does not hold the receive right of `{label}`: `{receiver}` does",
                                        set.receiver
                                    ),
                                )
                                .expected(format!("ports whose receive right `{}` holds", set.receiver))
                                .help(format!(
                                    "make `{}` the receiver of `{label}`, or take `{label}` out of `members`",
                                    set.receiver
                                ));
                        }
                        _ => {}
                    },
                    Some(LabelKind::Allocated) => {
                        self.sink
                            .error(
                                span.clone(),
                                format!("`{label}` is made by an `allocate` step, so it does not exist when the set is made"),
                            )
                            .expected(format!("[[port]]s received by `{}`", set.receiver))
                            .help("add it to the set with an `add_to_set` step after the `allocate`");
                    }
                    // A set, a memory object or a semaphore as a member, or an undeclared
                    // label: reported with the label uses.
                    Some(LabelKind::Set | LabelKind::Memory | LabelKind::Semaphore) | None => {}
                }
            }
        }
    }
}
