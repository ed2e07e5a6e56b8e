//! The interactive stepper driven by keys on a `TestBackend`: snapshots of the whole
//! screen (no colour, so the text is the whole of it), the keys one by one, resizing,
//! and a million-event trace stepped backward from its end.

use super::*;
use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use harness::run_bundled;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use trace::{
    Event, Label, QueueLimit, Receiver, ScheduleKind, Trace, TraceHeader, TraceItem, TraceRecord,
};
use views::stepper::{State, Stepper};

// ----- helpers -----------------------------------------------------------------------

fn bounded_buffer() -> Stepper {
    Stepper::new(run_bundled("bounded-buffer.toml"))
}

fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

fn ch(c: char) -> KeyEvent {
    key(KeyCode::Char(c))
}

fn ctrl(c: char) -> KeyEvent {
    KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)
}

/// Presses every key of `keys` in turn; every one must leave the app running.
fn press(app: &mut App<'_>, keys: impl IntoIterator<Item = KeyEvent>) {
    for k in keys {
        assert_eq!(app.handle(k), Action::Continue, "{k:?} quit");
    }
}

/// Types `text` as keys, then Enter.
fn type_line(app: &mut App<'_>, text: &str) {
    press(app, text.chars().map(ch));
    press(app, [key(KeyCode::Enter)]);
}

/// The buffer as text, one line per row, trailing blanks cut.
fn text_of(buffer: &Buffer) -> String {
    let width = buffer.area.width as usize;
    let mut out = String::new();
    for row in buffer.content().chunks(width) {
        let line: String = row.iter().map(|cell| cell.symbol()).collect();
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// The app drawn on a `width`×`height` screen.
fn screen(app: &App<'_>, width: u16, height: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("test backend");
    terminal.draw(|frame| app.draw(frame)).expect("draws");
    text_of(terminal.backend().buffer())
}

/// Snapshots the app at 100×30 and 140×40 as `name_100x30` and `name_140x40`.
fn snapshot_both(name: &str, app: &App<'_>) {
    insta::assert_snapshot!(format!("{name}_100x30"), screen(app, 100, 30));
    insta::assert_snapshot!(format!("{name}_140x40"), screen(app, 140, 40));
}

// ----- whole screens -------------------------------------------------------------------

#[test]
fn the_screen_at_the_start_shows_an_empty_state_and_the_first_events() {
    let stepper = bounded_buffer();
    let app = App::new(&stepper, false);
    assert_eq!(app.position(), 0);
    snapshot_both("start", &app);
}

#[test]
fn the_screen_after_forward_steps_shows_the_tasks_and_ports_made_so_far() {
    let stepper = bounded_buffer();
    let mut app = App::new(&stepper, false);
    press(&mut app, std::iter::repeat_n(key(KeyCode::Right), 36));
    assert_eq!(app.position(), 36);
    snapshot_both("forward_36", &app);
}

#[test]
fn the_screen_after_backward_steps_equals_the_screen_reached_forward() {
    let stepper = bounded_buffer();
    let mut back = App::new(&stepper, false);
    press(&mut back, [key(KeyCode::End)]);
    press(&mut back, std::iter::repeat_n(key(KeyCode::Left), 5));
    press(&mut back, [ch('h'), ch('p')]);
    let k = stepper.last_seq() - 7;
    assert_eq!(back.position(), k);

    let mut forward = App::new(&stepper, false);
    press(&mut forward, std::iter::repeat_n(ch('l'), k as usize));
    assert_eq!(forward.position(), k);
    assert!(back.state() == forward.state(), "the states differ at {k}");
    assert!(back.state() == &State::from_records(&stepper.records()[..k as usize]));
    assert_eq!(screen(&back, 100, 30), screen(&forward, 100, 30));
    snapshot_both("backward_to_88", &back);
}

#[test]
fn the_screen_after_a_jump_to_an_event_shows_the_blocked_senders() {
    let stepper = bounded_buffer();
    let mut app = App::new(&stepper, false);
    press(&mut app, [ch('g')]);
    type_line(&mut app, "59");
    assert_eq!(app.position(), 59);
    snapshot_both("jump_to_59", &app);
}

#[test]
fn the_screen_after_a_jump_to_a_time_shows_the_first_event_at_that_time() {
    let stepper = bounded_buffer();
    let mut app = App::new(&stepper, false);
    press(&mut app, [ch(':')]);
    type_line(&mut app, "6");
    let first_at_6 = stepper
        .records()
        .iter()
        .find(|r| r.t_ns >= 6_000_000)
        .map(|r| r.seq);
    assert_eq!(Some(app.position()), first_at_6);
    snapshot_both("jump_to_6ms", &app);
}

#[test]
fn the_screen_after_a_search_shows_the_match_and_the_query_in_the_status_bar() {
    let stepper = bounded_buffer();
    let mut app = App::new(&stepper, false);
    press(&mut app, [ch('/')]);
    type_line(&mut app, "send_blocked");
    let first = stepper.find_next(0, |r| matches!(r.event, Event::SendBlocked { .. }));
    assert_eq!(Some(app.position()), first);
    snapshot_both("search_send_blocked", &app);
}

#[test]
fn the_screen_with_the_help_open_lists_every_key() {
    let stepper = bounded_buffer();
    let mut app = App::new(&stepper, false);
    press(&mut app, [ch('g')]);
    type_line(&mut app, "20");
    press(&mut app, [ch('?')]);
    assert!(app.help_open());
    snapshot_both("help", &app);
}

#[test]
fn the_screen_with_the_port_pane_focused_selects_the_port_with_a_queue() {
    let stepper = bounded_buffer();
    let mut app = App::new(&stepper, false);
    press(&mut app, [ch('g')]);
    type_line(&mut app, "59");
    press(&mut app, [key(KeyCode::Tab), key(KeyCode::Tab)]);
    assert_eq!(app.focus(), Focus::Ports);
    assert_eq!(app.selected_port(), Some("buffer"));
    snapshot_both("ports_focused_at_59", &app);
}

#[test]
fn the_screen_shows_a_typed_body_and_where_its_message_ends() {
    let stepper = Stepper::new(run_bundled("shared-mailbox.toml"));
    let mut app = App::new(&stepper, false);
    press(&mut app, [ch('/')]);
    type_line(&mut app, "id 22,");
    assert!(matches!(
        app.event().map(|r| &r.event),
        Some(Event::MessageSent { id: 22, .. })
    ));
    insta::assert_snapshot!("message_detail_140x40", screen(&app, 140, 40));
}

#[test]
fn the_screen_redraws_whole_after_a_resize() {
    let stepper = bounded_buffer();
    let mut app = App::new(&stepper, false);
    press(&mut app, [ch('g')]);
    type_line(&mut app, "59");
    let mut terminal = Terminal::new(TestBackend::new(100, 30)).expect("test backend");
    terminal.draw(|frame| app.draw(frame)).expect("draws");
    assert_eq!(text_of(terminal.backend().buffer()), screen(&app, 100, 30));
    terminal.backend_mut().resize(140, 40);
    terminal.autoresize().expect("resizes");
    terminal.draw(|frame| app.draw(frame)).expect("draws");
    assert_eq!(text_of(terminal.backend().buffer()), screen(&app, 140, 40));
    terminal.backend_mut().resize(80, 24);
    terminal.autoresize().expect("resizes");
    terminal.draw(|frame| app.draw(frame)).expect("draws");
    let small = text_of(terminal.backend().buffer());
    assert_eq!(small, screen(&app, 80, 24));
    assert!(small.contains("Events: 59 of 95"), "{small}");
}

#[test]
fn the_help_fits_a_24_row_terminal_whole() {
    let stepper = bounded_buffer();
    let mut app = App::new(&stepper, false);
    press(&mut app, [ch('?')]);
    let text = screen(&app, 80, 24);
    for (_, keys) in keys::HELP {
        for (_, what) in keys.iter() {
            assert!(text.contains(what), "{what} is cut off:\n{text}");
        }
    }
}

#[test]
fn a_screen_too_small_asks_for_a_larger_terminal() {
    let stepper = bounded_buffer();
    let app = App::new(&stepper, false);
    let text = screen(&app, 30, 8);
    assert!(text.contains("40×12") && text.contains("30×8"), "{text}");
}

#[test]
fn colour_changes_the_styles_but_not_the_text() {
    let stepper = bounded_buffer();
    let mut plain = App::new(&stepper, false);
    let mut coloured = App::new(&stepper, true);
    for app in [&mut plain, &mut coloured] {
        press(app, [ch('g')]);
        type_line(app, "59");
    }
    assert_eq!(screen(&plain, 100, 30), screen(&coloured, 100, 30));
    let colours = |app: &App<'_>| {
        let mut terminal = Terminal::new(TestBackend::new(100, 30)).expect("test backend");
        terminal.draw(|frame| app.draw(frame)).expect("draws");
        terminal
            .backend()
            .buffer()
            .content()
            .iter()
            .filter(|c| {
                c.fg != ratatui::style::Color::Reset || c.bg != ratatui::style::Color::Reset
            })
            .count()
    };
    assert_eq!(colours(&plain), 0, "no colour without colour");
    assert!(colours(&coloured) > 0);
}

// ----- keys ----------------------------------------------------------------------------

#[test]
fn right_l_and_n_each_step_forward_one_event() {
    let stepper = bounded_buffer();
    let mut app = App::new(&stepper, false);
    press(&mut app, [key(KeyCode::Right)]);
    assert_eq!(app.position(), 1);
    press(&mut app, [ch('l')]);
    assert_eq!(app.position(), 2);
    press(&mut app, [ch('n')]);
    assert_eq!(app.position(), 3);
    assert_eq!(app.event().map(|r| r.seq), Some(3));
}

#[test]
fn left_h_and_p_each_step_back_one_event() {
    let stepper = bounded_buffer();
    let mut app = App::new(&stepper, false);
    press(&mut app, std::iter::repeat_n(ch('l'), 10));
    press(&mut app, [key(KeyCode::Left)]);
    assert_eq!(app.position(), 9);
    press(&mut app, [ch('h')]);
    assert_eq!(app.position(), 8);
    press(&mut app, [ch('p')]);
    assert_eq!(app.position(), 7);
    assert!(app.state() == &stepper.state_at(7).expect("in range"));
}

#[test]
fn stepping_back_from_the_start_stays_there_and_says_why() {
    let stepper = bounded_buffer();
    let mut app = App::new(&stepper, false);
    press(&mut app, [key(KeyCode::Left)]);
    assert_eq!(app.position(), 0);
    assert!(app.note().is_some_and(|n| n.error), "{:?}", app.note());
}

#[test]
fn stepping_past_the_last_event_stays_there_and_says_why() {
    let stepper = bounded_buffer();
    let mut app = App::new(&stepper, false);
    press(&mut app, [key(KeyCode::End), key(KeyCode::Right)]);
    assert_eq!(app.position(), stepper.last_seq());
    assert!(app.note().is_some_and(|n| n.error));
    press(&mut app, [key(KeyCode::Left)]);
    assert!(app.note().is_none(), "a key that works clears the note");
}

#[test]
fn home_and_end_go_to_the_start_and_the_last_event() {
    let stepper = bounded_buffer();
    let mut app = App::new(&stepper, false);
    press(&mut app, [key(KeyCode::End)]);
    assert_eq!(app.position(), stepper.last_seq());
    assert!(app.state() == stepper.final_state());
    press(&mut app, [key(KeyCode::Home)]);
    assert_eq!(app.position(), 0);
    assert_eq!(app.state().tasks().count(), 0);
}

#[test]
fn page_keys_move_by_the_event_lists_height() {
    let stepper = bounded_buffer();
    let mut app = App::new(&stepper, false);
    // 100×30: the event list is 11 rows high, 9 inside its border; a page keeps
    // one row of context.
    let _ = screen(&app, 100, 30);
    press(&mut app, [key(KeyCode::PageDown)]);
    let page = app.position();
    assert_eq!(page, 8);
    press(&mut app, [ctrl('d'), ctrl('f')]);
    assert_eq!(app.position(), 3 * page);
    press(&mut app, [key(KeyCode::PageUp), ctrl('u')]);
    assert_eq!(app.position(), page);
    press(&mut app, [ctrl('b'), ctrl('b')]);
    assert_eq!(app.position(), 0);
    press(&mut app, std::iter::repeat_n(key(KeyCode::PageDown), 50));
    assert_eq!(app.position(), stepper.last_seq());
}

#[test]
fn g_then_digits_then_enter_jumps_to_that_event() {
    let stepper = bounded_buffer();
    let mut app = App::new(&stepper, false);
    press(&mut app, [ch('g'), ch('4')]);
    assert_eq!(
        app.prompt(),
        Some(&Prompt {
            kind: PromptKind::Event,
            text: "4".into()
        })
    );
    // Letters are not digits: ignored.
    press(&mut app, [ch('x'), ch('2'), key(KeyCode::Enter)]);
    assert_eq!(app.position(), 42);
    assert!(app.prompt().is_none());
    press(&mut app, [ch('g')]);
    type_line(&mut app, "0");
    assert_eq!(app.position(), 0);
}

#[test]
fn a_jump_beyond_the_last_event_stays_and_names_the_last() {
    let stepper = bounded_buffer();
    let mut app = App::new(&stepper, false);
    press(&mut app, [ch('l'), ch('g')]);
    type_line(&mut app, "1000");
    assert_eq!(app.position(), 1);
    let note = app.note().expect("a note");
    assert!(note.error);
    assert!(note.text.contains("its last event is 95"), "{}", note.text);
}

#[test]
fn escape_cancels_a_prompt_without_moving_or_quitting() {
    let stepper = bounded_buffer();
    let mut app = App::new(&stepper, false);
    press(&mut app, [ch('g'), ch('5'), key(KeyCode::Esc)]);
    assert!(app.prompt().is_none());
    assert_eq!(app.position(), 0);
    // Backspace edits, and on an empty prompt cancels it.
    press(
        &mut app,
        [ch('g'), ch('5'), ch('6'), key(KeyCode::Backspace)],
    );
    assert_eq!(app.prompt().map(|p| p.text.as_str()), Some("5"));
    press(&mut app, [key(KeyCode::Backspace), key(KeyCode::Backspace)]);
    assert!(app.prompt().is_none());
    // Keys typed into a prompt are not commands.
    press(&mut app, [ch('/'), ch('q'), ch('l')]);
    assert_eq!(app.position(), 0);
    assert_eq!(app.prompt().map(|p| p.text.as_str()), Some("ql"));
}

#[test]
fn a_colon_and_a_time_in_milliseconds_jump_to_the_first_event_at_or_after_it() {
    let stepper = bounded_buffer();
    let mut app = App::new(&stepper, false);
    press(&mut app, [ch(':')]);
    type_line(&mut app, "5.5");
    let expected = stepper
        .records()
        .iter()
        .find(|r| r.t_ns >= 5_500_000)
        .expect("something happens after 5.5 ms");
    assert_eq!(app.position(), expected.seq);
    let before = stepper.record(expected.seq - 1).expect("an event before");
    assert!(before.t_ns < 5_500_000);
    press(&mut app, [ch(':')]);
    type_line(&mut app, "0");
    assert_eq!(app.position(), 1);
}

#[test]
fn a_time_after_the_last_event_goes_to_the_last_and_says_so() {
    let stepper = bounded_buffer();
    let mut app = App::new(&stepper, false);
    press(&mut app, [ch(':')]);
    type_line(&mut app, "99999");
    assert_eq!(app.position(), stepper.last_seq());
    assert!(
        app.note()
            .is_some_and(|n| n.error && n.text.contains("no event at or after"))
    );
}

#[test]
fn slash_searches_forward_and_f_and_shift_f_repeat_the_search_both_ways() {
    let stepper = bounded_buffer();
    let hits: Vec<u64> = stepper
        .records()
        .iter()
        .filter(|r| matches!(r.event, Event::SendBlocked { .. }))
        .map(|r| r.seq)
        .collect();
    assert!(hits.len() >= 3);
    let mut app = App::new(&stepper, false);
    press(&mut app, [ch('/')]);
    type_line(&mut app, "SEND_BLOCKED");
    assert_eq!(app.position(), hits[0], "the search ignores case");
    press(&mut app, [ch('f')]);
    assert_eq!(app.position(), hits[1]);
    press(&mut app, [ch('f')]);
    assert_eq!(app.position(), hits[2]);
    press(&mut app, [ch('F')]);
    assert_eq!(app.position(), hits[1]);
    let search = app.search().expect("a search");
    assert_eq!(search.query, "SEND_BLOCKED");
    assert_eq!(search.hit, Some(hits[1]));
    // Past the last hit, the search wraps round to the first.
    press(&mut app, [key(KeyCode::End), ch('f')]);
    assert_eq!(app.position(), hits[0]);
    assert!(app.search().is_some_and(|s| s.wrapped));
    // An empty search repeats the last one.
    press(&mut app, [ch('/'), key(KeyCode::Enter)]);
    assert_eq!(app.position(), hits[1]);
}

#[test]
fn a_search_without_a_match_stays_and_says_so() {
    let stepper = bounded_buffer();
    let mut app = App::new(&stepper, false);
    press(&mut app, [ch('l'), ch('/')]);
    type_line(&mut app, "no such thing");
    assert_eq!(app.position(), 1);
    assert!(
        app.note()
            .is_some_and(|n| n.error && n.text.contains("no event matches"))
    );
    assert_eq!(app.search().map(|s| s.hit), Some(None));
}

#[test]
fn a_search_finds_the_next_hit_either_way_and_wraps_round_the_end_once() {
    use super::search::{Direction, Search};
    let stepper = bounded_buffer();
    let last = stepper.last_seq();
    let hits: Vec<u64> = stepper
        .records()
        .iter()
        .filter(|r| views::stepper::describe(r).contains("send_blocked"))
        .map(|r| r.seq)
        .collect();
    assert!(hits.len() > 1, "the lesson blocks more than once");
    for from in 0..=last {
        let forward = Search::run(&stepper, "SEND_BLOCKED", from, Direction::Forward);
        let expected = match hits.iter().find(|&&k| k > from) {
            Some(&k) => (Some(k), false),
            None => (hits.iter().find(|&&k| k <= from).copied(), true),
        };
        assert_eq!(
            (forward.hit, forward.wrapped),
            expected,
            "forward from {from}"
        );
        let backward = Search::run(&stepper, "send_blocked", from, Direction::Backward);
        let expected = match hits.iter().rev().find(|&&k| k < from) {
            Some(&k) => (Some(k), false),
            None => (hits.iter().rev().find(|&&k| k >= from).copied(), true),
        };
        assert_eq!(
            (backward.hit, backward.wrapped),
            expected,
            "backward from {from}"
        );
    }
    let none = Search::run(&stepper, "no such thing", 3, Direction::Forward);
    assert_eq!((none.hit, none.wrapped), (None, false));
}

#[test]
fn f_before_any_search_explains_how_to_search() {
    let stepper = bounded_buffer();
    let mut app = App::new(&stepper, false);
    press(&mut app, [ch('f')]);
    assert_eq!(app.position(), 0);
    assert!(app.note().is_some_and(|n| n.text.contains("no search yet")));
}

#[test]
fn tab_cycles_the_focus_through_the_panes_and_shift_tab_goes_back() {
    let stepper = bounded_buffer();
    let mut app = App::new(&stepper, false);
    let mut seen = vec![app.focus()];
    for _ in 0..4 {
        press(&mut app, [key(KeyCode::Tab)]);
        seen.push(app.focus());
    }
    assert_eq!(
        seen,
        [
            Focus::Events,
            Focus::Tasks,
            Focus::Ports,
            Focus::Detail,
            Focus::Events
        ]
    );
    press(&mut app, [key(KeyCode::BackTab)]);
    assert_eq!(app.focus(), Focus::Detail);
}

#[test]
fn up_and_down_step_through_events_when_the_event_list_has_focus() {
    let stepper = bounded_buffer();
    let mut app = App::new(&stepper, false);
    press(&mut app, [key(KeyCode::Down), ch('j'), key(KeyCode::Down)]);
    assert_eq!(app.position(), 3);
    press(&mut app, [key(KeyCode::Up), ch('k')]);
    assert_eq!(app.position(), 1);
}

#[test]
fn up_and_down_select_tasks_when_the_task_pane_has_focus() {
    let stepper = bounded_buffer();
    let mut app = App::new(&stepper, false);
    press(&mut app, [ch('g')]);
    type_line(&mut app, "59");
    // Event 59 is the kernel's: focusing selects the first task.
    press(&mut app, [key(KeyCode::Tab)]);
    assert_eq!(app.selected_task(), Some("p1"));
    press(&mut app, [key(KeyCode::Down), key(KeyCode::Down)]);
    assert_eq!(app.selected_task(), Some("p3"));
    press(&mut app, [key(KeyCode::Up)]);
    assert_eq!(app.selected_task(), Some("p2"));
    press(&mut app, std::iter::repeat_n(key(KeyCode::Down), 10));
    assert_eq!(app.selected_task(), Some("consumer"), "stops at the last");
    assert_eq!(app.position(), 59, "selecting does not move the cursor");
}

#[test]
fn t_and_shift_t_go_to_the_next_and_previous_event_of_the_selected_task() {
    let stepper = bounded_buffer();
    let mut app = App::new(&stepper, false);
    press(&mut app, [ch('g')]);
    type_line(&mut app, "59");
    press(&mut app, [key(KeyCode::Tab)]);
    press(&mut app, std::iter::repeat_n(key(KeyCode::Down), 4));
    assert_eq!(app.selected_task(), Some("consumer"));
    press(&mut app, [ch('t')]);
    let next = stepper.next_task_event("consumer", 59);
    assert_eq!(Some(app.position()), next);
    press(&mut app, [ch('T'), ch('T')]);
    let prev = stepper.prev_task_event("consumer", 59);
    assert_eq!(Some(app.position()), prev);
    assert_eq!(app.selected_task(), Some("consumer"), "the selection stays");
}

#[test]
fn t_without_a_selected_task_follows_the_current_events_task() {
    let stepper = bounded_buffer();
    let mut app = App::new(&stepper, false);
    press(&mut app, [ch('/')]);
    type_line(&mut app, "by p2");
    let task = app.event().and_then(|r| r.task.clone());
    assert_eq!(task.as_deref(), Some("p2"));
    let here = app.position();
    press(&mut app, [ch('t')]);
    assert_eq!(Some(app.position()), stepper.next_task_event("p2", here));
}

#[test]
fn o_and_shift_o_go_to_the_next_and_previous_event_of_the_selected_port() {
    let stepper = bounded_buffer();
    let mut app = App::new(&stepper, false);
    press(&mut app, [ch('o')]);
    assert!(
        app.note()
            .is_some_and(|n| n.text.contains("no port selected"))
    );
    press(&mut app, [ch('g')]);
    type_line(&mut app, "59");
    press(&mut app, [key(KeyCode::BackTab), key(KeyCode::BackTab)]);
    assert_eq!(app.focus(), Focus::Ports);
    assert_eq!(app.selected_port(), Some("buffer"));
    press(&mut app, [ch('o')]);
    assert_eq!(Some(app.position()), stepper.next_port_event("buffer", 59));
    // Back from there: the event before 59 that names the port, then the one before.
    press(&mut app, [ch('O')]);
    let before = stepper.prev_port_event("buffer", 59);
    assert_eq!(Some(app.position()), before);
    press(&mut app, [ch('O')]);
    assert_eq!(
        Some(app.position()),
        stepper.prev_port_event("buffer", before.expect("an event"))
    );
}

#[test]
fn m_and_shift_m_follow_the_current_message_through_its_events() {
    let stepper = bounded_buffer();
    let mut app = App::new(&stepper, false);
    press(&mut app, [ch('m')]);
    assert!(
        app.note()
            .is_some_and(|n| n.text.contains("no current message"))
    );
    press(&mut app, [ch('/')]);
    type_line(&mut app, "send_blocked");
    let msg = app
        .event()
        .and_then(|r| views::stepper::message_of(&r.event))
        .expect("a blocked send holds a message");
    let events = stepper.message_events(msg).to_vec();
    assert!(events.len() >= 3, "{events:?}");
    let at = events
        .iter()
        .position(|k| *k == app.position())
        .expect("its event");
    press(&mut app, [ch('m')]);
    assert_eq!(app.position(), events[at + 1]);
    press(&mut app, [ch('M'), ch('M')]);
    assert_eq!(app.position(), events[at - 1]);
    // From an event about something else, m follows the message last stood on.
    press(&mut app, [key(KeyCode::Home), ch('l'), ch('m')]);
    assert_eq!(app.position(), events[0]);
}

#[test]
fn i_shows_and_hides_idle_task_ports() {
    let stepper = bounded_buffer();
    let mut app = App::new(&stepper, false);
    press(&mut app, [ch('g')]);
    type_line(&mut app, "59");
    let before = screen(&app, 140, 40);
    assert!(!before.contains("p2.kernel  recv kernel"), "{before}");
    assert!(before.contains("10 idle hidden"), "{before}");
    press(&mut app, [ch('i')]);
    let after = screen(&app, 140, 40);
    assert!(after.contains("p2.kernel  recv kernel"), "{after}");
    press(&mut app, [ch('i')]);
    let again = screen(&app, 140, 40);
    let without_note = |text: &str| text.lines().take(38).collect::<Vec<_>>().join("\n");
    assert_eq!(without_note(&again), without_note(&before));
}

#[test]
fn up_and_down_scroll_the_detail_pane_when_it_has_focus() {
    let stepper = bounded_buffer();
    let mut app = App::new(&stepper, false);
    press(&mut app, [ch('g')]);
    type_line(&mut app, "57");
    press(&mut app, [key(KeyCode::BackTab)]);
    assert_eq!(app.focus(), Focus::Detail);
    // Three tasks and a port selected make the pane longer than the screen.
    app.selected_task = Some(Label::from("consumer"));
    app.selected_port = Some(Label::from("buffer"));
    let top = screen(&app, 100, 30);
    assert!(top.contains("Detail (more below)"), "{top}");
    press(&mut app, [key(KeyCode::Down), key(KeyCode::Down)]);
    assert!(screen(&app, 100, 30).contains("Detail (scrolled 2, more below)"));
    assert_eq!(app.position(), 57);
    // It stops at the last line.
    press(&mut app, std::iter::repeat_n(key(KeyCode::Down), 100));
    let bottom = screen(&app, 100, 30);
    assert!(!bottom.contains("more below"), "{bottom}");
    assert!(bottom.contains("named by"), "{bottom}");
    press(&mut app, [key(KeyCode::Down)]);
    assert_eq!(screen(&app, 100, 30), bottom);
    press(&mut app, [ch('l')]);
    assert!(
        !screen(&app, 100, 30).contains("scrolled"),
        "a step resets it"
    );
}

#[test]
fn question_mark_opens_the_help_and_question_mark_escape_or_q_close_it() {
    let stepper = bounded_buffer();
    let mut app = App::new(&stepper, false);
    for close in [ch('?'), key(KeyCode::Esc), ch('q')] {
        press(&mut app, [ch('?')]);
        assert!(app.help_open());
        // Other keys do nothing while the help is open.
        press(&mut app, [ch('l'), key(KeyCode::End)]);
        assert_eq!(app.position(), 0);
        assert!(app.help_open());
        assert_eq!(
            app.handle(close),
            Action::Continue,
            "{close:?} closes, not quits"
        );
        assert!(!app.help_open());
    }
}

#[test]
fn q_escape_and_control_c_quit() {
    let stepper = bounded_buffer();
    for quit in [ch('q'), key(KeyCode::Esc), ctrl('c')] {
        let mut app = App::new(&stepper, false);
        assert_eq!(app.handle(quit), Action::Quit, "{quit:?}");
    }
    // Control-C quits even from a prompt or the help.
    let mut app = App::new(&stepper, false);
    press(&mut app, [ch('g')]);
    assert_eq!(app.handle(ctrl('c')), Action::Quit);
    let mut app = App::new(&stepper, false);
    press(&mut app, [ch('?')]);
    assert_eq!(app.handle(ctrl('c')), Action::Quit);
}

#[test]
fn key_releases_and_unbound_keys_do_nothing() {
    let stepper = bounded_buffer();
    let mut app = App::new(&stepper, false);
    let mut release = ch('l');
    release.kind = KeyEventKind::Release;
    press(&mut app, [release, ch('z'), key(KeyCode::F(5))]);
    assert_eq!(app.position(), 0);
    assert!(app.note().is_none());
}

#[test]
fn the_help_lists_every_key_the_app_handles() {
    let listed: String = keys::HELP
        .iter()
        .flat_map(|(_, keys)| keys.iter().map(|(k, _)| format!("{k} ")))
        .collect();
    for k in [
        "→", "l", "n", "←", "h", "p", "PgDn", "PgUp", "Home", "End", "g", ":", "Tab", "S-Tab", "↓",
        "↑", "t", "T", "o", "O", "m", "M", "i", "/", "f", "F", "?", "q", "Esc", "^c",
    ] {
        assert!(
            listed.split_whitespace().any(|w| w == k),
            "{k} is not in the help: {listed}"
        );
    }
}

// ----- a million events ------------------------------------------------------------------

/// One task sending to its own port and receiving, over and over: three events a
/// round, `rounds` rounds, after the task and its port are made.
fn synthetic_trace(rounds: u64) -> Trace {
    fn label(text: &str) -> Label {
        Label::from(text)
    }
    let mut records = Vec::with_capacity(rounds as usize * 3 + 8);
    let mut push = |t_ns: u64, task: Option<&str>, event: Event| {
        records.push(TraceRecord {
            seq: records.len() as u64 + 1,
            t_ns,
            task: task.map(label),
            event,
        });
    };
    push(
        0,
        None,
        Event::TaskCreated {
            name: label("echo"),
            parent: None,
            kernel_port: label("echo.kernel"),
            notify_port: label("echo.notify"),
            start_ns: Some(0),
        },
    );
    for (port, receiver, capacity) in [
        ("echo.kernel", Receiver::Kernel, QueueLimit::Unbounded),
        (
            "echo.notify",
            Receiver::Task(label("echo")),
            QueueLimit::DEFAULT,
        ),
    ] {
        push(
            0,
            None,
            Event::PortAllocated {
                port: label(port),
                receiver,
                capacity,
            },
        );
    }
    push(
        0,
        None,
        Event::TaskStarted {
            name: label("echo"),
            by: None,
        },
    );
    push(
        0,
        Some("echo"),
        Event::PortAllocated {
            port: label("inbox"),
            receiver: Receiver::Task(label("echo")),
            capacity: QueueLimit::DEFAULT,
        },
    );
    for round in 0..rounds {
        let msg = round + 1;
        let t = round * 1_000;
        push(
            t,
            Some("echo"),
            Event::MessageSent {
                msg,
                port: label("inbox"),
                id: 1,
                size: 28,
                dest_right: ports::RightKind::Send,
                reply: None,
                body: vec![TraceItem::U64(round)],
                kind: None,
            },
        );
        push(
            t,
            Some("echo"),
            Event::MessageQueued {
                msg,
                port: label("inbox"),
                depth: 1,
            },
        );
        push(
            t + 500,
            Some("echo"),
            Event::MessageReceived {
                msg,
                port: label("inbox"),
                receiver: Receiver::Task(label("echo")),
                seqno: round as u32,
                pseudo: false,
            },
        );
    }
    Trace {
        header: TraceHeader::new("a million events", 0, ScheduleKind::RoundRobin),
        records,
    }
}

#[test]
fn a_million_event_trace_steps_backward_from_its_end_through_checkpoints() {
    let trace = synthetic_trace(333_334);
    let events = trace.records.len() as u64;
    assert!(events >= 1_000_000, "only {events} events");
    let stepper = Stepper::new(trace);
    assert_eq!(stepper.final_state().inconsistency_count(), 0);
    let spacing = stepper.checkpoints().spacing();
    let mut app = App::new(&stepper, false);
    press(&mut app, [key(KeyCode::End)]);
    assert_eq!(app.position(), events);
    let _ = screen(&app, 100, 30);
    for back in 1..=5 {
        press(&mut app, [key(KeyCode::Left)]);
        let k = events - back;
        assert_eq!(app.position(), k);
        // Each step back is the nearest checkpoint plus fewer than K folds.
        let (from, _) = stepper.checkpoints().at_or_before(k);
        assert!(k - from < spacing);
        assert!(app.state() == &stepper.state_at(k).expect("in range"));
        let text = screen(&app, 100, 30);
        assert!(text.contains(&format!("Events: {k} of {events}")), "{text}");
    }
    // A page back and a jump to the middle by time land where the index says.
    press(&mut app, [key(KeyCode::PageUp), ch(':')]);
    type_line(&mut app, "100");
    let expected = stepper.records().partition_point(|r| r.t_ns < 100_000_000) as u64 + 1;
    assert_eq!(app.position(), expected);
    press(&mut app, [key(KeyCode::Left), key(KeyCode::Left)]);
    assert!(app.state() == &stepper.state_at(expected - 2).expect("in range"));
    assert_eq!(app.state().port("inbox").map(|p| p.queue.len()), Some(1));
}
