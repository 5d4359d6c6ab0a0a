//! A problem with an import file or its mapping, located as `FILE:LINE: column "COL": what is
//! wrong`. Its own module so that the core's error type can carry it without depending on the
//! importer (the importer re-exports it as `import::ImportError`).

use std::path::Path;

/// A problem with an import file or its mapping, located as precisely as possible.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.render())]
pub struct ImportError {
    pub file: String,
    /// 1-based line in the file (the header is line 1).
    pub line: Option<u64>,
    pub column: Option<String>,
    pub message: String,
}

impl ImportError {
    pub fn new(file: &Path, message: impl Into<String>) -> Self {
        ImportError {
            file: file.display().to_string(),
            line: None,
            column: None,
            message: message.into(),
        }
    }

    pub fn at(mut self, line: u64) -> Self {
        self.line = Some(line);
        self
    }

    pub fn column(mut self, column: impl Into<String>) -> Self {
        self.column = Some(column.into());
        self
    }

    fn render(&self) -> String {
        let mut s = self.file.clone();
        if let Some(line) = self.line {
            s.push_str(&format!(":{line}"));
        }
        if let Some(col) = &self.column {
            s.push_str(&format!(": column \"{col}\""));
        }
        s.push_str(": ");
        s.push_str(&self.message);
        s
    }
}
