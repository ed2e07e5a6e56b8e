//! The terminal: raw mode and the alternate screen for as long as the stepper runs,
//! and always put back — when it quits, when drawing or reading a key fails, and
//! when it panics.
//!
//! [`TerminalGuard`] enters on creation and restores in `Drop`, so every way out
//! of [`run`] (return, `?`, unwinding) passes through it. A panic hook installed
//! by the guard restores the terminal *before* the previous hook prints the panic
//! message, so the message lands on the normal screen, readable, instead of in the
//! alternate screen that is about to vanish. Restoring twice does nothing the
//! second time.

use super::app::{Action, App};
use crossterm::event::{self, Event};
use crossterm::terminal::{Clear, ClearType, EnterAlternateScreen, LeaveAlternateScreen};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use std::io;
use std::panic::{self, PanicHookInfo};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use views::stepper::Stepper;

/// True between entering the stepper's terminal mode and restoring it.
static ENTERED: AtomicBool = AtomicBool::new(false);

/// Raw mode off, back to the main screen, cursor shown; once.
fn restore() {
    if ENTERED.swap(false, Ordering::SeqCst) {
        let _ = crossterm::terminal::disable_raw_mode();
        let _ = crossterm::execute!(io::stdout(), LeaveAlternateScreen, crossterm::cursor::Show);
    }
}

type Hook = Box<dyn Fn(&PanicHookInfo<'_>) + Sync + Send + 'static>;

/// The terminal in the stepper's mode while it lives.
struct TerminalGuard {
    previous_hook: Option<Arc<Hook>>,
}

impl TerminalGuard {
    /// Installs the restoring panic hook, then enters raw mode and the alternate
    /// screen and hides the cursor. If entering fails half-way, the guard made so
    /// far restores what was done.
    fn enter() -> io::Result<TerminalGuard> {
        let previous: Arc<Hook> = Arc::new(panic::take_hook());
        let chained = Arc::clone(&previous);
        panic::set_hook(Box::new(move |info| {
            restore();
            chained(info);
        }));
        let guard = TerminalGuard {
            previous_hook: Some(previous),
        };
        ENTERED.store(true, Ordering::SeqCst);
        crossterm::terminal::enable_raw_mode()?;
        crossterm::execute!(
            io::stdout(),
            EnterAlternateScreen,
            Clear(ClearType::All),
            crossterm::cursor::Hide
        )?;
        Ok(guard)
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        restore();
        // The hook cannot be changed while panicking; it restores nothing twice.
        if !std::thread::panicking()
            && let Some(previous) = self.previous_hook.take()
        {
            let _ours = panic::take_hook();
            panic::set_hook(Box::new(move |info| previous(info)));
        }
    }
}

/// Runs the stepper over `stepper` on the process's terminal until `q`, Esc or
/// Ctrl-C; `color` false paints without colour. The terminal is restored however
/// it ends.
///
/// # Errors
/// The terminal could not be set up, drawn on or read from.
pub fn run(stepper: &Stepper, color: bool) -> io::Result<()> {
    let _guard = TerminalGuard::enter()?;
    // No `terminal.clear()`: it asks the terminal where the cursor is, and a
    // terminal that does not answer would make the stepper fail; the alternate
    // screen was cleared on entering it.
    let mut terminal = Terminal::new(CrosstermBackend::new(io::stdout()))?;
    let mut app = App::new(stepper, color);
    loop {
        terminal.draw(|frame| app.draw(frame))?;
        let action = match event::read()? {
            Event::Key(key) => app.handle(key),
            Event::Resize(..) => {
                terminal.autoresize()?;
                Action::Continue
            }
            _ => Action::Continue,
        };
        if action == Action::Quit {
            break;
        }
    }
    terminal.show_cursor()?;
    Ok(())
}
