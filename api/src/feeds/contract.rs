//! The feed contract: what a provider serves, and the check every record passes before it is
//! ingested. JSON over HTTP, paged by an opaque cursor:
//!
//! ```text
//! GET {base_url}/v1/patent-events?since={cursor}&limit={n}       (a patent provider)
//! GET {base_url}/v1/enterprise-events?since={cursor}&limit={n}   (an enterprise provider)
//! Authorization: Bearer {token}
//! 200 {"records": [...], "next_cursor": "…", "has_more": true|false}
//! ```
//!
//! `since` is absent on the first call; the answer's `next_cursor` is the `since` of the next.
//! Each record has the provider's own `id`, unique within the provider (the de-duplication key).
//!
//! A patent record: `{"id", "patent_number", "event", "occurred_on", …}` with `event` one of
//! `fee_paid` (with `fee_paid_until`), `status_change` (with `legal_status`: valid,
//! under_invalidation, lapsed, invalidated, expired), `invalidation_request`, `transfer` (with
//! `new_owner_uscc`), `licence`, `preservation` (court preservation on the patent), or `record`:
//! the patent's bibliographic record as the office has it now, with any of `title`, `ipc_main`,
//! `claims`, `forward_citations`, `backward_citations`, `family_size`, `inventors` (those present
//! replace the platform's; the next valuation uses them).
//!
//! A `record` may also carry the register's entry: `patentees` (a list of `{"name", "uscc"?}`),
//! `patent_type`, `filing_date`, `grant_date` and `legal_status`, checked like the rest (the type
//! against the number's type digit). They are the register's word on who holds the patent; the
//! platform's legal status still changes by `status_change` events, which raise the alerts.
//!
//! A patent provider also answers a lookup of one number (the district reads it when it decides
//! a dispute over the number):
//!
//! ```text
//! GET {base_url}/v1/patents/{number}        (number as YYYYTNNNNNNN.C)
//! 200 {"record": {"patent_number", "title"?, "patentees": [{"name", "uscc"?}], "patent_type",
//!                 "filing_date", "grant_date"?, "legal_status"}}
//! 404 when the register has no such number
//! ```
//!
//! An enterprise record: `{"id", "uscc", "event_type", "occurred_on", "ref"?, "amount_fen"?}` with
//! `event_type` one of the 21 risk event types of RISK.md §1.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use zhirong_engine::risk::EventType;
use zhirong_engine::valuation::{LegalStatus, PatentType};

use crate::domain::{PatentNumber, Uscc};

/// The kinds of provider.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum FeedKind {
    Patent,
    Enterprise,
}

impl FeedKind {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "patent" => Some(FeedKind::Patent),
            "enterprise" => Some(FeedKind::Enterprise),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            FeedKind::Patent => "patent",
            FeedKind::Enterprise => "enterprise",
        }
    }

    /// The provider's path for this kind of record.
    pub fn path(self) -> &'static str {
        match self {
            FeedKind::Patent => "/v1/patent-events",
            FeedKind::Enterprise => "/v1/enterprise-events",
        }
    }
}

/// One page as the provider sends it; records stay raw JSON until each is checked on its own,
/// so one bad record does not spoil the page.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Page {
    pub records: Vec<serde_json::Value>,
    pub next_cursor: Option<String>,
    #[serde(default)]
    pub has_more: bool,
}

/// What a patent event does to the patent.
#[derive(Debug, Clone, PartialEq)]
pub enum PatentChange {
    FeePaid { until: NaiveDate },
    Status { legal_status: LegalStatus },
    InvalidationRequest,
    Transfer { new_owner: Uscc },
    Licence,
    Preservation,
    Record(PatentRecord),
}

/// The fields of a `record` event that it carries (the others stay as they are).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PatentRecord {
    pub title: Option<String>,
    pub ipc_main: Option<String>,
    pub claims: Option<i32>,
    pub forward_citations: Option<i32>,
    pub backward_citations: Option<i32>,
    pub family_size: Option<i32>,
    pub inventors: Option<i32>,
    /// The register's holders of the patent.
    pub patentees: Option<Vec<Patentee>>,
    pub patent_type: Option<PatentType>,
    pub filing_date: Option<NaiveDate>,
    pub grant_date: Option<NaiveDate>,
    pub legal_status: Option<LegalStatus>,
}

/// A holder of a patent as the register names it.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Patentee {
    pub name: String,
    /// The holder's USCC, when the register gives it.
    pub uscc: Option<String>,
}

/// The register's entry of one number: what a provider answers to a lookup.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct RegisterRecord {
    #[schema(value_type = String)]
    pub patent_number: PatentNumber,
    pub title: Option<String>,
    pub patentees: Vec<Patentee>,
    /// invention, utility_model or design
    #[schema(value_type = String)]
    pub patent_type: PatentType,
    pub filing_date: NaiveDate,
    pub grant_date: Option<NaiveDate>,
    /// valid, under_invalidation, pending, lapsed, invalidated, expired
    #[schema(value_type = String)]
    pub legal_status: LegalStatus,
}

fn patentees(v: &serde_json::Value) -> Result<Option<Vec<Patentee>>, String> {
    let list = match v.get("patentees") {
        None | Some(serde_json::Value::Null) => return Ok(None),
        Some(serde_json::Value::Array(list)) if !list.is_empty() && list.len() <= 50 => list,
        Some(_) => return Err("patentees is not a list of 1 to 50 holders".into()),
    };
    list.iter()
        .enumerate()
        .map(|(i, p)| {
            let name = optional_text(p, "name", 200)
                .map_err(|e| format!("patentees[{i}]: {e}"))?
                .ok_or_else(|| format!("patentees[{i}]: name is missing"))?;
            let uscc =
                match optional_text(p, "uscc", 18).map_err(|e| format!("patentees[{i}]: {e}"))? {
                    Some(u) => Some(
                        Uscc::parse(&u)
                            .map_err(|e| format!("patentees[{i}]: uscc {u:?}: {e}"))?
                            .to_string(),
                    ),
                    None => None,
                };
            Ok(Patentee { name, uscc })
        })
        .collect::<Result<Vec<_>, String>>()
        .map(Some)
}

fn optional_date(
    v: &serde_json::Value,
    field: &str,
    today: NaiveDate,
) -> Result<Option<NaiveDate>, String> {
    match v.get(field) {
        None | Some(serde_json::Value::Null) => Ok(None),
        Some(_) => {
            let d = date(v, field, today)?;
            if d > today {
                return Err(format!("{field} {d} is after today ({today})"));
            }
            Ok(Some(d))
        }
    }
}

fn optional_parsed<T: std::str::FromStr>(
    v: &serde_json::Value,
    field: &str,
    all: &str,
) -> Result<Option<T>, String> {
    match optional_text(v, field, 50)? {
        None => Ok(None),
        Some(t) => t
            .parse::<T>()
            .map(Some)
            .map_err(|_| format!("{field} {t:?} is not one of {all}")),
    }
}

/// The register's part of a record: patentees, type, filing date, grant date, legal status.
type RegisterFields = (
    Option<Vec<Patentee>>,
    Option<PatentType>,
    Option<NaiveDate>,
    Option<NaiveDate>,
    Option<LegalStatus>,
);

/// The register's part of a `record`: patentees, type, dates, legal status, each checked; the
/// type must agree with the number's type digit, a grant not before the filing.
fn register_fields(
    v: &serde_json::Value,
    number: &PatentNumber,
    today: NaiveDate,
) -> Result<RegisterFields, String> {
    let patentees = patentees(v)?;
    let patent_type: Option<PatentType> =
        optional_parsed(v, "patent_type", "invention, utility_model, design")?;
    if let Some(t) = patent_type {
        PatentNumber::parse_for(number.as_str(), t)
            .map_err(|e| format!("patent_type {}: {e}", t.as_str()))?;
    }
    let filing_date = optional_date(v, "filing_date", today)?;
    let grant_date = optional_date(v, "grant_date", today)?;
    if let (Some(f), Some(g)) = (filing_date, grant_date)
        && g < f
    {
        return Err(format!("grant_date {g} is before the filing date {f}"));
    }
    let legal_status: Option<LegalStatus> = optional_parsed(
        v,
        "legal_status",
        "valid, under_invalidation, pending, lapsed, invalidated, expired",
    )?;
    Ok((
        patentees,
        patent_type,
        filing_date,
        grant_date,
        legal_status,
    ))
}

/// Checks a provider's answer to a lookup of `asked` (the `record` of its body).
pub fn check_register(
    body: &serde_json::Value,
    asked: &PatentNumber,
    today: NaiveDate,
) -> Result<RegisterRecord, String> {
    let v = body.get("record").ok_or("the answer has no record")?;
    if !v.is_object() {
        return Err("record is not a JSON object".into());
    }
    let number = text(v, "patent_number")?;
    let patent_number =
        PatentNumber::parse(number).map_err(|e| format!("patent_number {number:?}: {e}"))?;
    if &patent_number != asked {
        return Err(format!(
            "the provider answered about {patent_number}, not {asked}"
        ));
    }
    let (patentees, patent_type, filing_date, grant_date, legal_status) =
        register_fields(v, &patent_number, today)?;
    Ok(RegisterRecord {
        title: optional_text(v, "title", 500)?,
        patentees: patentees.ok_or("patentees is missing")?,
        patent_type: patent_type.ok_or("patent_type is missing")?,
        filing_date: filing_date.ok_or("filing_date is missing")?,
        grant_date,
        legal_status: legal_status.ok_or("legal_status is missing")?,
        patent_number,
    })
}

/// A count of the patent: a whole number from the engine's least value for it (1 for
/// `family_size`, the home filing; else 0) to 100,000.
fn count(v: &serde_json::Value, field: &str) -> Result<Option<i32>, String> {
    let least = zhirong_engine::valuation::input::count_minimum(field);
    match v.get(field) {
        None | Some(serde_json::Value::Null) => Ok(None),
        Some(x) => x
            .as_i64()
            .filter(|n| (least..=100_000).contains(n))
            .and_then(|n| i32::try_from(n).ok())
            .map(Some)
            .ok_or_else(|| format!("{field} is not a whole number from {least} to 100,000")),
    }
}

fn optional_text(v: &serde_json::Value, field: &str, max: usize) -> Result<Option<String>, String> {
    match v.get(field) {
        None | Some(serde_json::Value::Null) => Ok(None),
        Some(_) => {
            let t = text(v, field)?;
            if t.chars().count() > max {
                return Err(format!("{field} is longer than {max} characters"));
            }
            Ok(Some(t.to_string()))
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct PatentEvent {
    pub id: String,
    pub patent_number: PatentNumber,
    pub occurred_on: NaiveDate,
    pub change: PatentChange,
}

#[derive(Debug, Clone, PartialEq)]
pub struct EnterpriseEvent {
    pub id: String,
    pub uscc: Uscc,
    pub event_type: EventType,
    pub occurred_on: NaiveDate,
    pub reference: String,
    pub amount_fen: Option<i64>,
}

/// A record that passed the check.
#[derive(Debug, Clone, PartialEq)]
pub enum Record {
    Patent(PatentEvent),
    Enterprise(EnterpriseEvent),
}

impl Record {
    pub fn id(&self) -> &str {
        match self {
            Record::Patent(p) => &p.id,
            Record::Enterprise(e) => &e.id,
        }
    }
}

/// The statuses a `status_change` may set: a feed never makes a patent pending again.
const FEED_STATUSES: [LegalStatus; 5] = [
    LegalStatus::Valid,
    LegalStatus::UnderInvalidation,
    LegalStatus::Lapsed,
    LegalStatus::Invalidated,
    LegalStatus::Expired,
];

fn text<'a>(v: &'a serde_json::Value, field: &str) -> Result<&'a str, String> {
    match v.get(field) {
        Some(serde_json::Value::String(s)) if !s.trim().is_empty() => Ok(s.trim()),
        Some(serde_json::Value::Null) | None => Err(format!("{field} is missing")),
        Some(_) => Err(format!("{field} is not a non-empty string")),
    }
}

fn date(v: &serde_json::Value, field: &str, today: NaiveDate) -> Result<NaiveDate, String> {
    let s = text(v, field)?;
    let d = NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|_| format!("{field} {s:?} is not a date YYYY-MM-DD"))?;
    if field == "occurred_on" && d > today {
        return Err(format!("{field} {d} is after today ({today})"));
    }
    Ok(d)
}

/// The provider's record id, when the record has a usable one (for the quarantine's list).
pub fn record_id(v: &serde_json::Value) -> Option<String> {
    match v.get("id") {
        Some(serde_json::Value::String(s)) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Some(serde_json::Value::Number(n)) => Some(n.to_string()),
        _ => None,
    }
}

/// Checks one record of a provider of `kind`; the error says what is wrong, naming the field.
pub fn check(kind: FeedKind, v: &serde_json::Value, today: NaiveDate) -> Result<Record, String> {
    if !v.is_object() {
        return Err("a record is a JSON object".into());
    }
    let id = record_id(v).ok_or("id is missing")?;
    if id.len() > 200 {
        return Err("id is longer than 200 characters".into());
    }
    let occurred_on = date(v, "occurred_on", today)?;
    match kind {
        FeedKind::Patent => {
            let number = text(v, "patent_number")?;
            let patent_number = PatentNumber::parse(number)
                .map_err(|e| format!("patent_number {number:?}: {e}"))?;
            let change = match text(v, "event")? {
                "fee_paid" => PatentChange::FeePaid {
                    until: date(v, "fee_paid_until", today)?,
                },
                "status_change" => {
                    let s = text(v, "legal_status")?;
                    let legal_status = s
                        .parse::<LegalStatus>()
                        .ok()
                        .filter(|status| FEED_STATUSES.contains(status))
                        .ok_or_else(|| {
                            format!(
                                "legal_status {s:?} is not one of {}",
                                FEED_STATUSES.map(LegalStatus::as_str).join(", ")
                            )
                        })?;
                    PatentChange::Status { legal_status }
                }
                "invalidation_request" => PatentChange::InvalidationRequest,
                "transfer" => {
                    let u = text(v, "new_owner_uscc")?;
                    PatentChange::Transfer {
                        new_owner: Uscc::parse(u)
                            .map_err(|e| format!("new_owner_uscc {u:?}: {e}"))?,
                    }
                }
                "licence" => PatentChange::Licence,
                "preservation" => PatentChange::Preservation,
                "record" => {
                    let (patentees, patent_type, filing_date, grant_date, legal_status) =
                        register_fields(v, &patent_number, today)?;
                    let r = PatentRecord {
                        patentees,
                        patent_type,
                        filing_date,
                        grant_date,
                        legal_status,
                        title: optional_text(v, "title", 500)?,
                        ipc_main: optional_text(v, "ipc_main", 50)?,
                        claims: count(v, "claims")?,
                        forward_citations: count(v, "forward_citations")?,
                        backward_citations: count(v, "backward_citations")?,
                        family_size: count(v, "family_size")?,
                        inventors: count(v, "inventors")?,
                    };
                    if r == PatentRecord::default() {
                        return Err(
                            "a record event carries at least one field of the patent".into()
                        );
                    }
                    PatentChange::Record(r)
                }
                other => {
                    return Err(format!(
                        "event {other:?} is not one of fee_paid, status_change, invalidation_request, transfer, licence, preservation, record"
                    ));
                }
            };
            Ok(Record::Patent(PatentEvent {
                id,
                patent_number,
                occurred_on,
                change,
            }))
        }
        FeedKind::Enterprise => {
            let u = text(v, "uscc")?;
            let uscc = Uscc::parse(u).map_err(|e| format!("uscc {u:?}: {e}"))?;
            let t = text(v, "event_type")?;
            let event_type = EventType::parse(t)
                .ok_or_else(|| format!("event_type {t:?} is not a risk event type of RISK.md"))?;
            let reference = match v.get("ref") {
                None | Some(serde_json::Value::Null) => id.clone(),
                Some(_) => text(v, "ref")?.to_string(),
            };
            let amount_fen = match v.get("amount_fen") {
                None | Some(serde_json::Value::Null) => None,
                Some(a) => Some(
                    a.as_i64()
                        .filter(|x| *x >= 0)
                        .ok_or("amount_fen is not a whole number of fen ≥ 0")?,
                ),
            };
            Ok(Record::Enterprise(EnterpriseEvent {
                id,
                uscc,
                event_type,
                occurred_on,
                reference,
                amount_fen,
            }))
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use serde_json::json;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 2).unwrap()
    }

    #[test]
    fn a_fee_payment_is_read_with_its_new_date() {
        let number = PatentNumber::new_style(
            2013,
            zhirong_engine::valuation::PatentType::Invention,
            10_699_744,
        );
        let r = check(
            FeedKind::Patent,
            &json!({"id": "p-1", "patent_number": format!("ZL{number}"), "event": "fee_paid",
                    "occurred_on": "2026-11-30", "fee_paid_until": "2027-11-30"}),
            today(),
        )
        .unwrap();
        let Record::Patent(p) = r else { panic!() };
        assert_eq!(
            p.change,
            PatentChange::FeePaid {
                until: NaiveDate::from_ymd_opt(2027, 11, 30).unwrap()
            }
        );
        assert_eq!(p.patent_number, number);
    }

    #[test]
    fn a_register_record_names_its_patentees_and_is_checked_against_the_number() {
        let number =
            PatentNumber::new_style(2019, zhirong_engine::valuation::PatentType::Invention, 7)
                .to_string();
        let asked = PatentNumber::parse(&number).unwrap();
        let good = json!({"record": {"patent_number": format!("ZL{number}"), "title": "一种方法",
            "patentees": [{"name": "某某科技有限公司", "uscc": "91310110666007217T"}],
            "patent_type": "invention", "filing_date": "2019-03-01", "grant_date": "2021-05-01",
            "legal_status": "valid"}});
        let r = check_register(&good, &asked, today()).unwrap();
        assert_eq!(r.patentees[0].name, "某某科技有限公司");
        assert_eq!(
            r.patent_type,
            zhirong_engine::valuation::PatentType::Invention
        );
        for (patch, says) in [
            (json!({"patent_type": "design"}), "patent_type design"),
            (json!({"patentees": []}), "patentees"),
            (
                json!({"patentees": [{"uscc": "91310110666007217T"}]}),
                "name is missing",
            ),
            (
                json!({"patentees": [{"name": "x", "uscc": "91310110666007217A"}]}),
                "uscc",
            ),
            (
                json!({"grant_date": "2018-01-01"}),
                "before the filing date",
            ),
            (json!({"legal_status": "asleep"}), "legal_status"),
            (json!({"filing_date": null}), "filing_date is missing"),
            (
                json!({"patent_number": PatentNumber::new_style(2019, zhirong_engine::valuation::PatentType::Invention, 8).to_string()}),
                "not",
            ),
        ] {
            let mut r = good.clone();
            for (k, v) in patch.as_object().unwrap() {
                r["record"][k] = v.clone();
            }
            let err = check_register(&r, &asked, today()).unwrap_err();
            assert!(err.contains(says), "{patch}: {err}");
        }
        // The same fields ride on a `record` event.
        let mut event = good["record"].clone();
        event["id"] = json!("r-1");
        event["event"] = json!("record");
        event["occurred_on"] = json!("2026-11-30");
        let Record::Patent(p) = check(FeedKind::Patent, &event, today()).unwrap() else {
            panic!()
        };
        let PatentChange::Record(r) = p.change else {
            panic!()
        };
        assert_eq!(
            r.patentees.unwrap()[0].uscc.as_deref(),
            Some("91310110666007217T")
        );
        assert_eq!(r.legal_status, Some(LegalStatus::Valid));
    }

    #[test]
    fn each_bad_record_names_what_is_wrong() {
        let base = json!({"id": "e-1", "uscc": "91310110666007217T", "event_type": "tax_arrears",
                          "occurred_on": "2026-11-01"});
        assert!(check(FeedKind::Enterprise, &base, today()).is_ok());
        for (patch, says) in [
            (
                json!({"event_type": "alien_invasion"}),
                "event_type \"alien_invasion\"",
            ),
            (json!({"id": null}), "id is missing"),
            (json!({"occurred_on": "2026-13-01"}), "not a date"),
            (json!({"occurred_on": "2027-01-01"}), "after today"),
            (json!({"uscc": "91310110666007217A"}), "uscc"),
            (json!({"amount_fen": -5}), "amount_fen"),
        ] {
            let mut r = base.clone();
            for (k, v) in patch.as_object().unwrap() {
                r[k] = v.clone();
            }
            let err = check(FeedKind::Enterprise, &r, today()).unwrap_err();
            assert!(err.contains(says), "{patch}: {err}");
        }
        let err = check(
            FeedKind::Patent,
            &json!({"id": "p", "patent_number": PatentNumber::new_style(2013, zhirong_engine::valuation::PatentType::Invention, 1).to_string(), "event": "status_change",
                    "legal_status": "sleeping", "occurred_on": "2026-11-01"}),
            today(),
        )
        .unwrap_err();
        assert!(err.contains("legal_status"), "{err}");
        let number =
            PatentNumber::new_style(2013, zhirong_engine::valuation::PatentType::Invention, 2)
                .to_string();
        let r = check(
            FeedKind::Patent,
            &json!({"id": "b", "patent_number": number, "event": "record", "forward_citations": 31,
                    "title": "一种方法", "occurred_on": "2026-11-01"}),
            today(),
        )
        .unwrap();
        let Record::Patent(p) = r else { panic!() };
        assert_eq!(
            p.change,
            PatentChange::Record(PatentRecord {
                forward_citations: Some(31),
                title: Some("一种方法".into()),
                ..PatentRecord::default()
            })
        );
        for (extra, says) in [
            (json!({"claims": -1}), "claims"),
            (json!({"family_size": 0}), "family_size"),
            (json!({}), "at least one field"),
        ] {
            let mut r = json!({"id": "b", "patent_number": number, "event": "record", "occurred_on": "2026-11-01"});
            for (k, v) in extra.as_object().unwrap() {
                r[k] = v.clone();
            }
            let err = check(FeedKind::Patent, &r, today()).unwrap_err();
            assert!(err.contains(says), "{extra}: {err}");
        }
    }
}
