//! The access matrix: every route of the OpenAPI document × every role (and no token) × own or
//! another organisation's object → the expected status. A route in the document without an
//! entry here, or an entry for a route that is gone, fails the test.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;

use serde_json::json;
use zhirong_api::auth::Role;
use zhirong_tests::{
    Backend, Client, DEMO_PASSWORD, DEMO_USERS, Server, TestDb, load_demo, on_both_backends,
    principal_of, propose_as,
};

/// Who may call a route and what they get.
enum Access {
    /// Everybody, with or without a token, gets this status.
    Public(u16),
    /// Any signed-in user gets this status; no token is 401.
    AnyUser(u16),
    /// Only the scope's roles get in (others 403, no token 401). Of those, `acting` roles get
    /// `ok` on their own organisation's object and the rest 403; another organisation's object
    /// is 404 for every role in the scope.
    Scope {
        roles: &'static [&'static str],
        acting: &'static [&'static str],
        ok: u16,
    },
}

const BANK: &[&str] = &["bank_officer", "bank_manager"];
const GOV: &[&str] = &["gov_officer", "gov_manager"];
const ADMIN: &[&str] = &["admin"];
const ENTERPRISE: &[&str] = &["enterprise_user"];

fn matrix() -> Vec<(&'static str, &'static str, Access)> {
    use Access::*;
    vec![
        ("GET", "/healthz", Public(200)),
        ("GET", "/readyz", Public(200)),
        ("GET", "/metrics", Public(200)),
        ("POST", "/api/auth/login", Public(200)),
        ("POST", "/api/auth/refresh", Public(401)),
        ("POST", "/api/auth/logout", AnyUser(204)),
        ("GET", "/api/auth/me", AnyUser(200)),
        ("GET", "/api/auth/me/sign-in-attempts", AnyUser(200)),
        // With a wrong old password: every user reaches it, nobody's password changes.
        ("POST", "/api/auth/password", AnyUser(400)),
        (
            "GET",
            "/api/enterprise/organisation",
            Scope {
                roles: ENTERPRISE,
                acting: ENTERPRISE,
                ok: 200,
            },
        ),
        (
            "GET",
            "/api/enterprise/profile",
            Scope {
                roles: ENTERPRISE,
                acting: ENTERPRISE,
                ok: 200,
            },
        ),
        (
            "PUT",
            "/api/enterprise/profile",
            Scope {
                roles: ENTERPRISE,
                acting: ENTERPRISE,
                ok: 200,
            },
        ),
        (
            "GET",
            "/api/enterprise/patents",
            Scope {
                roles: ENTERPRISE,
                acting: ENTERPRISE,
                ok: 200,
            },
        ),
        (
            "POST",
            "/api/enterprise/patents",
            Scope {
                roles: ENTERPRISE,
                acting: ENTERPRISE,
                ok: 201,
            },
        ),
        (
            "GET",
            "/api/enterprise/patents/template.csv",
            Scope {
                roles: ENTERPRISE,
                acting: ENTERPRISE,
                ok: 200,
            },
        ),
        (
            "POST",
            "/api/enterprise/patents/import",
            Scope {
                roles: ENTERPRISE,
                acting: ENTERPRISE,
                ok: 201,
            },
        ),
        (
            "GET",
            "/api/enterprise/patents/{id}",
            Scope {
                roles: ENTERPRISE,
                acting: ENTERPRISE,
                ok: 200,
            },
        ),
        (
            "PUT",
            "/api/enterprise/patents/{id}",
            Scope {
                roles: ENTERPRISE,
                acting: ENTERPRISE,
                ok: 200,
            },
        ),
        (
            "DELETE",
            "/api/enterprise/patents/{id}",
            Scope {
                roles: ENTERPRISE,
                acting: ENTERPRISE,
                ok: 204,
            },
        ),
        (
            "POST",
            "/api/enterprise/patents/{id}/change-requests",
            Scope {
                roles: ENTERPRISE,
                acting: ENTERPRISE,
                ok: 201,
            },
        ),
        (
            "GET",
            "/api/enterprise/patent-change-requests",
            Scope {
                roles: ENTERPRISE,
                acting: ENTERPRISE,
                ok: 200,
            },
        ),
        (
            "POST",
            "/api/enterprise/patent-change-requests/{id}/withdraw",
            Scope {
                roles: ENTERPRISE,
                acting: ENTERPRISE,
                ok: 200,
            },
        ),
        (
            "POST",
            "/api/enterprise/valuations",
            Scope {
                roles: ENTERPRISE,
                acting: ENTERPRISE,
                ok: 200,
            },
        ),
        (
            "POST",
            "/api/enterprise/applications",
            Scope {
                roles: ENTERPRISE,
                acting: ENTERPRISE,
                ok: 201,
            },
        ),
        (
            "GET",
            "/api/enterprise/applications",
            Scope {
                roles: ENTERPRISE,
                acting: ENTERPRISE,
                ok: 200,
            },
        ),
        (
            "GET",
            "/api/enterprise/applications/{id}",
            Scope {
                roles: ENTERPRISE,
                acting: ENTERPRISE,
                ok: 200,
            },
        ),
        (
            "GET",
            "/api/enterprise/applications/{id}/readiness",
            Scope {
                roles: ENTERPRISE,
                acting: ENTERPRISE,
                ok: 200,
            },
        ),
        (
            "POST",
            "/api/enterprise/applications/{id}/submit",
            Scope {
                roles: ENTERPRISE,
                acting: ENTERPRISE,
                ok: 200,
            },
        ),
        (
            "POST",
            "/api/enterprise/applications/{id}/withdraw",
            Scope {
                roles: ENTERPRISE,
                acting: ENTERPRISE,
                ok: 200,
            },
        ),
        (
            "GET",
            "/api/enterprise/loans",
            Scope {
                roles: ENTERPRISE,
                acting: ENTERPRISE,
                ok: 200,
            },
        ),
        (
            "GET",
            "/api/enterprise/alerts",
            Scope {
                roles: ENTERPRISE,
                acting: ENTERPRISE,
                ok: 200,
            },
        ),
        (
            "POST",
            "/api/enterprise/alerts/read-all",
            Scope {
                roles: ENTERPRISE,
                acting: ENTERPRISE,
                ok: 200,
            },
        ),
        (
            "POST",
            "/api/enterprise/alerts/{id}/read",
            Scope {
                roles: ENTERPRISE,
                acting: ENTERPRISE,
                ok: 200,
            },
        ),
        (
            "GET",
            "/api/enterprise/financials",
            Scope {
                roles: ENTERPRISE,
                acting: ENTERPRISE,
                ok: 200,
            },
        ),
        (
            "PUT",
            "/api/enterprise/financials/{year}",
            Scope {
                roles: ENTERPRISE,
                acting: ENTERPRISE,
                ok: 200,
            },
        ),
        (
            "POST",
            "/api/enterprise/financials/import",
            Scope {
                roles: ENTERPRISE,
                acting: ENTERPRISE,
                ok: 201,
            },
        ),
        (
            "GET",
            "/api/bank/organisation",
            Scope {
                roles: BANK,
                acting: BANK,
                ok: 200,
            },
        ),
        (
            "GET",
            "/api/bank/applications",
            Scope {
                roles: BANK,
                acting: BANK,
                ok: 200,
            },
        ),
        (
            "GET",
            "/api/bank/applications/{id}",
            Scope {
                roles: BANK,
                acting: BANK,
                ok: 200,
            },
        ),
        (
            "GET",
            "/api/bank/applications/{id}/evaluation",
            Scope {
                roles: BANK,
                acting: BANK,
                ok: 200,
            },
        ),
        (
            "POST",
            "/api/bank/applications/{id}/proposals",
            Scope {
                roles: BANK,
                acting: BANK,
                ok: 201,
            },
        ),
        (
            "POST",
            "/api/bank/applications/{id}/registrations",
            Scope {
                roles: BANK,
                acting: BANK,
                ok: 409,
            },
        ),
        (
            "POST",
            "/api/bank/applications/{id}/disbursement",
            Scope {
                roles: BANK,
                acting: BANK,
                ok: 409,
            },
        ),
        (
            "GET",
            "/api/bank/loans",
            Scope {
                roles: BANK,
                acting: BANK,
                ok: 200,
            },
        ),
        (
            "POST",
            "/api/bank/loans/{id}/repayments",
            Scope {
                roles: BANK,
                acting: BANK,
                ok: 201,
            },
        ),
        (
            "POST",
            "/api/bank/loans/{id}/pledge-release",
            Scope {
                roles: BANK,
                acting: BANK,
                ok: 409,
            },
        ),
        (
            "POST",
            "/api/bank/loans/{id}/disposals",
            Scope {
                roles: BANK,
                acting: BANK,
                ok: 409,
            },
        ),
        (
            "POST",
            "/api/bank/loans/{id}/claim",
            Scope {
                roles: BANK,
                acting: BANK,
                ok: 409,
            },
        ),
        (
            "POST",
            "/api/bank/servicing/run",
            Scope {
                roles: BANK,
                acting: BANK,
                ok: 200,
            },
        ),
        (
            "POST",
            "/api/bank/monitoring/run",
            Scope {
                roles: BANK,
                acting: BANK,
                ok: 200,
            },
        ),
        (
            "GET",
            "/api/bank/alerts",
            Scope {
                roles: BANK,
                acting: BANK,
                ok: 200,
            },
        ),
        (
            "POST",
            "/api/bank/alerts/{id}/acknowledge",
            Scope {
                roles: BANK,
                acting: BANK,
                ok: 200,
            },
        ),
        (
            "POST",
            "/api/bank/alerts/{id}/assign",
            Scope {
                roles: BANK,
                acting: BANK,
                ok: 200,
            },
        ),
        (
            "POST",
            "/api/bank/alerts/{id}/resolve",
            Scope {
                roles: BANK,
                acting: BANK,
                ok: 200,
            },
        ),
        (
            "GET",
            "/api/bank/disposals",
            Scope {
                roles: BANK,
                acting: BANK,
                ok: 200,
            },
        ),
        (
            "GET",
            "/api/bank/disposals/{id}",
            Scope {
                roles: BANK,
                acting: BANK,
                ok: 200,
            },
        ),
        (
            "POST",
            "/api/bank/disposals/{id}/offers",
            Scope {
                roles: BANK,
                acting: BANK,
                ok: 201,
            },
        ),
        (
            "POST",
            "/api/bank/disposals/{id}/offers/{offer_id}/accept",
            Scope {
                roles: BANK,
                acting: BANK,
                ok: 201,
            },
        ),
        (
            "GET",
            "/api/bank/claims",
            Scope {
                roles: BANK,
                acting: BANK,
                ok: 200,
            },
        ),
        (
            "GET",
            "/api/bank/scorecards",
            Scope {
                roles: BANK,
                acting: BANK,
                ok: 200,
            },
        ),
        (
            "POST",
            "/api/bank/scorecards",
            Scope {
                roles: BANK,
                acting: BANK,
                ok: 201,
            },
        ),
        (
            "GET",
            "/api/bank/scorecards/{id}",
            Scope {
                roles: BANK,
                acting: BANK,
                ok: 200,
            },
        ),
        (
            "POST",
            "/api/bank/scorecards/{id}/activate",
            Scope {
                roles: BANK,
                acting: BANK,
                ok: 201,
            },
        ),
        (
            "GET",
            "/api/gov/pools",
            Scope {
                roles: GOV,
                acting: GOV,
                ok: 200,
            },
        ),
        (
            "GET",
            "/api/gov/pools/{id}",
            Scope {
                roles: GOV,
                acting: GOV,
                ok: 200,
            },
        ),
        (
            "GET",
            "/api/gov/pools/{id}/loans",
            Scope {
                roles: GOV,
                acting: GOV,
                ok: 200,
            },
        ),
        (
            "POST",
            "/api/gov/pools/{id}/rules",
            Scope {
                roles: GOV,
                acting: GOV,
                ok: 201,
            },
        ),
        (
            "POST",
            "/api/gov/pools/{id}/simulations",
            Scope {
                roles: GOV,
                acting: GOV,
                ok: 202,
            },
        ),
        (
            "GET",
            "/api/gov/pools/{id}/simulations",
            Scope {
                roles: GOV,
                acting: GOV,
                ok: 200,
            },
        ),
        (
            "GET",
            "/api/gov/pools/{id}/simulations/{sim_id}",
            Scope {
                roles: GOV,
                acting: GOV,
                ok: 200,
            },
        ),
        (
            "GET",
            "/api/gov/claims",
            Scope {
                roles: GOV,
                acting: GOV,
                ok: 200,
            },
        ),
        (
            "GET",
            "/api/gov/claims/{id}",
            Scope {
                roles: GOV,
                acting: GOV,
                ok: 200,
            },
        ),
        (
            "POST",
            "/api/gov/claims/{id}/proposals",
            Scope {
                roles: GOV,
                acting: GOV,
                ok: 409,
            },
        ),
        (
            "GET",
            "/api/gov/patent-disputes",
            Scope {
                roles: GOV,
                acting: GOV,
                ok: 200,
            },
        ),
        (
            "GET",
            "/api/gov/patent-disputes/{id}",
            Scope {
                roles: GOV,
                acting: GOV,
                ok: 200,
            },
        ),
        (
            "POST",
            "/api/gov/patent-disputes/{id}/decision",
            Scope {
                roles: GOV,
                acting: GOV,
                ok: 200,
            },
        ),
        (
            "GET",
            "/api/gov/whitelist",
            Scope {
                roles: GOV,
                acting: GOV,
                ok: 200,
            },
        ),
        (
            "GET",
            "/api/gov/whitelist/criteria",
            Scope {
                roles: GOV,
                acting: GOV,
                ok: 200,
            },
        ),
        (
            "PUT",
            "/api/gov/whitelist/criteria",
            Scope {
                roles: GOV,
                acting: GOV,
                ok: 200,
            },
        ),
        (
            "GET",
            "/api/gov/reports/financing",
            Scope {
                roles: GOV,
                acting: GOV,
                ok: 200,
            },
        ),
        (
            "GET",
            "/api/bank/loan-quality",
            Scope {
                roles: BANK,
                acting: BANK,
                ok: 200,
            },
        ),
        (
            "POST",
            "/api/bank/loan-quality",
            Scope {
                roles: BANK,
                acting: &["bank_manager"],
                ok: 201,
            },
        ),
        (
            "POST",
            "/api/bank/claims/{id}/recoveries",
            Scope {
                roles: BANK,
                acting: BANK,
                ok: 409,
            },
        ),
        (
            "GET",
            "/api/gov/organisation",
            Scope {
                roles: GOV,
                acting: GOV,
                ok: 200,
            },
        ),
        (
            "GET",
            "/api/bank/patent-change-requests",
            Scope {
                roles: BANK,
                acting: BANK,
                ok: 200,
            },
        ),
        (
            "GET",
            "/api/bank/patent-change-requests/{id}",
            Scope {
                roles: BANK,
                acting: BANK,
                ok: 200,
            },
        ),
        (
            "POST",
            "/api/bank/patent-change-requests/{id}/proposals",
            Scope {
                roles: BANK,
                acting: BANK,
                ok: 201,
            },
        ),
        (
            "GET",
            "/api/bank/proposals",
            Scope {
                roles: BANK,
                acting: BANK,
                ok: 200,
            },
        ),
        (
            "GET",
            "/api/bank/proposals/{id}",
            Scope {
                roles: BANK,
                acting: BANK,
                ok: 200,
            },
        ),
        (
            "POST",
            "/api/bank/proposals/{id}/approve",
            Scope {
                roles: BANK,
                acting: &["bank_manager"],
                ok: 200,
            },
        ),
        (
            "POST",
            "/api/bank/proposals/{id}/send-back",
            Scope {
                roles: BANK,
                acting: &["bank_manager"],
                ok: 200,
            },
        ),
        (
            "GET",
            "/api/gov/proposals",
            Scope {
                roles: GOV,
                acting: GOV,
                ok: 200,
            },
        ),
        (
            "GET",
            "/api/gov/proposals/{id}",
            Scope {
                roles: GOV,
                acting: GOV,
                ok: 200,
            },
        ),
        (
            "POST",
            "/api/gov/proposals/{id}/approve",
            Scope {
                roles: GOV,
                acting: &["gov_manager"],
                ok: 200,
            },
        ),
        (
            "POST",
            "/api/gov/proposals/{id}/send-back",
            Scope {
                roles: GOV,
                acting: &["gov_manager"],
                ok: 200,
            },
        ),
        (
            "GET",
            "/api/admin/organisations",
            Scope {
                roles: ADMIN,
                acting: ADMIN,
                ok: 200,
            },
        ),
        (
            "POST",
            "/api/admin/organisations",
            Scope {
                roles: ADMIN,
                acting: ADMIN,
                ok: 201,
            },
        ),
        (
            "GET",
            "/api/admin/user-proposals",
            Scope {
                roles: ADMIN,
                acting: ADMIN,
                ok: 200,
            },
        ),
        (
            "GET",
            "/api/enterprise/proposals",
            Scope {
                roles: ENTERPRISE,
                acting: ENTERPRISE,
                ok: 200,
            },
        ),
        (
            "GET",
            "/api/enterprise/proposals/{id}",
            Scope {
                roles: ENTERPRISE,
                acting: ENTERPRISE,
                ok: 200,
            },
        ),
        (
            "POST",
            "/api/enterprise/proposals/{id}/approve",
            Scope {
                roles: ENTERPRISE,
                acting: ENTERPRISE,
                ok: 200,
            },
        ),
        (
            "POST",
            "/api/enterprise/proposals/{id}/send-back",
            Scope {
                roles: ENTERPRISE,
                acting: ENTERPRISE,
                ok: 200,
            },
        ),
        (
            "GET",
            "/api/admin/users",
            Scope {
                roles: ADMIN,
                acting: ADMIN,
                ok: 200,
            },
        ),
        (
            "POST",
            "/api/admin/users",
            Scope {
                roles: ADMIN,
                acting: ADMIN,
                ok: 201,
            },
        ),
        (
            "GET",
            "/api/admin/feeds",
            Scope {
                roles: ADMIN,
                acting: ADMIN,
                ok: 200,
            },
        ),
        (
            "POST",
            "/api/admin/feeds",
            Scope {
                roles: ADMIN,
                acting: ADMIN,
                ok: 201,
            },
        ),
        (
            "GET",
            "/api/admin/feeds/{id}/quarantine",
            Scope {
                roles: ADMIN,
                acting: ADMIN,
                ok: 200,
            },
        ),
        (
            "GET",
            "/api/admin/jobs",
            Scope {
                roles: ADMIN,
                acting: ADMIN,
                ok: 200,
            },
        ),
        (
            "POST",
            "/api/admin/users/{id}/disable",
            Scope {
                roles: ADMIN,
                acting: ADMIN,
                ok: 200,
            },
        ),
        (
            "POST",
            "/api/admin/users/{id}/enable",
            Scope {
                roles: ADMIN,
                acting: ADMIN,
                ok: 200,
            },
        ),
        (
            "POST",
            "/api/admin/users/{id}/reset-password",
            Scope {
                roles: ADMIN,
                acting: ADMIN,
                ok: 200,
            },
        ),
    ]
}

struct World {
    db: TestDb,
    server: Server,
    /// A signed-in client per demo role.
    clients: Vec<(&'static str, Client)>,
    other_bank_officer: String,
    other_gov_officer: String,
    /// A user of another enterprise, for foreign patents and applications.
    other_enterprise: Client,
    demo_bank: i64,
    other_bank: i64,
    demo_district: i64,
    other_district: i64,
    counter: std::cell::Cell<u32>,
}

/// What a request sends.
enum Body {
    Json(serde_json::Value),
    /// A CSV file as the multipart field `file`.
    Csv(String),
}

/// Today in China, as the server dates valuations.
fn china_today() -> chrono::NaiveDate {
    (chrono::Utc::now() + chrono::Duration::hours(8)).date_naive()
}

/// A granted, valid invention with revenue and its fee paid: ready to pledge.
fn patent_json(number: &str) -> serde_json::Value {
    json!({
        "patent_number": number, "patent_type": "invention", "title": "矩阵测试专利",
        "filing_date": "2020-04-01", "grant_date": "2022-01-10", "legal_status": "valid",
        "ipc_main": "H04L 9/32", "claims": 10, "forward_citations": 4, "backward_citations": 8,
        "family_size": 2, "inventors": 3, "transfers": 1, "licenses": 0, "litigations": 0,
        "invalidation_requests": 0,
        "fee_paid_until": (china_today() + chrono::Duration::days(300)).to_string(),
        "revenue_fen": 300_000_000i64,
    })
}

impl World {
    fn next(&self) -> u32 {
        self.counter.set(self.counter.get() + 1);
        self.counter.get()
    }

    fn enterprise(&self, own: bool) -> &Client {
        if own {
            &self
                .clients
                .iter()
                .find(|(r, _)| *r == "enterprise_user")
                .unwrap()
                .1
        } else {
            &self.other_enterprise
        }
    }

    /// A fresh, valid patent number nobody holds.
    fn patent_number(&self) -> String {
        zhirong_api::domain::PatentNumber::new_style(
            2020,
            zhirong_engine::valuation::PatentType::Invention,
            9_700_000 + self.next(),
        )
        .to_string()
    }

    /// A fresh patent of the demo enterprise (own) or of another one: its id and its body.
    fn patent(&self, own: bool) -> (i64, serde_json::Value) {
        let body = patent_json(&self.patent_number());
        let res = self.enterprise(own).post("/api/enterprise/patents", &body);
        assert_eq!(res.status, 201, "{}", res.body);
        (res.json()["id"].as_i64().unwrap(), body)
    }

    /// A fresh draft application (on a fresh patent) of the demo enterprise or of another one.
    fn application(&self, own: bool) -> i64 {
        let (patent, _) = self.patent(own);
        let res = self.enterprise(own).post(
            "/api/enterprise/applications",
            &self.application_body(patent),
        );
        assert_eq!(res.status, 201, "{}", res.body);
        res.json()["id"].as_i64().unwrap()
    }

    fn application_body(&self, patent: i64) -> serde_json::Value {
        json!({"bank_id": self.demo_bank, "amount_fen": 100, "term_months": 12,
               "purpose": "矩阵测试", "patent_ids": [patent]})
    }

    /// A fresh alert of the demo enterprise or of another one, stored as the monitor would.
    fn alert(&self, own: bool) -> i64 {
        use diesel::prelude::*;
        use zhirong_api::db::models::NewAlert;
        use zhirong_api::db::schema::alerts;
        let enterprise = if own {
            principal_of(&self.db, "demo-enterprise").org_id
        } else {
            principal_of(&self.db, "other-enterprise").org_id
        };
        diesel::insert_into(alerts::table)
            .values(NewAlert {
                enterprise_id: enterprise,
                bank_id: None,
                loan_id: None,
                patent_id: None,
                kind: "fee_due".into(),
                severity: "info".into(),
                message: "矩阵测试提醒".into(),
                details_json: "{}".into(),
                raised_at: chrono::Utc::now().naive_utc(),
            })
            .returning(alerts::id)
            .get_result(&mut self.db.connect())
            .unwrap()
    }

    fn bank(&self, own: bool) -> i64 {
        if own { self.demo_bank } else { self.other_bank }
    }

    /// A fresh application of the demo enterprise submitted to the demo bank (own) or to
    /// another bank.
    fn submitted(&self, own: bool) -> i64 {
        let (patent, _) = self.patent(true);
        let mut body = self.application_body(patent);
        body["bank_id"] = json!(self.bank(own));
        let me = self.enterprise(true);
        let res = me.post("/api/enterprise/applications", &body);
        assert_eq!(res.status, 201, "{}", res.body);
        let id = res.json()["id"].as_i64().unwrap();
        let res = me.post(
            &format!("/api/enterprise/applications/{id}/submit"),
            &json!({}),
        );
        assert_eq!(res.status, 200, "{}", res.body);
        id
    }

    /// A patent of the demo enterprise (own) or of another one, frozen as the collateral of an
    /// application submitted to the demo bank (bank_own) or to another bank.
    fn frozen_patent(&self, own: bool, bank_own: bool) -> i64 {
        let (patent, _) = self.patent(own);
        let mut body = self.application_body(patent);
        body["bank_id"] = json!(self.bank(bank_own));
        let client = self.enterprise(own);
        let res = client.post("/api/enterprise/applications", &body);
        assert_eq!(res.status, 201, "{}", res.body);
        let id = res.json()["id"].as_i64().unwrap();
        let res = client.post(
            &format!("/api/enterprise/applications/{id}/submit"),
            &json!({}),
        );
        assert_eq!(res.status, 200, "{}", res.body);
        patent
    }

    /// An open change request of the demo enterprise (own) or another one, to the demo bank
    /// (bank_own) or another bank.
    fn change_request(&self, own: bool, bank_own: bool) -> i64 {
        let patent = self.frozen_patent(own, bank_own);
        let res = self.enterprise(own).post(
            &format!("/api/enterprise/patents/{patent}/change-requests"),
            &json!({"changes": {"revenue_fen": 400_000_000i64}, "reason": "矩阵测试"}),
        );
        assert_eq!(res.status, 201, "{}", res.body);
        res.json()["id"].as_i64().unwrap()
    }

    /// An active loan of the demo bank (own) or of another bank, from the demo data.
    fn loan(&self, own: bool) -> (i64, i64) {
        use diesel::prelude::*;
        use zhirong_api::db::schema::loans;
        loans::table
            .filter(loans::bank_id.eq(self.bank(own)))
            .filter(loans::status.eq("active"))
            .order(loans::id)
            .select((loans::id, loans::enterprise_id))
            .first(&mut self.db.connect())
            .unwrap()
    }

    /// A fresh alert of the demo bank (own) or of another bank.
    fn bank_alert(&self, own: bool) -> i64 {
        use diesel::prelude::*;
        use zhirong_api::db::models::NewAlert;
        use zhirong_api::db::schema::alerts;
        let (loan, enterprise) = self.loan(own);
        diesel::insert_into(alerts::table)
            .values(NewAlert {
                enterprise_id: enterprise,
                bank_id: Some(self.bank(own)),
                loan_id: Some(loan),
                patent_id: None,
                kind: "overdue".into(),
                severity: "warning".into(),
                message: "矩阵测试预警".into(),
                details_json: "{}".into(),
                raised_at: chrono::Utc::now().naive_utc(),
            })
            .returning(alerts::id)
            .get_result(&mut self.db.connect())
            .unwrap()
    }

    /// A fresh open disposal (with one open offer) of the demo bank (own) or of another bank.
    fn disposal(&self, own: bool) -> (i64, i64) {
        use diesel::prelude::*;
        use zhirong_api::db::schema::{disposal_cases, disposal_offers, pledges};
        let mut conn = self.db.connect();
        let (loan, _) = self.loan(own);
        let patent: i64 = pledges::table
            .filter(pledges::loan_id.eq(loan))
            .select(pledges::patent_id)
            .first(&mut conn)
            .unwrap();
        let now = chrono::Utc::now().naive_utc();
        let case: i64 = diesel::insert_into(disposal_cases::table)
            .values((
                disposal_cases::loan_id.eq(loan),
                disposal_cases::patent_id.eq(patent),
                disposal_cases::bank_id.eq(self.bank(own)),
                disposal_cases::channel.eq("auction"),
                disposal_cases::status.eq("open"),
                disposal_cases::opened_on.eq(china_today() - chrono::Duration::days(3)),
                disposal_cases::created_at.eq(now),
            ))
            .returning(disposal_cases::id)
            .get_result(&mut conn)
            .unwrap();
        let offer: i64 = diesel::insert_into(disposal_offers::table)
            .values((
                disposal_offers::case_id.eq(case),
                disposal_offers::bidder.eq("矩阵测试受让方"),
                disposal_offers::amount_fen.eq(1_000_000i64),
                disposal_offers::offered_on.eq(china_today()),
                disposal_offers::status.eq("open"),
                disposal_offers::created_at.eq(now),
            ))
            .returning(disposal_offers::id)
            .get_result(&mut conn)
            .unwrap();
        (case, offer)
    }

    /// A fresh candidate scorecard (the default model) of the demo bank (own) or another bank.
    fn scorecard(&self, own: bool) -> i64 {
        use diesel::prelude::*;
        use zhirong_api::db::schema::{scorecards, users};
        let mut conn = self.db.connect();
        let creator: i64 = users::table
            .filter(users::org_id.eq(self.bank(own)))
            .select(users::id)
            .first(&mut conn)
            .unwrap();
        diesel::insert_into(scorecards::table)
            .values((
                scorecards::bank_id.eq(self.bank(own)),
                scorecards::name.eq("矩阵测试评分卡"),
                scorecards::source.eq("uploaded"),
                scorecards::model_json.eq(zhirong_engine::scorecard::DEFAULT_ENTERPRISE_MODEL_JSON),
                scorecards::model_digest.eq(format!("matrix-{}", self.next())),
                scorecards::status.eq("candidate"),
                scorecards::created_by.eq(creator),
                scorecards::created_at.eq(chrono::Utc::now().naive_utc()),
            ))
            .returning(scorecards::id)
            .get_result(&mut conn)
            .unwrap()
    }

    fn district(&self, own: bool) -> i64 {
        if own {
            self.demo_district
        } else {
            self.other_district
        }
    }

    /// A fresh open pool of the demo district (own) or another one, with a rule in force, and a
    /// simulation record of it.
    fn gov_pool(&self, own: bool) -> (i64, i64) {
        use diesel::prelude::*;
        use zhirong_api::db::schema::{fund_pools, pool_rules, pool_simulations, users};
        let mut conn = self.db.connect();
        let now = chrono::Utc::now().naive_utc();
        let pool: i64 = diesel::insert_into(fund_pools::table)
            .values((
                fund_pools::district_id.eq(self.district(own)),
                fund_pools::name.eq(format!("矩阵测试资金池{}", self.next())),
                fund_pools::size_fen.eq(1_000_000_000i64),
                fund_pools::balance_fen.eq(1_000_000_000i64),
                fund_pools::opened_on.eq(china_today() - chrono::Duration::days(30)),
                fund_pools::status.eq("open"),
                fund_pools::created_at.eq(now),
            ))
            .returning(fund_pools::id)
            .get_result(&mut conn)
            .unwrap();
        diesel::insert_into(pool_rules::table)
            .values((
                pool_rules::pool_id.eq(pool),
                pool_rules::version.eq(1),
                pool_rules::gov_share_bp.eq(4000),
                pool_rules::bank_share_bp.eq(3000),
                pool_rules::guarantor_share_bp.eq(3000),
                pool_rules::insurer_share_bp.eq(0),
                pool_rules::per_loan_cap_fen.eq(500_000_000i64),
                pool_rules::leverage_limit_pct.eq(1000),
                pool_rules::effective_from.eq(china_today() - chrono::Duration::days(30)),
                pool_rules::created_at.eq(now),
            ))
            .execute(&mut conn)
            .unwrap();
        let user: i64 = users::table
            .filter(users::org_id.eq(self.district(own)))
            .select(users::id)
            .first(&mut conn)
            .unwrap();
        let sim: i64 = diesel::insert_into(pool_simulations::table)
            .values((
                pool_simulations::pool_id.eq(pool),
                pool_simulations::requested_by.eq(user),
                pool_simulations::params_json.eq("{}"),
                pool_simulations::status.eq("queued"),
                pool_simulations::progress.eq(0.0),
                pool_simulations::created_at.eq(now),
            ))
            .returning(pool_simulations::id)
            .get_result(&mut conn)
            .unwrap();
        (pool, sim)
    }

    /// A paid demo claim on a pool of the demo district (own) or of another district.
    fn gov_claim(&self, own: bool) -> i64 {
        use diesel::prelude::*;
        use zhirong_api::db::schema::{claims, fund_pools};
        claims::table
            .inner_join(fund_pools::table)
            .filter(fund_pools::district_id.eq(self.district(own)))
            .filter(claims::status.eq("paid"))
            .select(claims::id)
            .first(&mut self.db.connect())
            .unwrap()
    }

    /// A fresh open dispute over a number claimed by an enterprise of the demo district (own) or
    /// of another district, held by an enterprise of another district.
    fn patent_dispute(&self, own: bool) -> i64 {
        use diesel::prelude::*;
        use zhirong_api::db::schema::{organisations, patent_disputes, patents};
        let mut conn = self.db.connect();
        let district = self.district(own);
        let claimant: i64 = organisations::table
            .filter(organisations::district_org_id.eq(district))
            .select(organisations::id)
            .first(&mut conn)
            .unwrap();
        let (patent, number, holder): (i64, String, i64) = patents::table
            .filter(patents::owner_org_id.ne(claimant))
            .filter(patents::removed_at.is_null())
            .select((patents::id, patents::patent_number, patents::owner_org_id))
            .order(patents::id)
            .offset(i64::from(self.next()))
            .first(&mut conn)
            .unwrap();
        diesel::insert_into(patent_disputes::table)
            .values((
                patent_disputes::patent_number.eq(number),
                patent_disputes::claimant_org_id.eq(claimant),
                patent_disputes::district_org_id.eq(district),
                patent_disputes::holder_org_id.eq(holder),
                patent_disputes::holder_patent_id.eq(patent),
                patent_disputes::source.eq("add"),
                patent_disputes::claimed_json.eq("{}"),
                patent_disputes::status.eq("open"),
                patent_disputes::created_at.eq(chrono::Utc::now().naive_utc()),
            ))
            .returning(patent_disputes::id)
            .get_result(&mut conn)
            .unwrap()
    }

    /// A demo claim of the demo bank (own) or of another bank.
    fn bank_claim(&self, own: bool) -> i64 {
        use diesel::prelude::*;
        use zhirong_api::db::schema::claims;
        let mut q = claims::table.select(claims::id).into_boxed();
        q = if own {
            q.filter(claims::bank_id.eq(self.demo_bank))
        } else {
            q.filter(claims::bank_id.ne(self.demo_bank))
        };
        q.first(&mut self.db.connect()).unwrap()
    }

    fn admin(&self) -> &Client {
        &self.clients.iter().find(|(r, _)| *r == "admin").unwrap().1
    }

    /// A user nobody else uses, for the admin routes that change a user.
    fn throwaway_user(&self) -> i64 {
        let n = self.next();
        let res = self.admin().post(
            "/api/admin/users",
            &json!({"username": format!("throwaway-{n}"), "role": "admin", "org_id": 1, "password": "throwaway passphrase"}),
        );
        assert_eq!(res.status, 201, "{}", res.body);
        res.json()["id"].as_i64().unwrap()
    }

    /// A feed provider nobody polls (it points at a closed port).
    fn feed_provider(&self) -> i64 {
        let n = self.next();
        let res = self.admin().post(
            "/api/admin/feeds",
            &json!({"name": format!("matrix-feed-{n}"), "kind": "enterprise",
                    "base_url": "http://127.0.0.1:9", "interval_secs": 86_400}),
        );
        assert_eq!(res.status, 201, "{}", res.body);
        res.json()["id"].as_i64().unwrap()
    }

    /// A fresh pending proposal of the demo organisation (own) or of another one.
    fn proposal(&self, bank: bool, own: bool) -> i64 {
        let proposer = match (bank, own) {
            (true, true) => "demo-officer",
            (true, false) => self.other_bank_officer.as_str(),
            (false, true) => "demo-gov-officer",
            (false, false) => self.other_gov_officer.as_str(),
        };
        let by = principal_of(&self.db, proposer);
        propose_as(
            &self.db,
            &by,
            if bank {
                Role::BankManager
            } else {
                Role::GovManager
            },
        )
    }

    /// A fresh pending proposal of the operator in the demo enterprise (own) or in another
    /// one, decided by a user of that enterprise.
    fn enterprise_proposal(&self, own: bool) -> i64 {
        let mut by = principal_of(&self.db, "demo-admin");
        by.org_id = principal_of(
            &self.db,
            if own {
                "demo-enterprise"
            } else {
                "other-enterprise"
            },
        )
        .org_id;
        propose_as(&self.db, &by, Role::EnterpriseUser)
    }

    /// The concrete request for a route template.
    fn request(&self, method: &str, template: &str, own: bool) -> (String, Body) {
        let n = self.next();
        let mut body = None;
        let path = if template.contains("/api/enterprise/proposals/{id}") {
            template.replace("{id}", &self.enterprise_proposal(own).to_string())
        } else if template.contains("/api/bank/proposals/{id}") {
            template.replace("{id}", &self.proposal(true, own).to_string())
        } else if template.contains("/api/gov/proposals/{id}") {
            template.replace("{id}", &self.proposal(false, own).to_string())
        } else if template.starts_with("/api/gov/pools/{id}") {
            let (pool, sim) = self.gov_pool(own);
            template
                .replace("{id}", &pool.to_string())
                .replace("{sim_id}", &sim.to_string())
        } else if template.starts_with("/api/gov/patent-disputes/{id}") {
            template.replace("{id}", &self.patent_dispute(own).to_string())
        } else if template.starts_with("/api/gov/claims/{id}") {
            template.replace("{id}", &self.gov_claim(own).to_string())
        } else if template.starts_with("/api/bank/claims/{id}") {
            template.replace("{id}", &self.bank_claim(own).to_string())
        } else if template.starts_with("/api/bank/applications/{id}") {
            template.replace("{id}", &self.submitted(own).to_string())
        } else if template.starts_with("/api/bank/loans/{id}") {
            template.replace("{id}", &self.loan(own).0.to_string())
        } else if template.starts_with("/api/bank/alerts/{id}") {
            template.replace("{id}", &self.bank_alert(own).to_string())
        } else if template.starts_with("/api/bank/disposals/{id}") {
            let (case, offer) = self.disposal(own);
            template
                .replace("{id}", &case.to_string())
                .replace("{offer_id}", &offer.to_string())
        } else if template.starts_with("/api/bank/scorecards/{id}") {
            template.replace("{id}", &self.scorecard(own).to_string())
        } else if template == "/api/bank/scorecards" && method == "POST" {
            "/api/bank/scorecards?name=matrix&target=bad".to_string()
        } else if template.contains("/api/admin/feeds/{id}") {
            template.replace("{id}", &self.feed_provider().to_string())
        } else if template.contains("/api/admin/users/{id}") {
            template.replace("{id}", &self.throwaway_user().to_string())
        } else if template == "/api/enterprise/patents/{id}/change-requests" {
            let patent = if own {
                self.frozen_patent(true, true)
            } else {
                self.frozen_patent(false, true)
            };
            template.replace("{id}", &patent.to_string())
        } else if template.starts_with("/api/enterprise/patent-change-requests/{id}") {
            template.replace("{id}", &self.change_request(own, true).to_string())
        } else if template.starts_with("/api/bank/patent-change-requests/{id}") {
            template.replace("{id}", &self.change_request(true, own).to_string())
        } else if template.contains("/api/enterprise/patents/{id}") {
            let (id, patent) = self.patent(own);
            body = Some(patent);
            template.replace("{id}", &id.to_string())
        } else if template.contains("{year}") {
            template.replace("{year}", &(2015 + n % 10).to_string())
        } else if template.contains("/api/enterprise/alerts/{id}") {
            template.replace("{id}", &self.alert(own).to_string())
        } else if template.contains("/api/enterprise/applications/{id}") {
            template.replace("{id}", &self.application(own).to_string())
        } else {
            template.to_string()
        };
        let body = match (method, template) {
            (_, "/api/auth/login") => {
                json!({"username": "demo-enterprise", "password": DEMO_PASSWORD})
            }
            (_, "/api/auth/refresh") => json!({"refresh_token": "not-a-real-token"}),
            (_, "/api/auth/password") => {
                json!({"old_password": "not the password", "new_password": "never set passphrase"})
            }
            (_, "/api/admin/organisations") => {
                json!({"kind": "bank", "name": format!("矩阵测试银行{n}")})
            }
            (_, "/api/admin/users") => {
                json!({"username": format!("matrix-{n}"), "role": "admin", "org_id": 1, "password": "matrix passphrase"})
            }
            (_, t) if t.ends_with("reset-password") => {
                json!({"password": format!("new matrix passphrase {n}")})
            }
            ("PUT", "/api/enterprise/profile") => json!({"name": format!("矩阵测试企业{n}")}),
            ("POST", "/api/enterprise/patents") => patent_json(&self.patent_number()),
            ("POST", "/api/enterprise/patents/import") => {
                let p = patent_json(&self.patent_number());
                let columns = [
                    "patent_number",
                    "patent_type",
                    "filing_date",
                    "legal_status",
                    "claims",
                    "forward_citations",
                    "backward_citations",
                    "family_size",
                    "inventors",
                    "transfers",
                    "licenses",
                    "litigations",
                    "invalidation_requests",
                ];
                let row: Vec<String> = columns
                    .iter()
                    .map(|c| match &p[*c] {
                        serde_json::Value::String(s) => s.clone(),
                        v => v.to_string(),
                    })
                    .collect();
                return (
                    path,
                    Body::Csv(format!("{}\n{}\n", columns.join(","), row.join(","))),
                );
            }
            ("PUT", "/api/enterprise/financials/{year}") => {
                json!({"revenue_fen": 100_000_000_i64, "profit_fen": -500_000_i64,
                       "assets_fen": 200_000_000_i64, "liabilities_fen": 80_000_000_i64, "headcount": 40})
            }
            ("POST", "/api/enterprise/financials/import") => {
                return (
                    path,
                    Body::Csv(format!(
                        "fiscal_year,revenue_fen,profit_fen,assets_fen,liabilities_fen,headcount\n{},100,10,200,50,3\n",
                        2010 + n % 5
                    )),
                );
            }
            ("POST", "/api/gov/pools/{id}/rules") => {
                json!({"gov_share_bp": 5000, "bank_share_bp": 3000, "guarantor_share_bp": 2000,
                       "insurer_share_bp": 0, "per_loan_cap_fen": 300_000_000i64,
                       "leverage_limit_pct": 800, "effective_from": china_today().to_string(),
                       "eligibility": {"max_bad_credit_years": 3}})
            }
            ("POST", "/api/gov/pools/{id}/simulations") => json!({"scenarios": 1000}),
            ("POST", "/api/gov/claims/{id}/proposals") => json!({"decision": "approve"}),
            ("POST", "/api/gov/patent-disputes/{id}/decision") => {
                json!({"outcome": "holder", "reason": "矩阵测试"})
            }
            ("PUT", "/api/gov/whitelist/criteria") => {
                json!({"ratings": ["normal", "watch"], "no_severe_event_years": 3,
                       "min_valid_inventions": 1, "min_collateral_coverage": 1.0})
            }
            ("POST", "/api/admin/feeds") => {
                json!({"name": format!("matrix-post-{}", self.next()), "kind": "patent",
                       "base_url": "http://127.0.0.1:9", "interval_secs": 86_400})
            }
            ("POST", "/api/bank/loan-quality") => {
                json!({"period_end": china_today().to_string(), "npl_rate_bp": 150})
            }
            ("POST", "/api/bank/claims/{id}/recoveries") => {
                json!({"amount_fen": 100, "received_on": china_today().to_string()})
            }
            ("POST", "/api/enterprise/patents/{id}/change-requests") => {
                json!({"changes": {"revenue_fen": 400_000_000i64}, "reason": "矩阵测试"})
            }
            ("POST", "/api/bank/patent-change-requests/{id}/proposals") => {
                json!({"decision": "refuse", "reason": "矩阵测试"})
            }
            ("POST", "/api/bank/applications/{id}/proposals") => {
                json!({"decision": "reject", "reason_code": "other", "reason": "矩阵测试"})
            }
            ("POST", "/api/bank/applications/{id}/registrations") => {
                json!({"patent_id": 1, "registration_no": "Y2026990000001", "registration_date": china_today().to_string()})
            }
            ("POST", "/api/bank/loans/{id}/repayments") => {
                json!({"paid_on": china_today().to_string(), "principal_fen": 0, "interest_fen": 1})
            }
            ("POST", "/api/bank/loans/{id}/disposals") => {
                json!({"patent_id": 1, "channel": "auction"})
            }
            ("POST", "/api/bank/alerts/{id}/assign") => {
                json!({"user_id": principal_of(&self.db, "demo-officer").user_id})
            }
            ("POST", "/api/bank/alerts/{id}/resolve") => json!({"resolution": "矩阵测试处理完毕"}),
            ("POST", "/api/bank/disposals/{id}/offers") => {
                json!({"bidder": "矩阵测试出价方", "amount_fen": 500_000, "offered_on": china_today().to_string()})
            }
            ("POST", "/api/bank/scorecards") => {
                // Training data with one strong variable: x above 50 is mostly bad.
                let mut csv = String::from("x,bad\n");
                for i in 0..400 {
                    let x = i % 100;
                    let bad = u8::from((x > 50) != (i % 10 == 0));
                    csv.push_str(&format!("{x},{bad}\n"));
                }
                return (path, Body::Csv(csv));
            }
            ("POST", "/api/enterprise/valuations") => {
                json!({"patent_ids": [self.patent(true).0]})
            }
            ("POST", "/api/enterprise/applications") => self.application_body(self.patent(true).0),
            _ => body.unwrap_or_else(|| json!({})),
        };
        (path, Body::Json(body))
    }
}

fn setup(backend: Backend) -> World {
    let db = TestDb::new(backend);
    load_demo(&db);
    // The matrix's feeds point at loopback (port 9, nothing listens): a test bench.
    let server = Server::start_with_env(&db.url, &[("ZHIRONG_FEEDS_ALLOW_PRIVATE", "true")]);
    let clients: Vec<(&'static str, Client)> = DEMO_USERS
        .iter()
        .map(|(u, role)| (*role, server.client().login(u, DEMO_PASSWORD).0))
        .collect();
    let admin = &clients.iter().find(|(r, _)| *r == "admin").unwrap().1;
    let demo_bank = principal_of(&db, "demo-officer").org_id;
    let demo_district = principal_of(&db, "demo-gov-officer").org_id;
    let demo_enterprise = principal_of(&db, "demo-enterprise").org_id;
    let enterprises = admin.get("/api/admin/organisations?kind=enterprise").json();
    let other_enterprise = enterprises
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["id"].as_i64().unwrap())
        .find(|id| *id != demo_enterprise)
        .unwrap();
    let banks = admin.get("/api/admin/organisations?kind=bank").json();
    let other_bank = banks
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["id"].as_i64().unwrap())
        .find(|id| *id != demo_bank)
        .unwrap();
    let districts = admin.get("/api/admin/organisations?kind=district").json();
    let other_district = districts
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["id"].as_i64().unwrap())
        .find(|id| *id != demo_district)
        .unwrap();
    for (name, role, org) in [
        ("other-bank-officer", "bank_officer", other_bank),
        ("other-gov-officer", "gov_officer", other_district),
        ("other-enterprise", "enterprise_user", other_enterprise),
    ] {
        let res = admin.post("/api/admin/users", &json!({"username": name, "role": role, "org_id": org, "password": "another org passphrase"}));
        assert_eq!(res.status, 201, "{}", res.body);
    }
    let other_enterprise = server
        .client()
        .login("other-enterprise", "another org passphrase")
        .0;
    World {
        db,
        server,
        clients,
        other_enterprise,
        demo_bank,
        other_bank,
        demo_district,
        other_district,
        other_bank_officer: "other-bank-officer".into(),
        other_gov_officer: "other-gov-officer".into(),
        counter: std::cell::Cell::new(0),
    }
}

fn every_route_times_every_role_gives_the_expected_status(backend: Backend) {
    let world = setup(backend);

    // The route table is the OpenAPI document; the matrix must cover it exactly.
    let spec = world.server.get("/api/openapi.json").json();
    let mut documented = BTreeSet::new();
    for (path, item) in spec["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            documented.insert((method.to_uppercase(), path.clone()));
        }
    }
    let covered: BTreeSet<(String, String)> = matrix()
        .iter()
        .map(|(m, p, _)| (m.to_string(), p.to_string()))
        .collect();
    assert_eq!(
        documented, covered,
        "every documented route needs an access-matrix entry, and every entry a route"
    );

    let mut failures = Vec::new();
    let mut checked = 0;
    for (method, template, access) in matrix() {
        let scoped = template.contains("{id}");
        let mut callers: Vec<(Option<&str>, Client)> = vec![(None, world.server.client())];
        for (role, client) in &world.clients {
            // Logging out ends the session: give logout a session of its own.
            let client = if template == "/api/auth/logout" {
                let user = DEMO_USERS.iter().find(|(_, r)| r == role).unwrap().0;
                world.server.client().login(user, DEMO_PASSWORD).0
            } else {
                client.clone()
            };
            callers.push((Some(*role), client));
        }
        for (role, client) in &callers {
            for own in if scoped {
                vec![true, false]
            } else {
                vec![true]
            } {
                let expected = match (&access, role) {
                    (Access::Public(s), _) => *s,
                    (Access::AnyUser(_), None) | (Access::Scope { .. }, None) => 401,
                    (Access::AnyUser(s), Some(_)) => *s,
                    (Access::Scope { roles, .. }, Some(r)) if !roles.contains(r) => 403,
                    (Access::Scope { .. }, Some(_))
                        if scoped && !own && !template.starts_with("/api/admin") =>
                    {
                        404
                    }
                    (Access::Scope { acting, ok, .. }, Some(r)) => {
                        if acting.contains(r) {
                            *ok
                        } else {
                            403
                        }
                    }
                };
                if scoped && !own && template.starts_with("/api/admin") {
                    continue; // the operator's routes are not owned by an organisation
                }
                let (path, body) = world.request(method, template, own);
                let res = match (method, &body) {
                    (_, Body::Csv(csv)) => client.upload(&path, "matrix.csv", csv.as_bytes()),
                    ("GET", _) => client.get(&path),
                    ("PUT", Body::Json(b)) => client.put(&path, b),
                    ("DELETE", _) => client.delete(&path),
                    (_, Body::Json(b)) => client.post(&path, b),
                };
                checked += 1;
                if res.status != expected {
                    failures.push(format!(
                        "{method} {template} as {} ({}): expected {expected}, got {} {}",
                        role.unwrap_or("anonymous"),
                        if own { "own" } else { "foreign" },
                        res.status,
                        res.body.chars().take(160).collect::<String>()
                    ));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {checked} cases failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(checked > 150, "only {checked} cases ran");
}

on_both_backends!(every_route_times_every_role_gives_the_expected_status);
