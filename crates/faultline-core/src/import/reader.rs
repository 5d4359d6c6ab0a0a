//! Reading a CSV export row by row: decoding, the header check, and typed field access with
//! errors that name the file, the line and the column.

use super::dates::{parse_timezone, DateParser};
use super::mapping::Mapping;
use super::template::Bound;
use super::ImportError;
use chrono::{DateTime, Utc};
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fs::File;
use std::io::BufReader;
use std::path::Path;

type Decoded = encoding_rs_io::DecodeReaderBytes<BufReader<File>, Vec<u8>>;

pub struct CsvRows {
    reader: csv::Reader<Decoded>,
    pub record: csv::StringRecord,
    pub fields: Fields,
    path: std::path::PathBuf,
    header: Vec<String>,
    /// `(line, column index)` of the mapping's `[[csv.merge_cells]]` repairs.
    merges: Vec<(u64, usize)>,
    delimiter: char,
}

/// The mapping's fields bound to this file's header.
pub struct Fields {
    /// Indexed like `RecordKind::fields().1`.
    bound: Vec<Option<(Bound, String)>>,
    values: Vec<Option<BTreeMap<String, String>>>,
    nulls: Vec<String>,
    dates: DateParser,
    file: String,
}

/// A field's position in its kind's field list.
#[derive(Debug, Clone, Copy)]
pub struct FieldId(usize);

impl CsvRows {
    pub fn open(mapping: &Mapping, path: &Path) -> Result<Self, ImportError> {
        let file = File::open(path)
            .map_err(|e| ImportError::new(path, format!("cannot open the file: {e}")))?;
        let encoding = match mapping.csv.encoding.to_ascii_lowercase().as_str() {
            "windows-1252" | "cp1252" => Some(encoding_rs::WINDOWS_1252),
            _ => None,
        };
        let decoded = encoding_rs_io::DecodeReaderBytesBuilder::new()
            .encoding(encoding)
            .utf8_passthru(true)
            .bom_sniffing(true)
            .build(BufReader::with_capacity(1 << 16, file));
        let delimiter = mapping
            .csv
            .delimiter
            .as_bytes()
            .first()
            .copied()
            .unwrap_or(b',');
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .has_headers(true)
            .flexible(false)
            // Split on \n only: with CRLF terminators the csv crate reports a record's line one
            // too low. The \r left at the end of a row's last cell is trimmed like any space.
            .terminator(csv::Terminator::Any(b'\n'))
            .from_reader(decoded);
        let header = reader
            .headers()
            .map_err(|e| csv_error(path, &e, &[]))?
            .clone();
        let header: Vec<String> = header.iter().map(|h| h.trim().to_string()).collect();
        let (_, known) = mapping.kind.fields();
        let mut bound = Vec::with_capacity(known.len());
        let mut values = Vec::with_capacity(known.len());
        for name in known {
            values.push(mapping.values.get(*name).cloned());
            let Some(t) = mapping.fields.get(*name) else {
                bound.push(None);
                continue;
            };
            let label = match t.columns().collect::<Vec<_>>().as_slice() {
                [one] => (*one).to_string(),
                _ => format!("fields.{name}"),
            };
            let b = t.bind(|c| header.iter().position(|h| h == c)).map_err(|missing| {
                ImportError::new(
                    path,
                    format!(
                        "the mapping's fields.{name} names column {missing:?}, which the file does not have; its columns are: {}",
                        header.join(", ")
                    ),
                )
                .at(1)
                .column(missing)
            })?;
            bound.push(Some((b, label)));
        }
        let mut merges = Vec::with_capacity(mapping.csv.merge_cells.len());
        for m in &mapping.csv.merge_cells {
            match header.iter().position(|h| *h == m.column) {
                Some(i) if i + 1 < header.len() => merges.push((m.line, i)),
                _ => {
                    return Err(ImportError::new(
                        path,
                        format!(
                            "csv.merge_cells: line {} names column {:?}, which is not a column followed by another; the file's columns are: {}",
                            m.line,
                            m.column,
                            header.join(", ")
                        ),
                    ))
                }
            }
        }
        let offset =
            parse_timezone(&mapping.csv.timezone).map_err(|m| ImportError::new(path, m))?;
        let fields = Fields {
            bound,
            values,
            nulls: mapping
                .csv
                .null_values
                .iter()
                .map(|s| s.trim().to_string())
                .collect(),
            dates: DateParser::new(&mapping.csv.date_formats, offset),
            file: path.display().to_string(),
        };
        Ok(CsvRows {
            reader,
            record: csv::StringRecord::new(),
            fields,
            path: path.to_path_buf(),
            header,
            merges,
            delimiter: char::from(delimiter),
        })
    }

    /// Reads the next row; `Ok(None)` at the end. Rows are read as bytes and checked as UTF-8
    /// here, so an encoding error names the row's own line and column.
    pub fn next_row(&mut self) -> Result<Option<u64>, ImportError> {
        let mut bytes = std::mem::take(&mut self.record).into_byte_record();
        match self.reader.read_byte_record(&mut bytes) {
            Ok(true) => {}
            Ok(false) => return Ok(None),
            Err(e) => return Err(csv_error(&self.path, &e, &self.header)),
        }
        let line = bytes.position().map_or(0, |p| p.line());
        match csv::StringRecord::from_byte_record(bytes) {
            Ok(rec) => {
                self.record = match self.merges.iter().find(|(l, _)| *l == line) {
                    Some(&(_, column)) => merge_cells(&rec, column, self.delimiter),
                    None => rec,
                };
                Ok(Some(line))
            }
            Err(e) => {
                let field = e.utf8_error().field();
                let mut err = ImportError::new(&self.path, UTF8_HINT).at(line);
                err.column = self.header.get(field).cloned();
                Err(err)
            }
        }
    }
}

/// `rec` with the cell at `column` joined to the next one by `delimiter`, the later cells one
/// column to the left and an empty last cell, so the row keeps its length.
fn merge_cells(rec: &csv::StringRecord, column: usize, delimiter: char) -> csv::StringRecord {
    let mut out = csv::StringRecord::with_capacity(rec.as_slice().len(), rec.len());
    for (i, cell) in rec.iter().enumerate() {
        if i == column {
            let next = rec.get(i + 1).unwrap_or_default();
            out.push_field(&format!("{cell}{delimiter}{next}"));
        } else if i != column + 1 {
            out.push_field(cell);
        }
    }
    out.push_field("");
    out
}

const UTF8_HINT: &str = "the file is not valid UTF-8 here; if it came from Excel or an older CMMS, set csv.encoding = \"windows-1252\" in the mapping";

fn csv_error(path: &Path, e: &csv::Error, header: &[String]) -> ImportError {
    let line = e.position().map(|p| p.line());
    let column = match e.kind() {
        csv::ErrorKind::Utf8 { err, .. } => header.get(err.field()).cloned(),
        _ => None,
    };
    let msg = match e.kind() {
        csv::ErrorKind::Utf8 { .. } => UTF8_HINT.to_string(),
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => {
            format!("this row has {len} columns but the header has {expected_len}; check for an unquoted delimiter in a text cell")
        }
        csv::ErrorKind::Io(io) => format!("cannot read the file: {io}"),
        _ => format!("cannot read this row: {e}"),
    };
    let mut err = ImportError::new(path, msg);
    err.line = line;
    err.column = column;
    err
}

impl Fields {
    pub fn id(&self, kind: super::RecordKind, name: &str) -> FieldId {
        let (_, known) = kind.fields();
        FieldId(known.iter().position(|k| *k == name).unwrap_or(usize::MAX))
    }

    fn err(&self, line: u64, id: FieldId, msg: String) -> ImportError {
        let mut e = ImportError::new(Path::new(&self.file), msg).at(line);
        if let Some(Some((_, label))) = self.bound.get(id.0) {
            e.column = Some(label.clone());
        }
        e
    }

    /// The field's value (template rendered, value map applied), or None when null or unmapped.
    pub fn text<'a>(&'a self, rec: &'a csv::StringRecord, id: FieldId) -> Option<Cow<'a, str>> {
        let (b, _) = self.bound.get(id.0)?.as_ref()?;
        // An empty cell is always "no value"; `null_values` adds more spellings of it.
        let v = b.render(
            |i| rec.get(i).unwrap_or(""),
            |s| s.is_empty() || self.nulls.iter().any(|n| n == s),
        )?;
        if v.is_empty() {
            return None;
        }
        if let Some(Some(map)) = self.values.get(id.0) {
            if let Some(mapped) = map.get(v.as_ref()) {
                return Some(Cow::Borrowed(mapped.as_str()));
            }
        }
        // Control characters in an export (a NUL from a scanner, a stray form feed) are cleaned
        // as the laptop cleans typed text (crate::validate): no record, here or on the hub, holds one.
        if v.chars().any(crate::validate::is_forbidden_char) {
            let cleaned = crate::validate::clean_controls(&v);
            let cleaned = cleaned.trim();
            return (!cleaned.is_empty()).then(|| Cow::Owned(cleaned.to_string()));
        }
        Some(v)
    }

    pub fn required<'a>(
        &'a self,
        rec: &'a csv::StringRecord,
        id: FieldId,
        line: u64,
        what: &str,
    ) -> Result<Cow<'a, str>, ImportError> {
        self.text(rec, id)
            .ok_or_else(|| self.err(line, id, format!("{what} is empty; every row needs one")))
    }

    pub fn date(
        &self,
        rec: &csv::StringRecord,
        id: FieldId,
        line: u64,
    ) -> Result<Option<DateTime<Utc>>, ImportError> {
        match self.text(rec, id) {
            None => Ok(None),
            Some(v) => self
                .dates
                .parse(&v)
                .map(Some)
                .map_err(|m| self.err(line, id, m)),
        }
    }

    pub fn required_date(
        &self,
        rec: &csv::StringRecord,
        id: FieldId,
        line: u64,
        what: &str,
    ) -> Result<DateTime<Utc>, ImportError> {
        self.date(rec, id, line)?
            .ok_or_else(|| self.err(line, id, format!("{what} is empty; every row needs one")))
    }

    /// Parses a value with `parse`, explaining the accepted `choices` when it does not fit.
    pub fn parsed<T>(
        &self,
        rec: &csv::StringRecord,
        id: FieldId,
        line: u64,
        parse: impl Fn(&str) -> Option<T>,
        choices: &str,
    ) -> Result<Option<T>, ImportError> {
        match self.text(rec, id) {
            None => Ok(None),
            Some(v) => parse(&v).map(Some).ok_or_else(|| {
                self.err(line, id, format!("{v:?} is not one of: {choices}; add a [values] entry to the mapping to translate it"))
            }),
        }
    }

    pub fn number(
        &self,
        rec: &csv::StringRecord,
        id: FieldId,
        line: u64,
    ) -> Result<Option<f64>, ImportError> {
        match self.text(rec, id) {
            None => Ok(None),
            Some(v) => v
                .replace(',', "")
                .parse::<f64>()
                .ok()
                .filter(|n| n.is_finite())
                .map(Some)
                .ok_or_else(|| self.err(line, id, format!("{v:?} is not a number"))),
        }
    }

    /// Whether the mapping gives this field at all.
    pub fn is_mapped(&self, id: FieldId) -> bool {
        matches!(self.bound.get(id.0), Some(Some(_)))
    }

    pub fn error(&self, line: u64, id: FieldId, msg: String) -> ImportError {
        self.err(line, id, msg)
    }
}
