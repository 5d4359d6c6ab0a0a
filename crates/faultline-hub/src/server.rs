//! Serving the API: bind, announce the bound address on stdout, serve plain HTTP or TLS
//! (rustls) until SIGINT/SIGTERM, then finish the requests in flight.

use crate::error::{HubError, Result};
use crate::http::{router, AppState};
use crate::limits::Limits;
use crate::store::HubStore;
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
}

/// Binds `listen`, prints `listening on ADDR` on stdout, and serves until a shutdown signal.
pub async fn serve<S: HubStore>(store: S, opts: ServeOptions) -> Result<()> {
    let listener = std::net::TcpListener::bind(&opts.listen)
        .map_err(|e| HubError::Invalid(format!("cannot listen on {}: {e}", opts.listen)))?;
    listener
        .set_nonblocking(true)
        .map_err(|e| HubError::Invalid(format!("cannot listen on {}: {e}", opts.listen)))?;
    let addr = listener
        .local_addr()
        .map_err(|e| HubError::Invalid(format!("cannot listen on {}: {e}", opts.listen)))?;
    let app = router(AppState::new(store, opts.limits));
    match opts.tls {
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
            let handle = axum_server::Handle::new();
            let stopper = handle.clone();
            tokio::spawn(async move {
                shutdown_signal().await;
                stopper.graceful_shutdown(Some(Duration::from_secs(10)));
            });
            axum_server::from_tcp_rustls(listener, config)
                .handle(handle)
                .serve(app.into_make_service())
                .await
                .map_err(|e| HubError::io("the TLS listener", e))
        }
        None => {
            let listener = tokio::net::TcpListener::from_std(listener)
                .map_err(|e| HubError::io("the listener", e))?;
            announce(addr, "http");
            axum::serve(listener, app)
                .with_graceful_shutdown(shutdown_signal())
                .await
                .map_err(|e| HubError::io("the listener", e))
        }
    }
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
