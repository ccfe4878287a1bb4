//! The terminal app's speed: drawing a full 250-row page, the time from start to the first
//! screen with data on a sandbox store, and the CPU it uses while idle. Prints the figures.
//! Run with `cargo bench --bench tui`; the idle measurement runs the real binary in a
//! pseudo-terminal.

use std::time::{Duration, Instant};

use bc_customers::api::Auth;
use bc_customers::api::v2::{Client, ClientOptions};
use bc_customers::app::{App, Msg, StoreLabel};
use bc_customers::domain::Secret;
use bc_customers::sandbox::{self, SandboxOptions};
use bc_customers::worker;
use portable_pty::{CommandBuilder, PtySize, native_pty_system};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

const TOKEN: &str = "bench-token";

fn label() -> StoreLabel {
    StoreLabel {
        name: "bench".into(),
        hash: None,
        sandbox: true,
        read_only: false,
    }
}

/// Starts an app on `client` and feeds it worker results until the page and the count are in.
async fn first_screen(client: Client, page_size: u64) -> (App, Duration) {
    let started = Instant::now();
    let (handle, mut events, _task) =
        worker::spawn(std::sync::Arc::new(client), worker::Setup::reads_only());
    let mut app = App::new(label(), page_size, "backups".into());
    for command in app.start() {
        handle.send(command);
    }
    while app.loading || app.total.is_none() {
        let event = events.recv().await.expect("the worker answers");
        for command in app.update(Msg::Worker(Box::new(event))) {
            handle.send(command);
        }
    }
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).expect("a test terminal");
    terminal
        .draw(|frame| bc_customers::ui::render(&app, frame))
        .expect("draws");
    (app, started.elapsed())
}

fn percentile(times: &mut [Duration], q: f64) -> f64 {
    times.sort();
    times[((times.len() as f64 * q) as usize).min(times.len() - 1)].as_secs_f64() * 1000.0
}

#[tokio::main]
async fn main() {
    let folder = tempfile::tempdir().expect("a folder");
    let db = folder.path().join("bench.sqlite3");
    let mut options = SandboxOptions::new(db.clone());
    options.token = Some(TOKEN.to_owned());
    options.seed = 300;
    let running = sandbox::start(options).await.expect("the sandbox starts");
    let client = || {
        Client::new(
            &running.api_url(),
            Auth::Token {
                token: Secret::new(TOKEN),
                client_id: None,
            },
            ClientOptions::default(),
        )
        .expect("a client")
    };

    // Render: a full page of 250 real customers into a 200×60 buffer.
    let (app, _) = first_screen(client(), 250).await;
    assert_eq!(app.customers.len(), 250);
    let mut terminal = Terminal::new(TestBackend::new(200, 60)).expect("a test terminal");
    let mut times = Vec::new();
    for _ in 0..1_000 {
        let started = Instant::now();
        terminal
            .draw(|frame| bc_customers::ui::render(&app, frame))
            .expect("draws");
        times.push(started.elapsed());
    }
    println!(
        "render 250-row page into 200×60:   p50 {:.3} ms   p99 {:.3} ms   (target ≤ 1 ms)",
        percentile(&mut times, 0.5),
        percentile(&mut times, 0.99)
    );
    // The same draw with no rows: what the frame, the diff and the test backend cost alone.
    let empty = App::new(label(), 250, "backups".into());
    let mut times = Vec::new();
    for _ in 0..1_000 {
        let started = Instant::now();
        terminal
            .draw(|frame| bc_customers::ui::render(&empty, frame))
            .expect("draws");
        times.push(started.elapsed());
    }
    println!(
        "  the same frame with no rows:     p50 {:.3} ms",
        percentile(&mut times, 0.5)
    );

    // Start to first screen with data: a new client, worker and app each time.
    let mut times = Vec::new();
    for _ in 0..30 {
        let (_, took) = first_screen(client(), 50).await;
        times.push(took);
    }
    println!(
        "start to first screen with data:   p50 {:.2} ms   p99 {:.2} ms   (target ≤ 100 ms)",
        percentile(&mut times, 0.5),
        percentile(&mut times, 0.99)
    );

    // Idle CPU of the real binary in a terminal, over 10 s.
    match idle_cpu(&running.api_url(), folder.path()) {
        Ok(percent) => {
            println!("CPU while idle for 10 s:           {percent:.3} %   (target < 0.5 %)")
        }
        Err(why) => println!("CPU while idle: not measured ({why})"),
    }
    running.shutdown().await.expect("a clean shutdown");
}

fn idle_cpu(api_url: &str, folder: &std::path::Path) -> Result<f64, String> {
    let pair = native_pty_system()
        .openpty(PtySize {
            rows: 40,
            cols: 120,
            pixel_width: 0,
            pixel_height: 0,
        })
        .map_err(|e| format!("no pseudo-terminal: {e}"))?;
    let mut command = CommandBuilder::new(env!("CARGO_BIN_EXE_bc-customers"));
    command.arg("--log-file");
    command.arg(folder.join("idle.log"));
    command.env("HOME", folder);
    command.env("BC_CUSTOMERS_CONFIG", folder.join("none.toml"));
    command.env("BIGCOMMERCE_API_URL", api_url);
    command.env("BIGCOMMERCE_ACCESS_TOKEN", TOKEN);
    command.env("TERM", "xterm-256color");
    command.cwd(folder);
    let mut child = pair
        .slave
        .spawn_command(command)
        .map_err(|e| format!("the app does not start: {e}"))?;
    drop(pair.slave);
    // Read all the time: an app whose output nobody reads blocks once the buffer is full.
    let mut reader = pair.master.try_clone_reader().map_err(|e| e.to_string())?;
    std::thread::spawn(move || std::io::copy(&mut reader, &mut std::io::sink()));
    std::thread::sleep(Duration::from_secs(2)); // first screen drawn, requests done
    let result = (|| {
        // An app that ended would measure as idle.
        if let Ok(Some(status)) = child.try_wait() {
            return Err(format!("the app ended with {status}"));
        }
        let pid = child
            .process_id()
            .ok_or("the app's process was not found")?;
        let ticks = || -> Result<u64, String> {
            let stat =
                std::fs::read_to_string(format!("/proc/{pid}/stat")).map_err(|e| e.to_string())?;
            let fields: Vec<&str> = stat
                .rsplit(')')
                .next()
                .unwrap_or_default()
                .split_whitespace()
                .collect();
            let utime: u64 = fields
                .get(11)
                .and_then(|f| f.parse().ok())
                .ok_or("no utime")?;
            let stime: u64 = fields
                .get(12)
                .and_then(|f| f.parse().ok())
                .ok_or("no stime")?;
            Ok(utime + stime)
        };
        let before = ticks()?;
        let measured = Instant::now();
        std::thread::sleep(Duration::from_secs(10));
        let used = ticks()? - before;
        let clock_ticks_per_second = 100.0; // USER_HZ on Linux
        Ok(used as f64 / clock_ticks_per_second / measured.elapsed().as_secs_f64() * 100.0)
    })();
    let _ = child.kill();
    let _ = child.wait();
    result
}
