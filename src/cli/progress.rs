//! The command line's one progress bar, on stderr when it is a terminal (never in a pipe or a
//! log): it reads the same `Progress` the terminal app's gauge does.

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::jobs::Progress;

pub struct Bar {
    bar: ProgressBar,
}

impl Bar {
    pub fn new() -> Bar {
        let bar = if std::io::stderr().is_terminal() {
            ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr())
        } else {
            ProgressBar::hidden()
        };
        let style = ProgressStyle::with_template(
            "{msg:>18} [{bar:30}] {pos}/{len} customers  {elapsed_precise}",
        )
        .map(|style| style.progress_chars("#>-"))
        .unwrap_or_else(|_| ProgressStyle::default_bar());
        bar.set_style(style);
        Bar { bar }
    }

    /// Whether the bar is drawn (stderr is a terminal).
    pub fn shown(&self) -> bool {
        !self.bar.is_hidden()
    }

    /// Moves the bar to where the job says it is.
    pub fn show(&self, progress: Progress) {
        self.bar.set_message(progress.step.doing());
        self.bar.set_length(progress.total);
        self.bar.set_position(progress.done);
    }

    /// Takes the bar off the screen, leaving the line for what follows.
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}
