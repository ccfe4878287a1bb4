//! Exporting from the app: the file named in a prompt, written in the background, with its
//! progress in the status bar.

use super::dialog::{Button, Dialog, DialogKind};
use super::keymap::Context;
use super::overlay::Overlay;
use super::{App, Awaited, ExportRun};
use crate::worker::{Command, Event, ExportOf, Outcome, Write};

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
        let (of, total) = self.to_export();
        self.send_export(of, path, false, total)
    }

    /// What `E` exports: the marked customers when some are marked (as `D` and `B` act on
    /// them), else what the table lists; and how many that is.
    pub fn to_export(&self) -> (ExportOf, u64) {
        if !self.marks.is_empty() {
            return (ExportOf::Marked(self.marks.selection()), self.marks.count());
        }
        let of = match &self.search {
            Some(search) => ExportOf::Found(self.index_query(search)),
            None => ExportOf::Matching(self.filter.clone()),
        };
        (of, self.total.unwrap_or(0))
    }

    fn send_export(
        &mut self,
        of: ExportOf,
        path: std::path::PathBuf,
        replace: bool,
        total: u64,
    ) -> Vec<Command> {
        let request = self.new_request();
        self.export = Some(ExportRun {
            request,
            written: 0,
            total,
        });
        self.expect(request, Awaited::Export);
        self.notice = None;
        let write = Write::Export { of, path, replace };
        vec![Command::Write { request, write }]
    }

    /// The answer to "replace the file?".
    pub(super) fn choose_in_replace_dialog(
        &mut self,
        kind: DialogKind,
        button: Button,
    ) -> Vec<Command> {
        match (kind, button) {
            (DialogKind::ReplaceExport { of, path, total }, Button::Replace) => {
                self.send_export(*of, path, true, total)
            }
            _ => {
                self.notice = Some("Not exported: the file is as it was.".to_owned());
                Vec::new()
            }
        }
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
                    "Exported {} to {} as {}",
                    crate::format::customers(written),
                    path.display(),
                    crate::jobs::export::ExportFormat::said_for(&path)
                ));
            }
            Ok(Outcome::ExportWouldReplace { of, path }) => {
                let total = export.total;
                self.export = None;
                self.open(Overlay::Dialog(Dialog::new(DialogKind::ReplaceExport {
                    of: Box::new(of),
                    path,
                    total,
                })));
            }
            Ok(_) => {}
            Err(error) => {
                self.export = None;
                self.last_error = Some(format!("Export failed, no file written: {error}"));
            }
        }
    }
}
