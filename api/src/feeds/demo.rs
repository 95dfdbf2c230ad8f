//! The demo provider (`zhirong feed serve-demo`): a provider like any other, serving a
//! deterministic stream of patent and enterprise events in the contract's format about the demo
//! data set's patents and enterprises, so a demo installation changes over time. Record `n` is
//! a function of `n` alone; the stream grows with time (`backlog` records at start, then
//! `per_minute` more each minute), so polling it later brings new events.
//!
//! The patent stream starts with a lapsed annual fee on a pledged patent of a live demo loan
//! (its fee paid only until 40 days ago: the patent is in the grace period), then mixes fee
//! payments, lapsed fees, licences, invalidation requests and court preservations. The enterprise
//! stream carries the milder risk events of RISK.md with now and then a serious one.

use std::sync::Arc;
use std::time::Instant;

use actix_web::{HttpResponse, web};
use chrono::{Duration, NaiveDate};
use serde::Deserialize;
use serde_json::json;

use crate::demo::rng::Rng;
use crate::demo::{DemoData, generate};
use crate::domain::status::{LoanStatus, PledgeStatus};

pub struct DemoStream {
    /// Events are dated up to this day.
    today: NaiveDate,
    patents: Vec<String>,
    /// Patents pledged to live loans, first the one whose fee lapses in record 0.
    pledged: Vec<String>,
    usccs: Vec<String>,
    /// The register's entry of each demo patent, by number: what a lookup answers.
    register: std::collections::HashMap<String, serde_json::Value>,
    started: Instant,
    backlog: u64,
    per_minute: u64,
}

impl DemoStream {
    /// The stream over the demo data set built for `demo_as_of`, with events dated up to `today`.
    pub fn new(demo_as_of: NaiveDate, today: NaiveDate, backlog: u64, per_minute: u64) -> Self {
        let data: DemoData = generate(demo_as_of);
        let pledged = data
            .pledges
            .iter()
            .filter(|p| p.status == PledgeStatus::Registered)
            .filter(|p| {
                p.loan.is_some_and(|l| {
                    matches!(
                        data.loans[l].status,
                        LoanStatus::Active | LoanStatus::Overdue
                    )
                })
            })
            .map(|p| data.patents[p.patent].fields.patent_number.to_string())
            .collect();
        let register = data
            .patents
            .iter()
            .map(|p| {
                let f = &p.fields;
                let owner = &data.orgs[p.owner];
                (
                    f.patent_number.to_string(),
                    json!({"record": {
                        "patent_number": f.patent_number.to_string(),
                        "title": f.title,
                        "patentees": [{"name": owner.name, "uscc": owner.uscc}],
                        "patent_type": f.patent_type.as_str(),
                        "filing_date": f.filing_date.to_string(),
                        "grant_date": f.grant_date.map(|d| d.to_string()),
                        "legal_status": f.legal_status.as_str(),
                    }}),
                )
            })
            .collect();
        Self {
            today,
            register,
            patents: data
                .patents
                .iter()
                .map(|p| p.fields.patent_number.to_string())
                .collect(),
            pledged,
            usccs: data
                .orgs
                .iter()
                .filter(|o| o.kind == "enterprise")
                .filter_map(|o| o.uscc.clone())
                .collect(),
            started: Instant::now(),
            backlog,
            per_minute,
        }
    }

    /// The patent whose fee lapses in the first record.
    pub fn first_pledged(&self) -> Option<&str> {
        self.pledged.first().map(String::as_str)
    }

    fn available(&self) -> u64 {
        self.backlog + self.started.elapsed().as_secs() * self.per_minute / 60
    }

    fn patent_record(&self, n: u64) -> serde_json::Value {
        let mut rng = Rng::new(0x7a68_726f_6e67 ^ n.wrapping_mul(0x9E37_79B9));
        let occurred = self.today - Duration::days(rng.range(0, 20));
        let id = format!("demo-patent-{n}");
        if n == 0 || self.patents.is_empty() {
            let number = self.first_pledged().unwrap_or("");
            return json!({"id": id, "patent_number": format!("ZL{number}"), "event": "fee_paid",
                "fee_paid_until": (self.today - Duration::days(40)).to_string(),
                "occurred_on": self.today.to_string()});
        }
        let pledged_share = !self.pledged.is_empty() && rng.chance(0.3);
        let number = if pledged_share {
            rng.pick(&self.pledged).clone()
        } else {
            rng.pick(&self.patents).clone()
        };
        match rng.weighted(&[0.55, 0.12, 0.15, 0.1, 0.08]) {
            0 => json!({"id": id, "patent_number": number, "event": "fee_paid",
                "fee_paid_until": (occurred + Duration::days(365)).to_string(),
                "occurred_on": occurred.to_string()}),
            1 => json!({"id": id, "patent_number": number, "event": "fee_paid",
                "fee_paid_until": (occurred - Duration::days(rng.range(10, 90))).to_string(),
                "occurred_on": occurred.to_string()}),
            2 => json!({"id": id, "patent_number": number, "event": "licence",
                "occurred_on": occurred.to_string()}),
            3 => json!({"id": id, "patent_number": number, "event": "invalidation_request",
                "occurred_on": occurred.to_string()}),
            _ => json!({"id": id, "patent_number": number, "event": "preservation",
                "occurred_on": occurred.to_string()}),
        }
    }

    fn enterprise_record(&self, n: u64) -> serde_json::Value {
        const TYPES: [(&str, f64); 10] = [
            ("lawsuit_defendant", 0.25),
            ("credit_inquiry_surge", 0.2),
            ("tax_arrears", 0.1),
            ("headcount_drop", 0.1),
            ("revenue_drop", 0.08),
            ("abnormal_operation_listing", 0.08),
            ("enforcement", 0.08),
            ("other_bank_overdue", 0.05),
            ("equity_freeze", 0.04),
            ("dishonest_debtor", 0.02),
        ];
        let mut rng = Rng::new(0x656e_7465_7270 ^ n.wrapping_mul(0x9E37_79B9));
        let weights: Vec<f64> = TYPES.iter().map(|t| t.1).collect();
        let kind = TYPES[rng.weighted(&weights)].0;
        let uscc = if self.usccs.is_empty() {
            String::new()
        } else {
            rng.pick(&self.usccs).clone()
        };
        let occurred = self.today - Duration::days(rng.range(0, 30));
        json!({"id": format!("demo-enterprise-{n}"), "uscc": uscc, "event_type": kind,
            "occurred_on": occurred.to_string(), "ref": format!("demo-{kind}-{n}")})
    }

    /// The page after `since` (an offset; absent = the start) of at most `limit` records.
    fn page(
        &self,
        since: Option<&str>,
        limit: u64,
        patents: bool,
    ) -> Result<serde_json::Value, String> {
        let from: u64 = match since {
            None => 0,
            Some(s) => s
                .parse()
                .map_err(|_| format!("since {s:?} is not a cursor of this provider"))?,
        };
        let to = self.available().max(from).min(from + limit.clamp(1, 1_000));
        let records: Vec<serde_json::Value> = (from..to)
            .map(|n| {
                if patents {
                    self.patent_record(n)
                } else {
                    self.enterprise_record(n)
                }
            })
            .collect();
        Ok(json!({"records": records, "next_cursor": to.to_string(),
            "has_more": to < self.available()}))
    }
}

#[derive(Debug, Deserialize)]
struct PageQuery {
    since: Option<String>,
    limit: Option<u64>,
}

async fn serve_page(
    stream: web::Data<Arc<DemoStream>>,
    q: web::Query<PageQuery>,
    patents: bool,
) -> HttpResponse {
    match stream.page(q.since.as_deref(), q.limit.unwrap_or(500), patents) {
        Ok(page) => HttpResponse::Ok().json(page),
        Err(message) => HttpResponse::BadRequest()
            .json(json!({"error": {"code": "BAD_CURSOR", "message": message}})),
    }
}

/// The register's entry of one number (a number written with `ZL`/`CN` or spaces is read as the
/// platform reads it); 404 when the demo has no such patent.
async fn serve_lookup(
    stream: web::Data<Arc<DemoStream>>,
    number: web::Path<String>,
) -> HttpResponse {
    let known = crate::domain::PatentNumber::parse(&number)
        .ok()
        .and_then(|n| stream.register.get(n.as_str()));
    match known {
        Some(record) => HttpResponse::Ok().json(record),
        None => HttpResponse::NotFound().json(
            json!({"error": {"code": "NOT_FOUND", "message": "no such patent in the register"}}),
        ),
    }
}

/// Serves the stream on `listener` until the process is stopped.
pub fn serve(
    stream: DemoStream,
    listener: std::net::TcpListener,
) -> std::io::Result<actix_web::dev::Server> {
    let stream = web::Data::new(Arc::new(stream));
    Ok(actix_web::HttpServer::new(move || {
        actix_web::App::new()
            .app_data(stream.clone())
            .route(
                "/v1/patent-events",
                web::get().to(|s: web::Data<Arc<DemoStream>>, q: web::Query<PageQuery>| {
                    serve_page(s, q, true)
                }),
            )
            .route("/v1/patents/{number}", web::get().to(serve_lookup))
            .route(
                "/v1/enterprise-events",
                web::get().to(|s: web::Data<Arc<DemoStream>>, q: web::Query<PageQuery>| {
                    serve_page(s, q, false)
                }),
            )
    })
    .workers(1)
    .listen(listener)?
    .run())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::feeds::contract::{FeedKind, check};

    #[test]
    fn the_stream_is_the_same_every_time_and_passes_the_contract() {
        let as_of = NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();
        let today = NaiveDate::from_ymd_opt(2026, 12, 2).unwrap();
        let a = DemoStream::new(as_of, today, 300, 0);
        let b = DemoStream::new(as_of, today, 300, 0);
        let pa = a.page(None, 300, true).unwrap();
        assert_eq!(pa, b.page(None, 300, true).unwrap());
        assert_eq!(pa["next_cursor"], "300");
        assert_eq!(pa["has_more"], false);
        for r in pa["records"].as_array().unwrap() {
            check(FeedKind::Patent, r, today).unwrap_or_else(|e| panic!("{r}: {e}"));
        }
        let pe = a.page(Some("100"), 50, false).unwrap();
        assert_eq!(pe["records"].as_array().unwrap().len(), 50);
        for r in pe["records"].as_array().unwrap() {
            check(FeedKind::Enterprise, r, today).unwrap_or_else(|e| panic!("{r}: {e}"));
        }
        assert!(
            a.first_pledged().is_some(),
            "the demo has a pledged patent of a live loan"
        );
        assert!(a.page(Some("x"), 10, true).is_err());
        let number = a.first_pledged().unwrap().to_string();
        let asked = crate::domain::PatentNumber::parse(&number).unwrap();
        let record =
            crate::feeds::contract::check_register(&a.register[&number], &asked, today).unwrap();
        assert_eq!(record.patent_number, asked);
        assert!(!record.patentees.is_empty());
    }
}
