//! The one-line prompts: `g` for an event number, `:` for a virtual time, `/` for
//! a search. A prompt collects characters until Enter runs it or Esc cancels it.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// What a prompt asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PromptKind {
    /// An event number (`g`).
    Event,
    /// A virtual time in milliseconds (`:`).
    Time,
    /// Text to search the events for (`/`).
    Search,
}

impl PromptKind {
    /// The label shown before what was typed.
    pub(super) fn label(self) -> &'static str {
        match self {
            PromptKind::Event => "go to event: ",
            PromptKind::Time => "go to time (ms): ",
            PromptKind::Search => "search: /",
        }
    }

    fn accepts(self, c: char) -> bool {
        match self {
            PromptKind::Event => c.is_ascii_digit(),
            PromptKind::Time => c.is_ascii_digit() || c == '.',
            PromptKind::Search => !c.is_control(),
        }
    }
}

/// A prompt being typed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Prompt {
    /// What it asks for.
    pub kind: PromptKind,
    /// What was typed so far.
    pub text: String,
}

/// What a key does to a prompt.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Edit {
    /// Still typing.
    Typing,
    /// Enter: run it with its text.
    Submit,
    /// Esc: forget it.
    Cancel,
}

impl Prompt {
    pub(super) fn new(kind: PromptKind) -> Prompt {
        Prompt {
            kind,
            text: String::new(),
        }
    }

    /// Applies one key.
    pub(super) fn edit(&mut self, key: KeyEvent) -> Edit {
        if key.modifiers.contains(KeyModifiers::CONTROL) {
            return match key.code {
                KeyCode::Char('c') | KeyCode::Char('g') => Edit::Cancel,
                KeyCode::Char('u') => {
                    self.text.clear();
                    Edit::Typing
                }
                _ => Edit::Typing,
            };
        }
        match key.code {
            KeyCode::Enter => Edit::Submit,
            KeyCode::Esc => Edit::Cancel,
            KeyCode::Backspace => {
                if self.text.pop().is_none() {
                    Edit::Cancel
                } else {
                    Edit::Typing
                }
            }
            KeyCode::Char(c) if self.kind.accepts(c) => {
                self.text.push(c);
                Edit::Typing
            }
            _ => Edit::Typing,
        }
    }
}
