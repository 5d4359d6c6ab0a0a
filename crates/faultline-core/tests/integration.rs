//! Every integration test of faultline-core in one test binary: one link instead of one per file
//! (less disk, less build time). Each file under tests/ is a module; run one file's tests with
//! `cargo test -p faultline-core --test integration <file>::`.

mod import_files;
mod import_production;
mod import_roundtrip;
