//! Serving the API: bind, announce the bound address on stdout, serve plain HTTP or TLS
//! (rustls) until SIGINT/SIGTERM, then finish the requests in flight. Connections have a
//! header-read/idle timeout and a send deadline (`send_deadline.rs`).

use crate::error::{HubError, Result};
use crate::http::{router, AppState};
use crate::limits::Limits;
use crate::send_deadline::SendDeadlineAcceptor;
use crate::store::HubStore;
use hyper_util::rt::{TokioExecutor, TokioTimer};
use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

/// PEM files of the hub's certificate chain and private key.
#[derive(Debug, Clone)]
pub struct TlsFiles {
    pub cert: PathBuf,
    pub key: PathBuf,
}

#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// `HOST:PORT`; port 0 picks a free port (printed as `listening on ADDR`).
    pub listen: String,
    pub tls: Option<TlsFiles>,
    pub limits: Limits,
    /// SHA-256 hex of the token `GET /metrics` asks for (`None`: metrics are off).
    pub metrics_token: Option<String>,
    /// Counts the pushes and pulls in flight; give the same gate to `run_connectors` so the
    /// CMMS drain lets laptop sync go first.
    pub laptops: crate::priority::LaptopGate,
}

/// Binds `listen`, prints `listening on ADDR` on stdout, and serves until a shutdown signal.
pub async fn serve<S: HubStore>(store: S, opts: ServeOptions) -> Result<()> {
    let listener = std::net::TcpListener::bind(&opts.listen)
        .map_err(|e| HubError::Invalid(format!("cannot listen on {}: {e}", opts.listen)))?;
    serve_on(listener, store, opts, shutdown_signal()).await
}

/// Serves on a bound `listener` (plain HTTP or TLS) until `shutdown` completes, then finishes
/// the requests in flight (10 s at most). Every connection has a header-read timeout (which also
/// closes idle kept-alive connections) and a send deadline (`limits.send_stall_timeout`).
pub async fn serve_on<S: HubStore>(
    listener: std::net::TcpListener,
    store: S,
    opts: ServeOptions,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<()> {
    listener
        .set_nonblocking(true)
        .map_err(|e| HubError::Invalid(format!("cannot listen on {}: {e}", opts.listen)))?;
    let addr = listener
        .local_addr()
        .map_err(|e| HubError::Invalid(format!("cannot listen on {}: {e}", opts.listen)))?;
    let deadline = SendDeadlineAcceptor {
        limit: opts.limits.send_stall_timeout,
    };
    let header_timeout = opts.limits.header_read_timeout;
    let app = router(AppState::with_gate(
        store,
        opts.limits,
        opts.metrics_token,
        opts.laptops,
    ));
    let handle = axum_server::Handle::new();
    let stopper = handle.clone();
    tokio::spawn(async move {
        shutdown.await;
        stopper.graceful_shutdown(Some(Duration::from_secs(10)));
    });
    let result = match opts.tls {
        Some(tls) => {
            let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
            let config = axum_server::tls_rustls::RustlsConfig::from_pem_file(&tls.cert, &tls.key)
                .await
                .map_err(|e| {
                    HubError::Invalid(format!(
                        "cannot use the TLS certificate {} and key {}: {e}",
                        tls.cert.display(),
                        tls.key.display()
                    ))
                })?;
            announce(addr, "https");
            let acceptor = axum_server::tls_rustls::RustlsAcceptor::new(config).acceptor(deadline);
            let mut server = axum_server::from_tcp(listener).acceptor(acceptor);
            timeouts(server.http_builder(), header_timeout);
            server
                .handle(handle)
                .serve(app.into_make_service_with_connect_info::<SocketAddr>())
                .await
        }
        None => {
            announce(addr, "http");
            let mut server = axum_server::from_tcp(listener).acceptor(deadline);
            timeouts(server.http_builder(), header_timeout);
            server
                .handle(handle)
                .serve(app.into_make_service_with_connect_info::<SocketAddr>())
                .await
        }
    };
    result.map_err(|e| HubError::io("the listener", e))
}

/// Connection timeouts: HTTP/1 headers must arrive within `header`, also the next request's on
/// a kept-alive connection (so idle connections close); HTTP/2 connections are pinged as often
/// and closed when the ping is not answered.
fn timeouts(
    builder: &mut hyper_util::server::conn::auto::Builder<TokioExecutor>,
    header: Duration,
) {
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(header);
    builder
        .http2()
        .timer(TokioTimer::new())
        .keep_alive_interval(header)
        .keep_alive_timeout(header);
}

fn announce(addr: SocketAddr, scheme: &str) {
    let mut out = std::io::stdout();
    let _ = writeln!(out, "listening on {addr}");
    let _ = out.flush();
    tracing::info!("serving {scheme}://{addr}");
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}
