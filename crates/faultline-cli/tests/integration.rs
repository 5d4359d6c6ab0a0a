//! Every integration test of faultline-cli in one test binary: one link instead of one per file
//! (less disk, less build time). Each file under tests/ is a module; run one file's tests with
//! `cargo test -p faultline-cli --test integration <file>::`.

mod dev_serve;
mod diagnose_progress;
