//! Tables for download: the same table as CSV (UTF-8 with a byte-order mark, so Excel reads the
//! Chinese) or as an Excel workbook (.xlsx: Office Open XML, one sheet, header row frozen).
//! Money is written in 元 with two decimals, exactly, from the integer fen.

use std::io::{Cursor, Write};

use zip::write::SimpleFileOptions;

use crate::error::ApiError;

/// One cell of an exported table.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Int(i64),
    /// A float, written with up to 4 decimals.
    Num(f64),
    /// An amount in fen, written in 元 (`12345.67`).
    Yuan(i64),
    Empty,
}

impl Cell {
    pub fn text(s: impl Into<String>) -> Self {
        Cell::Text(s.into())
    }

    pub fn opt_num(x: Option<f64>) -> Self {
        x.map_or(Cell::Empty, Cell::Num)
    }

    /// The cell's value as written: numbers as decimal text, money in 元.
    fn value(&self) -> String {
        match self {
            Cell::Text(s) => s.clone(),
            Cell::Int(i) => i.to_string(),
            Cell::Num(x) if x.is_finite() => {
                let s = format!("{x:.4}");
                let s = s.trim_end_matches('0').trim_end_matches('.');
                if s == "-0" { "0".into() } else { s.into() }
            }
            Cell::Num(_) | Cell::Empty => String::new(),
            Cell::Yuan(fen) => {
                let sign = if *fen < 0 { "-" } else { "" };
                let abs = fen.unsigned_abs();
                format!("{sign}{}.{:02}", abs / 100, abs % 100)
            }
        }
    }

    fn is_number(&self) -> bool {
        match self {
            Cell::Int(_) | Cell::Yuan(_) => true,
            Cell::Num(x) => x.is_finite(),
            Cell::Text(_) | Cell::Empty => false,
        }
    }
}

/// A table with a header row; `sheet` names the Excel sheet and the downloaded file.
#[derive(Debug, Clone)]
pub struct Table {
    pub sheet: String,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

/// The formats a table is offered in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    Csv,
    Xlsx,
}

impl Format {
    /// `format=` of a query: json (the default), csv or xlsx; anything else is a 400 naming
    /// `format`.
    pub fn parse(s: Option<&str>) -> Result<Self, ApiError> {
        match s {
            None | Some("json") => Ok(Format::Json),
            Some("csv") => Ok(Format::Csv),
            Some("xlsx") => Ok(Format::Xlsx),
            Some(_) => Err(ApiError::bad_request(
                "INVALID_FORMAT",
                "format is json, csv or xlsx",
                Some("format"),
            )),
        }
    }
}

/// A text as a spreadsheet must read it: a text that starts with `=`, `+`, `-`, `@`, a tab, a
/// carriage return or NUL would run as a formula when the CSV is opened (OWASP's CSV injection),
/// so it gets a leading `'`, which Excel and LibreOffice show as text. Numbers are not texts.
fn inert(s: &str) -> std::borrow::Cow<'_, str> {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r', '\0']) {
        format!("'{s}").into()
    } else {
        s.into()
    }
}

/// One CSV field, quoted as RFC 4180 says: in double quotes, quotes doubled, when it holds a
/// comma, a quote or a line break.
fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            // XML 1.0 forbids most control characters; a tab or newline is kept.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

/// Excel's column letters: 0 → A, 25 → Z, 26 → AA.
fn column_name(mut i: usize) -> String {
    let mut name = Vec::new();
    loop {
        name.push(b'A' + (i % 26) as u8);
        if i < 26 {
            break;
        }
        i = i / 26 - 1;
    }
    name.reverse();
    String::from_utf8_lossy(&name).into_owned()
}

/// A sheet name Excel accepts: at most 31 characters, none of `[]:*?/\`.
fn sheet_name(s: &str) -> String {
    let clean: String = s
        .chars()
        .filter(|c| !matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\'))
        .take(31)
        .collect();
    if clean.is_empty() {
        "Sheet1".into()
    } else {
        clean
    }
}

impl Table {
    pub fn to_csv(&self) -> String {
        let mut out = String::from("\u{feff}");
        let header: Vec<String> = self.headers.iter().map(|h| csv_field(&inert(h))).collect();
        out.push_str(&header.join(","));
        out.push('\n');
        for row in &self.rows {
            let cells: Vec<String> = row
                .iter()
                .map(|c| match c {
                    Cell::Text(s) => csv_field(&inert(s)),
                    number => csv_field(&number.value()),
                })
                .collect();
            out.push_str(&cells.join(","));
            out.push('\n');
        }
        out
    }

    fn sheet_xml(&self) -> String {
        let mut xml = String::from(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>"#,
        );
        if !self.headers.is_empty() {
            xml.push_str("<cols>");
            for (i, h) in self.headers.iter().enumerate() {
                // CJK characters are about two columns wide.
                let width = h
                    .chars()
                    .map(|c| if c.is_ascii() { 1 } else { 2 })
                    .sum::<usize>();
                xml.push_str(&format!(
                    r#"<col min="{n}" max="{n}" width="{}" customWidth="1"/>"#,
                    width.clamp(10, 40) + 2,
                    n = i + 1
                ));
            }
            xml.push_str("</cols>");
        }
        xml.push_str("<sheetData>");
        let header: Vec<Cell> = self
            .headers
            .iter()
            .map(|h| Cell::text(h.as_str()))
            .collect();
        for (r, row) in std::iter::once(&header).chain(&self.rows).enumerate() {
            xml.push_str(&format!(r#"<row r="{}">"#, r + 1));
            for (c, cell) in row.iter().enumerate() {
                let at = format!("{}{}", column_name(c), r + 1);
                let style = if r == 0 { r#" s="1""# } else { "" };
                if cell.is_number() {
                    xml.push_str(&format!(
                        r#"<c r="{at}"{style}><v>{}</v></c>"#,
                        cell.value()
                    ));
                } else if let Cell::Text(s) = cell {
                    xml.push_str(&format!(
                        r#"<c r="{at}"{style} t="inlineStr"><is><t xml:space="preserve">{}</t></is></c>"#,
                        xml_escape(s)
                    ));
                }
            }
            xml.push_str("</row>");
        }
        xml.push_str("</sheetData></worksheet>");
        xml
    }

    pub fn to_xlsx(&self) -> Result<Vec<u8>, ApiError> {
        let workbook = format!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="{}" sheetId="1" r:id="rId1"/></sheets></workbook>"#,
            xml_escape(&sheet_name(&self.sheet))
        );
        let parts: [(&str, String); 6] = [
            ("[Content_Types].xml", CONTENT_TYPES.into()),
            ("_rels/.rels", ROOT_RELS.into()),
            ("xl/workbook.xml", workbook),
            ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS.into()),
            ("xl/styles.xml", STYLES.into()),
            ("xl/worksheets/sheet1.xml", self.sheet_xml()),
        ];
        let fail = |e: &dyn std::fmt::Display| ApiError::Internal(format!("xlsx: {e}"));
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for (name, text) in parts {
            zip.start_file(name, SimpleFileOptions::default())
                .map_err(|e| fail(&e))?;
            zip.write_all(text.as_bytes()).map_err(|e| fail(&e))?;
        }
        Ok(zip.finish().map_err(|e| fail(&e))?.into_inner())
    }
}

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#;

const ROOT_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;

const WORKBOOK_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>"#;

/// Two cell formats: 0 plain, 1 bold (the header row).
const STYLES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>"#;

/// The HTTP answer for a table in a download format, named `<stem>.<ext>`.
pub fn download(
    table: &Table,
    format: Format,
    stem: &str,
) -> Result<actix_web::HttpResponse, ApiError> {
    let (content_type, ext, body) = match format {
        Format::Csv => (
            "text/csv; charset=utf-8",
            "csv",
            table.to_csv().into_bytes(),
        ),
        Format::Xlsx => (
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "xlsx",
            table.to_xlsx()?,
        ),
        Format::Json => {
            return Err(ApiError::Internal("download asked for json".into()));
        }
    };
    Ok(actix_web::HttpResponse::Ok()
        .content_type(content_type)
        .insert_header((
            "Content-Disposition",
            format!("attachment; filename=\"{stem}.{ext}\""),
        ))
        .body(body))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use calamine::{Data, Reader, Xlsx};

    fn table() -> Table {
        Table {
            sheet: "融资统计".into(),
            headers: vec![
                "银行".into(),
                "笔数".into(),
                "金额(元)".into(),
                "比率".into(),
            ],
            rows: vec![
                vec![
                    Cell::text("京, \"一\"银行"),
                    Cell::Int(3),
                    Cell::Yuan(123_456_789),
                    Cell::Num(0.125),
                ],
                vec![
                    Cell::text("<二>&"),
                    Cell::Int(0),
                    Cell::Yuan(-5),
                    Cell::Empty,
                ],
            ],
        }
    }

    #[test]
    fn a_text_that_would_run_as_a_formula_is_written_as_text_and_numbers_stay_numbers() {
        let t = Table {
            sheet: "s".into(),
            headers: vec!["=名称".into(), "额".into()],
            rows: vec![
                vec![Cell::text("=HYPERLINK(\"http://x\",\"a\")"), Cell::Yuan(-5)],
                vec![Cell::text("+1"), Cell::Int(-3)],
                vec![Cell::text("-2"), Cell::Num(-0.5)],
                vec![Cell::text("@SUM(A1)"), Cell::Empty],
                vec![Cell::text("\tx"), Cell::Empty],
                vec![Cell::text("\rx"), Cell::Empty],
                vec![Cell::text("\0x"), Cell::Empty],
                vec![Cell::text("a=b"), Cell::Empty],
            ],
        };
        assert_eq!(
            t.to_csv(),
            "\u{feff}'=名称,额\n\"'=HYPERLINK(\"\"http://x\"\",\"\"a\"\")\",-0.05\n'+1,-3\n'-2,-0.5\n'@SUM(A1),\n'\tx,\n\"'\rx\",\n'\0x,\na=b,\n"
        );
    }

    #[test]
    fn csv_quotes_what_needs_quoting_and_writes_yuan_exactly() {
        let csv = table().to_csv();
        assert_eq!(
            csv,
            "\u{feff}银行,笔数,金额(元),比率\n\"京, \"\"一\"\"银行\",3,1234567.89,0.125\n<二>&,0,-0.05,\n"
        );
    }

    #[test]
    fn xlsx_reads_back_with_its_chinese_headers_and_numbers() {
        let bytes = table().to_xlsx().unwrap();
        let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).unwrap();
        assert_eq!(book.sheet_names(), vec!["融资统计".to_string()]);
        let range = book.worksheet_range("融资统计").unwrap();
        let rows: Vec<Vec<Data>> = range.rows().map(|r| r.to_vec()).collect();
        assert_eq!(rows[0][0], Data::String("银行".into()));
        assert_eq!(rows[0][2], Data::String("金额(元)".into()));
        assert_eq!(rows[1][0], Data::String("京, \"一\"银行".into()));
        assert_eq!(rows[1][1], Data::Float(3.0));
        assert_eq!(rows[1][2], Data::Float(1_234_567.89));
        assert_eq!(rows[2][0], Data::String("<二>&".into()));
        assert_eq!(rows[2][2], Data::Float(-0.05));
        assert_eq!(rows.len(), 3);
    }

    #[test]
    fn column_names_run_past_z() {
        assert_eq!(column_name(0), "A");
        assert_eq!(column_name(25), "Z");
        assert_eq!(column_name(26), "AA");
        assert_eq!(column_name(701), "ZZ");
        assert_eq!(column_name(702), "AAA");
    }

    #[test]
    fn a_format_other_than_json_csv_or_xlsx_names_the_field() {
        let err = Format::parse(Some("pdf")).unwrap_err();
        assert!(
            matches!(&err, ApiError::BadRequest { field: Some(f), .. } if f == "format"),
            "{err:?}"
        );
        assert_eq!(Format::parse(None).unwrap(), Format::Json);
        assert_eq!(Format::parse(Some("xlsx")).unwrap(), Format::Xlsx);
    }
}
