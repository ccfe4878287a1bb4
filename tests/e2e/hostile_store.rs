//! A store whose answers try to steer the terminal: the command line shows them, never obeys.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::process::Command;
use std::time::Duration;

const BIN: &str = env!("CARGO_BIN_EXE_bc-customers");

/// A loopback "store" answering every request with `status` and `body`.
fn answering(status: &'static str, body: &'static str) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a port");
    let address = listener.local_addr().expect("an address");
    std::thread::spawn(move || {
        for stream in listener.incoming().take(20) {
            let Ok(mut stream) = stream else { continue };
            let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
            let mut request = [0u8; 8192];
            let _ = stream.read(&mut request);
            let answer = format!(
                "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = stream.write_all(answer.as_bytes());
        }
    });
    format!("http://{address}/stores/evil/v2")
}

#[test]
fn escape_sequences_in_an_error_are_shown_not_obeyed() {
    let api_url = answering(
        "400 Bad Request",
        "[{\"status\":400,\"message\":\"\u{1b}[2J\u{1b}]0;pwned\u{7}cleared\"}]",
    );
    let output = Command::new(BIN)
        .arg("count")
        .env("BIGCOMMERCE_API_URL", &api_url)
        .env("BIGCOMMERCE_ACCESS_TOKEN", "token")
        .env(
            "BC_CUSTOMERS_CONFIG",
            "/nonexistent/bc-customers-config.toml",
        )
        .output()
        .expect("the command runs");
    assert!(!output.status.success());
    let said = String::from_utf8_lossy(&output.stderr);
    assert!(
        !said.contains('\u{1b}') && !said.contains('\u{7}'),
        "{said:?}"
    );
    assert!(said.contains("␛[2J") && said.contains("cleared"), "{said}");
    assert!(output.stdout.is_empty());
}
