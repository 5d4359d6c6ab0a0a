//! Every integration test of faultline-manuals in one test binary: one link instead of one per file
//! (less disk, less build time). Each file under tests/ is a module; run one file's tests with
//! `cargo test -p faultline-manuals --test integration <file>::`.

mod common;
mod extract_corpus;
mod extract_worker;
mod library_index_damage;
mod library_queue;
mod search_while_importing;
