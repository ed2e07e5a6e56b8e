//! The services' cross-reference checks: handle names and named-pipe paths.
//!
//! A handle name is task-local: a step can use one only after a step of the same task has
//! made it, or, for a pipe end, after the task inherited it from the task that spawned it
//! (its ends as they were at the `spawn`). The check is conservative, so it never reports a
//! step that could work:
//!
//! - a name counts as made from the first step that makes it on, and everywhere inside a
//!   `repeat` that makes it (a later iteration sees what an earlier one made);
//! - a name's kinds are the union of everything made under it, so a name made both as a
//!   read end and as a write end is never reported as the wrong one;
//! - closing is not followed: a use after `pipe_close` is the step's `bad_handle` at run time;
//! - a spawned task inherits the union over every `spawn` step naming it; when that cannot
//!   be known (a task with a program could spawn it, a spawner's steps could not all be
//!   read, or the spawn graph is too large to follow within the budget), its uses are not
//!   checked;
//! - a step whose `expect` accepts `bad_handle` is meant to fail, and is not reported.
//!
//! Paths are checked the same way: a path no `[[named_pipe]]` or `named_pipe_create` step
//! declares is reported unless the step expects `no_such_path`, and `named_pipe_accept` on a
//! path that is only ever a FIFO unless it expects `invalid_value`.

use std::collections::{BTreeMap, BTreeSet};

use super::reader::Reader;
use super::symbols::{HandleEvent, HandleKinds, HandleUse, PathNeed, ScriptHandles, Symbols};
use kernel::PipeMode;

/// How many handle names the inheritance through `spawn` steps may carry in all, before
/// the check gives up on spawned tasks (a file with thousands of tasks in a spawn chain,
/// each making pipes, must not make `check` quadratic in its size).
const INHERITANCE_BUDGET: usize = 1_000_000;

/// What one script makes and uses, in step order.
struct Walked<'s> {
    /// Every (name, kinds) the script makes, in the order they become visible.
    log: Vec<(&'s str, HandleKinds)>,
    /// Each `spawn` step: the child, and how much of `log` is visible at the step.
    spawns: Vec<(&'s str, usize)>,
    /// Each use, with the kinds its name has from the script's own steps there.
    uses: Vec<(&'s HandleUse, HandleKinds)>,
}

/// Follows one script's events in step order.
fn walk(script: &ScriptHandles) -> Walked<'_> {
    let events = &script.events;
    // The end of each repeat, so that entering one makes visible what it makes.
    let mut ends = vec![0; events.len()];
    let mut open = Vec::new();
    for (index, event) in events.iter().enumerate() {
        match event {
            HandleEvent::RepeatStart => open.push(index),
            HandleEvent::RepeatEnd => {
                if let Some(start) = open.pop() {
                    ends[start] = index;
                }
            }
            _ => {}
        }
    }
    let mut visible: BTreeMap<&str, HandleKinds> = BTreeMap::new();
    let mut walked = Walked {
        log: Vec::new(),
        spawns: Vec::new(),
        uses: Vec::new(),
    };
    for (index, event) in events.iter().enumerate() {
        match event {
            HandleEvent::Define { name, kinds } => {
                add(&mut visible, &mut walked.log, name, *kinds);
            }
            HandleEvent::RepeatStart => {
                for inner in &events[index..=ends[index].max(index)] {
                    if let HandleEvent::Define { name, kinds } = inner {
                        add(&mut visible, &mut walked.log, name, *kinds);
                    }
                }
            }
            HandleEvent::Use(handle_use) => {
                let kinds = visible
                    .get(handle_use.name.as_str())
                    .copied()
                    .unwrap_or_default();
                walked.uses.push((handle_use, kinds));
            }
            HandleEvent::Spawn { task } => walked.spawns.push((task, walked.log.len())),
            HandleEvent::RepeatEnd => {}
        }
    }
    walked
}

/// Makes `name` visible with `kinds`, logging what is new.
fn add<'s>(
    visible: &mut BTreeMap<&'s str, HandleKinds>,
    log: &mut Vec<(&'s str, HandleKinds)>,
    name: &'s str,
    kinds: HandleKinds,
) {
    let known = visible.entry(name).or_default();
    let grown = known.union(kinds);
    if grown != *known {
        *known = grown;
        log.push((name, kinds));
    }
}

/// What each script inherits through `spawn` steps; `None` where it cannot be known.
fn inheritance<'s>(
    symbols: &'s Symbols,
    walked: &[Walked<'s>],
) -> Vec<Option<BTreeMap<&'s str, HandleKinds>>> {
    let count = symbols.scripts.len();
    let index: BTreeMap<&str, usize> = symbols
        .scripts
        .iter()
        .enumerate()
        .rev()
        .filter_map(|(at, script)| Some((script.task.as_deref()?, at)))
        .collect();
    let mut inherited: Vec<BTreeMap<&str, HandleKinds>> = vec![BTreeMap::new(); count];
    let mut unknown: Vec<bool> = symbols
        .scripts
        .iter()
        .map(|script| script.spawned && (symbols.has_programs || symbols.tasks_incomplete))
        .collect();
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); count];
    let mut budget = INHERITANCE_BUDGET;
    let mut over_budget = false;
    for (parent, walk) in walked.iter().enumerate() {
        for (child, visible) in &walk.spawns {
            let Some(&child) = index.get(child) else {
                continue;
            };
            children[parent].push(child);
            if symbols.scripts[parent].incomplete {
                unknown[child] = true;
            }
            budget = budget.saturating_sub(*visible);
            over_budget |= budget == 0;
            if over_budget {
                continue;
            }
            for (name, kinds) in &walk.log[..*visible] {
                let pipe = kinds.pipe_only();
                if pipe != HandleKinds::default() {
                    let entry = inherited[child].entry(name).or_default();
                    *entry = entry.union(pipe);
                }
            }
        }
    }
    // Grandchildren inherit what children inherited, and so on: propagate until nothing
    // changes, spending the budget on every name carried.
    let mut queue: Vec<usize> = (0..count).collect();
    while let Some(parent) = queue.pop() {
        if over_budget {
            break;
        }
        for &child in &children[parent] {
            if unknown[parent] && !unknown[child] {
                unknown[child] = true;
                queue.push(child);
            }
            if child == parent {
                continue;
            }
            let carried: Vec<(&str, HandleKinds)> =
                inherited[parent].iter().map(|(n, k)| (*n, *k)).collect();
            budget = budget.saturating_sub(carried.len());
            if budget == 0 {
                over_budget = true;
                break;
            }
            let mut grew = false;
            for (name, kinds) in carried {
                let entry = inherited[child].entry(name).or_default();
                let grown = entry.union(kinds);
                if grown != *entry {
                    *entry = grown;
                    grew = true;
                }
            }
            if grew {
                queue.push(child);
            }
        }
    }
    inherited
        .into_iter()
        .zip(&symbols.scripts)
        .zip(unknown)
        .map(|((inherited, script), unknown)| {
            let unknowable = unknown || (script.spawned && over_budget);
            (!unknowable).then_some(inherited)
        })
        .collect()
}

impl Reader<'_> {
    /// Every handle a step uses is one its task has made or inherited by then, and of a
    /// kind the step can work with.
    pub(super) fn check_handles(&mut self, symbols: &Symbols) {
        let walked: Vec<Walked<'_>> = symbols.scripts.iter().map(walk).collect();
        let inherited = inheritance(symbols, &walked);
        for ((script, walk), inherited) in symbols.scripts.iter().zip(&walked).zip(&inherited) {
            let (Some(task), false, Some(inherited)) = (&script.task, script.incomplete, inherited)
            else {
                continue;
            };
            // Every name the task makes or inherits, for suggestions: made once per task,
            // on its first unknown handle.
            let mut names: Option<BTreeSet<&str>> = None;
            for (handle_use, own) in &walk.uses {
                if handle_use.tolerated {
                    continue;
                }
                let name = handle_use.name.as_str();
                let kinds = own.union(inherited.get(name).copied().unwrap_or_default());
                if kinds == HandleKinds::default() {
                    let names = names.get_or_insert_with(|| {
                        walk.log
                            .iter()
                            .map(|(name, _)| *name)
                            .chain(inherited.keys().copied())
                            .collect()
                    });
                    self.unknown_handle(handle_use, task, script.spawned, names);
                } else if !kinds.meets(handle_use.needs) {
                    self.wrong_handle(handle_use, kinds);
                }
            }
        }
    }

    fn unknown_handle(
        &mut self,
        handle_use: &HandleUse,
        task: &str,
        spawned: bool,
        names: &BTreeSet<&str>,
    ) {
        let name = &handle_use.name;
        let help = if names.contains(name.as_str()) {
            Some(format!(
                "a later step makes `{name}`: move it before this one"
            ))
        } else {
            self.suggester.did_you_mean(name, names.iter().copied())
        };
        let help = help.unwrap_or_else(|| {
            "write `expect = \"bad_handle\"` if the step is meant to fail".to_owned()
        });
        let message = if spawned {
            format!(
                "task `{task}` has no handle `{name}` here: no earlier step makes it, and it does not inherit it"
            )
        } else {
            format!("task `{task}` has no handle `{name}` here: no earlier step makes it")
        };
        self.sink
            .error(handle_use.span.clone(), message)
            .expected("a handle name made by an earlier `memory_map`, `pipe`, `named_pipe_open` or `named_pipe_accept` step (a spawned task also has its parent's pipe ends at the `spawn`)")
            .help(help);
    }

    fn wrong_handle(&mut self, handle_use: &HandleUse, kinds: HandleKinds) {
        let name = &handle_use.name;
        let op = handle_use.op;
        let is = if kinds.meets(HandleKinds::MAPPING) && !kinds.meets(HandleKinds::PIPE) {
            "a mapping"
        } else if kinds.meets(HandleKinds::MAPPING) {
            "a mapping or a pipe end"
        } else if kinds.meets(HandleKinds::READ) {
            "a read end"
        } else {
            "a write end"
        };
        let (wants, expected) = if handle_use.needs == HandleKinds::MAPPING {
            ("a mapping", "a mapping made by `memory_map`")
        } else if handle_use.needs == HandleKinds::READ {
            (
                "a read end",
                "a read end made by `pipe`, `named_pipe_open` or `named_pipe_accept`",
            )
        } else if handle_use.needs == HandleKinds::WRITE {
            (
                "a write end",
                "a write end made by `pipe`, `named_pipe_open` or `named_pipe_accept`",
            )
        } else {
            (
                "a pipe end",
                "a pipe end made by `pipe`, `named_pipe_open` or `named_pipe_accept`",
            )
        };
        self.sink
            .error(
                handle_use.span.clone(),
                format!("`{name}` is {is}, but `{op}` needs {wants}"),
            )
            .expected(expected)
            .help("write `expect = \"bad_handle\"` if the step is meant to fail");
    }

    /// Named-pipe paths: `[[named_pipe]]`s are unique, and every path used is declared
    /// (and, for `named_pipe_accept`, may be a duplex pipe).
    pub(super) fn check_paths(&mut self, symbols: &Symbols) {
        let mut first: BTreeMap<&str, &std::ops::Range<usize>> = BTreeMap::new();
        let mut sections: Vec<(&str, &std::ops::Range<usize>)> = symbols
            .paths
            .iter()
            .filter_map(|decl| Some((decl.path.as_str(), decl.section_span.as_ref()?)))
            .collect();
        sections.sort_by_key(|(_, span)| span.start);
        for (path, span) in sections {
            if let Some(earlier) = first.get(path) {
                let line = self.sink.line(earlier.start);
                self.sink
                    .error(
                        span.clone(),
                        format!("named pipe `{path}` is declared twice"),
                    )
                    .expected("a path no other [[named_pipe]] has")
                    .help(format!("the first `{path}` is at line {line}"));
            } else {
                first.insert(path, span);
            }
        }
        // Each path's modes: `None` among them when one could not be read.
        let mut modes: BTreeMap<&str, Vec<Option<PipeMode>>> = BTreeMap::new();
        for decl in &symbols.paths {
            modes.entry(decl.path.as_str()).or_default().push(decl.mode);
        }
        for path_use in &symbols.path_uses {
            let path = path_use.path.as_str();
            match modes.get(path) {
                None if symbols.paths_incomplete || path_use.tolerates_missing => {}
                None => {
                    let help = self
                        .suggester
                        .did_you_mean(path, modes.keys().copied())
                        .unwrap_or_else(|| {
                            "write `expect = \"no_such_path\"` if the step is meant to fail"
                                .to_owned()
                        });
                    self.sink
                        .error(
                            path_use.span.clone(),
                            format!("no named pipe is declared at `{path}`"),
                        )
                        .expected(
                            "a path declared by a [[named_pipe]] or a `named_pipe_create` step",
                        )
                        .help(help);
                }
                Some(declared)
                    if path_use.need == PathNeed::Duplex
                        && !path_use.tolerates_wrong_mode
                        && declared.iter().all(|mode| *mode == Some(PipeMode::Fifo)) =>
                {
                    self.sink
                        .error(
                            path_use.span.clone(),
                            format!(
                                "`{path}` is a FIFO, and only a duplex named pipe accepts clients"
                            ),
                        )
                        .expected("the path of a named pipe with `mode = \"duplex\"`")
                        .help("a FIFO's readers and writers meet by `named_pipe_open` alone");
                }
                Some(_) => {}
            }
        }
    }
}
