//! `bc-customers sandbox`: serves the local sandbox store until Ctrl-C or SIGTERM.

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;

use clap::Args;
use color_eyre::eyre::Result;

use crate::paths::default_sandbox_db;
use crate::sandbox::{self, RateLimit, SandboxOptions};

#[derive(Debug, Args)]
pub struct SandboxArgs {
    /// Address to listen on (loopback unless you name another).
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8787")]
    listen: SocketAddr,
    /// SQLite file of the store [default: sandbox.sqlite3 in the user's data folder].
    #[arg(long, value_name = "PATH")]
    db: Option<PathBuf>,
    /// Access token clients must send, not empty [default: a random one, printed at start].
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

pub fn run(args: SandboxArgs) -> Result<()> {
    let db = match args.db {
        Some(db) => db,
        None => default_sandbox_db()?,
    };
    let options = SandboxOptions {
        listen: args.listen,
        token: args.token,
        seed: args.seed,
        rate_limit: args.rate_limit.unwrap_or_default(),
        latency: Duration::from_millis(args.latency_ms),
        fail_rate: args.fail_rate,
        ..SandboxOptions::new(db)
    };
    super::runtime()?.block_on(async {
        let running = sandbox::start(options).await?;
        if reachable_from_network(running.addr()) {
            tell!(
                "warning: listening on {}, which is not loopback, so the store is reachable from the network: anyone who can reach that address and knows the token can read and change its customers",
                running.addr()
            );
        }
        print_banner(&running);
        super::stop_signal().await;
        tell!("Stopping the sandbox store…");
        running.shutdown().await
    })
}

fn print_banner(running: &sandbox::RunningSandbox) {
    let api = running.api_url();
    say!("Sandbox store listening on http://{}", running.addr());
    say!("  API base:  {api}   (also {})", running.legacy_api_url());
    say!("  Token:     {}", running.token());
    say!(
        "  Database:  {} ({} customers)",
        running.db().display(),
        running.customers_at_start()
    );
    say!(
        "  Try:       curl -H 'X-Auth-Token: {}' -H 'Accept: application/json' {api}/customers/count",
        running.token()
    );
    say!("Press Ctrl-C to stop.");
}

/// Whether other machines may connect: any address but loopback (127.0.0.0/8, ::1, or
/// 127.0.0.0/8 mapped into IPv6).
fn reachable_from_network(addr: SocketAddr) -> bool {
    let loopback = match addr.ip() {
        IpAddr::V4(ip) => ip.is_loopback(),
        IpAddr::V6(ip) => {
            ip.is_loopback() || ip.to_ipv4_mapped().is_some_and(|ip| ip.is_loopback())
        }
    };
    !loopback
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_loopback_is_unreachable_from_the_network() {
        for addr in [
            "127.0.0.1:8787",
            "127.1.2.3:0",
            "[::1]:8787",
            "[::ffff:127.0.0.1]:0",
        ] {
            let addr: SocketAddr = addr.parse().expect("an address");
            assert!(!reachable_from_network(addr), "{addr}");
        }
        for addr in [
            "0.0.0.0:0",
            "[::]:0",
            "192.168.1.10:8787",
            "10.0.0.1:80",
            "[::ffff:10.0.0.1]:0",
            "[fe80::1]:0",
        ] {
            let addr: SocketAddr = addr.parse().expect("an address");
            assert!(reachable_from_network(addr), "{addr}");
        }
    }
}
