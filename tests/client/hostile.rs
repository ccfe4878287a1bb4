//! A store that tries to get the credentials elsewhere, and credentials that cannot be sent.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use bc_customers::api::Auth;
use bc_customers::api::v2::{Client, ClientOptions};
use bc_customers::domain::{Filter, Secret};
use bc_customers::store::ApiError;
use bc_customers::store::Store;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

fn token(token: &str) -> Auth {
    Auth::Token {
        token: Secret::new(token.to_owned()),
        client_id: Some("client-id".to_owned()),
    }
}

/// Listens on loopback and answers every request with `answer`; counts the connections.
async fn answering(answer: String) -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("a port");
    let address = listener.local_addr().expect("an address");
    let connections = Arc::new(AtomicUsize::new(0));
    let counted = Arc::clone(&connections);
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            counted.fetch_add(1, Ordering::SeqCst);
            let answer = answer.clone();
            tokio::spawn(async move {
                let mut request = vec![0u8; 8192];
                let _ =
                    tokio::time::timeout(Duration::from_secs(2), socket.read(&mut request)).await;
                let _ = socket.write_all(answer.as_bytes()).await;
                let _ = socket.shutdown().await;
            });
        }
    });
    (format!("http://{address}"), connections)
}

#[tokio::test]
async fn a_redirect_is_not_followed_and_the_token_goes_nowhere_else() {
    let (elsewhere, reached) =
        answering("HTTP/1.1 200 OK\r\nContent-Length: 13\r\n\r\n{\"count\": 1}\n".to_owned()).await;
    let location = format!("{elsewhere}/stores/other/v2/customers/count");
    let (store, _) = answering(format!(
        "HTTP/1.1 302 Found\r\nLocation: {location}\r\nContent-Length: 0\r\n\r\n"
    ))
    .await;
    let client = Client::new(
        &format!("{store}/stores/abc/v2"),
        token("secret-token"),
        ClientOptions::default(),
    )
    .expect("a client");
    let error = client.count(&Filter::default()).await.expect_err("refused");
    assert!(
        matches!(&error, ApiError::Redirected { status: 302, location: Some(l) } if *l == location),
        "{error:?}"
    );
    let said = error.to_string();
    assert!(said.contains("302") && said.contains(&location), "{said}");
    assert_eq!(
        reached.load(Ordering::SeqCst),
        0,
        "nothing was sent to the other host"
    );
}

#[test]
fn a_token_with_a_line_break_is_named_as_such() {
    let error = Client::new(
        "https://api.bigcommerce.com/stores/abc/v2",
        token("abc123\n"),
        ClientOptions::default(),
    )
    .expect_err("refused");
    let said = error.to_string();
    assert!(
        said.contains("access token") && said.contains("line break"),
        "{said}"
    );
    assert!(!said.contains("builder error"), "{said}");
    assert!(
        !said.contains("abc123"),
        "the token itself is never shown: {said}"
    );

    let error = Client::new(
        "https://api.bigcommerce.com/stores/abc/v2",
        Auth::Token {
            token: Secret::new("fine".to_owned()),
            client_id: Some("id\u{7}".to_owned()),
        },
        ClientOptions::default(),
    )
    .expect_err("refused");
    assert!(error.to_string().contains("client id"), "{error}");
}

#[tokio::test]
async fn a_web_page_answered_with_200_is_said_by_its_title() {
    let page = "<!DOCTYPE html><html><head><title>Sign in to Hotel Wi-Fi</title></head><body><script>x</script></body></html>";
    let (store, _) = answering(format!(
        "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: {}\r\n\r\n{page}",
        page.len()
    ))
    .await;
    let client = Client::new(
        &format!("{store}/stores/abc/v2"),
        token("secret-token"),
        ClientOptions::default(),
    )
    .expect("a client");
    let error = client
        .count(&Filter::default())
        .await
        .expect_err("not JSON");
    let said = error.to_string();
    assert!(
        said.contains("an HTML page titled 'Sign in to Hotel Wi-Fi'"),
        "{said}"
    );
    assert!(!said.contains("<script"), "{said}");
}
