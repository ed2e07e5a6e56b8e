//! The Mermaid exporter: a `sequenceDiagram` of the run.
//!
//! A participant per task, in creation order, and `kernel` last when it sends
//! notifications. One arrow per message, at the moment it ends:
//!
//! | arrow | meaning |
//! |---|---|
//! | `A->>B` | B received it |
//! | `kernel-->>B` | B received a kernel notification |
//! | `A-xB` | destroyed unread (B holds the port's receive right; `A-xA` when no task does) |
//! | `kernel--xB` | a notification destroyed unread |
//! | `A-)A` | a failed send handed it back to A |
//! | `A--)B` | still queued on B's port, or still held by blocked A, when the run stopped |
//!
//! Notes over a task say what it does meanwhile (blocks, waits, sleeps, wakes, fails,
//! ends); a note over every participant gives the virtual time whenever it advances.
//! Text goes through [`escape`], so labels never break Mermaid's parser.

use super::{Step, Story, Who, story};
use crate::words::messages::End;
use crate::words::time;
use std::collections::HashSet;
use std::fmt::Write;
use trace::Trace;

/// The trace as a Mermaid `sequenceDiagram`.
pub fn to_mermaid(trace: &Trace) -> String {
    render(&story(trace))
}

/// Words Mermaid's sequence-diagram lexer takes as keywords: never used as an id.
const KEYWORDS: &[&str] = &[
    "participant",
    "actor",
    "create",
    "destroy",
    "box",
    "as",
    "loop",
    "rect",
    "opt",
    "alt",
    "else",
    "par",
    "par_over",
    "and",
    "critical",
    "option",
    "break",
    "end",
    "left",
    "right",
    "of",
    "over",
    "note",
    "links",
    "link",
    "properties",
    "details",
    "activate",
    "deactivate",
    "title",
    "acctitle",
    "accdescr",
    "autonumber",
    "off",
    "sequencediagram",
];

/// An id Mermaid reads as a plain participant name: letters, digits and `_`,
/// starting with a letter, not a keyword.
fn plain_id(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !KEYWORDS.contains(&name.to_ascii_lowercase().as_str())
}

/// Text for a label, a note or an alias: Mermaid's entity codes for the characters
/// its lexer treats specially (`;` ends a statement, `#` starts an entity code, `:`
/// separates text, `<`/`>` could open HTML, `%` could start a comment), and spaces
/// for line breaks.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            ';' => out.push_str("#59;"),
            '#' => out.push_str("#35;"),
            ':' => out.push_str("#58;"),
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            '%' => out.push_str("#37;"),
            '{' => out.push_str("#123;"),
            '}' => out.push_str("#125;"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

fn render(story: &Story) -> String {
    // Participant ids: the task's own name when Mermaid reads it as an id, else `tN`.
    let mut used = HashSet::new();
    let mut ids: Vec<String> = Vec::new();
    for (i, name) in story.tasks.iter().enumerate() {
        let mut id = if plain_id(name) && &**name != "kernel" {
            name.to_string()
        } else {
            format!("t{}", i + 1)
        };
        while used.contains(&id) {
            id.push('_');
        }
        used.insert(id.clone());
        ids.push(id);
    }
    let mut kernel_id = "kernel".to_string();
    while used.contains(&kernel_id) {
        kernel_id.push('_');
    }

    let mut out = String::from("sequenceDiagram\n");
    let _ = writeln!(
        out,
        "    %% machsim export of {}: one arrow per message, drawn where it ends",
        escape(&story.title)
    );
    for (id, name) in ids.iter().zip(&story.tasks) {
        if id == &**name {
            let _ = writeln!(out, "    participant {id}");
        } else {
            let _ = writeln!(out, "    participant {id} as {}", escape(name));
        }
    }
    if story.kernel {
        let _ = writeln!(out, "    participant {kernel_id}");
    }
    let all: Vec<&str> = ids
        .iter()
        .map(String::as_str)
        .chain(story.kernel.then_some(kernel_id.as_str()))
        .collect();
    let over_all = match (all.first(), all.last()) {
        (Some(first), Some(last)) if first != last => format!("{first},{last}"),
        (Some(only), _) => (*only).to_string(),
        _ => String::new(),
    };

    let who = |w: Who| match w {
        Who::Task(i) => ids[i].as_str(),
        Who::Kernel => kernel_id.as_str(),
    };
    let mut shown_ns = 0;
    for step in &story.steps {
        if matches!(step, Step::Life { .. }) {
            continue;
        }
        if step.t_ns() > shown_ns && !over_all.is_empty() {
            shown_ns = step.t_ns();
            let _ = writeln!(out, "    Note over {over_all}: {}", escape(&time(shown_ns)));
        }
        match step {
            Step::Arrow(arrow) => {
                let from = who(arrow.from);
                let to = arrow.to.map_or(from, |i| ids[i].as_str());
                let dashed = arrow.from == Who::Kernel;
                let head = match (&arrow.end, dashed) {
                    (End::Received, false) => "->>",
                    (End::Received, true) => "-->>",
                    (End::Destroyed(_), false) => "-x",
                    (End::Destroyed(_), true) => "--x",
                    (End::HandedBack, _) => "-)",
                    (End::StillQueued | End::StillHeld, _) => "--)",
                };
                let label = format!("{} {}", arrow.tag(), arrow.detail());
                let _ = writeln!(out, "    {from}{head}{to}: {}", escape(&label));
            }
            Step::Note { task, text, .. } => {
                let over = match task {
                    Some(i) => ids[*i].as_str(),
                    None => over_all.as_str(),
                };
                if !over.is_empty() {
                    let _ = writeln!(out, "    Note over {over}: {}", escape(text));
                }
            }
            Step::Life { .. } => {}
        }
    }
    out
}
