//! A program in a pseudo-terminal of 120×32, typed at with keys and read back as the screen a
//! person would see (parsed by `vt100`).

use std::io::{Read, Write};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};

const ROWS: u16 = 32;
const COLS: u16 = 120;
const WAIT: Duration = Duration::from_secs(15);

pub struct Session {
    child: Box<dyn Child + Send + Sync>,
    writer: Box<dyn Write + Send>,
    screen: Arc<Mutex<vt100::Parser>>,
    // Held so that the terminal stays open while the program runs.
    _master: Box<dyn MasterPty + Send>,
}

impl Session {
    /// Starts `command` in a new pseudo-terminal, as an xterm would run it.
    pub fn start(mut command: CommandBuilder) -> Session {
        let pair = native_pty_system()
            .openpty(PtySize {
                rows: ROWS,
                cols: COLS,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("a pseudo-terminal");
        command.env("TERM", "xterm-256color");
        let child = pair
            .slave
            .spawn_command(command)
            .expect("the program starts in the pseudo-terminal");
        // Only the child may hold the terminal's end, so that reading sees its exit.
        drop(pair.slave);

        let screen = Arc::new(Mutex::new(vt100::Parser::new(
            ROWS.try_into().expect("rows > 0"),
            COLS.try_into().expect("columns > 0"),
            0,
        )));
        let mut reader = pair.master.try_clone_reader().expect("a reader");
        let parser = Arc::clone(&screen);
        // Read all the time: a program whose output nobody reads blocks once the buffer is full.
        std::thread::spawn(move || {
            let mut buffer = [0u8; 8192];
            // Ends at end of file or at the error the terminal gives once the program is gone.
            while let Ok(read @ 1..) = reader.read(&mut buffer) {
                parser
                    .lock()
                    .expect("the screen's lock")
                    .process(&buffer[..read]);
            }
        });
        let writer = pair.master.take_writer().expect("a writer");
        Session {
            child,
            writer,
            screen,
            _master: pair.master,
        }
    }

    /// The program's process id, to read its memory from /proc.
    #[allow(dead_code)] // the benchmarks use it
    pub fn process_id(&self) -> Option<u32> {
        self.child.process_id()
    }

    /// Presses named keys (`Enter`, `Escape`, `Tab`, `Right`, `C-s`, …) or single characters.
    pub fn keys(&mut self, keys: &[&str]) {
        let bytes: Vec<u8> = keys.iter().flat_map(|key| key_bytes(key)).collect();
        self.send(&bytes);
    }

    /// Types `text` as it is.
    pub fn text(&mut self, text: &str) {
        self.send(text.as_bytes());
    }

    fn send(&mut self, bytes: &[u8]) {
        self.writer
            .write_all(bytes)
            .and_then(|()| self.writer.flush())
            .expect("the terminal takes the keys");
    }

    /// The screen as text, one line per row.
    pub fn screen(&self) -> String {
        self.screen
            .lock()
            .expect("the screen's lock")
            .screen()
            .contents()
    }

    /// Waits until the screen shows `text`, and returns the screen.
    pub fn wait_for(&self, text: &str) -> String {
        self.wait_until(text, |screen| screen.contains(text))
    }

    /// Waits until `ready` holds for the screen, and returns the screen.
    pub fn wait_until(&self, what: &str, ready: impl Fn(&str) -> bool) -> String {
        let started = Instant::now();
        loop {
            let screen = self.screen();
            if ready(&screen) {
                return screen;
            }
            assert!(
                started.elapsed() < WAIT,
                "waited for {what}; the screen shows:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Waits for the program to end by itself, and checks that it ended well.
    pub fn wait_for_exit(&mut self) {
        let started = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().expect("the program's status") {
                assert!(
                    status.success(),
                    "the program ended with {status}; the screen shows:\n{}",
                    self.screen()
                );
                return;
            }
            assert!(
                started.elapsed() < WAIT,
                "the program is still running; the screen shows:\n{}",
                self.screen()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

/// What the terminal sends for a key, as an xterm does.
fn key_bytes(key: &str) -> Vec<u8> {
    let named: &[u8] = match key {
        "Enter" => b"\r",
        "Escape" => b"\x1b",
        "Tab" => b"\t",
        "BTab" => b"\x1b[Z",
        "BSpace" => b"\x7f",
        "Up" => b"\x1b[A",
        "Down" => b"\x1b[B",
        "Right" => b"\x1b[C",
        "Left" => b"\x1b[D",
        "Home" => b"\x1b[H",
        "End" => b"\x1b[F",
        "PageUp" => b"\x1b[5~",
        "PageDown" => b"\x1b[6~",
        "Delete" => b"\x1b[3~",
        _ => {
            if let Some(letter) = key.strip_prefix("C-")
                && let [letter @ b'a'..=b'z'] = letter.as_bytes()
            {
                return vec![letter & 0x1f];
            }
            assert_eq!(key.chars().count(), 1, "no such key: {key}");
            return key.as_bytes().to_vec();
        }
    };
    named.to_vec()
}

impl Drop for Session {
    fn drop(&mut self) {
        // A test that failed half way must not leave the program running.
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}
