//! Connections that never finish a request — silent, sending their headers a byte at a time,
//! stalled in the body, or kept alive and forgotten — are closed after the sandbox's
//! timeouts, and while they are open the sandbox keeps answering everyone else.

use crate::common;

use std::time::Duration;

use common::{TOKEN, TestStore};
use futures::future::join_all;
use reqwest::StatusCode;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::{Instant, timeout, timeout_at};

const SILENT: usize = 300;
const DRIBBLING: usize = 5;
const STALLED: usize = 5;
const HEADER_TIMEOUT: Duration = Duration::from_millis(1500);
const IDLE_TIMEOUT: Duration = Duration::from_millis(2500);
/// How long after its timeout a connection may still be open before the test gives up.
const SLACK: Duration = Duration::from_secs(3);

/// What became of a connection: closed by the server after this long, or still open.
#[derive(Debug)]
enum Fate {
    Closed(Duration),
    Open,
}

/// Reads until the server closes the connection (end of stream or reset) or `deadline`.
async fn wait_for_close(stream: &mut TcpStream, since: Instant, deadline: Instant) -> Fate {
    let mut buffer = [0u8; 4096];
    loop {
        match timeout_at(deadline, stream.read(&mut buffer)).await {
            Err(_) => return Fate::Open,
            Ok(Ok(0) | Err(_)) => return Fate::Closed(since.elapsed()),
            Ok(Ok(_)) => {}
        }
    }
}

#[tokio::test]
async fn unfinished_connections_are_closed_and_never_block_others() {
    let store = TestStore::start(|options| {
        options.seed = 3;
        options.header_timeout = HEADER_TIMEOUT;
        options.idle_timeout = IDLE_TIMEOUT;
    })
    .await;
    let addr = store.sandbox.addr();
    let opened = Instant::now();
    let deadline = opened + IDLE_TIMEOUT + SLACK;

    let mut silent = Vec::with_capacity(SILENT);
    for _ in 0..SILENT {
        silent.push(TcpStream::connect(addr).await.expect("a connection"));
    }

    // A request line a byte every 100 ms: at most 15 bytes arrive before the header timeout,
    // far from the blank line that ends the headers.
    let dribbling = (0..DRIBBLING).map(|_| async move {
        let mut stream = TcpStream::connect(addr).await.expect("a connection");
        let started = Instant::now();
        let request = format!("GET /stores/sandbox/v2/customers/count HTTP/1.1\r\nHost: {addr}\r\nX-Auth-Token: {TOKEN}\r\n\r\n");
        for byte in request.bytes() {
            if Instant::now() >= deadline || stream.write_all(&[byte]).await.is_err() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        wait_for_close(&mut stream, started, deadline).await
    });
    let dribbling = tokio::spawn(join_all(dribbling));

    // Complete headers, then a tenth of the body they announce, then nothing.
    let mut stalled = Vec::with_capacity(STALLED);
    for _ in 0..STALLED {
        let mut stream = TcpStream::connect(addr).await.expect("a connection");
        let head = format!(
            "POST /stores/sandbox/v2/customers HTTP/1.1\r\nHost: {addr}\r\nX-Auth-Token: {TOKEN}\r\nAccept: application/json\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{{\"first_na"
        );
        stream
            .write_all(head.as_bytes())
            .await
            .expect("the request starts");
        stalled.push(stream);
    }

    // One whole request answered, and the connection kept alive but never used again.
    let mut kept_alive = TcpStream::connect(addr).await.expect("a connection");
    let request = format!(
        "GET /stores/sandbox/v2/customers/count HTTP/1.1\r\nHost: {addr}\r\nX-Auth-Token: {TOKEN}\r\nAccept: application/json\r\n\r\n"
    );
    kept_alive
        .write_all(request.as_bytes())
        .await
        .expect("the request is sent");
    let mut answer = Vec::new();
    while !answer.ends_with(b"{\"count\":3}") {
        let mut buffer = [0u8; 1024];
        let read = timeout(Duration::from_secs(5), kept_alive.read(&mut buffer))
            .await
            .expect("an answer in time")
            .expect("an answer");
        assert!(
            read > 0,
            "closed before answering: {}",
            String::from_utf8_lossy(&answer)
        );
        answer.extend_from_slice(&buffer[..read]);
    }
    assert!(answer.starts_with(b"HTTP/1.1 200"));
    let answered = Instant::now();

    // (a) With all of those open, an ordinary request is answered at once.
    let asked = Instant::now();
    let response = timeout(Duration::from_secs(1), store.get("/customers/count"))
        .await
        .expect("an answer within a second");
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        asked.elapsed() < Duration::from_secs(1),
        "{:?}",
        asked.elapsed()
    );

    // (b) Every one of them is closed by the server once its timeout has passed.
    let silent = join_all(
        silent
            .iter_mut()
            .map(|stream| wait_for_close(stream, opened, deadline)),
    )
    .await;
    let still_open = silent
        .iter()
        .filter(|fate| matches!(fate, Fate::Open))
        .count();
    assert_eq!(
        still_open, 0,
        "{still_open} of {SILENT} silent connections still open"
    );
    for fate in &silent {
        if let Fate::Closed(after) = fate {
            assert!(
                *after >= HEADER_TIMEOUT,
                "closed too early, after {after:?}"
            );
        }
    }
    let dribbling = dribbling.await.expect("the dribbling connections");
    assert!(
        dribbling
            .iter()
            .all(|fate| matches!(fate, Fate::Closed(after) if *after >= HEADER_TIMEOUT)),
        "{dribbling:?}"
    );
    let stalled = join_all(
        stalled
            .iter_mut()
            .map(|stream| wait_for_close(stream, opened, deadline)),
    )
    .await;
    assert!(
        stalled
            .iter()
            .all(|fate| matches!(fate, Fate::Closed(after) if *after >= IDLE_TIMEOUT)),
        "{stalled:?}"
    );
    let kept_alive = wait_for_close(&mut kept_alive, answered, deadline).await;
    assert!(
        matches!(kept_alive, Fate::Closed(after) if after >= HEADER_TIMEOUT),
        "{kept_alive:?}"
    );

    assert_eq!(store.count("").await, 3, "no stalled create went through");
}

/// Stopping the store does not wait for connections that sit between requests: it closes them
/// at once, long before their timeouts.
#[tokio::test]
async fn shutdown_closes_waiting_connections_at_once() {
    let store = TestStore::start(|options| {
        options.header_timeout = Duration::from_secs(60);
        options.idle_timeout = Duration::from_secs(60);
    })
    .await;
    let addr = store.sandbox.addr();
    let mut waiting = Vec::new();
    for _ in 0..20 {
        waiting.push(TcpStream::connect(addr).await.expect("a connection"));
    }
    assert_eq!(store.get("/customers/count").await.status(), StatusCode::OK);

    let stopped = Instant::now();
    timeout(Duration::from_secs(5), store.stop())
        .await
        .expect("the store stops without waiting for idle connections");
    let deadline = Instant::now() + Duration::from_secs(2);
    for stream in &mut waiting {
        let fate = wait_for_close(stream, stopped, deadline).await;
        assert!(matches!(fate, Fate::Closed(_)), "{fate:?}");
    }
}
