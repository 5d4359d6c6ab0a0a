//! Tests of the manual index: code normalisation, language guessing, search behaviour on small
//! tempdir indexes, and the index life cycle (corrupt, outdated, rebuild).

mod code_tests;
mod compound_tests;
mod fixtures;
mod language_tests;
mod lifecycle_tests;
mod ranking_tests;
mod search_tests;
mod snippet_tests;
mod version_tests;
mod vocabulary_tests;
