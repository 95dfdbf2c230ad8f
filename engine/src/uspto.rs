//! Reader for USPTO grant full-text XML (weekly `ipg*.xml` files, DTD versions 4.0–4.3).
//!
//! A weekly file is many XML documents back to back, so it is split on the `<?xml` declaration
//! and each document is parsed on its own: one broken document then costs one patent, not the
//! file (with `skip_invalid`). Each grant becomes one valuation input row. What the grant text
//! cannot tell (citations received, family, transfers, licences, suits, invalidations, legal
//! status, fees, revenue) is left at its neutral value and named in the `source_flags` column.
//!
//! Type mapping (the valuation model knows the Chinese types only):
//! - `utility` → `invention`;
//! - `design` → `design`;
//! - `plant` → `invention` with flag `us_plant_patent`: a US plant patent runs 20 years from
//!   filing like a utility patent, and China has no plant patent type to map it to;
//! - `reissue` → `invention` with flag `us_reissue`: the term is counted from the reissue
//!   application's date, which overstates the remaining life (a reissue ends with the original);
//! - statutory invention registrations (`sir`, H documents) and sequence listings are not
//!   enforceable patents and are skipped (listed in [`UsptoBatch::skipped`], not errors).

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use polars::prelude::*;
use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};
use serde::Serialize;

use crate::error::{EngineError, Result};
use crate::schema::input as col;
use crate::valuation::input::date_to_days;
use crate::valuation::{LegalStatus, PatentType};

/// Flags every USPTO row carries: the grant text does not contain these facts.
pub const ALWAYS_FLAGS: [&str; 7] = [
    "legal_status_assumed",
    "forward_citations_unknown",
    "family_size_unknown",
    "transfers_unknown",
    "licenses_unknown",
    "litigations_unknown",
    "invalidation_requests_unknown",
];

/// One grant read from the XML.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GrantRecord {
    /// country + doc-number, e.g. `US06836899`, `USD0513425`, `USPP018345`
    pub patent_id: String,
    pub patent_type: PatentType,
    /// the USPTO application type (`utility`, `design`, `plant`, `reissue`)
    pub appl_type: String,
    /// publication kind code (B1, B2, S1, P2, E, ...)
    pub kind: String,
    pub filing_date: NaiveDate,
    pub grant_date: NaiveDate,
    /// e.g. `G01D 21/00`; `None` for designs (Locarno classified) and grants without IPC
    pub ipc_main: Option<String>,
    /// number of `<claim>` elements
    pub claims: i64,
    /// the grant's own `<number-of-claims>`, when present (a cross-check)
    pub number_of_claims: Option<i64>,
    /// references cited (patent and non-patent)
    pub backward_citations: i64,
    pub inventors: i64,
    /// what could not be read, see the module docs
    pub source_flags: Vec<&'static str>,
}

/// A document of the file that is not a grant row, or (with `skip_invalid`) could not be read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SkippedDocument {
    /// 1-based position of the document in the file
    pub index: usize,
    pub doc_number: Option<String>,
    pub reason: String,
    /// true when the document was malformed (as opposed to not being a patent grant)
    pub invalid: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct UsptoBatch {
    pub grants: Vec<GrantRecord>,
    pub skipped: Vec<SkippedDocument>,
}

/// Reads a weekly grant file. Without `skip_invalid` the first malformed document is an error
/// naming the file, the document's position and its number.
pub fn read_grants(path: &Path, skip_invalid: bool) -> Result<UsptoBatch> {
    let bytes = std::fs::read(path).map_err(EngineError::io(path))?;
    parse_grants(&bytes, path, skip_invalid)
}

/// [`read_grants`] over bytes already in memory; `path` is only used in messages.
pub fn parse_grants(bytes: &[u8], path: &Path, skip_invalid: bool) -> Result<UsptoBatch> {
    let mut batch = UsptoBatch::default();
    for (k, doc) in split_documents(bytes).into_iter().enumerate() {
        let index = k + 1;
        match parse_document(doc) {
            Ok(Parsed::Grant(g)) => batch.grants.push(*g),
            Ok(Parsed::NotAGrant { doc_number, reason }) => batch.skipped.push(SkippedDocument {
                index,
                doc_number,
                reason,
                invalid: false,
            }),
            Err(DocError {
                doc_number,
                message,
            }) => {
                if !skip_invalid {
                    return Err(EngineError::PatentXml {
                        path: PathBuf::from(path),
                        index,
                        doc_number: doc_number
                            .clone()
                            .unwrap_or_else(|| "doc-number unknown".to_owned()),
                        message,
                    });
                }
                batch.skipped.push(SkippedDocument {
                    index,
                    doc_number,
                    reason: message,
                    invalid: true,
                });
            }
        }
    }
    Ok(batch)
}

/// Splits on each `<?xml` declaration; text before the first one (normally none) is ignored
/// when blank and treated as a document of its own otherwise, so garbage is reported.
fn split_documents(bytes: &[u8]) -> Vec<&[u8]> {
    const DECL: &[u8] = b"<?xml";
    let mut starts: Vec<usize> = bytes
        .windows(DECL.len())
        .enumerate()
        .filter(|(_, w)| *w == DECL)
        .map(|(i, _)| i)
        .collect();
    if starts.first() != Some(&0)
        && !bytes[..starts.first().copied().unwrap_or(bytes.len())]
            .iter()
            .all(u8::is_ascii_whitespace)
    {
        starts.insert(0, 0);
    }
    let mut docs = Vec::with_capacity(starts.len());
    for (k, &s) in starts.iter().enumerate() {
        let e = starts.get(k + 1).copied().unwrap_or(bytes.len());
        docs.push(&bytes[s..e]);
    }
    docs
}

enum Parsed {
    Grant(Box<GrantRecord>),
    NotAGrant {
        doc_number: Option<String>,
        reason: String,
    },
}

struct DocError {
    doc_number: Option<String>,
    message: String,
}

/// What is collected while walking one document.
#[derive(Default)]
struct Fields {
    root: Option<String>,
    country: Option<String>,
    doc_number: Option<String>,
    kind: Option<String>,
    grant_date: Option<String>,
    appl_type: Option<String>,
    filing_date: Option<String>,
    ipcr: [Option<String>; 5],
    ipcr_done: bool,
    ipc_old: Option<String>,
    claims: i64,
    number_of_claims: Option<String>,
    citations: i64,
    inventors: i64,
    applicant_inventors: i64,
}

fn attr(e: &BytesStart<'_>, name: &str) -> Option<String> {
    e.try_get_attribute(name)
        .ok()
        .flatten()
        .map(|a| String::from_utf8_lossy(&a.value).into_owned())
}

fn parse_document(doc: &[u8]) -> std::result::Result<Parsed, DocError> {
    let mut reader = Reader::from_reader(doc);
    reader.config_mut().trim_text(true);
    let mut f = Fields::default();
    let mut stack: Vec<String> = Vec::new();
    let fail = |f: &Fields, message: String| DocError {
        doc_number: f
            .doc_number
            .as_ref()
            .map(|n| format!("{}{}", f.country.as_deref().unwrap_or(""), n)),
        message,
    };
    loop {
        let event = reader.read_event().map_err(|e| {
            fail(
                &f,
                format!("malformed XML at byte {}: {e}", reader.error_position()),
            )
        })?;
        match event {
            Event::Start(e) => {
                let name = String::from_utf8_lossy(e.name().as_ref()).into_owned();
                open(&mut f, &stack, &name, &e);
                stack.push(name);
            }
            Event::Empty(e) => {
                let name = String::from_utf8_lossy(e.name().as_ref()).into_owned();
                open(&mut f, &stack, &name, &e);
            }
            Event::End(_) => {
                if stack.last().map(String::as_str) == Some("classification-ipcr") {
                    f.ipcr_done = true;
                }
                stack.pop();
            }
            Event::Text(t) => {
                let text = String::from_utf8_lossy(&t).into_owned();
                text_in(&mut f, &stack, text);
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if !stack.is_empty() {
        return Err(fail(
            &f,
            format!("malformed XML: document ends inside <{}>", stack.join("><")),
        ));
    }
    finish(f).map_err(|(doc_number, message)| DocError {
        doc_number,
        message,
    })
}

fn open(f: &mut Fields, stack: &[String], name: &str, e: &BytesStart<'_>) {
    if stack.is_empty() {
        f.root = Some(name.to_owned());
    }
    let parent = stack.last().map(String::as_str);
    match name {
        "application-reference" => f.appl_type = attr(e, "appl-type"),
        "claim" if parent == Some("claims") => f.claims += 1,
        "citation" | "us-citation"
            if matches!(parent, Some("references-cited" | "us-references-cited")) =>
        {
            f.citations += 1
        }
        "inventor" if parent == Some("inventors") => f.inventors += 1,
        "applicant" | "us-applicant"
            if attr(e, "app-type").as_deref() == Some("applicant-inventor") =>
        {
            f.applicant_inventors += 1
        }
        _ => {}
    }
}

fn within(stack: &[String], ancestor: &str) -> bool {
    stack.iter().any(|s| s == ancestor)
}

fn text_in(f: &mut Fields, stack: &[String], text: String) {
    let Some(leaf) = stack.last().map(String::as_str) else {
        return;
    };
    // Only the bibliographic part matters; citations also hold document-ids and dates.
    if !within(stack, "us-bibliographic-data-grant") {
        return;
    }
    let set = |slot: &mut Option<String>| {
        if slot.is_none() {
            *slot = Some(text.clone());
        }
    };
    let parent = stack.len().checked_sub(2).map(|k| stack[k].as_str());
    let grandparent = stack.len().checked_sub(3).map(|k| stack[k].as_str());
    if grandparent == Some("publication-reference") && parent == Some("document-id") {
        match leaf {
            "country" => set(&mut f.country),
            "doc-number" => set(&mut f.doc_number),
            "kind" => set(&mut f.kind),
            "date" => set(&mut f.grant_date),
            _ => {}
        }
    } else if grandparent == Some("application-reference")
        && parent == Some("document-id")
        && leaf == "date"
    {
        set(&mut f.filing_date);
    } else if parent == Some("classification-ipcr") && !f.ipcr_done {
        let slot = match leaf {
            "section" => 0,
            "class" => 1,
            "subclass" => 2,
            "main-group" => 3,
            "subgroup" => 4,
            _ => return,
        };
        set(&mut f.ipcr[slot]);
    } else if parent == Some("classification-ipc") && leaf == "main-classification" {
        set(&mut f.ipc_old);
    } else if leaf == "number-of-claims" {
        set(&mut f.number_of_claims);
    }
}

fn yyyymmdd(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s.trim(), "%Y%m%d").ok()
}

/// IPC edition 7 `main-classification` text, e.g. `A45F  504` (subclass, 3-character
/// right-aligned main group, subgroup) → `A45F 5/04`.
pub fn format_old_ipc(raw: &str) -> Option<String> {
    let raw = raw.trim_end();
    if raw.len() < 8 || !raw.is_ascii() {
        return (!raw.trim().is_empty())
            .then(|| raw.split_whitespace().collect::<Vec<_>>().join(" "));
    }
    let (subclass, rest) = raw.split_at(4);
    let (group, subgroup) = rest.split_at(3);
    Some(format!("{subclass} {}/{}", group.trim(), subgroup.trim()))
}

type Finished = std::result::Result<Parsed, (Option<String>, String)>;

fn finish(f: Fields) -> Finished {
    let patent_id = f
        .doc_number
        .as_ref()
        .map(|n| format!("{}{}", f.country.as_deref().unwrap_or(""), n.trim()));
    let root = f.root.clone().unwrap_or_default();
    if root != "us-patent-grant" {
        return Ok(Parsed::NotAGrant {
            doc_number: patent_id,
            reason: format!("not a patent grant (<{root}>)"),
        });
    }
    let err = |m: &str| Err((patent_id.clone(), m.to_owned()));
    let Some(id) = patent_id.clone() else {
        return err("no publication doc-number");
    };
    let appl_type = f.appl_type.clone().unwrap_or_default();
    let mut flags: Vec<&'static str> = ALWAYS_FLAGS.to_vec();
    let patent_type = match appl_type.as_str() {
        "utility" => PatentType::Invention,
        "design" => PatentType::Design,
        "plant" => {
            flags.push("us_plant_patent");
            PatentType::Invention
        }
        "reissue" => {
            flags.push("us_reissue");
            PatentType::Invention
        }
        "sir" => {
            return Ok(Parsed::NotAGrant {
                doc_number: Some(id),
                reason: "statutory invention registration, not an enforceable patent".to_owned(),
            });
        }
        other => {
            return Ok(Parsed::NotAGrant {
                doc_number: Some(id),
                reason: format!("unknown application type '{other}'"),
            });
        }
    };
    let Some(filing_date) = f.filing_date.as_deref().and_then(yyyymmdd) else {
        return err(&format!(
            "application date missing or not YYYYMMDD: {:?}",
            f.filing_date.as_deref().unwrap_or("")
        ));
    };
    let Some(grant_date) = f.grant_date.as_deref().and_then(yyyymmdd) else {
        return err(&format!(
            "publication date missing or not YYYYMMDD: {:?}",
            f.grant_date.as_deref().unwrap_or("")
        ));
    };
    let ipc_main = match &f.ipcr {
        [Some(s), Some(c), Some(sc), Some(g), Some(sg)] => Some(format!(
            "{}{}{} {}/{}",
            s.trim(),
            c.trim(),
            sc.trim(),
            g.trim(),
            sg.trim()
        )),
        _ => f.ipc_old.as_deref().and_then(format_old_ipc),
    };
    if ipc_main.is_none() && patent_type != PatentType::Design {
        flags.push("ipc_missing");
    }
    // v4.3 lists inventors in <inventors>; earlier versions mark applicants who are inventors.
    let inventors = if f.inventors > 0 {
        f.inventors
    } else {
        f.applicant_inventors
    };
    if inventors == 0 {
        flags.push("inventors_unknown");
    }
    if f.claims == 0 {
        flags.push("claims_missing");
    }
    Ok(Parsed::Grant(Box::new(GrantRecord {
        patent_id: id,
        patent_type,
        appl_type,
        kind: f.kind.clone().unwrap_or_default().trim().to_owned(),
        filing_date,
        grant_date,
        ipc_main,
        claims: f.claims,
        number_of_claims: f
            .number_of_claims
            .as_deref()
            .and_then(|s| s.trim().parse().ok()),
        backward_citations: f.citations,
        inventors,
        source_flags: flags,
    })))
}

/// Valuation input rows (all input columns plus `source_flags`) for the grants. Unknown counts
/// are 0, family_size 1 (the home filing), legal status `valid` (a grant is in force until shown
/// otherwise; flagged), fees, revenue and royalty empty.
pub fn grants_to_frame(grants: &[GrantRecord]) -> Result<DataFrame> {
    let n = grants.len();
    let dates = |name: &str, days: Vec<Option<i32>>| -> Result<Column> {
        Series::new(name.into(), days)
            .cast(&DataType::Date)
            .map(Column::from)
            .map_err(EngineError::polars(format!("building USPTO column {name}")))
    };
    let zeros = |name: &str| Column::new(name.into(), vec![0i64; n]);
    let columns = vec![
        Column::new(
            col::PATENT_ID.into(),
            grants
                .iter()
                .map(|g| g.patent_id.as_str())
                .collect::<Vec<_>>(),
        ),
        Column::new(
            col::PATENT_TYPE.into(),
            grants
                .iter()
                .map(|g| g.patent_type.as_str())
                .collect::<Vec<_>>(),
        ),
        dates(
            col::FILING_DATE,
            grants
                .iter()
                .map(|g| Some(date_to_days(g.filing_date)))
                .collect(),
        )?,
        dates(
            col::GRANT_DATE,
            grants
                .iter()
                .map(|g| Some(date_to_days(g.grant_date)))
                .collect(),
        )?,
        Column::new(
            col::LEGAL_STATUS.into(),
            vec![LegalStatus::Valid.as_str(); n],
        ),
        Column::new(
            col::IPC_MAIN.into(),
            grants
                .iter()
                .map(|g| g.ipc_main.as_deref())
                .collect::<Vec<_>>(),
        ),
        Column::new(
            col::CLAIMS.into(),
            grants.iter().map(|g| g.claims).collect::<Vec<_>>(),
        ),
        zeros(col::FORWARD_CITATIONS),
        Column::new(
            col::BACKWARD_CITATIONS.into(),
            grants
                .iter()
                .map(|g| g.backward_citations)
                .collect::<Vec<_>>(),
        ),
        Column::new(col::FAMILY_SIZE.into(), vec![1i64; n]),
        Column::new(
            col::INVENTORS.into(),
            grants.iter().map(|g| g.inventors).collect::<Vec<_>>(),
        ),
        zeros(col::TRANSFERS),
        zeros(col::LICENSES),
        zeros(col::LITIGATIONS),
        zeros(col::INVALIDATION_REQUESTS),
        dates(col::FEE_PAID_UNTIL, vec![None; n])?,
        Column::new(col::REVENUE_FEN.into(), vec![None::<i64>; n]),
        Column::new(col::ROYALTY_RATE.into(), vec![None::<f64>; n]),
        Column::new(
            col::SOURCE_FLAGS.into(),
            grants
                .iter()
                .map(|g| g.source_flags.join(","))
                .collect::<Vec<_>>(),
        ),
    ];
    DataFrame::new(n, columns).map_err(EngineError::polars("building the USPTO input frame"))
}
