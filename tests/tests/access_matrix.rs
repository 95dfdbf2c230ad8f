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
        ("POST", "/api/auth/login", Public(200)),
        ("POST", "/api/auth/refresh", Public(401)),
        ("POST", "/api/auth/logout", AnyUser(204)),
        ("GET", "/api/auth/me", AnyUser(200)),
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
            "/api/bank/organisation",
            Scope {
                roles: BANK,
                acting: BANK,
                ok: 200,
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
    counter: std::cell::Cell<u32>,
}

impl World {
    fn next(&self) -> u32 {
        self.counter.set(self.counter.get() + 1);
        self.counter.get()
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

    /// The concrete request for a route template.
    fn request(&self, method: &str, template: &str, own: bool) -> (String, serde_json::Value) {
        let n = self.next();
        let path = if template.contains("/api/bank/proposals/{id}") {
            template.replace("{id}", &self.proposal(true, own).to_string())
        } else if template.contains("/api/gov/proposals/{id}") {
            template.replace("{id}", &self.proposal(false, own).to_string())
        } else if template.contains("/api/admin/users/{id}") {
            template.replace("{id}", &self.throwaway_user().to_string())
        } else {
            template.to_string()
        };
        let body = match (method, template) {
            (_, "/api/auth/login") => {
                json!({"username": "demo-enterprise", "password": DEMO_PASSWORD})
            }
            (_, "/api/auth/refresh") => json!({"refresh_token": "not-a-real-token"}),
            (_, "/api/admin/organisations") => {
                json!({"kind": "bank", "name": format!("矩阵测试银行{n}")})
            }
            (_, "/api/admin/users") => {
                json!({"username": format!("matrix-{n}"), "role": "admin", "org_id": 1, "password": "matrix passphrase"})
            }
            (_, t) if t.ends_with("reset-password") => {
                json!({"password": format!("new matrix passphrase {n}")})
            }
            _ => json!({}),
        };
        (path, body)
    }
}

fn setup(backend: Backend) -> World {
    let db = TestDb::new(backend);
    load_demo(&db);
    let server = Server::start(&db.url);
    let clients: Vec<(&'static str, Client)> = DEMO_USERS
        .iter()
        .map(|(u, role)| (*role, server.client().login(u, DEMO_PASSWORD).0))
        .collect();
    let admin = &clients.iter().find(|(r, _)| *r == "admin").unwrap().1;
    let demo_bank = principal_of(&db, "demo-officer").org_id;
    let demo_district = principal_of(&db, "demo-gov-officer").org_id;
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
    ] {
        let res = admin.post("/api/admin/users", &json!({"username": name, "role": role, "org_id": org, "password": "another org passphrase"}));
        assert_eq!(res.status, 201, "{}", res.body);
    }
    World {
        db,
        server,
        clients,
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
                let res = if method == "GET" {
                    client.get(&path)
                } else {
                    client.post(&path, &body)
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
