//! The baseline the manual search is measured against: SQLite FTS5 over the same pages
//! (porter stemmer on unicode61, diacritics removed), queried the plain way — every word of
//! the typed text quoted and OR-ed, ranked by bm25, with FTS5's own snippet.

use anyhow::{Context, Result};
use rusqlite::{params, Connection};
use std::path::Path;

pub struct Fts5 {
    conn: Connection,
}

/// `"word" OR "word" …` for every alphanumeric run of `text`; `None` when there is none.
pub fn match_expression(text: &str) -> Option<String> {
    let words: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| format!("\"{w}\""))
        .collect();
    (!words.is_empty()).then(|| words.join(" OR "))
}

impl Fts5 {
    /// Creates (replacing) the database at `path` with `pages` as `(file_name, page, text)`.
    pub fn build<'a>(
        path: &Path,
        pages: impl Iterator<Item = (&'a str, u32, &'a str)>,
    ) -> Result<Fts5> {
        for suffix in ["", "-wal", "-shm", "-journal"] {
            let p = format!("{}{suffix}", path.display());
            let _ = std::fs::remove_file(p);
        }
        let mut conn =
            Connection::open(path).with_context(|| format!("opening {}", path.display()))?;
        conn.execute_batch(
            "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;
             CREATE VIRTUAL TABLE pages USING fts5(
                 file_name UNINDEXED, page UNINDEXED, body,
                 tokenize = 'porter unicode61 remove_diacritics 2');",
        )?;
        let tx = conn.transaction()?;
        {
            let mut insert =
                tx.prepare("INSERT INTO pages (file_name, page, body) VALUES (?1, ?2, ?3)")?;
            for (file, page, text) in pages {
                insert.execute(params![file, page, text])?;
            }
        }
        tx.commit()?;
        // Merge the index b-trees, as a tuned deployment would.
        conn.execute("INSERT INTO pages (pages) VALUES ('optimize')", [])?;
        Ok(Fts5 { conn })
    }

    /// The top `limit` pages for `text` as `(file_name, page)`, with snippets computed (and
    /// dropped) as the app would show them.
    pub fn search(&self, text: &str, limit: usize) -> Result<Vec<(String, u32)>> {
        let Some(expr) = match_expression(text) else {
            return Ok(Vec::new());
        };
        let mut stmt = self.conn.prepare_cached(
            "SELECT file_name, page, snippet(pages, 2, '', '', '…', 24)
             FROM pages WHERE pages MATCH ?1 ORDER BY rank LIMIT ?2",
        )?;
        let rows = stmt.query_map(params![expr, limit as i64], |r| {
            let snippet: String = r.get(2)?;
            std::hint::black_box(snippet);
            Ok((r.get::<_, String>(0)?, r.get::<_, u32>(1)?))
        })?;
        rows.collect::<Result<Vec<_>, _>>().map_err(Into::into)
    }
}
