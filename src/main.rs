//! The `bc-customers` command: parses the command line and runs the chosen subcommand.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use bc_customers::api::{Client, ClientOptions, Filter};
use bc_customers::app::StoreLabel;
use bc_customers::config::{self, StoreFlags};
use bc_customers::export::{ExportFormat, export, export_to_file};
use bc_customers::paths::{default_log_file, default_sandbox_db};
use bc_customers::sandbox::{self, RateLimit, SandboxOptions};
use clap::{Args, Parser, Subcommand};
use color_eyre::eyre::{Result, WrapErr, eyre};

#[derive(Debug, Parser)]
#[command(
    name = "bc-customers",
    version,
    about = "The customers of a BigCommerce store, from the terminal"
)]
struct Cli {
    /// Store profile from the config file [default: its default_profile].
    #[arg(long, global = true, value_name = "NAME")]
    profile: Option<String>,
    /// API base URL, overriding the profile and BIGCOMMERCE_API_URL
    /// (e.g. http://127.0.0.1:8787/stores/sandbox/v2).
    #[arg(long, global = true, value_name = "URL")]
    api_url: Option<String>,
    /// Config file [default: BC_CUSTOMERS_CONFIG, else the user's config folder].
    #[arg(long, global = true, value_name = "PATH")]
    config: Option<PathBuf>,
    /// Log file of the terminal app [default: bc-customers.log in the user's data folder].
    #[arg(long, global = true, value_name = "PATH")]
    log_file: Option<PathBuf>,
    /// Refuse every change to the store (as `read_only = true` in a profile does).
    #[arg(long, global = true)]
    read_only: bool,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve a local sandbox store that speaks the BigCommerce v2 Customers API.
    Sandbox(SandboxArgs),
    /// Print how many customers match the filters.
    Count(FilterArgs),
    /// Write every customer matching the filters, in id order, as CSV, JSON or NDJSON.
    Export(ExportArgs),
    /// Delete the customers matching the filters, after backing them up (asks first).
    Delete(DeleteArgs),
    /// Re-create the customers of a backup taken before a delete (asks first).
    Restore(RestoreArgs),
    /// The config file.
    #[command(subcommand)]
    Config(ConfigCommand),
}

#[derive(Debug, Subcommand)]
enum ConfigCommand {
    /// Print where the config file lives.
    Path,
}

/// The API's filters, by their parameter names in kebab-case.
#[derive(Debug, Args, Default)]
struct FilterArgs {
    #[arg(long, value_name = "TEXT")]
    first_name: Option<String>,
    #[arg(long, value_name = "TEXT")]
    last_name: Option<String>,
    #[arg(long, value_name = "TEXT")]
    company: Option<String>,
    #[arg(long, value_name = "TEXT")]
    email: Option<String>,
    #[arg(long, value_name = "TEXT")]
    phone: Option<String>,
    #[arg(long, value_name = "AMOUNT")]
    store_credit: Option<String>,
    #[arg(long, value_name = "ID")]
    customer_group_id: Option<String>,
    #[arg(long, value_name = "ID")]
    min_id: Option<String>,
    #[arg(long, value_name = "ID")]
    max_id: Option<String>,
    /// Date as YYYY-MM-DD, ISO 8601 or RFC 2822 (alias --min-date).
    #[arg(long, value_name = "DATE", alias = "min-date")]
    min_date_created: Option<String>,
    /// Date as YYYY-MM-DD, ISO 8601 or RFC 2822 (alias --max-date).
    #[arg(long, value_name = "DATE", alias = "max-date")]
    max_date_created: Option<String>,
    #[arg(long, value_name = "DATE")]
    min_date_modified: Option<String>,
    #[arg(long, value_name = "DATE")]
    max_date_modified: Option<String>,
    #[arg(long, value_name = "TEXT")]
    tax_exempt_category: Option<String>,
}

impl FilterArgs {
    fn to_filter(&self) -> Result<Filter> {
        let mut filter = Filter::default();
        let given = [
            ("first_name", &self.first_name),
            ("last_name", &self.last_name),
            ("company", &self.company),
            ("email", &self.email),
            ("phone", &self.phone),
            ("store_credit", &self.store_credit),
            ("customer_group_id", &self.customer_group_id),
            ("min_id", &self.min_id),
            ("max_id", &self.max_id),
            ("min_date_created", &self.min_date_created),
            ("max_date_created", &self.max_date_created),
            ("min_date_modified", &self.min_date_modified),
            ("max_date_modified", &self.max_date_modified),
            ("tax_exempt_category", &self.tax_exempt_category),
        ];
        for (name, value) in given {
            if let Some(value) = value {
                filter
                    .set(name, value)
                    .map_err(|error| eyre!("--{}: {}", name.replace('_', "-"), error.problem))?;
            }
        }
        Ok(filter)
    }
}

#[derive(Debug, Args)]
struct DeleteArgs {
    #[command(flatten)]
    filter: FilterArgs,
    /// Go ahead without asking (not for deleting every customer).
    #[arg(long)]
    yes: bool,
}

#[derive(Debug, Args)]
struct RestoreArgs {
    /// The backup file (JSON lines), as printed by delete.
    file: PathBuf,
    /// Go ahead without asking.
    #[arg(long)]
    yes: bool,
}

#[derive(Debug, Args)]
struct ExportArgs {
    #[command(flatten)]
    filter: FilterArgs,
    #[arg(long, value_enum, default_value_t = ExportFormat::Csv)]
    format: ExportFormat,
    /// Write to this file (whole or not at all) instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    output: Option<PathBuf>,
}

#[derive(Debug, Args)]
struct SandboxArgs {
    /// Address to listen on (loopback unless you name another).
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8787")]
    listen: SocketAddr,
    /// SQLite file of the store [default: sandbox.sqlite3 in the user's data folder].
    #[arg(long, value_name = "PATH")]
    db: Option<PathBuf>,
    /// Access token clients must send [default: a random one, printed at start].
    #[arg(
        long,
        value_name = "TOKEN",
        env = "BC_CUSTOMERS_SANDBOX_TOKEN",
        hide_env_values = true
    )]
    token: Option<String>,
    /// When the database is empty, create this many demo customers.
    #[arg(long, value_name = "N", default_value_t = 0)]
    seed: u64,
    /// Request quota as QUOTA/SECONDS, e.g. 150/30 [default: so large it never bites].
    #[arg(long, value_name = "QUOTA/SECONDS")]
    rate_limit: Option<RateLimit>,
    /// Wait this long before answering each request.
    #[arg(long, value_name = "N", default_value_t = 0)]
    latency_ms: u64,
    /// Answer this fraction of requests (0 to 1) with 500 or 503.
    #[arg(long, value_name = "P", default_value_t = 0.0, value_parser = parse_fraction)]
    fail_rate: f64,
}

fn parse_fraction(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(p) if (0.0..=1.0).contains(&p) => Ok(p),
        _ => Err(format!("'{text}' is not a fraction from 0 to 1")),
    }
}

fn main() {
    // Panics get color-eyre's report; errors are printed below as one line.
    let _ = color_eyre::install();
    let cli = Cli::parse();
    if let Err(error) = run(cli) {
        // One line a script can log; the causes follow on the same line.
        let causes: Vec<String> = error.chain().map(ToString::to_string).collect();
        eprintln!("bc-customers: {}", causes.join(": "));
        std::process::exit(1);
    }
}

fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Some(Command::Sandbox(args)) => run_sandbox(args),
        Some(Command::Config(ConfigCommand::Path)) => {
            println!("{}", config::config_path(cli.config.as_deref())?.display());
            Ok(())
        }
        Some(Command::Count(filter)) => {
            let filter = filter.to_filter()?;
            let client = store_client(&cli.config, &cli.profile, &cli.api_url)?;
            runtime()?.block_on(async {
                let count = client
                    .count(&filter)
                    .await
                    .wrap_err("cannot count the customers")?;
                println!("{count}");
                Ok(())
            })
        }
        Some(Command::Export(args)) => {
            let filter = args.filter.to_filter()?;
            let client = store_client(&cli.config, &cli.profile, &cli.api_url)?;
            runtime()?.block_on(run_export(
                &client,
                &filter,
                args.format,
                args.output.as_deref(),
            ))
        }
        Some(Command::Delete(args)) => {
            let filter = args.filter.to_filter()?;
            let (client, store) =
                store_for_changes(&cli.config, &cli.profile, &cli.api_url, cli.read_only)?;
            runtime()?.block_on(bc_customers::change_commands::delete_command(
                &client, &store, &filter, args.yes,
            ))
        }
        Some(Command::Restore(args)) => {
            let (client, store) =
                store_for_changes(&cli.config, &cli.profile, &cli.api_url, cli.read_only)?;
            runtime()?.block_on(bc_customers::change_commands::restore_command(
                &client, &store, &args.file, args.yes,
            ))
        }
        None => run_terminal_app(&cli),
    }
}

/// The client and name of the configured store, refusing a read-only one.
fn store_for_changes(
    config_flag: &Option<PathBuf>,
    profile: &Option<String>,
    api_url: &Option<String>,
    read_only: bool,
) -> Result<(Client, String)> {
    let settings = store_settings(config_flag, profile, api_url, read_only)?;
    if settings.read_only {
        return Err(eyre!(
            "store '{}' is read-only: nothing can be changed",
            settings.name
        ));
    }
    let client = Client::new(&settings.api_url, settings.auth, ClientOptions::default())
        .wrap_err_with(|| format!("store '{}'", settings.name))?;
    Ok((client, settings.name))
}

fn run_sandbox(args: SandboxArgs) -> Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
    let db = match args.db {
        Some(db) => db,
        None => default_sandbox_db()?,
    };
    let options = SandboxOptions {
        listen: args.listen,
        db,
        token: args.token,
        seed: args.seed,
        rate_limit: args.rate_limit.unwrap_or_default(),
        latency: Duration::from_millis(args.latency_ms),
        fail_rate: args.fail_rate,
    };
    runtime()?.block_on(async {
        let running = sandbox::start(options).await?;
        print_banner(&running);
        shutdown_signal().await;
        eprintln!("Stopping the sandbox store…");
        running.shutdown().await
    })
}

fn print_banner(running: &sandbox::RunningSandbox) {
    let api = running.api_url();
    println!("Sandbox store listening on http://{}", running.addr());
    println!("  API base:  {api}   (also {})", running.legacy_api_url());
    println!("  Token:     {}", running.token());
    println!(
        "  Database:  {} ({} customers)",
        running.db().display(),
        running.customers_at_start()
    );
    println!(
        "  Try:       curl -H 'X-Auth-Token: {}' -H 'Accept: application/json' {api}/customers/count",
        running.token()
    );
    println!("Press Ctrl-C to stop.");
}

/// Ctrl-C, or SIGTERM on Unix.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = terminate => {}
    }
}

fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Runtime::new().wrap_err("cannot start the async runtime")
}

/// The client for the configured store; an error saying how to configure one if none is.
fn store_client(
    config_flag: &Option<PathBuf>,
    profile: &Option<String>,
    api_url: &Option<String>,
) -> Result<Client> {
    let store = store_settings(config_flag, profile, api_url, false)?;
    Client::new(&store.api_url, store.auth, ClientOptions::default())
        .wrap_err_with(|| format!("store '{}'", store.name))
}

/// The configured store; an error saying how to configure one if none is.
fn store_settings(
    config_flag: &Option<PathBuf>,
    profile: &Option<String>,
    api_url: &Option<String>,
    read_only: bool,
) -> Result<config::StoreSettings> {
    let path = config::config_path(config_flag.as_deref())?;
    let file = config::load(&path)?;
    let flags = StoreFlags {
        profile: profile.clone(),
        api_url: api_url.clone(),
        read_only,
    };
    let store = config::resolve(&file, &flags, |name| std::env::var(name).ok())?.ok_or_else(|| {
        eyre!(
            "no store is configured: add a profile to {} (see config.example.toml) or set BIGCOMMERCE_STORE_HASH and BIGCOMMERCE_ACCESS_TOKEN",
            path.display()
        )
    })?;
    Ok(store)
}

async fn run_export(
    client: &Client,
    filter: &Filter,
    format: ExportFormat,
    output: Option<&std::path::Path>,
) -> Result<()> {
    use std::io::{IsTerminal, Write};
    let show_progress = std::io::stderr().is_terminal();
    let progress = |written: u64, expected: u64| {
        if show_progress {
            let percent = (written * 100)
                .checked_div(expected)
                .unwrap_or(100)
                .min(100);
            let filled = (percent / 5) as usize;
            eprint!(
                "\r[{}{}] {percent:>3}%  {written}/{expected} customers",
                "#".repeat(filled),
                " ".repeat(20 - filled)
            );
        }
    };
    let written = match output {
        None => {
            let stdout = std::io::stdout();
            let mut out = std::io::BufWriter::new(stdout);
            let written = export(client, filter, format, &mut out, progress).await;
            out.flush().wrap_err("cannot write to standard output")?;
            written
        }
        Some(path) => export_to_file(client, filter, format, path, progress).await,
    };
    if show_progress {
        eprintln!();
    }
    let written = written?;
    if show_progress {
        eprintln!("Exported {written} customers.");
    }
    Ok(())
}

/// Demo customers created the first time the embedded sandbox opens.
const FIRST_RUN_CUSTOMERS: u64 = 300;

/// The terminal app on the configured store, or on an embedded sandbox when none is.
fn run_terminal_app(cli: &Cli) -> Result<()> {
    let log_file = match &cli.log_file {
        Some(path) => path.clone(),
        None => default_log_file()?,
    };
    if let Some(folder) = log_file.parent() {
        std::fs::create_dir_all(folder)
            .wrap_err_with(|| format!("cannot create {}", folder.display()))?;
    }
    let log = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&log_file)
        .wrap_err_with(|| format!("cannot open the log file {}", log_file.display()))?;
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_ansi(false)
        .with_writer(std::sync::Mutex::new(log))
        .init();

    let path = config::config_path(cli.config.as_deref())?;
    let file = config::load(&path)?;
    let flags = StoreFlags {
        profile: cli.profile.clone(),
        api_url: cli.api_url.clone(),
        read_only: cli.read_only,
    };
    let store = config::resolve(&file, &flags, |name| std::env::var(name).ok())?;
    runtime()?.block_on(async {
        let result = match store {
            Some(store) => {
                let label = StoreLabel {
                    name: store.name.clone(),
                    hash: config::store_hash(&store.api_url),
                    sandbox: false,
                    read_only: store.read_only,
                };
                let client = Client::new(&store.api_url, store.auth, ClientOptions::default())
                    .wrap_err_with(|| format!("store '{}'", store.name))?;
                bc_customers::tui::run(client, label, store.page_size, file.ui.mouse).await
            }
            None => {
                let mut options = SandboxOptions::new(default_sandbox_db()?);
                options.seed = FIRST_RUN_CUSTOMERS;
                let sandbox = sandbox::start(options).await.wrap_err("cannot start the sandbox store")?;
                tracing::info!(api_url = %sandbox.api_url(), "no store configured: using the embedded sandbox");
                let auth = bc_customers::api::Auth::Token {
                    token: bc_customers::api::Secret::new(sandbox.token()),
                    client_id: None,
                };
                let client = Client::new(&sandbox.api_url(), auth, ClientOptions::default())?;
                let label = StoreLabel {
                    name: "sandbox store".to_owned(),
                    hash: config::store_hash(&sandbox.api_url()),
                    sandbox: true,
                    read_only: cli.read_only,
                };
                let result = bc_customers::tui::run(client, label, config::DEFAULT_PAGE_SIZE, file.ui.mouse).await;
                sandbox.shutdown().await?;
                result
            }
        };
        if let Err(error) = &result {
            tracing::error!("{error:#}");
        }
        result
    })
}
