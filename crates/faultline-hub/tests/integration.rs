//! Every integration test of faultline-hub in one test binary: one link instead of one per file
//! (less disk, less build time). Each file under tests/ is a module; run one file's tests with
//! `cargo test -p faultline-hub --test integration <file>::`. `maximo_metrics.rs` stays its own
//! binary: it reads the process-wide metrics registry, which the other files' drains would move.

mod access;
mod binary;
mod blobs;
mod common;
mod connector_queue;
mod corrections;
mod db_tls;
mod export;
mod fake_maximo;
mod load;
mod maximo;
mod maximo_actuals;
mod maximo_bulk_updates;
mod maximo_codes;
mod maximo_diagnosis;
mod maximo_drain_bench;
mod maximo_feedback;
mod maximo_inbound;
mod maximo_probe;
mod maximo_reconcile;
mod maximo_reconcile_stops;
mod poison;
mod pull;
mod push;
mod transport;
mod upload_quota;
mod validation;
