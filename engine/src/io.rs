//! File I/O of the engine: valuation input and output as CSV or Parquet (chosen by the file
//! extension), the rejected-rows file, and the entry points the `zhirong value` command calls.
//! (USPTO grant XML is read by [`crate::uspto`].)
//!
//! CSV input is read with every column as text so that the schema check, not the CSV parser,
//! reports a bad value, with its row and column.

use std::fs::File;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use polars::prelude::*;
use serde::Serialize;

use crate::error::{EngineError, Result};
use crate::schema::{output as o, rejected as r};
use crate::valuation::input::patents_from_frame;
use crate::valuation::model::{CHUNK_ROWS, value_frame, value_in_chunks};
use crate::valuation::{
    Explanation, InvalidRows, RejectedRow, ValuationParams, explain_patent, validate,
};

/// A table file format, from the file name's extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileFormat {
    Csv,
    Parquet,
}

impl FileFormat {
    pub fn from_path(path: &Path) -> Result<Self> {
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        match ext.as_deref() {
            Some("csv") => Ok(Self::Csv),
            Some("parquet" | "pq") => Ok(Self::Parquet),
            _ => Err(EngineError::UnsupportedFormat {
                path: path.to_owned(),
            }),
        }
    }
}

fn name(path: &Path) -> String {
    path.display().to_string()
}

/// Reads a table as it is in the file: CSV columns all as text (empty field = missing), Parquet
/// columns with their stored types.
pub fn read_table(path: &Path) -> Result<DataFrame> {
    let format = FileFormat::from_path(path)?;
    // Open first so a missing file is an I/O error naming the path, not a Polars message.
    let file = File::open(path).map_err(EngineError::io(path))?;
    let ctx = || EngineError::polars(format!("{}: reading", name(path)));
    match format {
        FileFormat::Csv => CsvReadOptions::default()
            .with_has_header(true)
            .with_infer_schema_length(Some(0))
            .into_reader_with_file_handle(file)
            .finish()
            .map_err(ctx()),
        FileFormat::Parquet => ParquetReader::new(file).finish().map_err(ctx()),
    }
}

/// Writes a table as CSV (header, ISO dates, empty = missing) or Parquet.
pub fn write_table(frame: &mut DataFrame, path: &Path) -> Result<()> {
    let format = FileFormat::from_path(path)?;
    let file = File::create(path).map_err(EngineError::io(path))?;
    let ctx = || EngineError::polars(format!("{}: writing", name(path)));
    match format {
        FileFormat::Csv => CsvWriter::new(file)
            .include_header(true)
            .finish(frame)
            .map_err(ctx()),
        FileFormat::Parquet => ParquetWriter::new(file)
            .finish(frame)
            .map(|_| ())
            .map_err(ctx()),
    }
}

/// The rejected-rows file next to an output file: `values.csv` → `values.rejected.csv`
/// (always CSV: it is read by people).
pub fn rejected_path_for(output: &Path) -> PathBuf {
    let stem = output
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "values".to_owned());
    output.with_file_name(format!("{stem}.rejected.csv"))
}

/// Writes rejected rows (row, patent_id, reasons joined by "; ") as CSV or Parquet.
pub fn write_rejected(rejected: &[RejectedRow], path: &Path) -> Result<()> {
    let rows: Vec<u64> = rejected.iter().map(|x| x.row as u64).collect();
    let ids: Vec<Option<&str>> = rejected.iter().map(|x| x.patent_id.as_deref()).collect();
    let reasons: Vec<String> = rejected.iter().map(|x| x.reasons.join("; ")).collect();
    let mut frame = DataFrame::new(
        rejected.len(),
        vec![
            Column::new(r::ROW.into(), rows),
            Column::new(r::PATENT_ID.into(), ids),
            Column::new(r::REASONS.into(), reasons),
        ],
    )
    .map_err(EngineError::polars(format!(
        "{}: building rejected rows",
        name(path)
    )))?;
    write_table(&mut frame, path)
}

/// What a `zhirong value` run did.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ValueSummary {
    /// rows valued (written to the output)
    pub rows: usize,
    pub eligible: usize,
    pub appraised_fen: i64,
    pub collateral_fen: i64,
    /// rows left out (lenient mode only; always empty in strict mode)
    pub rejected: Vec<RejectedRow>,
    /// where the rejected rows were written (lenient mode only)
    pub rejected_output: Option<PathBuf>,
    pub model_version: &'static str,
    pub params_digest: String,
}

/// Totals of a results frame: (eligible rows, Σ appraised_fen, Σ collateral_fen), saturating.
pub fn result_totals(results: &DataFrame) -> Result<(usize, i64, i64)> {
    let mut totals = (0, 0, 0);
    add_totals(results, &mut totals)?;
    Ok(totals)
}

/// Continues the sums of [`result_totals`] over further rows, in order (so that totals over
/// chunks are exactly those over the whole frame).
fn add_totals(results: &DataFrame, totals: &mut (usize, i64, i64)) -> Result<()> {
    let ctx = || EngineError::polars("summing the valuation results");
    totals.0 += results
        .column(o::ELIGIBLE)
        .map_err(ctx())?
        .bool()
        .map_err(ctx())?
        .iter()
        .filter(|v| *v == Some(true))
        .count();
    let sum = |c: &str, from: i64| -> Result<i64> {
        let col = results.column(c).map_err(ctx())?;
        let ca = col.i64().map_err(ctx())?;
        Ok(ca
            .iter()
            .flatten()
            .fold(from, |acc, v| acc.saturating_add(v)))
    };
    totals.1 = sum(o::APPRAISED_FEN, totals.1)?;
    totals.2 = sum(o::COLLATERAL_FEN, totals.2)?;
    Ok(())
}

/// A table file written in pieces (large results, chunk by chunk).
enum TableWriter {
    Csv(polars::io::csv::write::BatchedWriter<File>),
    Parquet(Box<polars::io::parquet::write::BatchedWriter<File>>),
}

impl TableWriter {
    fn create(path: &Path, schema: &Schema) -> Result<Self> {
        let format = FileFormat::from_path(path)?;
        let file = File::create(path).map_err(EngineError::io(path))?;
        let ctx = || EngineError::polars(format!("{}: writing", name(path)));
        Ok(match format {
            FileFormat::Csv => Self::Csv(
                CsvWriter::new(file)
                    .include_header(true)
                    .batched(schema)
                    .map_err(ctx())?,
            ),
            FileFormat::Parquet => Self::Parquet(Box::new(
                ParquetWriter::new(file).batched(schema).map_err(ctx())?,
            )),
        })
    }

    fn write(&mut self, frame: &mut DataFrame, path: &Path) -> Result<()> {
        let ctx = || EngineError::polars(format!("{}: writing", name(path)));
        // The batched writers need the columns' chunks aligned.
        frame.align_chunks_par();
        match self {
            Self::Csv(w) => w.write_batch(frame).map_err(ctx()),
            Self::Parquet(w) => w.write_batch(frame).map_err(ctx()),
        }
    }

    fn finish(self, path: &Path) -> Result<()> {
        let ctx = || EngineError::polars(format!("{}: writing", name(path)));
        match self {
            Self::Csv(mut w) => w.finish().map_err(ctx()),
            Self::Parquet(w) => w.finish().map(|_| ()).map_err(ctx()),
        }
    }
}

/// Values a validated frame and writes the results to `output`, returning the rows written
/// and the totals. A large frame is valued and written chunk by chunk
/// ([`value_in_chunks`]), so its results are never all in memory at once.
fn value_and_write(
    frame: DataFrame,
    output: &Path,
    as_of: NaiveDate,
    params: &ValuationParams,
    source_name: &str,
) -> Result<(usize, (usize, i64, i64))> {
    value_and_write_in(frame, CHUNK_ROWS, output, as_of, params, source_name)
}

/// [`value_and_write`] with chunks of `chunk_rows` rows.
fn value_and_write_in(
    frame: DataFrame,
    chunk_rows: usize,
    output: &Path,
    as_of: NaiveDate,
    params: &ValuationParams,
    source_name: &str,
) -> Result<(usize, (usize, i64, i64))> {
    let mut totals = (0, 0, 0);
    if frame.height() <= chunk_rows {
        let mut results = value_frame(frame, as_of, params, source_name)?;
        add_totals(&results, &mut totals)?;
        write_table(&mut results, output)?;
        return Ok((results.height(), totals));
    }
    let mut rows = 0;
    let mut writer: Option<TableWriter> = None;
    let written = value_in_chunks(
        &frame,
        chunk_rows,
        as_of,
        params,
        source_name,
        |mut results| {
            add_totals(&results, &mut totals)?;
            rows += results.height();
            let w = match &mut writer {
                Some(w) => w,
                None => writer.insert(TableWriter::create(output, results.schema())?),
            };
            w.write(&mut results, output)
        },
    )
    .and_then(|()| match writer.take() {
        Some(w) => w.finish(output),
        None => Ok(()),
    });
    if let Err(e) = written {
        // No partial results file is left behind. (Best effort: the error is what matters.)
        let _ = std::fs::remove_file(output);
        return Err(e);
    }
    Ok((rows, totals))
}

/// Values a CSV or Parquet file and writes the results (CSV or Parquet, by `output`'s
/// extension). In [`InvalidRows::Skip`] mode the rejected rows go to
/// [`rejected_path_for`]`(output)`, written even when empty so no stale file is left behind.
pub fn value_file(
    input: &Path,
    output: &Path,
    as_of: NaiveDate,
    params: &ValuationParams,
    mode: InvalidRows,
) -> Result<ValueSummary> {
    // Check the output name before the (possibly long) run.
    FileFormat::from_path(output)?;
    let source_name = name(input);
    // The raw input is dropped once checked (the typed frame often shares its buffers).
    let checked = {
        let raw = read_table(input)?;
        validate(&raw, as_of, &source_name, mode)?
    };
    let (rows, (eligible, appraised_fen, collateral_fen)) =
        value_and_write(checked.frame, output, as_of, params, &source_name)?;
    let rejected_output = match mode {
        InvalidRows::Reject => None,
        InvalidRows::Skip => {
            let path = rejected_path_for(output);
            write_rejected(&checked.rejected, &path)?;
            Some(path)
        }
    };
    Ok(ValueSummary {
        rows,
        eligible,
        appraised_fen,
        collateral_fen,
        rejected: checked.rejected,
        rejected_output,
        model_version: crate::VALUATION_MODEL,
        params_digest: params.digest(),
    })
}

/// The waterfall of one patent of an input file. Other rows' problems do not matter; the
/// patent's own row must be valid.
pub fn explain_one(
    input: &Path,
    patent_id: &str,
    as_of: NaiveDate,
    params: &ValuationParams,
) -> Result<Explanation> {
    let raw = read_table(input)?;
    explain_in_frame(&raw, &name(input), patent_id, as_of, params)
}

/// [`explain_one`] over an in-memory raw frame.
pub fn explain_in_frame(
    raw: &DataFrame,
    source_name: &str,
    patent_id: &str,
    as_of: NaiveDate,
    params: &ValuationParams,
) -> Result<Explanation> {
    let checked = validate(raw, as_of, source_name, InvalidRows::Skip)?;
    if let Some(bad) = checked
        .rejected
        .iter()
        .find(|x| x.patent_id.as_deref() == Some(patent_id))
    {
        return Err(EngineError::PatentRejected {
            source_name: source_name.to_owned(),
            patent_id: patent_id.to_owned(),
            reasons: format!("row {}: {}", bad.row, bad.reasons.join("; ")),
        });
    }
    let ids = checked
        .frame
        .column(crate::schema::input::PATENT_ID)
        .map_err(EngineError::polars(format!(
            "{source_name}: finding {patent_id}"
        )))?;
    let ids = ids.str().map_err(EngineError::polars(format!(
        "{source_name}: finding {patent_id}"
    )))?;
    let position = ids.iter().position(|v| v == Some(patent_id));
    let Some(position) = position else {
        return Err(EngineError::PatentNotFound {
            source_name: source_name.to_owned(),
            patent_id: patent_id.to_owned(),
        });
    };
    let one = checked.frame.slice(position as i64, 1);
    let patents = patents_from_frame(&one)?;
    match patents.first() {
        Some(p) => Ok(explain_patent(p, as_of, params)),
        None => Err(EngineError::PatentNotFound {
            source_name: source_name.to_owned(),
            patent_id: patent_id.to_owned(),
        }),
    }
}

/// Converts a USPTO weekly grant XML file into a valuation input file (CSV or Parquet, by
/// `output`'s extension; the extra `source_flags` column says what the grant text could not
/// tell). Returns what was read, including the skipped documents.
pub fn uspto_to_input(
    xml: &Path,
    output: &Path,
    skip_invalid: bool,
) -> Result<crate::uspto::UsptoBatch> {
    FileFormat::from_path(output)?;
    let batch = crate::uspto::read_grants(xml, skip_invalid)?;
    let mut frame = crate::uspto::grants_to_frame(&batch.grants)?;
    write_table(&mut frame, output)?;
    Ok(batch)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;
    use crate::valuation::synthetic;

    /// Valued and written in chunks, a batch gives the same file contents and totals as in
    /// one piece.
    #[test]
    fn chunked_results_equal_whole_results() {
        let dir = tempfile::tempdir().unwrap();
        let frame = synthetic(2_345, 7).unwrap();
        let as_of = NaiveDate::from_ymd_opt(2026, 11, 21).unwrap();
        let params = ValuationParams::default();
        for ext in ["csv", "parquet"] {
            let whole = dir.path().join(format!("whole.{ext}"));
            let chunked = dir.path().join(format!("chunked.{ext}"));
            let a =
                value_and_write_in(frame.clone(), usize::MAX, &whole, as_of, &params, "t").unwrap();
            let b =
                value_and_write_in(frame.clone(), 1_000, &chunked, as_of, &params, "t").unwrap();
            assert_eq!(a, b);
            assert_eq!(a.0, 2_345);
            let (x, y) = (read_table(&whole).unwrap(), read_table(&chunked).unwrap());
            assert!(x.equals_missing(&y), "{ext}");
        }
        assert_eq!(
            std::fs::read_to_string(dir.path().join("whole.csv")).unwrap(),
            std::fs::read_to_string(dir.path().join("chunked.csv")).unwrap()
        );
    }
}
