//! The keys: what each one does outside a prompt, and the table the help overlay
//! shows. Both come from here, so the help cannot drift from the behaviour.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// What a key asks for outside a prompt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Command {
    Forward,
    Backward,
    PageForward,
    PageBackward,
    Start,
    End,
    Down,
    Up,
    FocusNext,
    FocusPrev,
    TaskNext,
    TaskPrev,
    PortNext,
    PortPrev,
    MessageNext,
    MessagePrev,
    GoToEvent,
    GoToTime,
    Search,
    SearchNext,
    SearchPrev,
    ToggleIdlePorts,
    Help,
    Quit,
}

/// The command a key stands for outside a prompt, if any.
pub(super) fn command(key: KeyEvent) -> Option<Command> {
    use Command as C;
    let control = key.modifiers.contains(KeyModifiers::CONTROL);
    if control {
        return match key.code {
            KeyCode::Char('c') => Some(C::Quit),
            KeyCode::Char('d') | KeyCode::Char('f') => Some(C::PageForward),
            KeyCode::Char('u') | KeyCode::Char('b') => Some(C::PageBackward),
            _ => None,
        };
    }
    Some(match key.code {
        KeyCode::Right | KeyCode::Char('l') | KeyCode::Char('n') => C::Forward,
        KeyCode::Left | KeyCode::Char('h') | KeyCode::Char('p') => C::Backward,
        KeyCode::PageDown => C::PageForward,
        KeyCode::PageUp => C::PageBackward,
        KeyCode::Home => C::Start,
        KeyCode::End => C::End,
        KeyCode::Down | KeyCode::Char('j') => C::Down,
        KeyCode::Up | KeyCode::Char('k') => C::Up,
        KeyCode::Tab => C::FocusNext,
        KeyCode::BackTab => C::FocusPrev,
        KeyCode::Char('t') => C::TaskNext,
        KeyCode::Char('T') => C::TaskPrev,
        KeyCode::Char('o') => C::PortNext,
        KeyCode::Char('O') => C::PortPrev,
        KeyCode::Char('m') => C::MessageNext,
        KeyCode::Char('M') => C::MessagePrev,
        KeyCode::Char('g') => C::GoToEvent,
        KeyCode::Char(':') => C::GoToTime,
        KeyCode::Char('/') => C::Search,
        KeyCode::Char('f') => C::SearchNext,
        KeyCode::Char('F') => C::SearchPrev,
        KeyCode::Char('i') => C::ToggleIdlePorts,
        KeyCode::Char('?') => C::Help,
        KeyCode::Char('q') | KeyCode::Esc => C::Quit,
        _ => return None,
    })
}

/// The help overlay: sections of (keys, what they do).
pub(super) const HELP: &[(&str, &[(&str, &str)])] = &[
    (
        "Moving through the trace",
        &[
            ("→ l n", "next event"),
            ("← h p", "previous event (instant: checkpoints)"),
            ("PgDn ^d ^f", "a page of events forward"),
            ("PgUp ^u ^b", "a page of events back"),
            ("Home End", "before the first event / the last event"),
            ("g N Enter", "go to event N (g 0: before the first)"),
            (": T Enter", "go to the first event at or after T ms (2.5)"),
        ],
    ),
    (
        "Following a task, a port, a message",
        &[
            ("Tab S-Tab", "focus the next / previous pane"),
            ("↓ ↑ j k", "select in the focused pane (events: step)"),
            ("t T", "next / previous event of the selected task"),
            ("o O", "next / previous event of the selected port"),
            ("m M", "next / previous event of the current message"),
            ("i", "show / hide idle task kernel and notify ports"),
        ],
    ),
    (
        "Searching",
        &[
            ("/ text Enter", "search forward for text in the events"),
            ("f F", "next / previous match of the last search"),
        ],
    ),
    (
        "Prompts and the rest",
        &[
            ("Enter Esc", "run / cancel a prompt"),
            ("?", "this help (any of ? Esc q closes it)"),
            ("q Esc ^c", "quit"),
        ],
    ),
];
