//! Reading a table for the scorecard: CSV, Parquet or ARFF (the format of the Polish bankruptcy
//! data) into a Polars frame, then into typed columns the binning works on. Columns are read once,
//! as they are needed; numbers stay numbers (NaN counts as missing) and everything else becomes a
//! category with a dictionary of levels.

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::Path;

use polars::prelude::*;

use super::error::{Result, ScorecardError};

/// Bounds on a table sent over the network: a Parquet file's rows and columns are read from its
/// footer and checked before a value is decoded (a few kilobytes of run-length-encoded zeros can
/// decode to gigabytes); CSV and ARFF are already bounded by their bytes and are checked after.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TableLimits {
    /// Rows × columns.
    pub max_cells: usize,
    pub max_columns: usize,
}

impl TableLimits {
    fn check(&self, rows: usize, columns: usize) -> Result<()> {
        let cells = rows.saturating_mul(columns);
        if columns > self.max_columns || cells > self.max_cells {
            return Err(ScorecardError::TableTooLarge {
                rows,
                columns,
                max_cells: self.max_cells,
                max_columns: self.max_columns,
            });
        }
        Ok(())
    }
}

/// Reads CSV (header, types inferred from the first 10 000 rows, empty field = missing), Parquet,
/// or ARFF (`?` = missing), chosen by the file's extension.
pub fn read_table(path: &Path) -> Result<DataFrame> {
    read(path, None)
}

/// [`read_table`] within `limits`: a Parquet file beyond them is refused from its footer, before
/// it is decoded.
pub fn read_table_within(path: &Path, limits: TableLimits) -> Result<DataFrame> {
    let frame = read(path, Some(limits))?;
    limits.check(frame.height(), frame.width())?;
    Ok(frame)
}

fn read(path: &Path, limits: Option<TableLimits>) -> Result<DataFrame> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    let file = File::open(path).map_err(ScorecardError::io(path))?;
    let context = format!("{}: reading", path.display());
    match ext.as_deref() {
        Some("csv") => CsvReadOptions::default()
            .with_has_header(true)
            .with_infer_schema_length(Some(10_000))
            .into_reader_with_file_handle(file)
            .finish()
            .map_err(ScorecardError::polars(context)),
        Some("parquet" | "pq") => {
            let mut reader = ParquetReader::new(file);
            if let Some(limits) = limits {
                let footer = reader
                    .get_metadata()
                    .map_err(ScorecardError::polars(context.clone()))?;
                // The file's count and its row groups' sum: a footer could understate one.
                let rows = footer.num_rows.max(
                    footer
                        .row_groups
                        .iter()
                        .map(|g| g.num_rows())
                        .fold(0usize, usize::saturating_add),
                );
                limits.check(rows, footer.schema_descr.columns().len())?;
            }
            reader.finish().map_err(ScorecardError::polars(context))
        }
        Some("arff") => read_arff(path, file),
        _ => Err(ScorecardError::UnsupportedFormat {
            path: path.display().to_string(),
        }),
    }
}

/// Writes a frame as CSV with a header.
pub fn write_csv(frame: &mut DataFrame, path: &Path) -> Result<()> {
    let file = File::create(path).map_err(ScorecardError::io(path))?;
    CsvWriter::new(file)
        .include_header(true)
        .finish(frame)
        .map_err(ScorecardError::polars(format!(
            "{}: writing",
            path.display()
        )))
}

enum ArffKind {
    Numeric,
    Nominal,
}

fn read_arff(path: &Path, file: File) -> Result<DataFrame> {
    let err = |line: usize, message: String| ScorecardError::Arff {
        path: path.display().to_string(),
        line,
        message,
    };
    let mut names: Vec<String> = Vec::new();
    let mut kinds: Vec<ArffKind> = Vec::new();
    let mut numbers: Vec<Vec<Option<f64>>> = Vec::new();
    let mut texts: Vec<Vec<Option<String>>> = Vec::new();
    let mut in_data = false;
    let mut height = 0usize;
    for (i, line) in BufReader::new(file).lines().enumerate() {
        let line_no = i + 1;
        let line = line.map_err(ScorecardError::io(path))?;
        let line = line.trim();
        if line.is_empty() || line.starts_with('%') {
            continue;
        }
        if !in_data {
            let lower = line.to_ascii_lowercase();
            if lower.starts_with("@attribute") {
                let rest = line["@attribute".len()..].trim_start();
                let (name, kind) = split_attribute(rest)
                    .ok_or_else(|| err(line_no, format!("cannot read the attribute {rest:?}")))?;
                let kind_lower = kind.to_ascii_lowercase();
                kinds.push(
                    if ["numeric", "real", "integer"].contains(&kind_lower.as_str()) {
                        ArffKind::Numeric
                    } else {
                        ArffKind::Nominal
                    },
                );
                names.push(name);
                numbers.push(Vec::new());
                texts.push(Vec::new());
            } else if lower.starts_with("@data") {
                in_data = true;
            }
            continue;
        }
        height += 1;
        let fields: Vec<&str> = line.split(',').collect();
        if fields.len() != names.len() {
            return Err(err(
                line_no,
                format!(
                    "{} fields, the header declares {}",
                    fields.len(),
                    names.len()
                ),
            ));
        }
        for (j, field) in fields.iter().enumerate() {
            let field = field.trim().trim_matches('\'');
            let missing = field == "?" || field.is_empty();
            match kinds[j] {
                ArffKind::Numeric => {
                    let value = if missing {
                        None
                    } else {
                        Some(field.parse::<f64>().map_err(|_| {
                            err(
                                line_no,
                                format!("{:?} is not a number in {:?}", field, names[j]),
                            )
                        })?)
                    };
                    numbers[j].push(value);
                }
                ArffKind::Nominal => texts[j].push((!missing).then(|| field.to_string())),
            }
        }
    }
    let columns: Vec<Column> = names
        .iter()
        .zip(kinds.iter())
        .zip(numbers.into_iter().zip(texts))
        .map(|((name, kind), (n, t))| match kind {
            ArffKind::Numeric => Column::new(name.as_str().into(), n),
            ArffKind::Nominal => Column::new(name.as_str().into(), t),
        })
        .collect();
    DataFrame::new(height, columns).map_err(ScorecardError::polars(format!(
        "{}: building the frame",
        path.display()
    )))
}

/// `'a name' numeric` or `name {0,1}` → (name, type).
fn split_attribute(rest: &str) -> Option<(String, String)> {
    if let Some(quoted) = rest.strip_prefix('\'') {
        let end = quoted.find('\'')?;
        Some((
            quoted[..end].to_string(),
            quoted[end + 1..].trim().to_string(),
        ))
    } else {
        let mut parts = rest.splitn(2, char::is_whitespace);
        let name = parts.next()?.to_string();
        Some((name, parts.next()?.trim().to_string()))
    }
}

/// One column as the scorecard sees it.
#[derive(Debug, Clone)]
pub enum Values {
    /// Numbers; `None` is missing (NaN is read as missing).
    Numeric(Vec<Option<f64>>),
    /// Categories as codes into `levels`; `None` is missing.
    Categorical {
        codes: Vec<Option<u32>>,
        levels: Vec<String>,
    },
}

impl Values {
    pub fn len(&self) -> usize {
        match self {
            Self::Numeric(v) => v.len(),
            Self::Categorical { codes, .. } => codes.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn missing_count(&self) -> usize {
        match self {
            Self::Numeric(v) => v.iter().filter(|x| x.is_none()).count(),
            Self::Categorical { codes, .. } => codes.iter().filter(|x| x.is_none()).count(),
        }
    }
}

/// Number formatting for categories held as numbers (an integer code prints without `.0`).
pub fn number_label(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        format!("{x}")
    }
}

/// A column as numbers: numeric columns as they are; text columns are refused, naming the first
/// value that is not a number.
pub fn numeric_column(frame: &DataFrame, name: &str) -> Result<Vec<Option<f64>>> {
    let column = frame
        .column(name)
        .map_err(|_| ScorecardError::ColumnMissing(name.to_string()))?;
    if column.dtype().is_primitive_numeric() || column.dtype().is_bool() {
        let cast = column
            .cast(&DataType::Float64)
            .map_err(ScorecardError::polars(format!("column {name:?}")))?;
        let values = cast
            .f64()
            .map_err(ScorecardError::polars(format!("column {name:?}")))?;
        return Ok(values.iter().map(|v| v.filter(|x| !x.is_nan())).collect());
    }
    let text = text_column(frame, name)?;
    text.iter()
        .enumerate()
        .map(|(i, v)| match v {
            None => Ok(None),
            Some(s) => s
                .trim()
                .parse::<f64>()
                .map(Some)
                .map_err(|_| ScorecardError::NotNumeric {
                    row: i + 1,
                    variable: name.to_string(),
                    value: s.clone(),
                }),
        })
        .collect()
}

/// A column as text (numbers formatted as [`number_label`]).
pub fn text_column(frame: &DataFrame, name: &str) -> Result<Vec<Option<String>>> {
    let column = frame
        .column(name)
        .map_err(|_| ScorecardError::ColumnMissing(name.to_string()))?;
    if column.dtype().is_primitive_numeric() {
        let cast = column
            .cast(&DataType::Float64)
            .map_err(ScorecardError::polars(format!("column {name:?}")))?;
        let values = cast
            .f64()
            .map_err(ScorecardError::polars(format!("column {name:?}")))?;
        return Ok(values
            .iter()
            .map(|v| v.filter(|x| !x.is_nan()).map(number_label))
            .collect());
    }
    let cast = column
        .cast(&DataType::String)
        .map_err(ScorecardError::polars(format!("column {name:?}")))?;
    let values = cast
        .str()
        .map_err(ScorecardError::polars(format!("column {name:?}")))?;
    Ok(values.iter().map(|v| v.map(str::to_string)).collect())
}

/// A column as the scorecard's [`Values`]: numeric dtypes as numbers, everything else as
/// categories.
pub fn values(frame: &DataFrame, name: &str) -> Result<Values> {
    let column = frame
        .column(name)
        .map_err(|_| ScorecardError::ColumnMissing(name.to_string()))?;
    if column.dtype().is_primitive_numeric() {
        return Ok(Values::Numeric(numeric_column(frame, name)?));
    }
    let text = text_column(frame, name)?;
    let mut index: HashMap<String, u32> = HashMap::new();
    let mut levels: Vec<String> = Vec::new();
    let codes = text
        .into_iter()
        .map(|v| {
            v.map(|s| {
                if let Some(&c) = index.get(&s) {
                    c
                } else {
                    let c = levels.len() as u32;
                    levels.push(s.clone());
                    index.insert(s, c);
                    c
                }
            })
        })
        .collect();
    Ok(Values::Categorical { codes, levels })
}

/// The frame's column names, in order.
pub fn column_names(frame: &DataFrame) -> Vec<String> {
    frame
        .get_column_names()
        .into_iter()
        .map(|n| n.to_string())
        .collect()
}

/// The rows of `frame` at `rows`, in that order (for train/test splits and folds).
pub fn take_rows(frame: &DataFrame, rows: &[usize]) -> Result<DataFrame> {
    let index: Vec<IdxSize> = rows.iter().map(|&r| r as IdxSize).collect();
    frame
        .take(&IdxCa::from_vec("row".into(), index))
        .map_err(ScorecardError::polars("selecting rows"))
}
