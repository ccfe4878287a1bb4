//! The terminal: set-up and restore, and the event loop that feeds keys, worker results and
//! the spinner's clock to `App::update`, sends the commands it returns to the worker, and
//! redraws only when something changed. Idle, it waits and draws nothing.

use std::time::Duration;

use color_eyre::eyre::{Result, WrapErr};
use crossterm::event::{Event as TerminalEvent, EventStream, MouseButton, MouseEventKind};
use futures::StreamExt;
use ratatui::DefaultTerminal;

use crate::app::{App, Msg, Screen, StoreLabel};
use crate::store::SharedStore;
use crate::ui;
use crate::worker::{self, Command};

/// How the app is set up, besides its store.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    pub page_size: u64,
    /// Mouse wheel and clicks.
    pub mouse: bool,
    /// A warning kept in the status bar for the whole session (a config file others can
    /// read).
    pub warning: Option<String>,
    /// Keep a local search index of the store.
    pub index: bool,
}

/// Runs the app on this terminal until the user quits; the terminal is restored on every way
/// out (return, error, panic through ratatui's hook, SIGTERM).
pub async fn run(backend: SharedStore, label: StoreLabel, settings: Settings) -> Result<()> {
    let mouse = settings.mouse;
    let mut terminal = ratatui::init();
    let result = async {
        if mouse {
            crossterm::execute!(std::io::stdout(), crossterm::event::EnableMouseCapture)
                .wrap_err("cannot turn the mouse on")?;
        }
        event_loop(&mut terminal, backend, label, settings).await
    }
    .await;
    if mouse {
        let _ = crossterm::execute!(std::io::stdout(), crossterm::event::DisableMouseCapture);
    }
    ratatui::restore();
    // What a delete or restore ended with while quitting is said once the screen is back.
    if let Ok(Some(last_words)) = &result {
        eprintln!("{last_words}");
    }
    result.map(|_| ())
}

async fn event_loop(
    terminal: &mut DefaultTerminal,
    backend: SharedStore,
    store: StoreLabel,
    settings: Settings,
) -> Result<Option<String>> {
    // The worker opens the store's ledger and index once the store says what it is: the
    // app touches no file.
    let places = match crate::paths::Places::user() {
        Ok(places) => Some(places),
        Err(error) => {
            tracing::warn!("no data folder: nothing can be changed this session: {error:#}");
            None
        }
    };
    let backup_folder = places
        .as_ref()
        .map(|places| places.older_backups())
        .unwrap_or_default();
    let setup = worker::Setup {
        places,
        known_as: store.name.clone(),
        index: settings.index,
    };
    let (worker, mut results, worker_task) = worker::spawn(backend, setup);
    // A panic in the worker ends the app rather than leaving it waiting forever.
    let mut worker_task = Some(worker_task);
    let mut app = App::new(store, settings.page_size, backup_folder);
    app.warning = settings.warning;
    app.index.on = settings.index;
    app.now = chrono::Local::now();
    let size = terminal.size().wrap_err("cannot read the terminal size")?;
    app.update(Msg::Resize(ui::table_area(size.height)));
    for command in app.start() {
        worker.send(command);
    }
    let mut input = EventStream::new();
    let mut spinner = tokio::time::interval(Duration::from_millis(120));
    // The index's freshness in the status bar moves on, and its sync comes due, while idle.
    let mut clock = tokio::time::interval(Duration::from_secs(10));
    let mut terminate = terminate_signal()?;
    let mut dirty = true;
    while !app.should_quit {
        if dirty {
            terminal
                .draw(|frame| ui::render(&app, frame))
                .wrap_err("cannot draw")?;
            dirty = false;
        }
        let busy = app.pending() > 0;
        let msg = tokio::select! {
            event = input.next() => match event {
                Some(Ok(TerminalEvent::Key(key))) => Msg::Key(key),
                Some(Ok(TerminalEvent::Resize(_, height))) => Msg::Resize(ui::table_area(height)),
                // A click on the table's column titles sorts by that column.
                Some(Ok(TerminalEvent::Mouse(mouse)))
                    if mouse.kind == MouseEventKind::Down(MouseButton::Left)
                        && app.screen == Screen::Table
                        && mouse.row + 1 == app.table_top() =>
                {
                    let width = terminal.size().map(|size| size.width).unwrap_or_default();
                    match ui::column_at(&app, width, mouse.column) {
                        Some(column) => Msg::SortBy(column),
                        None => continue,
                    }
                }
                Some(Ok(TerminalEvent::Mouse(mouse))) => Msg::Mouse(mouse),
                Some(Ok(_)) => continue,
                Some(Err(error)) => return Err(error).wrap_err("cannot read the terminal"),
                None => break,
            },
            Some(result) = results.recv() => {
                if let Err(error) = &result.result {
                    // Kept for later: what failed while the app ran goes to the log too.
                    tracing::warn!(request = result.request, slot = ?result.slot, "{error}");
                }
                Msg::Worker(Box::new(result))
            }
            _ = spinner.tick(), if busy => Msg::Tick,
            _ = clock.tick() => Msg::Tick,
            _ = terminate.recv() => break,
            ended = async { worker_task.as_mut().expect("the worker task").await }, if worker_task.is_some() => {
                worker_task.take();
                ended.wrap_err("the background worker stopped")?;
                break;
            }
        };
        dirty = true;
        // The app reads no clock: it is told the time with everything that happens.
        app.now = chrono::Local::now();
        let commands = app.update(msg);
        for command in commands {
            worker.send(command);
        }
    }
    let mut last_words = None;
    if let Some(job) = &app.job {
        // Leaving mid-job: stop sending requests; the worker finishes those under way.
        job.cancel.cancel();
        last_words = Some(format!(
            "A {} was cancelled on the way out after {} of {}; what it did is in the ledger (bc-customers history) and its backup in {}.",
            job.what,
            job.progress.done,
            job.progress.total,
            app.backup_folder.display()
        ));
    } else if app.quit_when_job_ends {
        last_words = app.notice.clone().or_else(|| app.last_error.clone());
    }
    worker.send(Command::Shutdown);
    // Writes under way finish (a cancelled job stops between requests) before the app ends.
    if let Some(task) = worker_task {
        let _ = tokio::time::timeout(Duration::from_secs(15), task).await;
    }
    Ok(last_words)
}

#[cfg(unix)]
fn terminate_signal() -> Result<tokio::signal::unix::Signal> {
    tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        .wrap_err("cannot listen for SIGTERM")
}
