//! Page texts of the corpus manuals (`$FAULTLINE_CORPUS/manuals/*.pdf`, never copied into the
//! repository), taken from poppler's `pdftotext` — one call per file, pages split at its form
//! feeds — so that the search benchmark does not depend on our own extractor. Each page gets a
//! language from the stopword guesser, falling back to the manual's most frequent one.

use anyhow::{bail, Context, Result};
use faultline_manuals::index::guess_language;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

#[derive(serde::Serialize, serde::Deserialize)]
pub struct CorpusPage {
    pub file_name: String,
    /// 1-based.
    pub page: u32,
    pub language: String,
    pub text: String,
}

/// The PDFs under `manuals_dir`, sorted by name.
pub fn manual_files(manuals_dir: &Path) -> Result<Vec<PathBuf>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(manuals_dir)
        .with_context(|| {
            format!(
                "reading {} (set FAULTLINE_CORPUS to the corpus folder)",
                manuals_dir.display()
            )
        })?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e.eq_ignore_ascii_case("pdf")))
        .collect();
    files.sort();
    if files.is_empty() {
        bail!("no PDF files in {}", manuals_dir.display());
    }
    Ok(files)
}

/// Every page of every manual, in file then page order.
pub fn load(manuals_dir: &Path) -> Result<Vec<CorpusPage>> {
    let mut pages = Vec::new();
    for file in manual_files(manuals_dir)? {
        let out = Command::new("pdftotext")
            .args(["-enc", "UTF-8", "-q"])
            .arg(&file)
            .arg("-")
            .output()
            .context("running pdftotext (install poppler-utils)")?;
        if !out.status.success() {
            bail!("pdftotext failed on {}", file.display());
        }
        let text = String::from_utf8_lossy(&out.stdout);
        let mut texts: Vec<&str> = text.split('\u{c}').collect();
        // pdftotext ends every page with a form feed: the piece after the last one is empty.
        if texts.last().is_some_and(|t| t.trim().is_empty()) {
            texts.pop();
        }
        let file_name = file
            .file_name()
            .and_then(|n| n.to_str())
            .context("file name")?
            .to_string();
        let guesses: Vec<Option<&'static str>> = texts.iter().map(|t| guess_language(t)).collect();
        let mut counts: HashMap<&str, usize> = HashMap::new();
        for g in guesses.iter().flatten() {
            *counts.entry(g).or_default() += 1;
        }
        let majority = counts
            .into_iter()
            .max_by_key(|&(lang, n)| (n, lang))
            .map_or("en", |(lang, _)| lang);
        for (i, (t, guess)) in texts.iter().zip(guesses).enumerate() {
            pages.push(CorpusPage {
                file_name: file_name.clone(),
                page: u32::try_from(i + 1)?,
                language: guess.unwrap_or(majority).to_string(),
                text: (*t).to_string(),
            });
        }
    }
    Ok(pages)
}

/// The model name the benchmark links a manual to: its name after the source prefix
/// ("…__HY_Series_Inverter_20100627.pdf" → "HY_Series_Inverter_20100627").
pub fn model_of(file_name: &str) -> String {
    let stem = file_name.strip_suffix(".pdf").unwrap_or(file_name);
    stem.rsplit("__").next().unwrap_or(stem).to_string()
}
