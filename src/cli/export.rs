//! `bc-customers export`: every matching customer, in id order, to stdout or a file.

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::Args;
use color_eyre::eyre::{Result, WrapErr, eyre};

use super::filters::FilterArgs;
use super::progress::Bar;
use super::store::StoreArgs;
use crate::jobs::export::{ExportFormat, ExportSpec, STANDARD_OUTPUT, export, export_to_file};

#[derive(Debug, Args)]
pub struct ExportArgs {
    #[command(flatten)]
    filter: FilterArgs,
    /// The format of the output.
    #[arg(long, value_enum, default_value_t = ExportFormat::Csv, help_heading = "Output")]
    format: ExportFormat,
    /// Write to this file (whole or not at all) instead of standard output.
    #[arg(long, short, value_name = "FILE", help_heading = "Output")]
    output: Option<PathBuf>,
    /// Each customer's addresses too (one more request per customer): nested as "addresses"
    /// in json and ndjson; in csv, an address_count column and the first address's fields.
    #[arg(long, help_heading = "Output")]
    with_addresses: bool,
}

pub fn run(args: ExportArgs, store: &StoreArgs) -> Result<()> {
    args.filter.to_filter()?;
    let (backend, _) = store.store()?;
    super::runtime()?.block_on(async {
        let spec = ExportSpec {
            filter: args.filter.on(&backend).await?,
            format: args.format,
            with_addresses: args.with_addresses,
        };
        let bar = Bar::new();
        let progress = |progress| bar.show(progress);
        let work = async {
            match &args.output {
                None => {
                    let mut out = std::io::BufWriter::new(std::io::stdout());
                    let to = Path::new(STANDARD_OUTPUT);
                    let written = export(&backend, &spec, &mut out, to, progress).await?;
                    out.flush().wrap_err("cannot write to standard output")?;
                    Ok(written)
                }
                Some(path) => {
                    Ok(export_to_file(&backend, &spec, path, progress).await?)
                }
            }
        };
        // Interrupted, the export is dropped: its unfinished file goes with it.
        let written: Result<u64> = tokio::select! {
            written = work => written,
            () = super::stop_signal() => Err(match &args.output {
                Some(path) => eyre!("interrupted: the export stopped; {} was not written", path.display()),
                None => eyre!("interrupted: the export stopped before it was whole"),
            }),
        };
        bar.finish();
        let written = written?;
        if bar.shown() {
            tell!("Exported {written} customers.");
        }
        Ok(())
    })
}
