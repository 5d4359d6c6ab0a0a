//! The corpus page texts for the `relevance` run, extracted once with `pdftotext` and kept as
//! JSON under the run's output folder (in target/), keyed by the PDFs' names, sizes and
//! modification times: a changed or added manual extracts again, a repeated run takes seconds.

use crate::corpus_pages::{self, CorpusPage};
use anyhow::{Context, Result};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

/// The cache file for the PDFs of `manuals_dir` as they are now.
fn cache_path(manuals_dir: &Path, cache_dir: &Path) -> Result<PathBuf> {
    let mut hash = Sha256::new();
    for file in corpus_pages::manual_files(manuals_dir)? {
        let meta =
            std::fs::metadata(&file).with_context(|| format!("reading {}", file.display()))?;
        let modified = meta
            .modified()
            .ok()
            .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_nanos());
        let name = file.file_name().and_then(|n| n.to_str()).unwrap_or("");
        hash.update(format!("{name}\0{}\0{modified}\n", meta.len()).as_bytes());
    }
    let key = hex::encode(hash.finalize());
    Ok(cache_dir.join(format!("pages-{}.json", &key[..16])))
}

/// The pages of every manual under `manuals_dir`, from the cache when it matches, else
/// extracted (and cached). The second value says whether the cache answered.
pub fn load(manuals_dir: &Path, cache_dir: &Path) -> Result<(Vec<CorpusPage>, bool)> {
    let path = cache_path(manuals_dir, cache_dir)?;
    if let Ok(bytes) = std::fs::read(&path) {
        match serde_json::from_slice::<Vec<CorpusPage>>(&bytes) {
            Ok(pages) if !pages.is_empty() => return Ok((pages, true)),
            _ => eprintln!(
                "relevance: ignoring the unreadable cache {}",
                path.display()
            ),
        }
    }
    let pages = corpus_pages::load(manuals_dir)?;
    std::fs::create_dir_all(cache_dir)
        .with_context(|| format!("creating {}", cache_dir.display()))?;
    let tmp = path.with_extension("json.tmp");
    std::fs::write(&tmp, serde_json::to_vec(&pages)?)
        .with_context(|| format!("writing {}", tmp.display()))?;
    std::fs::rename(&tmp, &path).with_context(|| format!("writing {}", path.display()))?;
    Ok((pages, false))
}
