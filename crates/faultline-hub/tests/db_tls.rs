//! TLS between the hub and PostgreSQL: a throwaway cluster with `ssl=on` and a certificate from a
//! CA made here with `openssl` (started the way scripts/pg.sh starts the test cluster), and a
//! tiny listener that refuses TLS. `require` with the right CA connects encrypted, with another CA
//! it fails and says why; `verify-full` checks the host name; a server that refuses TLS is never
//! spoken to in plaintext.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use faultline_hub::PgStore;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

fn run(cmd: &mut Command) {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"));
    assert!(
        out.status.success(),
        "{cmd:?} failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

/// `cmd` as the `postgres` user when running as root (PostgreSQL refuses root), as in pg.sh.
fn as_pg(program: &Path) -> Command {
    if is_root() {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(program);
        c
    } else {
        Command::new(program)
    }
}

fn pg_bin(name: &str) -> PathBuf {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .map(|d| d.flatten().map(|e| e.path().join("bin")).collect())
        .unwrap_or_default();
    dirs.sort();
    dirs.into_iter()
        .rev()
        .map(|d| d.join(name))
        .find(|p| p.exists())
        .unwrap_or_else(|| PathBuf::from(name))
}

/// A CA (key and certificate) named `cn` in `dir`.
fn make_ca(dir: &Path, cn: &str) -> (PathBuf, PathBuf) {
    let key = dir.join(format!("{cn}.key"));
    let crt = dir.join(format!("{cn}.crt"));
    run(Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
        ])
        .args(["-nodes", "-days", "2", "-subj", &format!("/CN={cn}")])
        .args(["-addext", "basicConstraints=critical,CA:TRUE"])
        .args(["-addext", "keyUsage=critical,keyCertSign,cRLSign"])
        .arg("-keyout")
        .arg(&key)
        .arg("-out")
        .arg(&crt));
    (key, crt)
}

/// A PostgreSQL cluster with ssl=on whose certificate (for IP 127.0.0.1 only) the CA signed.
struct TlsCluster {
    dir: tempfile::TempDir,
    port: u16,
    ca: PathBuf,
    wrong_ca: PathBuf,
}

impl TlsCluster {
    fn start() -> TlsCluster {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let (ca_key, ca) = make_ca(d, "plant-ca");
        let (_, wrong_ca) = make_ca(d, "other-ca");
        let data = d.join("data");
        run(Command::new("chmod").arg("755").arg(d));
        if is_root() {
            run(Command::new("chown").arg("postgres:").arg(d));
        }
        run(as_pg(&pg_bin("initdb")).arg("-D").arg(&data).args([
            "-U",
            "faultline",
            "--auth=trust",
            "-E",
            "UTF8",
            "--no-locale",
        ]));
        let ext = d.join("server.ext");
        std::fs::write(
            &ext,
            "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n\
             keyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n",
        )
        .unwrap();
        let (key, csr, crt) = (
            data.join("server.key"),
            d.join("server.csr"),
            data.join("server.crt"),
        );
        run(Command::new("openssl")
            .args([
                "req",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:prime256v1",
            ])
            .args(["-nodes", "-subj", "/CN=db.plant"])
            .arg("-keyout")
            .arg(&key)
            .arg("-out")
            .arg(&csr));
        run(Command::new("openssl")
            .args(["x509", "-req", "-days", "2", "-CAcreateserial"])
            .arg("-in")
            .arg(&csr)
            .arg("-CA")
            .arg(&ca)
            .arg("-CAkey")
            .arg(&ca_key)
            .arg("-extfile")
            .arg(&ext)
            .arg("-out")
            .arg(&crt));
        run(Command::new("chmod").arg("600").arg(&key));
        if is_root() {
            run(Command::new("chown").arg("postgres:").arg(&key).arg(&crt));
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .unwrap()
            .port();
        run(as_pg(&pg_bin("pg_ctl"))
            .arg("-D")
            .arg(&data)
            .arg("-l")
            .arg(d.join("server.log"))
            .args(["-w", "-t", "60", "-o"])
            .arg(format!(
                "-c listen_addresses=127.0.0.1 -p {port} -k {} -c ssl=on \
                 -c ssl_cert_file=server.crt -c ssl_key_file=server.key",
                d.display()
            ))
            .arg("start"));
        TlsCluster {
            dir,
            port,
            ca,
            wrong_ca,
        }
    }

    fn url(&self, host: &str, query: &str) -> String {
        format!("postgres://faultline@{host}:{}/postgres?{query}", self.port)
    }
}

impl Drop for TlsCluster {
    fn drop(&mut self) {
        let _ = as_pg(&pg_bin("pg_ctl"))
            .arg("-D")
            .arg(self.dir.path().join("data"))
            .args(["-m", "immediate", "-w", "stop"])
            .output();
    }
}

async fn open(url: &str) -> Result<PgStore, String> {
    tokio::time::timeout(Duration::from_secs(30), PgStore::open(url, 2))
        .await
        .map_err(|_| format!("{url}: no answer in 30 s"))?
        .map_err(|e| e.to_string())
}

/// True when the store's connection to the server is encrypted.
async fn encrypted(store: &PgStore) -> bool {
    store
        .client()
        .await
        .unwrap()
        .query_one(
            "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()",
            &[],
        )
        .await
        .unwrap()
        .get(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn require_and_verify_modes_encrypt_check_the_plant_ca_and_never_fall_back() {
    let pg = TlsCluster::start();
    let ca = pg.ca.display().to_string();
    let wrong = pg.wrong_ca.display().to_string();

    // require + the plant's CA: encrypted, certificate checked.
    let store = open(&pg.url("127.0.0.1", &format!("sslmode=require&sslrootcert={ca}")))
        .await
        .unwrap();
    assert!(encrypted(&store).await);
    // verify-full: the certificate names 127.0.0.1.
    let store = open(&pg.url(
        "127.0.0.1",
        &format!("sslmode=verify-full&sslrootcert={ca}"),
    ))
    .await
    .unwrap();
    assert!(encrypted(&store).await);
    // …but not "localhost": verify-full refuses it, verify-ca (chain only) accepts it.
    let e = open(&pg.url(
        "localhost",
        &format!("sslmode=verify-full&sslrootcert={ca}"),
    ))
    .await
    .err()
    .expect("verify-full accepted a certificate for another name");
    assert!(e.contains("sslmode=verify-full"), "{e}");
    let store = open(&pg.url("localhost", &format!("sslmode=verify-ca&sslrootcert={ca}")))
        .await
        .unwrap();
    assert!(encrypted(&store).await);

    // require + another CA: refused, and the message says what to check.
    let e = open(&pg.url("127.0.0.1", &format!("sslmode=require&sslrootcert={wrong}")))
        .await
        .err()
        .expect("a certificate from another CA was accepted");
    assert!(
        e.contains("sslmode=require") && e.contains("certificate") && e.contains(&wrong),
        "{e}"
    );

    // No sslmode: prefer, which the server accepts encrypted.
    let store = open(&pg.url("127.0.0.1", "")).await.unwrap();
    assert!(encrypted(&store).await);
    // disable: plaintext, as asked.
    let store = open(&pg.url("127.0.0.1", "sslmode=disable")).await.unwrap();
    assert!(!encrypted(&store).await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn require_against_a_server_that_refuses_tls_fails_without_a_plaintext_byte() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = tokio::spawn(async move {
        let (mut s, _) = listener.accept().await.unwrap();
        let mut request = [0u8; 8];
        s.read_exact(&mut request).await.unwrap();
        s.write_all(b"N").await.unwrap();
        // Whatever comes after the refusal would be the plaintext startup message.
        let mut rest = Vec::new();
        let _ = tokio::time::timeout(Duration::from_secs(5), s.read_to_end(&mut rest)).await;
        (request, rest)
    });
    let url = format!("postgres://faultline@127.0.0.1:{port}/postgres?sslmode=require");
    let e = open(&url).await.err().expect("connected without TLS");
    assert!(e.contains("sslmode=require") && e.contains("TLS"), "{e}");
    let (request, rest) = server.await.unwrap();
    // The SSLRequest: length 8, code 80877103.
    assert_eq!(request, [0, 0, 0, 8, 4, 210, 22, 47]);
    assert!(rest.is_empty(), "sent {} bytes in plaintext", rest.len());
}
