//! Exporting from the app: the file named in a prompt, written in the background, with its
//! progress in the status bar.

use super::keymap::Context;
use super::{App, Awaited, ExportRun, thousands};
use crate::worker::{Command, Event, Outcome};

impl App {
    pub(super) fn start_export(&mut self) -> Vec<Command> {
        let Some(prompt) = self.export_prompt_mut() else {
            return Vec::new();
        };
        let path = std::path::PathBuf::from(prompt.input.value().trim());
        if path.as_os_str().is_empty() || prompt.input.value().ends_with('/') {
            // A folder is refused by the export itself, which can look at the disk.
            prompt.problem = Some("name a file".to_owned());
            return Vec::new();
        }
        self.dismiss(Context::ExportPrompt);
        let request = self.new_request();
        self.export = Some(ExportRun {
            request,
            written: 0,
            total: self.total.unwrap_or(0),
        });
        self.expect(request, Awaited::Export);
        self.notice = None;
        let write = match &self.search {
            Some(search) => crate::worker::Write::ExportFound {
                query: self.index_query(search),
                path,
            },
            None => crate::worker::Write::Export {
                filter: self.filter.clone(),
                path,
            },
        };
        vec![Command::Write { request, write }]
    }

    /// Progress and the end of the export under way.
    pub(super) fn export_event(&mut self, event: Event) {
        let Some(export) = self.export.as_mut() else {
            return;
        };
        match event.result {
            Ok(Outcome::Progress(progress)) => {
                (export.written, export.total) = (progress.done, progress.total)
            }
            Ok(Outcome::Exported { written, path }) => {
                self.export = None;
                self.notice = Some(format!(
                    "Exported {} customers to {}",
                    thousands(written),
                    path.display()
                ));
            }
            Ok(_) => {}
            Err(error) => {
                self.export = None;
                self.last_error = Some(format!("Export failed, no file written: {error}"));
            }
        }
    }
}
