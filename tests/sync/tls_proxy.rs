//! The plant's own PKI and proxy: a hub serving TLS with a certificate from a private CA is
//! reached with `--ca-bundle`, refused without it (with a clear error), and reached through an
//! HTTPS (CONNECT) proxy with `--proxy`.

use anyhow::{bail, Context, Result};
use faultline_tests::hub::{enroll_device, hub_admin, Hub};
use faultline_tests::pg::TestDb;
use faultline_tests::proxy::ConnectProxy;
use faultline_tests::{run_cli, temp_data_dir};
use std::path::Path;
use std::process::Command;

fn openssl(dir: &Path, args: &[&str]) -> Result<()> {
    let out = Command::new("openssl")
        .current_dir(dir)
        .args(args)
        .output()
        .context("cannot run openssl (install the openssl package, or run `make setup`)")?;
    if !out.status.success() {
        bail!(
            "openssl {}: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    Ok(())
}

/// A private CA and a server certificate for 127.0.0.1 signed by it.
fn plant_pki(dir: &Path) -> Result<()> {
    plant_pki_with(dir, "IP:127.0.0.1,DNS:localhost", "2")
}

/// A private CA and a server certificate signed by it for the names `san`, valid for `days`
/// from now (negative: expired that many days ago).
fn plant_pki_with(dir: &Path, san: &str, days: &str) -> Result<()> {
    openssl(
        dir,
        &[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=Plant test CA",
            "-keyout",
            "ca.key",
            "-out",
            "ca.pem",
        ],
    )?;
    openssl(
        dir,
        &[
            "req",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-subj",
            "/CN=hub.plant.test",
            "-keyout",
            "hub.key",
            "-out",
            "hub.csr",
        ],
    )?;
    std::fs::write(
        dir.join("ext.cnf"),
        format!("subjectAltName={san}\nextendedKeyUsage=serverAuth\n"),
    )?;
    openssl(
        dir,
        &[
            "x509",
            "-req",
            "-in",
            "hub.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-days",
            days,
            "-extfile",
            "ext.cnf",
            "-out",
            "hub.pem",
        ],
    )
}

/// A hub serving HTTPS with the certificate and key `plant_pki` made in `pki`.
fn tls_hub(db: &TestDb, pki: &Path) -> Result<Hub> {
    let cert = pki.join("hub.pem");
    let key = pki.join("hub.key");
    Hub::start_with(
        &db.url,
        None,
        &[
            "--tls-cert",
            &cert.to_string_lossy(),
            "--tls-key",
            &key.to_string_lossy(),
        ],
    )
}

#[test]
fn a_tls_hub_with_the_plants_own_ca_is_reached_directly_and_through_a_proxy() -> Result<()> {
    let pki = tempfile::tempdir()?;
    plant_pki(pki.path())?;
    let db = TestDb::create("tls")?;
    hub_admin(&db, &["site", "add", "PLANT1", "Riverside"])?;
    let hub = tls_hub(&db, pki.path())?;
    let https = format!("https://{}", hub.addr);
    let ca = pki.path().join("ca.pem");
    let ca = ca.to_string_lossy();

    // Without the plant CA the certificate is not trusted: a clear refusal, nothing stored.
    let token = enroll_device(&db, "PLANT1", "laptop-a")?;
    let dir = temp_data_dir()?;
    let cli = faultline_tests::cli_binary()?;
    let out = Command::new(&cli)
        .arg("--data-dir")
        .arg(dir.path())
        .args(["enroll", "--hub", &https, "--token", &token])
        .output()?;
    assert!(
        !out.status.success(),
        "an untrusted certificate must be refused"
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.to_lowercase().contains("certificate") || err.contains("not reachable"),
        "{err}"
    );

    // With it: enrolled and synced over TLS.
    run_cli(
        dir.path(),
        &[
            "enroll",
            "--hub",
            &https,
            "--token",
            &token,
            "--ca-bundle",
            &ca,
        ],
    )?;
    run_cli(dir.path(), &["sync"])?;

    // Through the plant's proxy (CONNECT tunnel).
    let proxy = ConnectProxy::start()?;
    let token_b = enroll_device(&db, "PLANT1", "laptop-b")?;
    let dir_b = temp_data_dir()?;
    run_cli(
        dir_b.path(),
        &[
            "enroll",
            "--hub",
            &https,
            "--token",
            &token_b,
            "--ca-bundle",
            &ca,
            "--proxy",
            &proxy.url(),
        ],
    )?;
    run_cli(dir_b.path(), &["sync"])?;
    assert!(
        proxy.tunnels.load(std::sync::atomic::Ordering::SeqCst) >= 2,
        "enroll and sync went through the proxy"
    );
    Ok(())
}

/// With the plant CA bundle given, a hub certificate that is expired or made for another name is
/// not "untrusted": the error says what rustls found wrong with it.
#[test]
fn an_invalid_hub_certificate_is_named_for_what_is_wrong_with_it() -> Result<()> {
    let db = TestDb::create("tlsbad")?;
    hub_admin(&db, &["site", "add", "PLANT1", "Riverside"])?;
    for (san, days, expected) in [
        (
            "DNS:hub.plant.test",
            "2",
            "the hub's certificate is not valid for this address",
        ),
        ("IP:127.0.0.1", "-1", "the hub's certificate has expired"),
    ] {
        let pki = tempfile::tempdir()?;
        plant_pki_with(pki.path(), san, days)?;
        let hub = tls_hub(&db, pki.path())?;
        let token = enroll_device(&db, "PLANT1", &format!("laptop-{days}"))?;
        let dir = temp_data_dir()?;
        let out = Command::new(faultline_tests::cli_binary()?)
            .arg("--data-dir")
            .arg(dir.path())
            .args([
                "enroll",
                "--hub",
                &format!("https://{}", hub.addr),
                "--token",
                &token,
                "--ca-bundle",
                &pki.path().join("ca.pem").to_string_lossy(),
            ])
            .output()?;
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{san} / {days} days must be refused");
        assert!(err.contains(expected), "{san} / {days} days: {err}");
        assert!(err.contains("[rustls: "), "rustls's words: {err}");
        assert!(
            !err.contains("not signed by a certificate authority"),
            "the CA bundle was given: {err}"
        );
    }
    Ok(())
}
