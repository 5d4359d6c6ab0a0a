//! A fault-injecting TCP proxy between a client and the hub: passes bytes through, or drops new
//! connections, delays them, truncates the hub's answer after N bytes, or resets the connection
//! (RST) after N bytes — the ways plant Wi-Fi fails at shift end.

use anyhow::{Context, Result};
use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// Forward everything.
    Pass,
    /// Accept and close at once, before a byte goes through.
    Drop,
    /// Wait this long before forwarding each chunk.
    Delay(Duration),
    /// Forward this many bytes of the hub's answers on a connection, then close it cleanly.
    TruncateAfter(u64),
    /// Forward this many bytes of the hub's answers on a connection, then reset it (RST).
    ResetAfter(u64),
    /// Forward this many bytes of the client's requests, then close (cut mid-upload).
    CutUploadAfter(u64),
}

pub struct FaultProxy {
    pub addr: String,
    fault: Arc<Mutex<Fault>>,
    stop: Arc<AtomicBool>,
    /// Connections whose fault fired.
    pub faults_fired: Arc<AtomicU64>,
}

impl FaultProxy {
    pub fn start(target: &str) -> Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0").context("cannot bind the proxy")?;
        let addr = listener.local_addr()?.to_string();
        let fault = Arc::new(Mutex::new(Fault::Pass));
        let stop = Arc::new(AtomicBool::new(false));
        let fired = Arc::new(AtomicU64::new(0));
        let (f, s, fc, target) = (
            fault.clone(),
            stop.clone(),
            fired.clone(),
            target.to_string(),
        );
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                if s.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(client) = conn else { continue };
                let now = *f.lock().unwrap_or_else(|p| p.into_inner());
                let fc = fc.clone();
                let target = target.clone();
                std::thread::spawn(move || handle(client, &target, now, &fc));
            }
        });
        Ok(FaultProxy {
            addr,
            fault,
            stop,
            faults_fired: fired,
        })
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Sets the fault for connections made from now on.
    pub fn set(&self, fault: Fault) {
        *self.fault.lock().unwrap_or_else(|p| p.into_inner()) = fault;
    }
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(&self.addr);
    }
}

fn handle(client: TcpStream, target: &str, fault: Fault, fired: &AtomicU64) {
    if fault == Fault::Drop {
        fired.fetch_add(1, Ordering::SeqCst);
        let _ = client.shutdown(Shutdown::Both);
        return;
    }
    let Ok(server) = TcpStream::connect(target) else {
        let _ = client.shutdown(Shutdown::Both);
        return;
    };
    let (Ok(c2), Ok(s2)) = (client.try_clone(), server.try_clone()) else {
        return;
    };
    let (up_limit, down_limit, reset) = match fault {
        Fault::TruncateAfter(n) => (None, Some(n), false),
        Fault::ResetAfter(n) => (None, Some(n), true),
        Fault::CutUploadAfter(n) => (Some(n), None, false),
        _ => (None, None, false),
    };
    let delay = match fault {
        Fault::Delay(d) => Some(d),
        _ => None,
    };
    let up = std::thread::spawn(move || pump(c2, s2, up_limit, false, delay));
    let fired_down = pump(server, client, down_limit, reset, delay);
    let fired_up = up.join().unwrap_or(false);
    if fired_down || fired_up {
        fired.fetch_add(1, Ordering::SeqCst);
    }
}

/// Copies `from` → `to` until EOF, or until `limit` bytes, then closes (or resets) both.
/// Returns whether the limit cut the stream.
fn pump(
    mut from: TcpStream,
    mut to: TcpStream,
    limit: Option<u64>,
    reset: bool,
    delay: Option<Duration>,
) -> bool {
    let mut buf = [0u8; 16 * 1024];
    let mut sent: u64 = 0;
    loop {
        let n = match from.read(&mut buf) {
            Ok(0) | Err(_) => {
                let _ = to.shutdown(Shutdown::Write);
                return false;
            }
            Ok(n) => n,
        };
        if let Some(d) = delay {
            std::thread::sleep(d);
        }
        let mut take = n;
        if let Some(l) = limit {
            take = usize::try_from((l.saturating_sub(sent)).min(n as u64)).unwrap_or(n);
        }
        if take > 0 && to.write_all(&buf[..take]).is_err() {
            return false;
        }
        sent += take as u64;
        if limit.is_some_and(|l| sent >= l) {
            if reset {
                let _ = socket2::SockRef::from(&to).set_linger(Some(Duration::ZERO));
            }
            let _ = to.shutdown(Shutdown::Both);
            let _ = from.shutdown(Shutdown::Both);
            return true;
        }
    }
}

/// A minimal HTTP proxy that only tunnels (`CONNECT host:port`), as plant proxies do for HTTPS;
/// counts the tunnels it opened.
pub struct ConnectProxy {
    pub addr: String,
    pub tunnels: Arc<AtomicU64>,
    stop: Arc<AtomicBool>,
}

impl ConnectProxy {
    pub fn start() -> Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0").context("cannot bind the proxy")?;
        let addr = listener.local_addr()?.to_string();
        let tunnels = Arc::new(AtomicU64::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let (t, s) = (tunnels.clone(), stop.clone());
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                if s.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(client) = conn else { continue };
                let t = t.clone();
                std::thread::spawn(move || tunnel(client, &t));
            }
        });
        Ok(ConnectProxy {
            addr,
            tunnels,
            stop,
        })
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

impl Drop for ConnectProxy {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(&self.addr);
    }
}

fn tunnel(mut client: TcpStream, tunnels: &AtomicU64) {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") && head.len() < 8192 {
        match client.read(&mut byte) {
            Ok(1) => head.push(byte[0]),
            _ => return,
        }
    }
    let text = String::from_utf8_lossy(&head);
    let target = text
        .lines()
        .next()
        .and_then(|l| l.strip_prefix("CONNECT "))
        .and_then(|l| l.split_whitespace().next())
        .map(str::to_string);
    let Some(target) = target else {
        let _ = client.write_all(b"HTTP/1.1 405 Method Not Allowed\r\ncontent-length: 0\r\n\r\n");
        return;
    };
    let Ok(server) = TcpStream::connect(&target) else {
        let _ = client.write_all(b"HTTP/1.1 502 Bad Gateway\r\ncontent-length: 0\r\n\r\n");
        return;
    };
    if client
        .write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")
        .is_err()
    {
        return;
    }
    tunnels.fetch_add(1, Ordering::SeqCst);
    let (Ok(c2), Ok(s2)) = (client.try_clone(), server.try_clone()) else {
        return;
    };
    let up = std::thread::spawn(move || pump(c2, s2, None, false, None));
    pump(server, client, None, false, None);
    let _ = up.join();
}
