//! The stepper's state as a value: where the cursor is, which pane has focus, what
//! is selected, the prompt being typed, the last search. [`App::handle`] applies one
//! key; [`App::draw`] paints the whole screen from this state alone, so a test
//! drives it with keys and looks at a `TestBackend`.

use super::keys::{self, Command};
use super::port_pane;
use super::prompt::{Edit, Prompt, PromptKind};
use super::search::{Direction, Search};
use super::text;
use super::theme::Theme;
use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use ratatui::Frame;
use std::cell::Cell;
use trace::{Label, TraceRecord};
use views::stepper::{Cursor, State, Stepper, message_of, time};

/// What the terminal loop does after a key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// Draw again and wait for the next key.
    Continue,
    /// Restore the terminal and leave.
    Quit,
}

/// The pane that ↑/↓ act on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Focus {
    /// The event list: ↑/↓ step.
    Events,
    /// The task pane: ↑/↓ select a task.
    Tasks,
    /// The port pane: ↑/↓ select a port, a set or a dead port.
    Ports,
    /// The detail pane: ↑/↓ scroll it.
    Detail,
}

impl Focus {
    const ORDER: [Focus; 4] = [Focus::Events, Focus::Tasks, Focus::Ports, Focus::Detail];

    fn next(self) -> Focus {
        let i = Focus::ORDER.iter().position(|f| *f == self).unwrap_or(0);
        Focus::ORDER[(i + 1) % Focus::ORDER.len()]
    }

    fn prev(self) -> Focus {
        let i = Focus::ORDER.iter().position(|f| *f == self).unwrap_or(0);
        Focus::ORDER[(i + Focus::ORDER.len() - 1) % Focus::ORDER.len()]
    }
}

/// A line of feedback under the status bar: what a key did, or why it did nothing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Note {
    /// The text.
    pub text: String,
    /// True when the key could not do what it asks.
    pub error: bool,
}

/// The interactive stepper over one trace.
#[derive(Debug)]
pub struct App<'a> {
    pub(super) stepper: &'a Stepper,
    pub(super) cursor: Cursor<'a>,
    pub(super) focus: Focus,
    pub(super) selected_task: Option<Label>,
    pub(super) selected_port: Option<Label>,
    pub(super) prompt: Option<Prompt>,
    pub(super) search: Option<Search>,
    pub(super) help: bool,
    pub(super) show_idle_ports: bool,
    pub(super) note: Option<Note>,
    pub(super) detail_scroll: u16,
    /// The last message the cursor stood on: `m`/`M` follow it from events about
    /// something else.
    pub(super) followed_msg: Option<u64>,
    pub(super) theme: Theme,
    /// Rows of the event list at the last draw: the size of a page.
    pub(super) page: Cell<u16>,
    /// How far the detail pane could scroll at the last draw.
    pub(super) detail_most: Cell<u16>,
}

impl<'a> App<'a> {
    /// A stepper before the first event, the event list focused; `color` false
    /// paints with bold, dim and reverse video only.
    pub fn new(stepper: &'a Stepper, color: bool) -> App<'a> {
        App {
            stepper,
            cursor: stepper.cursor(),
            focus: Focus::Events,
            selected_task: None,
            selected_port: None,
            prompt: None,
            search: None,
            help: false,
            show_idle_ports: false,
            note: None,
            detail_scroll: 0,
            followed_msg: None,
            theme: Theme::new(color),
            page: Cell::new(10),
            detail_most: Cell::new(0),
        }
    }

    /// The current event's number (0: before the first event).
    pub fn position(&self) -> u64 {
        self.cursor.position()
    }

    /// The state after the current event.
    pub fn state(&self) -> &State {
        self.cursor.state()
    }

    /// The current event, if the cursor is past event 0.
    pub fn event(&self) -> Option<&'a TraceRecord> {
        self.cursor.event()
    }

    /// The pane with focus.
    pub fn focus(&self) -> Focus {
        self.focus
    }

    /// The task `t`/`T` follow.
    pub fn selected_task(&self) -> Option<&str> {
        self.selected_task.as_deref()
    }

    /// The port (or set) `o`/`O` follow.
    pub fn selected_port(&self) -> Option<&str> {
        self.selected_port.as_deref()
    }

    /// The prompt being typed, if any.
    pub fn prompt(&self) -> Option<&Prompt> {
        self.prompt.as_ref()
    }

    /// The last search.
    pub fn search(&self) -> Option<&Search> {
        self.search.as_ref()
    }

    /// True while the help overlay is shown.
    pub fn help_open(&self) -> bool {
        self.help
    }

    /// The feedback of the last key.
    pub fn note(&self) -> Option<&Note> {
        self.note.as_ref()
    }

    /// Paints the whole screen.
    pub fn draw(&self, frame: &mut Frame<'_>) {
        super::draw::draw(self, frame);
    }

    /// Applies one key.
    pub fn handle(&mut self, key: KeyEvent) -> Action {
        if key.kind == KeyEventKind::Release {
            return Action::Continue;
        }
        if key.modifiers.contains(KeyModifiers::CONTROL) && key.code == KeyCode::Char('c') {
            return Action::Quit;
        }
        if self.help {
            if matches!(
                key.code,
                KeyCode::Char('?') | KeyCode::Char('q') | KeyCode::Esc
            ) {
                self.help = false;
            }
            return Action::Continue;
        }
        if let Some(prompt) = &mut self.prompt {
            match prompt.edit(key) {
                Edit::Typing => {}
                Edit::Cancel => self.prompt = None,
                Edit::Submit => {
                    if let Some(prompt) = self.prompt.take() {
                        self.submit(prompt);
                    }
                }
            }
            return Action::Continue;
        }
        let Some(command) = keys::command(key) else {
            return Action::Continue;
        };
        self.note = None;
        self.run(command)
    }

    fn run(&mut self, command: Command) -> Action {
        use Command as C;
        match command {
            C::Forward => self.step_forward(),
            C::Backward => self.step_backward(),
            C::PageForward => {
                let k = self.position().saturating_add(self.page_size());
                self.go(k.min(self.stepper.last_seq()));
            }
            C::PageBackward => {
                let k = self.position().saturating_sub(self.page_size());
                self.go(k);
            }
            C::Start => self.go(0),
            C::End => self.go(self.stepper.last_seq()),
            C::Down => self.move_in_pane(1),
            C::Up => self.move_in_pane(-1),
            C::FocusNext => self.set_focus(self.focus.next()),
            C::FocusPrev => self.set_focus(self.focus.prev()),
            C::TaskNext => self.follow_task(Direction::Forward),
            C::TaskPrev => self.follow_task(Direction::Backward),
            C::PortNext => self.follow_port(Direction::Forward),
            C::PortPrev => self.follow_port(Direction::Backward),
            C::MessageNext => self.follow_message(Direction::Forward),
            C::MessagePrev => self.follow_message(Direction::Backward),
            C::GoToEvent => self.prompt = Some(Prompt::new(PromptKind::Event)),
            C::GoToTime => self.prompt = Some(Prompt::new(PromptKind::Time)),
            C::Search => self.prompt = Some(Prompt::new(PromptKind::Search)),
            C::SearchNext => self.search_again(Direction::Forward),
            C::SearchPrev => self.search_again(Direction::Backward),
            C::ToggleIdlePorts => {
                self.show_idle_ports = !self.show_idle_ports;
                let what = if self.show_idle_ports {
                    "idle task kernel and notify ports shown"
                } else {
                    "idle task kernel and notify ports hidden"
                };
                self.inform(what.to_string());
            }
            C::Help => self.help = true,
            C::Quit => return Action::Quit,
        }
        Action::Continue
    }

    // ----- moving ------------------------------------------------------------------

    fn page_size(&self) -> u64 {
        u64::from(self.page.get().max(1))
    }

    /// Moves the cursor to the state after event `k` (at most the last).
    fn go(&mut self, k: u64) {
        let k = k.min(self.stepper.last_seq());
        if self.cursor.seek(k).is_ok() {
            self.arrived();
        }
    }

    fn arrived(&mut self) {
        self.detail_scroll = 0;
        if let Some(msg) = self.event().and_then(|r| message_of(&r.event)) {
            self.followed_msg = Some(msg);
        }
    }

    fn step_forward(&mut self) {
        if self.cursor.forward() {
            self.arrived();
        } else {
            self.fail("at the last event: nothing follows (Home goes to the start)");
        }
    }

    fn step_backward(&mut self) {
        if self.cursor.backward() {
            self.arrived();
        } else {
            self.fail("before the first event: nothing precedes (End goes to the last)");
        }
    }

    fn move_in_pane(&mut self, delta: i64) {
        match self.focus {
            Focus::Events => {
                if delta > 0 {
                    self.step_forward();
                } else {
                    self.step_backward();
                }
            }
            Focus::Tasks => {
                let names: Vec<Label> = self.state().tasks().map(|t| t.name.clone()).collect();
                self.selected_task = pick(&names, self.selected_task.as_ref(), delta);
            }
            Focus::Ports => {
                let labels: Vec<Label> = port_pane::entries(self)
                    .into_iter()
                    .map(|e| e.label)
                    .collect();
                self.selected_port = pick(&labels, self.selected_port.as_ref(), delta);
            }
            Focus::Detail => {
                self.detail_scroll = if delta > 0 {
                    self.detail_scroll
                        .saturating_add(1)
                        .min(self.detail_most.get())
                } else {
                    self.detail_scroll.saturating_sub(1)
                };
            }
        }
    }

    fn set_focus(&mut self, focus: Focus) {
        self.focus = focus;
        match focus {
            Focus::Tasks if self.selected_task.is_none() => {
                let state = self.cursor.state();
                let current = self
                    .event()
                    .and_then(|r| r.task.clone())
                    .filter(|t| state.task(t).is_some());
                self.selected_task =
                    current.or_else(|| state.tasks().next().map(|t| t.name.clone()));
            }
            Focus::Ports if self.selected_port.is_none() => {
                let entries = port_pane::entries(self);
                let busy = entries.iter().find(|e| e.busy);
                self.selected_port = busy.or(entries.first()).map(|e| e.label.clone());
            }
            _ => {}
        }
    }

    /// The task `t`/`T` follow: the selected one, else the current event's.
    fn task_to_follow(&self) -> Option<Label> {
        self.selected_task
            .clone()
            .or_else(|| self.event().and_then(|r| r.task.clone()))
    }

    fn follow_task(&mut self, direction: Direction) {
        let Some(task) = self.task_to_follow() else {
            self.fail("no task selected: Tab to the task pane and pick one with ↑/↓");
            return;
        };
        let here = self.position();
        let found = match direction {
            Direction::Forward => self.stepper.next_task_event(&task, here),
            Direction::Backward => self.stepper.prev_task_event(&task, here),
        };
        self.arrive_or_explain(found, &format!("task {task}"), direction);
    }

    fn follow_port(&mut self, direction: Direction) {
        let Some(port) = self.selected_port.clone() else {
            self.fail("no port selected: Tab to the port pane and pick one with ↑/↓");
            return;
        };
        let here = self.position();
        let found = match direction {
            Direction::Forward => self.stepper.next_port_event(&port, here),
            Direction::Backward => self.stepper.prev_port_event(&port, here),
        };
        self.arrive_or_explain(found, &format!("port {port}"), direction);
    }

    fn follow_message(&mut self, direction: Direction) {
        let current = self.event().and_then(|r| message_of(&r.event));
        let Some(msg) = current.or(self.followed_msg) else {
            self.fail("no current message: step to an event about a message first");
            return;
        };
        let here = self.position();
        let found = match direction {
            Direction::Forward => self.stepper.next_message_event(msg, here),
            Direction::Backward => self.stepper.prev_message_event(msg, here),
        };
        self.arrive_or_explain(found, &format!("msg {msg}"), direction);
        if found.is_some() {
            self.followed_msg = Some(msg);
            let events = self.stepper.message_events(msg);
            let nth = events.partition_point(|s| *s < self.position()) + 1;
            self.inform(format!(
                "msg {msg}: event {} ({nth} of its {})",
                self.position(),
                events.len()
            ));
        }
    }

    fn arrive_or_explain(&mut self, found: Option<u64>, what: &str, direction: Direction) {
        match found {
            Some(k) => {
                self.go(k);
                self.inform(format!("{what}: event {k}"));
            }
            None => {
                let which = match direction {
                    Direction::Forward => "later",
                    Direction::Backward => "earlier",
                };
                self.fail(&format!("no {which} event of {what}"));
            }
        }
    }

    // ----- prompts and search ------------------------------------------------------

    fn submit(&mut self, prompt: Prompt) {
        match prompt.kind {
            PromptKind::Event => self.go_to_event(&prompt.text),
            PromptKind::Time => self.go_to_time(&prompt.text),
            PromptKind::Search => {
                let query = if prompt.text.is_empty() {
                    match &self.search {
                        Some(search) => search.query.clone(),
                        None => return,
                    }
                } else {
                    prompt.text
                };
                self.search_for(&query, Direction::Forward);
            }
        }
    }

    fn go_to_event(&mut self, text: &str) {
        let last = self.stepper.last_seq();
        match text.parse::<u64>() {
            Ok(k) if k <= last => {
                self.go(k);
                self.inform(format!("event {k}"));
            }
            Ok(k) => self.fail(&format!(
                "event {k} is beyond the end of the trace: its last event is {last}"
            )),
            Err(_) => self.fail("type an event number after g, then Enter"),
        }
    }

    fn go_to_time(&mut self, text: &str) {
        let Some(t_ns) = text::parse_ms(text) else {
            self.fail("type a time in milliseconds after :, such as 5 or 2.5, then Enter");
            return;
        };
        let records = self.stepper.records();
        let first = records.partition_point(|r| r.t_ns < t_ns);
        match records.get(first) {
            Some(record) => {
                self.go(record.seq);
                self.inform(format!(
                    "{}: event {}, the first at or after it",
                    time(t_ns),
                    record.seq
                ));
            }
            None => {
                let last = self.stepper.last_seq();
                self.go(last);
                let end = records.last().map_or(0, |r| r.t_ns);
                self.fail(&format!(
                    "no event at or after {}: the last, event {last}, is at {}",
                    time(t_ns),
                    time(end)
                ));
            }
        }
    }

    fn search_for(&mut self, query: &str, direction: Direction) {
        let search = Search::run(self.stepper, query, self.position(), direction);
        match search.hit {
            Some(k) => {
                self.go(k);
                let wrapped = if search.wrapped {
                    match direction {
                        Direction::Forward => ", wrapped round from the start",
                        Direction::Backward => ", wrapped round from the end",
                    }
                } else {
                    ""
                };
                self.inform(format!("/{query}: event {k}{wrapped}"));
            }
            None => self.fail(&format!("/{query}: no event matches")),
        }
        self.search = Some(search);
    }

    fn search_again(&mut self, direction: Direction) {
        match self.search.as_ref().map(|s| s.query.clone()) {
            Some(query) => self.search_for(&query, direction),
            None => self.fail("no search yet: / then text, then Enter"),
        }
    }

    fn inform(&mut self, text: String) {
        self.note = Some(Note { text, error: false });
    }

    fn fail(&mut self, text: &str) {
        self.note = Some(Note {
            text: text.to_string(),
            error: true,
        });
    }
}

/// The label `delta` rows from `current` in `labels`; the first (or, going up, the
/// last) when `current` is not there.
fn pick(labels: &[Label], current: Option<&Label>, delta: i64) -> Option<Label> {
    if labels.is_empty() {
        return current.cloned();
    }
    let at = current.and_then(|c| labels.iter().position(|l| l == c));
    let index = match at {
        Some(i) => {
            let moved = i as i64 + delta;
            moved.clamp(0, labels.len() as i64 - 1) as usize
        }
        None if delta < 0 => labels.len() - 1,
        None => 0,
    };
    labels.get(index).cloned()
}
