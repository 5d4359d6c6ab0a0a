//! Every integration test of faultline-analytics in one test binary: one link instead of one per file
//! (less disk, less build time). Each file under tests/ is a module; run one file's tests with
//! `cargo test -p faultline-analytics --test integration <file>::`.

mod azure_pdm;
mod common;
mod risk_records;
