//! Bulk upload of patents from a CSV file or an Excel workbook (.xlsx, its first sheet): the
//! whole file is checked first and every problem
//! reported with its row, column and reason; nothing is written unless every row is good, or,
//! when the caller asks for it, only the good rows are.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use chrono::NaiveDateTime;
use serde::Serialize;

use super::china_today;
use super::patents::{self, COLUMNS, PatentFields};
use crate::auth::Principal;
use crate::db::{DbConnection, write_tx};
use crate::error::ApiError;

/// The largest upload accepted.
pub const MAX_UPLOAD_BYTES: usize = 2 * 1024 * 1024;
/// The most data rows one upload may hold.
pub const MAX_ROWS: usize = 5_000;

/// An uploaded file: its name as the client gave it, and its bytes.
#[derive(Debug, Clone)]
pub struct Upload {
    pub filename: String,
    pub bytes: Vec<u8>,
}

/// One problem of an upload. `row` is the 1-based data row (the header is row 0); `column` the
/// column's name.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RowProblem {
    pub row: usize,
    pub column: String,
    pub reason: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ImportReport {
    /// Patents written, in file order.
    pub imported: Vec<i64>,
    /// Rows left out (only in `valid_only` mode; otherwise any problem refuses the file).
    pub rejected: Vec<RowProblem>,
}

/// The template: the header and one example row.
pub fn template() -> String {
    let header: Vec<&str> = COLUMNS.iter().map(|(c, _)| *c).collect();
    let example = [
        "ZL201310699744.2",
        "invention",
        "一种数据加密传输方法",
        "2013-12-18",
        "2016-08-24",
        "valid",
        "H04L 9/32",
        "12",
        "8",
        "15",
        "3",
        "4",
        "0",
        "1",
        "0",
        "0",
        "2027-12-18",
        "250000000",
        "",
        "0",
        "false",
    ];
    format!("{}\r\n{}\r\n", header.join(","), example.join(","))
}

/// Splits CSV text (RFC 4180: quotes, doubled quotes, commas and line breaks inside quotes,
/// CRLF or LF) into records of fields.
pub fn parse(text: &str) -> Result<Vec<Vec<String>>, String> {
    let mut records = Vec::new();
    let mut record = Vec::new();
    let mut field = String::new();
    let mut in_quotes = false;
    let mut chars = text.chars().peekable();
    let mut line = 1;
    while let Some(c) = chars.next() {
        if in_quotes {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => in_quotes = false,
                '\n' => {
                    line += 1;
                    field.push(c);
                }
                _ => field.push(c),
            }
            continue;
        }
        match c {
            '"' if field.is_empty() => in_quotes = true,
            ',' => record.push(std::mem::take(&mut field)),
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' | '\r' => {
                line += 1;
                record.push(std::mem::take(&mut field));
                records.push(std::mem::take(&mut record));
            }
            _ => field.push(c),
        }
    }
    if in_quotes {
        return Err(format!(
            "a quoted field opened before line {line} is never closed"
        ));
    }
    if !field.is_empty() || !record.is_empty() {
        record.push(field);
        records.push(record);
    }
    // Blank lines carry nothing.
    records.retain(|r| !(r.len() == 1 && r[0].trim().is_empty()));
    Ok(records)
}

const ZIP_MAGIC: &[u8] = b"PK\x03\x04";

/// The file's rows as text: an .xlsx workbook (recognised by its content, a zip) or CSV.
pub fn records_of(upload: &Upload) -> Result<Vec<Vec<String>>, ApiError> {
    let name = upload.filename.to_ascii_lowercase();
    let bytes = upload.bytes.as_slice();
    if bytes.starts_with(ZIP_MAGIC) {
        return xlsx_records(bytes);
    }
    if name.ends_with(".xlsx") {
        return Err(ApiError::bad_request(
            "NOT_EXCEL",
            format!(
                "{} is named .xlsx but is not an Excel workbook",
                upload.filename
            ),
            Some("file"),
        ));
    }
    if name.ends_with(".xls") || bytes.starts_with(b"\xD0\xCF\x11\xE0") {
        return Err(ApiError::bad_request(
            "UNSUPPORTED_FORMAT",
            "old Excel (.xls) files are not read; save the sheet as .xlsx or CSV (UTF-8)",
            Some("file"),
        ));
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = std::str::from_utf8(bytes).map_err(|e| {
        ApiError::bad_request(
            "NOT_UTF8",
            format!(
                "the file is not UTF-8 text (byte {}); save it as CSV UTF-8 or .xlsx",
                e.valid_up_to() + 1
            ),
            Some("file"),
        )
    })?;
    parse(text).map_err(|m| ApiError::bad_request("BAD_CSV", m, Some("file")))
}

/// A cell as the text a CSV file would hold: whole numbers without a decimal point, dates as
/// YYYY-MM-DD.
fn cell_text(cell: &calamine::Data) -> String {
    use calamine::Data;
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.trim().to_string(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(d) if d.is_datetime() => {
            let (y, m, day, ..) = d.to_ymd_hms_milli();
            format!("{y:04}-{m:02}-{day:02}")
        }
        Data::DateTime(d) => d.as_f64().to_string(),
        Data::DateTimeIso(s) => s.chars().take(10).collect(),
        Data::DurationIso(s) => s.clone(),
        Data::Error(e) => format!("#{e:?}"),
    }
}

/// The first sheet of an .xlsx workbook, row by row (empty rows dropped).
fn xlsx_records(bytes: &[u8]) -> Result<Vec<Vec<String>>, ApiError> {
    use calamine::Reader;
    let not_excel = |e: String| {
        ApiError::bad_request(
            "NOT_EXCEL",
            format!("the file is not a readable Excel workbook: {e}"),
            Some("file"),
        )
    };
    let mut book =
        calamine::Xlsx::new(std::io::Cursor::new(bytes)).map_err(|e| not_excel(e.to_string()))?;
    let range = book
        .worksheet_range_at(0)
        .ok_or_else(|| not_excel("it has no sheet".into()))?
        .map_err(|e| not_excel(e.to_string()))?;
    let mut records: Vec<Vec<String>> = range
        .rows()
        .map(|row| row.iter().map(cell_text).collect::<Vec<String>>())
        .filter(|row| row.iter().any(|c| !c.is_empty()))
        .collect();
    // Trailing empty header cells (a sheet's used range can be wider than its columns) go, and
    // the rows are cut to the header's width when the cells beyond it are empty.
    if let Some(width) = records
        .first()
        .map(|h| h.iter().rposition(|c| !c.is_empty()).map_or(0, |p| p + 1))
    {
        for row in &mut records {
            while row.len() > width && row.last().is_some_and(String::is_empty) {
                row.pop();
            }
        }
    }
    Ok(records)
}

pub fn refused(field: &str, message: String, problems: Vec<RowProblem>) -> ApiError {
    ApiError::Detailed {
        status: StatusCode::BAD_REQUEST,
        code: "IMPORT_REJECTED",
        message,
        field: Some(field.to_string()),
        details: serde_json::json!({ "problems": problems }),
    }
}

/// The problems of a header row (row 0): unknown or repeated columns, required ones missing.
pub fn header_problems(header: &[String], columns: &[(&str, bool)]) -> Vec<RowProblem> {
    let mut header_problems = Vec::new();
    for (i, h) in header.iter().enumerate() {
        if !columns.iter().any(|(c, _)| c == h) {
            header_problems.push(RowProblem {
                row: 0,
                column: h.clone(),
                reason: format!("unknown column (position {})", i + 1),
            });
        } else if header[..i].contains(h) {
            header_problems.push(RowProblem {
                row: 0,
                column: h.clone(),
                reason: "column appears twice".into(),
            });
        }
    }
    for (c, required) in columns {
        if *required && !header.iter().any(|h| h == c) {
            header_problems.push(RowProblem {
                row: 0,
                column: c.to_string(),
                reason: "required column missing".into(),
            });
        }
    }
    header_problems
}

/// A good row: its number, its fields, and the removed row it brings back, if any.
type GoodRow = (usize, PatentFields, Option<i64>);

/// Checks the whole file against the database (numbers already registered) and returns the good
/// rows and every problem.
fn check_file(
    conn: &mut DbConnection,
    upload: &Upload,
    now: NaiveDateTime,
) -> Result<(Vec<GoodRow>, Vec<RowProblem>), ApiError> {
    let records = records_of(upload)?;
    let Some((header, rows)) = records.split_first() else {
        return Err(ApiError::bad_request(
            "EMPTY_FILE",
            "the file is empty: it needs a header row and at least one data row",
            Some("file"),
        ));
    };
    let header: Vec<String> = header
        .iter()
        .map(|h| h.trim().to_ascii_lowercase())
        .collect();
    let header_problems = header_problems(&header, &COLUMNS);
    if let Some(first) = header_problems.first() {
        let column = first.column.clone();
        return Err(refused(
            &column,
            format!(
                "the header row has {} problem(s), first: {}: {}; nothing was imported",
                header_problems.len(),
                first.column,
                first.reason
            ),
            header_problems,
        ));
    }
    if rows.is_empty() {
        return Err(ApiError::bad_request(
            "EMPTY_FILE",
            "the file has a header row but no data rows",
            Some("file"),
        ));
    }
    if rows.len() > MAX_ROWS {
        return Err(ApiError::bad_request(
            "TOO_MANY_ROWS",
            format!("at most {MAX_ROWS} rows per upload; split the file"),
            Some("file"),
        ));
    }
    let today = china_today(now);
    let mut good = Vec::new();
    let mut problems = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (i, cells) in rows.iter().enumerate() {
        let row = i + 1;
        if cells.len() != header.len() {
            problems.push(RowProblem {
                row,
                column: "*".into(),
                reason: format!(
                    "{} fields, but the header has {}",
                    cells.len(),
                    header.len()
                ),
            });
            continue;
        }
        let get = |col: &str| {
            header
                .iter()
                .position(|h| h == col)
                .and_then(|p| cells.get(p))
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
        };
        match patents::check_fields(&get, today) {
            Err(ps) => problems.extend(ps.into_iter().map(|(column, reason)| RowProblem {
                row,
                column: column.to_string(),
                reason,
            })),
            Ok(fields) => {
                let number = fields.patent_number.as_str().to_string();
                if let Some(first) = seen.get(&number) {
                    problems.push(RowProblem {
                        row,
                        column: "patent_number".into(),
                        reason: format!("{number} also appears in row {first}"),
                    });
                    continue;
                }
                seen.insert(number, row);
                match patents::number_slot(conn, &fields.patent_number, None) {
                    Ok(revive) => good.push((row, fields, revive)),
                    Err(reason) => problems.push(RowProblem {
                        row,
                        column: "patent_number".into(),
                        reason,
                    }),
                }
            }
        }
    }
    Ok((good, problems))
}

/// Checks the file, then writes all of it in one transaction, or none of it. With `valid_only`
/// the good rows are written and the bad ones reported.
pub fn import(
    conn: &mut DbConnection,
    principal: &Principal,
    upload: &Upload,
    valid_only: bool,
    now: NaiveDateTime,
    request_id: &str,
) -> Result<ImportReport, ApiError> {
    write_tx(conn, |conn| {
        let (good, problems) = check_file(conn, upload, now)?;
        if !problems.is_empty() && !valid_only {
            let rows: std::collections::BTreeSet<usize> = problems.iter().map(|p| p.row).collect();
            let first = &problems[0];
            let column = first.column.clone();
            return Err(refused(
                &column,
                format!(
                    "{} row(s) have problems (first: row {}, {}: {}); nothing was imported",
                    rows.len(),
                    first.row,
                    first.column,
                    first.reason
                ),
                problems,
            ));
        }
        let mut imported = Vec::with_capacity(good.len());
        for (_, fields, revive) in &good {
            imported.push(patents::insert(
                conn, principal, fields, *revive, now, request_id,
            )?);
        }
        Ok(ImportReport {
            imported,
            rejected: problems,
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_fields_keep_commas_quotes_and_line_breaks() {
        let records = parse("a,b,c\r\n\"x, y\",\"say \"\"hi\"\"\",\"two\nlines\"\n\n1,,3")
            .unwrap_or_default();
        assert_eq!(
            records,
            vec![
                vec!["a", "b", "c"],
                vec!["x, y", "say \"hi\"", "two\nlines"],
                vec!["1", "", "3"],
            ]
        );
        assert!(parse("a,\"open").is_err());
    }

    #[test]
    fn the_template_has_every_column_and_a_good_example() {
        let records = parse(&template()).unwrap_or_default();
        assert_eq!(records.len(), 2);
        assert_eq!(records[0].len(), COLUMNS.len());
        let get = |col: &str| {
            records[0]
                .iter()
                .position(|h| h == col)
                .and_then(|p| records[1].get(p))
                .cloned()
                .filter(|v| !v.is_empty())
        };
        let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 21).unwrap_or_default();
        assert!(patents::check_fields(&get, today).is_ok());
    }
}
