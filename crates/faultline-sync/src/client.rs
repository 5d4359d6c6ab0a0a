//! The hub's HTTP API as blocking calls: capabilities, whoami, push, changes, and resumable
//! content-addressed blob upload and download. Every call carries the protocol version header
//! and the device token; every error body is turned into a [`SyncError`].

use crate::error::SyncError;
use faultline_protocol::{
    ApiError, Capabilities, PullResponse, PushRequest, PushResponse, WhoAmI, PROTOCOL_VERSION,
    VERSION_HEADER,
};
use reqwest::blocking::{Client, RequestBuilder, Response};
use reqwest::{Method, StatusCode};
use sha2::{Digest, Sha256};
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Bytes sent per blob upload request; an interrupted upload resumes at the last whole chunk.
pub const BLOB_CHUNK: usize = 1024 * 1024;

/// Times one request is sent again after a 429 before the 429 is the answer.
pub const RATE_LIMIT_RETRIES: u32 = 5;

/// Longest wait for one 429's `retry-after` (a larger value is cut to this).
pub const RATE_LIMIT_MAX_WAIT: Duration = Duration::from_secs(30);

/// How to reach the hub.
#[derive(Debug, Clone, Default)]
pub struct ClientOptions {
    /// PEM bundle of the plant's own certificate authority (added to the system's roots).
    pub ca_bundle: Option<PathBuf>,
    /// Proxy URL for every request (else the system's proxy settings apply).
    pub proxy: Option<String>,
    /// Per-request timeout (default 60 s).
    pub timeout: Option<Duration>,
}

pub struct HubClient {
    http: Client,
    base: String,
    token: String,
}

impl HubClient {
    pub fn new(hub_url: &str, token: &str, opts: &ClientOptions) -> Result<Self, SyncError> {
        let base = hub_url.trim().trim_end_matches('/').to_string();
        if !(base.starts_with("https://") || base.starts_with("http://")) {
            return Err(SyncError::Config(format!(
                "the hub address {hub_url:?} must start with https:// (or http:// on a test bench)"
            )));
        }
        let mut b = Client::builder()
            .user_agent(concat!("faultline/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(Duration::from_secs(10))
            .timeout(opts.timeout.unwrap_or(Duration::from_secs(60)));
        if let Some(ca) = &opts.ca_bundle {
            let pem = std::fs::read(ca).map_err(|e| {
                SyncError::Config(format!("cannot read the CA bundle {}: {e}", ca.display()))
            })?;
            let certs = reqwest::Certificate::from_pem_bundle(&pem).map_err(|e| {
                SyncError::Config(format!(
                    "the CA bundle {} is not a PEM certificate file: {e}",
                    ca.display()
                ))
            })?;
            if certs.is_empty() {
                return Err(SyncError::Config(format!(
                    "the CA bundle {} holds no certificate",
                    ca.display()
                )));
            }
            b = b.tls_certs_merge(certs);
        }
        if let Some(proxy) = &opts.proxy {
            let p = reqwest::Proxy::all(proxy)
                .map_err(|e| SyncError::Config(format!("the proxy {proxy:?} is not a URL: {e}")))?;
            b = b.proxy(p);
        }
        let http = b
            .build()
            .map_err(|e| SyncError::Config(format!("cannot set up HTTPS: {e}")))?;
        Ok(HubClient {
            http,
            base,
            token: token.trim().to_string(),
        })
    }

    pub fn base_url(&self) -> &str {
        &self.base
    }

    fn request(&self, method: Method, path: &str) -> RequestBuilder {
        self.http
            .request(method, format!("{}{path}", self.base))
            .header(VERSION_HEADER, PROTOCOL_VERSION.to_string())
            .bearer_auth(&self.token)
    }

    /// Sends `req`. A 429 (the hub's rate limit) is waited out — its `retry-after`, at most
    /// [`RATE_LIMIT_MAX_WAIT`] — and the request sent again, up to [`RATE_LIMIT_RETRIES`] times;
    /// after that the 429 is the answer.
    fn send(&self, req: RequestBuilder) -> Result<Response, SyncError> {
        let mut req = req;
        for _ in 0..RATE_LIMIT_RETRIES {
            let Some(again) = req.try_clone() else {
                break;
            };
            let resp = req.send()?;
            if resp.status() != StatusCode::TOO_MANY_REQUESTS {
                return Ok(resp);
            }
            let wait = retry_after(&resp).min(RATE_LIMIT_MAX_WAIT);
            tracing::info!(
                "the hub asked to slow down: retrying in {} s",
                wait.as_secs()
            );
            drop(resp);
            std::thread::sleep(wait);
            req = again;
        }
        Ok(req.send()?)
    }

    /// `GET /v1/capabilities`: also the cheap "is the hub reachable" probe.
    pub fn capabilities(&self) -> Result<Capabilities, SyncError> {
        json(self.send(self.request(Method::GET, "/v1/capabilities"))?)
    }

    pub fn whoami(&self) -> Result<WhoAmI, SyncError> {
        json(self.send(self.request(Method::GET, "/v1/whoami"))?)
    }

    pub fn push(&self, site: &str, req: &PushRequest) -> Result<PushResponse, SyncError> {
        let path = format!("/v1/sites/{}/push", enc(site));
        json(self.send(self.request(Method::POST, &path).json(req))?)
    }

    pub fn changes(
        &self,
        site: &str,
        cursor: Option<&str>,
        limit: u32,
    ) -> Result<PullResponse, SyncError> {
        let mut path = format!("/v1/sites/{}/changes?limit={limit}", enc(site));
        if let Some(c) = cursor {
            path.push_str("&cursor=");
            path.push_str(&enc(c));
        }
        json(self.send(self.request(Method::GET, &path))?)
    }

    /// Bytes of `sha256` the hub already holds: `Ok(None)` when complete, else the offset of an
    /// unfinished upload (0 when it has nothing).
    pub fn blob_offset(&self, site: &str, sha256: &str) -> Result<Option<u64>, SyncError> {
        let path = format!("/v1/sites/{}/blobs/{sha256}", enc(site));
        let resp = self.send(self.request(Method::HEAD, &path))?;
        match resp.status() {
            s if s.is_success() => Ok(None),
            StatusCode::NOT_FOUND => Ok(Some(upload_offset(&resp).unwrap_or(0))),
            _ => Err(error_of(resp)),
        }
    }

    /// Uploads the file `path` as blob `sha256`, resuming where an earlier upload stopped.
    pub fn upload_blob(&self, site: &str, sha256: &str, path: &Path) -> Result<(), SyncError> {
        let mut file = std::fs::File::open(path).map_err(|e| {
            SyncError::Store(faultline_core::CoreError::Io {
                context: format!("reading {}", path.display()),
                source: e,
            })
        })?;
        let total = file
            .metadata()
            .map_err(|e| SyncError::Config(format!("{}: {e}", path.display())))?
            .len();
        let Some(mut offset) = self.blob_offset(site, sha256)? else {
            return Ok(());
        };
        let url = format!("/v1/sites/{}/blobs/{sha256}", enc(site));
        let mut buf = vec![0u8; BLOB_CHUNK];
        loop {
            file.seek(SeekFrom::Start(offset))
                .map_err(|e| SyncError::Config(format!("{}: {e}", path.display())))?;
            let want = usize::try_from((total - offset.min(total)).min(BLOB_CHUNK as u64))
                .unwrap_or(BLOB_CHUNK);
            file.read_exact(&mut buf[..want])
                .map_err(|e| SyncError::Config(format!("{}: {e}", path.display())))?;
            let resp = self.send(
                self.request(Method::PATCH, &url)
                    .header("upload-offset", offset.to_string())
                    .header("upload-length", total.to_string())
                    .header("content-type", "application/octet-stream")
                    .body(buf[..want].to_vec()),
            )?;
            match resp.status() {
                StatusCode::CREATED | StatusCode::OK => return Ok(()),
                StatusCode::NO_CONTENT => {
                    offset = upload_offset(&resp).unwrap_or(offset + want as u64);
                    if offset >= total {
                        return Ok(());
                    }
                }
                StatusCode::CONFLICT => match upload_offset(&resp) {
                    // The hub holds a different amount (an earlier try got through): go on there.
                    Some(held) if held <= total => offset = held,
                    _ => return Err(error_of(resp)),
                },
                _ => return Err(error_of(resp)),
            }
        }
    }

    /// Downloads blob `sha256` into `dest` (resuming a partial `dest.part`), verifying its hash.
    pub fn download_blob(&self, site: &str, sha256: &str, dest: &Path) -> Result<(), SyncError> {
        let part = dest.with_extension("part");
        let have = std::fs::metadata(&part).map(|m| m.len()).unwrap_or(0);
        let path = format!("/v1/sites/{}/blobs/{sha256}", enc(site));
        let mut req = self.request(Method::GET, &path);
        if have > 0 {
            req = req.header("range", format!("bytes={have}-"));
        }
        let mut resp = self.send(req)?;
        let append = match resp.status() {
            StatusCode::PARTIAL_CONTENT => true,
            StatusCode::OK => false,
            _ => return Err(error_of(resp)),
        };
        let io = |e: std::io::Error| SyncError::Config(format!("{}: {e}", part.display()));
        let mut out = std::fs::OpenOptions::new()
            .create(true)
            .append(append)
            .write(true)
            .truncate(!append)
            .open(&part)
            .map_err(io)?;
        resp.copy_to(&mut out)?;
        out.sync_all().map_err(io)?;
        drop(out);
        let bytes = std::fs::read(&part).map_err(io)?;
        if hex::encode(Sha256::digest(&bytes)) != sha256 {
            let _ = std::fs::remove_file(&part);
            return Err(SyncError::Protocol(format!(
                "blob {sha256} arrived damaged (hash differs); it will be fetched again"
            )));
        }
        std::fs::rename(&part, dest).map_err(io)?;
        Ok(())
    }
}

fn enc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A 429's `retry-after` in seconds (1 s when missing or an HTTP date).
fn retry_after(resp: &Response) -> Duration {
    let secs = resp
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .unwrap_or(1);
    Duration::from_secs(secs.max(1))
}

fn upload_offset(resp: &Response) -> Option<u64> {
    resp.headers()
        .get("upload-offset")?
        .to_str()
        .ok()?
        .parse()
        .ok()
}

fn json<T: serde::de::DeserializeOwned>(resp: Response) -> Result<T, SyncError> {
    if !resp.status().is_success() {
        return Err(error_of(resp));
    }
    let bytes = resp.bytes()?;
    serde_json::from_slice(&bytes).map_err(|e| SyncError::Protocol(e.to_string()))
}

fn error_of(resp: Response) -> SyncError {
    let status = resp.status().as_u16();
    let text = resp.text().unwrap_or_default();
    match serde_json::from_str::<ApiError>(&text) {
        Ok(e) => SyncError::Hub {
            status,
            code: e.code,
            message: e.message,
        },
        Err(_) if status >= 500 || status == 429 => SyncError::Hub {
            status,
            code: "internal".into(),
            message: text.chars().take(200).collect(),
        },
        Err(_) => SyncError::Protocol(format!(
            "HTTP {status} without an error body (is this address a Faultline hub?): {}",
            text.chars().take(200).collect::<String>()
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn site_codes_and_cursors_are_escaped_in_paths() {
        assert_eq!(enc("PLANT 1/a"), "PLANT%201%2Fa");
        assert_eq!(enc("eHg6MTI="), "eHg6MTI%3D");
    }

    /// A one-thread HTTP server answering the given raw responses in turn, one per connection.
    fn answering(responses: Vec<String>) -> (String, std::thread::JoinHandle<usize>) {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap_or_else(|e| panic!("{e}"));
        let url = format!(
            "http://{}",
            listener.local_addr().unwrap_or_else(|e| panic!("{e}"))
        );
        let server = std::thread::spawn(move || {
            let mut served = 0;
            for r in responses {
                let Ok((mut s, _)) = listener.accept() else {
                    break;
                };
                let mut buf = [0u8; 4096];
                let _ = std::io::Read::read(&mut s, &mut buf);
                let _ = std::io::Write::write_all(&mut s, r.as_bytes());
                served += 1;
            }
            served
        });
        (url, server)
    }

    fn http(status: &str, extra: &str, body: &str) -> String {
        format!(
            "HTTP/1.1 {status}\r\ncontent-type: application/json\r\nconnection: close\r\n{extra}content-length: {}\r\n\r\n{body}",
            body.len()
        )
    }

    #[test]
    fn a_429_is_waited_out_for_its_retry_after_and_the_request_sent_again() {
        let limited = http(
            "429 Too Many Requests",
            "retry-after: 1\r\n",
            r#"{"code":"rate_limited","message":"retry in 1 s"}"#,
        );
        let whoami = http(
            "200 OK",
            "",
            r#"{"device_id":"0190f5f0-0000-7000-8000-000000000001","device_name":"lap","site_code":"P1","site_name":"Plant 1"}"#,
        );
        let (url, server) = answering(vec![limited.clone(), limited, whoami]);
        let client =
            HubClient::new(&url, "t", &ClientOptions::default()).unwrap_or_else(|e| panic!("{e}"));
        let started = std::time::Instant::now();
        let who = client.whoami();
        assert!(who.is_ok(), "{who:?}");
        assert!(started.elapsed() >= Duration::from_secs(2));
        assert_eq!(server.join().unwrap_or(0), 3);
    }

    #[test]
    fn a_hub_address_without_a_scheme_is_refused_with_advice() {
        let err = HubClient::new("hub.plant.local", "t", &ClientOptions::default())
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.contains("https://"), "{err}");
    }
}
