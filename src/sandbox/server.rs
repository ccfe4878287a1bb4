//! Accepts connections and serves HTTP/1 on them, with the limits `axum::serve` lacks: a
//! connection that does not send a request's headers in time, or that goes quiet, is closed,
//! so connections that never finish a request cannot pile up until nobody else is answered.

use std::io;
use std::pin::{Pin, pin};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use axum::serve::Listener;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{oneshot, watch};
use tokio::task::JoinSet;
use tokio::time::Instant;

#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub header_timeout: Duration,
    pub idle_timeout: Duration,
}

/// Serves `app` until `stop` fires (or its sender is dropped), then stops accepting, lets the
/// requests under way finish and returns once every connection has closed.
pub async fn serve(
    mut listener: TcpListener,
    app: Router,
    limits: Limits,
    mut stop: oneshot::Receiver<()>,
) {
    let mut builder = http1::Builder::new();
    // hyper's header timeout runs whenever it waits for a request head: on a new connection,
    // between kept-alive requests and while headers trickle in.
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout);
    let builder = Arc::new(builder);
    let (stopping, stop_seen) = watch::channel(false);
    let mut connections = JoinSet::new();
    loop {
        // axum's `Listener` retries failed accepts, pausing when out of file descriptors.
        let (stream, _) = tokio::select! {
            accepted = Listener::accept(&mut listener) => accepted,
            _ = &mut stop => break,
        };
        // Reap finished connections so the set holds only open ones.
        while connections.try_join_next().is_some() {}
        connections.spawn(serve_connection(
            stream,
            app.clone(),
            Arc::clone(&builder),
            limits.idle_timeout,
            stop_seen.clone(),
        ));
    }
    drop(listener);
    let _ = stopping.send(true);
    while let Some(ended) = connections.join_next().await {
        if let Err(error) = ended {
            tracing::warn!("a sandbox connection failed: {error}");
        }
    }
}

async fn serve_connection(
    stream: TcpStream,
    app: Router,
    builder: Arc<http1::Builder>,
    idle_timeout: Duration,
    mut stop: watch::Receiver<bool>,
) {
    let activity = Activity::new();
    let io = TokioIo::new(Watched {
        stream,
        activity: activity.clone(),
    });
    let mut connection = pin!(builder.serve_connection(io, TowerToHyperService::new(app)));
    let mut stopping = false;
    loop {
        tokio::select! {
            ended = connection.as_mut() => {
                if let Err(error) = ended {
                    tracing::debug!("sandbox connection closed: {error}");
                }
                return;
            }
            () = activity.quiet_for(idle_timeout) => {
                tracing::debug!("closing a sandbox connection idle for {idle_timeout:?}");
                return;
            }
            _ = stop.wait_for(|stop| *stop), if !stopping => {
                // Closes at once when idle, else after the request under way is answered.
                connection.as_mut().graceful_shutdown();
                stopping = true;
            }
        }
    }
}

/// When a connection last moved a byte, shared by its stream and its watchdog.
#[derive(Clone)]
struct Activity {
    opened: Instant,
    /// Milliseconds from `opened` to the last byte read or written.
    last_ms: Arc<AtomicU64>,
}

impl Activity {
    fn new() -> Self {
        Activity {
            opened: Instant::now(),
            last_ms: Arc::new(AtomicU64::new(0)),
        }
    }

    fn touch(&self) {
        let ms = u64::try_from(self.opened.elapsed().as_millis()).unwrap_or(u64::MAX);
        self.last_ms.store(ms, Ordering::Relaxed);
    }

    /// Resolves once no byte has moved for `limit`.
    async fn quiet_for(&self, limit: Duration) {
        loop {
            let last = self.opened + Duration::from_millis(self.last_ms.load(Ordering::Relaxed));
            let deadline = last + limit;
            if Instant::now() >= deadline {
                return;
            }
            tokio::time::sleep_until(deadline).await;
        }
    }
}

/// A TCP stream that records each byte it moves in its `Activity`.
struct Watched {
    stream: TcpStream,
    activity: Activity,
}

impl AsyncRead for Watched {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let polled = Pin::new(&mut self.stream).poll_read(cx, buf);
        if buf.filled().len() > before {
            self.activity.touch();
        }
        polled
    }
}

impl AsyncWrite for Watched {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let polled = Pin::new(&mut self.stream).poll_write(cx, buf);
        if matches!(polled, Poll::Ready(Ok(written)) if written > 0) {
            self.activity.touch();
        }
        polled
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let polled = Pin::new(&mut self.stream).poll_write_vectored(cx, bufs);
        if matches!(polled, Poll::Ready(Ok(written)) if written > 0) {
            self.activity.touch();
        }
        polled
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }
}
