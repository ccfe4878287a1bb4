//! `bc-customers count`: how many customers match the filters.

use clap::Args;
use color_eyre::eyre::{Result, WrapErr};

use super::filters::FilterArgs;
use super::store::StoreArgs;

#[derive(Debug, Args)]
pub struct CountArgs {
    #[command(flatten)]
    filter: FilterArgs,
}

pub fn run(args: CountArgs, store: &StoreArgs) -> Result<()> {
    args.filter.to_filter()?;
    let (backend, _) = store.store()?;
    super::runtime()?.block_on(async {
        let filter = args.filter.on(&backend).await?;
        let count = backend
            .count(&filter)
            .await
            .wrap_err("cannot count the customers")?;
        say!("{count}");
        Ok(())
    })
}
