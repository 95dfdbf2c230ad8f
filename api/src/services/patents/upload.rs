//! Bulk upload of patents from a CSV file or an Excel workbook (.xlsx, its first sheet): the
//! whole file is checked first and every problem
//! reported with its row, column and reason; nothing is written unless every row is good, or,
//! when the caller asks for it, only the good rows are.

use std::collections::{BTreeMap, HashMap};

use actix_web::http::StatusCode;
use chrono::NaiveDateTime;
use serde::Serialize;

use crate::auth::Principal;
use crate::clock::china_today;
use crate::db::{DbConnection, write_tx};
use crate::domain::patent::TEMPLATE_EXAMPLE;
use crate::error::ApiError;
use crate::services::patents::{self, COLUMNS, FieldProblem, PatentFields, disputes};

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
    format!("{}\r\n{}\r\n", header.join(","), TEMPLATE_EXAMPLE.join(","))
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
        // Only Excel's own range (serials 0 to 9999-12-31) is a date: calamine's conversion
        // overflows beyond it (a panic with overflow checks, a wrong date without).
        Data::DateTime(d) if d.is_datetime() && (0.0..2_958_466.0).contains(&d.as_f64()) => {
            let (y, m, day, ..) = d.to_ymd_hms_milli();
            format!("{y:04}-{m:02}-{day:02}")
        }
        Data::DateTime(d) => d.as_f64().to_string(),
        Data::DateTimeIso(s) => s.chars().take(10).collect(),
        Data::DurationIso(s) => s.clone(),
        Data::Error(e) => format!("#{e:?}"),
    }
}

/// The rightmost column an .xlsx upload may use (IV, the 256th): cells further right are
/// refused, not laid out in a grid that wide.
pub const MAX_COLUMNS: u32 = 256;

/// A cell's name as Excel shows it, e.g. `XFD1048576` for 0-based (row, column).
fn cell_name(row: u32, column: u32) -> String {
    let mut letters = Vec::new();
    let mut c = u64::from(column) + 1;
    while c > 0 {
        c -= 1;
        letters.push(char::from(b'A' + (c % 26) as u8));
        c /= 26;
    }
    letters.reverse();
    format!(
        "{}{}",
        letters.into_iter().collect::<String>(),
        u64::from(row) + 1
    )
}

/// The first sheet of an .xlsx workbook, row by row (empty rows dropped). calamine 0.31 panics
/// on some malformed sheets (a shared-string cell past the end of the table: `strings[idx]`
/// unchecked); such a file is refused like any unreadable workbook.
fn xlsx_records(bytes: &[u8]) -> Result<Vec<Vec<String>>, ApiError> {
    std::panic::catch_unwind(|| read_xlsx(bytes)).unwrap_or_else(|_| {
        Err(ApiError::bad_request(
            "NOT_EXCEL",
            "the file is not a readable Excel workbook: its first sheet is malformed (a cell refers to a shared string the workbook does not have, or similar)",
            Some("file"),
        ))
    })
}

/// The most an .xlsx upload may hold once unzipped, all its parts together. A workbook of
/// [`MAX_ROWS`] rows of every column is a few megabytes; a "zip bomb" of 2 MiB can unzip to
/// gigabytes, which the reader would otherwise take into memory (the shared strings whole).
pub const MAX_UNZIPPED_BYTES: u64 = 64 * 1024 * 1024;

/// Refuses a workbook that unzips to more than [`MAX_UNZIPPED_BYTES`]. The parts are really
/// inflated, at most that much, not taken at the sizes their headers claim.
fn unzipped_within_limit(bytes: &[u8]) -> Result<(), ApiError> {
    use std::io::Read as _;
    let not_excel = |e: String| {
        ApiError::bad_request(
            "NOT_EXCEL",
            format!("the file is not a readable Excel workbook: {e}"),
            Some("file"),
        )
    };
    let mut zip =
        zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|e| not_excel(e.to_string()))?;
    let mut left = MAX_UNZIPPED_BYTES;
    for i in 0..zip.len() {
        let part = zip.by_index(i).map_err(|e| not_excel(e.to_string()))?;
        let name = part.name().to_string();
        let read = std::io::copy(&mut part.take(left + 1), &mut std::io::sink())
            .map_err(|e| not_excel(format!("{name}: {e}")))?;
        if read > left {
            return Err(ApiError::bad_request(
                "TOO_LARGE_UNZIPPED",
                format!(
                    "the workbook unzips to more than {} MiB (part {name}); an upload of {MAX_ROWS} rows needs far less: save only the table",
                    MAX_UNZIPPED_BYTES / (1024 * 1024)
                ),
                Some("file"),
            ));
        }
        left -= read;
    }
    Ok(())
}

/// [`xlsx_records`] itself. The cells are read one by one and kept by row: a sheet's used
/// range can be far larger than its content (a cell at `XFD1048576` next to `A1`), and laying
/// it out as one grid would take gigabytes.
fn read_xlsx(bytes: &[u8]) -> Result<Vec<Vec<String>>, ApiError> {
    use calamine::{DataType, Reader};
    let not_excel = |e: String| {
        ApiError::bad_request(
            "NOT_EXCEL",
            format!("the file is not a readable Excel workbook: {e}"),
            Some("file"),
        )
    };
    unzipped_within_limit(bytes)?;
    let mut book =
        calamine::Xlsx::new(std::io::Cursor::new(bytes)).map_err(|e| not_excel(e.to_string()))?;
    let sheet = book
        .sheet_names()
        .first()
        .cloned()
        .ok_or_else(|| not_excel("it has no sheet".into()))?;
    let mut cells = match book.worksheet_cells_reader(&sheet) {
        Ok(cells) => cells,
        // A chart sheet first: no cells (the file is then empty), as calamine's range reads it.
        Err(calamine::XlsxError::NotAWorksheet(_)) => return Ok(Vec::new()),
        Err(e) => return Err(not_excel(e.to_string())),
    };
    // The columns every non-empty cell spans (as calamine's used range), and the rows that hold
    // some text, each by column.
    let (mut first_col, mut last_col) = (u32::MAX, 0);
    let mut rows: BTreeMap<u32, BTreeMap<u32, String>> = BTreeMap::new();
    while let Some(cell) = cells.next_cell().map_err(|e| not_excel(e.to_string()))? {
        if cell.get_value().is_empty() {
            continue;
        }
        let (r, c) = cell.get_position();
        if c >= MAX_COLUMNS {
            return Err(ApiError::bad_request(
                "TOO_MANY_COLUMNS",
                format!(
                    "cell {} is right of column IV: an upload reads the first {MAX_COLUMNS} columns; delete what is beyond the table",
                    cell_name(r, c)
                ),
                Some("file"),
            ));
        }
        first_col = first_col.min(c);
        last_col = last_col.max(c);
        let text = cell_text(&calamine::Data::from(cell.get_value().clone()));
        if text.is_empty() {
            continue;
        }
        if !rows.contains_key(&r) && rows.len() > MAX_ROWS {
            return Err(ApiError::bad_request(
                "TOO_MANY_ROWS",
                format!("at most {MAX_ROWS} rows per upload; split the file"),
                Some("file"),
            ));
        }
        rows.entry(r).or_default().insert(c, text);
    }
    let mut records: Vec<Vec<String>> = rows
        .into_values()
        .map(|row| {
            (first_col..=last_col)
                .map(|c| row.get(&c).cloned().unwrap_or_default())
                .collect()
        })
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

/// The good rows of a checked file, each with its 1-based row number, and every row problem.
pub type CheckedRows<T> = (Vec<(usize, T)>, Vec<RowProblem>);

/// Reads an upload and checks it row by row, without writing anything. The file is refused as a
/// whole when it is empty, its header names an unknown, repeated or missing column, or it has no
/// data rows or more than [`MAX_ROWS`]. Otherwise each row of the header's width goes to `check`
/// with its number and a getter of its trimmed, non-empty cells by column; a row of another
/// width, or one `check` refuses, becomes problems naming the row and the column.
pub fn check_rows<T>(
    upload: &Upload,
    columns: &[(&str, bool)],
    mut check: impl FnMut(usize, &dyn Fn(&str) -> Option<String>) -> Result<T, Vec<FieldProblem>>,
) -> Result<CheckedRows<T>, ApiError> {
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
    let header_problems = header_problems(&header, columns);
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
    let mut good = Vec::new();
    let mut problems = Vec::new();
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
        match check(row, &get) {
            Ok(value) => good.push((row, value)),
            Err(ps) => problems.extend(ps.into_iter().map(|(column, reason)| RowProblem {
                row,
                column: column.to_string(),
                reason,
            })),
        }
    }
    Ok((good, problems))
}

/// A good row's fields, and the caller's own removed row it brings back, if any.
type GoodPatent = (PatentFields, Option<i64>);

/// A row whose number another enterprise holds: its fields and the holder's patent and
/// organisation (never shown to the caller).
type HeldRow = (PatentFields, i64, i64);

/// Checks the whole file against the database (numbers already listed, or repeated in the
/// file) and returns the good rows, every problem, and the rows whose number another
/// enterprise holds (their problem is the neutral reason: `CLAIM_SENT` when `valid_only`, as
/// the claim is then sent, `CLAIM_NOT_SENT` otherwise).
fn check_file(
    conn: &mut DbConnection,
    principal: &Principal,
    upload: &Upload,
    valid_only: bool,
    now: NaiveDateTime,
) -> Result<(CheckedRows<GoodPatent>, Vec<HeldRow>), ApiError> {
    let today = china_today(now);
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut held = Vec::new();
    let checked = check_rows(upload, &COLUMNS, |row, get| {
        let fields = patents::check_fields(get, today)?;
        let number = fields.patent_number.as_str().to_string();
        if let Some(first) = seen.get(&number) {
            return Err(vec![(
                "patent_number",
                format!("{number} also appears in row {first}"),
            )]);
        }
        seen.insert(number.clone(), row);
        let slot = patents::number_slot(conn, principal.org_id, &fields.patent_number, None)
            .map_err(|e| vec![("patent_number", e.to_string())])?;
        match slot {
            patents::Slot::Free => Ok((fields, None)),
            patents::Slot::Revive(id) => Ok((fields, Some(id))),
            patents::Slot::Own(id) => Err(vec![(
                "patent_number",
                format!("patent {number} is already in your list (patent {id})"),
            )]),
            patents::Slot::Held {
                patent_id,
                holder_org_id,
            } => {
                held.push((fields, patent_id, holder_org_id));
                Err(vec![(
                    "patent_number",
                    if valid_only {
                        disputes::CLAIM_SENT
                    } else {
                        disputes::CLAIM_NOT_SENT
                    }
                    .to_string(),
                )])
            }
        }
    })?;
    Ok((checked, held))
}

/// Checks the file, then writes all of it in one transaction, or none of it. With `valid_only`
/// the good rows are written and the bad ones reported, and a row whose number another
/// enterprise holds becomes a claim for the district (the row's reason says so, naming no one).
pub fn import(
    conn: &mut DbConnection,
    principal: &Principal,
    upload: &Upload,
    valid_only: bool,
    now: NaiveDateTime,
    request_id: &str,
) -> Result<ImportReport, ApiError> {
    write_tx(conn, |conn| {
        let ((good, problems), held) = check_file(conn, principal, upload, valid_only, now)?;
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
        for (fields, patent_id, holder_org_id) in &held {
            disputes::open_claim(
                conn,
                principal,
                *patent_id,
                *holder_org_id,
                fields,
                disputes::Source::Upload,
                None,
                now,
                request_id,
            )?;
        }
        let mut imported = Vec::with_capacity(good.len());
        for (_, (fields, revive)) in &good {
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

    /// A workbook whose first sheet is `sheet_data` (the `<row>` elements); cell style `s="1"`
    /// is a date format.
    fn workbook(sheet_data: &str) -> Vec<u8> {
        use std::io::Write as _;
        let ns = "http://schemas.openxmlformats.org";
        let parts = [
            (
                "_rels/.rels",
                format!(
                    r#"<Relationships xmlns="{ns}/package/2006/relationships"><Relationship Id="rId1" Type="{ns}/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#
                ),
            ),
            (
                "xl/workbook.xml",
                format!(
                    r#"<workbook xmlns="{ns}/spreadsheetml/2006/main" xmlns:r="{ns}/officeDocument/2006/relationships"><sheets><sheet name="s" sheetId="1" r:id="rId1"/></sheets></workbook>"#
                ),
            ),
            (
                "xl/_rels/workbook.xml.rels",
                format!(
                    r#"<Relationships xmlns="{ns}/package/2006/relationships"><Relationship Id="rId1" Type="{ns}/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#
                ),
            ),
            (
                "xl/styles.xml",
                format!(
                    r#"<styleSheet xmlns="{ns}/spreadsheetml/2006/main"><cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="14" applyNumberFormat="1"/></cellXfs></styleSheet>"#
                ),
            ),
            (
                "xl/worksheets/sheet1.xml",
                format!(
                    r#"<worksheet xmlns="{ns}/spreadsheetml/2006/main"><sheetData>{sheet_data}</sheetData></worksheet>"#
                ),
            ),
        ];
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        for (name, text) in parts {
            zip.start_file(name, zip::write::SimpleFileOptions::default())
                .unwrap_or_default();
            zip.write_all(text.as_bytes()).unwrap_or_default();
        }
        zip.finish().map(|c| c.into_inner()).unwrap_or_default()
    }

    fn xlsx(sheet_data: &str) -> Upload {
        Upload {
            filename: "patents.xlsx".into(),
            bytes: workbook(sheet_data),
        }
    }

    /// Found by fuzz/patent_xlsx: two cells at A1 and XFD1048576 made calamine lay out a grid
    /// of 17 billion cells (the allocation aborted the process). Far-right cells are refused
    /// naming the cell; rows far down cost nothing.
    #[test]
    fn a_cell_far_right_is_refused_by_name_and_a_row_far_down_is_read() {
        let far_right = records_of(&xlsx(
            r#"<row r="1"><c r="A1" t="inlineStr"><is><t>a</t></is></c></row><row r="1048576"><c r="XFD1048576"><v>1</v></c></row>"#,
        ));
        match far_right {
            Err(ApiError::BadRequest { code, message, .. }) => {
                assert_eq!(code, "TOO_MANY_COLUMNS");
                assert!(message.contains("XFD1048576"), "{message}");
            }
            other => panic!("expected TOO_MANY_COLUMNS, got {other:?}"),
        }
        let far_down = records_of(&xlsx(
            r#"<row r="1"><c r="B1" t="inlineStr"><is><t>a</t></is></c><c r="C1"><v>2</v></c></row><row r="1048576"><c r="B1048576"><v>1</v></c></row>"#,
        ));
        assert_eq!(
            far_down.ok(),
            Some(vec![
                vec!["a".to_string(), "2".to_string()],
                vec!["1".to_string(), String::new()]
            ])
        );
    }

    /// A date-formatted cell beyond Excel's range (1e300) overflowed in calamine's conversion
    /// (a panic in debug builds, 1899-12-30 in release): it stays a number, which the date
    /// check then refuses naming the column.
    #[test]
    fn a_date_cell_beyond_excels_range_stays_a_number() {
        let records = records_of(&xlsx(
            r#"<row r="1"><c r="A1" s="1"><v>41626</v></c><c r="B1" s="1"><v>1e300</v></c><c r="C1" s="1"><v>-1</v></c></row>"#,
        ))
        .unwrap_or_default();
        assert_eq!(records.len(), 1);
        assert_eq!(records[0][0], "2013-12-18");
        assert!(records[0][1].starts_with("1000000"), "{:?}", records[0][1]);
        assert_eq!(records[0][2], "-1");
    }

    /// Found by fuzz/patent_xlsx: a shared-string cell (`t="s"`) in a workbook without that
    /// many shared strings panicked in calamine (index out of bounds); now a refusal.
    #[test]
    fn a_shared_string_cell_past_the_table_is_refused_not_a_panic() {
        let result = records_of(&xlsx(
            r#"<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="inlineStr"><is><t>patent_type</t></is></c></row>"#,
        ));
        assert!(
            matches!(
                result,
                Err(ApiError::BadRequest {
                    code: "NOT_EXCEL",
                    ..
                })
            ),
            "{result:?}"
        );
    }

    /// A zip bomb: a sheet padded with 65 MiB of blanks zips to well under the upload limit; it
    /// is refused before the reader takes it in, naming the part.
    #[test]
    fn a_workbook_that_unzips_past_the_limit_is_refused() {
        let padding = " ".repeat(65 * 1024 * 1024);
        let bomb = xlsx(&format!(
            r#"<row r="1"><c r="A1" t="inlineStr"><is><t>patent_number</t></is></c></row>{padding}"#
        ));
        assert!(bomb.bytes.len() < MAX_UPLOAD_BYTES, "{}", bomb.bytes.len());
        match records_of(&bomb) {
            Err(ApiError::BadRequest { code, message, .. }) => {
                assert_eq!(code, "TOO_LARGE_UNZIPPED");
                assert!(message.contains("xl/worksheets/sheet1.xml"), "{message}");
            }
            other => panic!("expected TOO_LARGE_UNZIPPED, got {other:?}"),
        }
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
