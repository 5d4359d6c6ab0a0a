//! Every integration test of faultline-api in one test binary: one link instead of one per file
//! (less disk, less build time). Each file under tests/ is a module; run one file's tests with
//! `cargo test -p faultline-api --test integration <file>::`.

mod analytics;
mod common;
mod contract;
mod diagnosis;
mod manuals;
mod reads;
mod shift;
mod sync;
mod work_orders;
