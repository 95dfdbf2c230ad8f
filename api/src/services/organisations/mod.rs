//! Organisations: enterprises, banks (and guarantors), district offices and the operator. The
//! operator creates them and sees them, not the business data inside them; each organisation
//! reads its own. The enterprise keeps its own profile (`profile`).

pub mod profile;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use crate::auth::Principal;
use crate::db::audit::{self, Entry};
use crate::db::models::{NewOrganisation, Organisation};
use crate::db::schema::organisations;
use crate::db::{DbConnection, write_tx};
use crate::domain::Uscc;
use crate::error::{ApiError, bad};

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct OrganisationView {
    pub id: i64,
    pub kind: String,
    pub name: String,
    pub uscc: Option<String>,
    pub division_code: Option<String>,
    pub district_org_id: Option<i64>,
    pub industry: Option<String>,
    pub contact_name: Option<String>,
    pub contact_phone: Option<String>,
}

impl From<Organisation> for OrganisationView {
    fn from(o: Organisation) -> Self {
        Self {
            id: o.id,
            kind: o.kind,
            name: o.name,
            uscc: o.uscc,
            division_code: o.division_code,
            district_org_id: o.district_org_id,
            industry: o.industry,
            contact_name: o.contact_name,
            contact_phone: o.contact_phone,
        }
    }
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewOrganisationRequest {
    /// enterprise, bank, guarantor or district.
    pub kind: String,
    pub name: String,
    /// Required for enterprises (统一社会信用代码).
    pub uscc: Option<String>,
    /// Required for districts: the six-digit administrative division code.
    pub division_code: Option<String>,
    /// Required for enterprises: the district office that covers them.
    pub district_org_id: Option<i64>,
    pub industry: Option<String>,
    pub contact_name: Option<String>,
    pub contact_phone: Option<String>,
}

pub fn organisation(conn: &mut DbConnection, id: i64) -> Result<OrganisationView, ApiError> {
    let org: Organisation = organisations::table
        .find(id)
        .select(Organisation::as_select())
        .first(conn)?;
    Ok(org.into())
}

pub fn list_organisations(
    conn: &mut DbConnection,
    kind: Option<&str>,
) -> Result<Vec<OrganisationView>, ApiError> {
    let mut q = organisations::table
        .select(Organisation::as_select())
        .order(organisations::id)
        .into_boxed();
    if let Some(k) = kind {
        q = q.filter(organisations::kind.eq(k.to_string()));
    }
    Ok(q.load(conn)?.into_iter().map(Into::into).collect())
}

pub fn create_organisation(
    conn: &mut DbConnection,
    principal: &Principal,
    req: NewOrganisationRequest,
    now: NaiveDateTime,
    request_id: &str,
) -> Result<OrganisationView, ApiError> {
    if !["enterprise", "bank", "guarantor", "district"].contains(&req.kind.as_str()) {
        return Err(bad(
            "INVALID_KIND",
            "kind must be enterprise, bank, guarantor or district",
            "kind",
        ));
    }
    let name = crate::domain::text::name(&req.name, 200, "name")?;
    let industry = crate::domain::industry::parse_code(req.industry.as_deref(), "industry")?;
    let uscc = match (&req.kind[..], req.uscc.as_deref()) {
        (_, Some(code)) => Some(
            Uscc::parse(code)
                .map_err(|e| bad("INVALID_USCC", e.to_string(), "uscc"))?
                .to_string(),
        ),
        ("enterprise", None) => {
            return Err(bad(
                "USCC_REQUIRED",
                "an enterprise needs its unified social credit code",
                "uscc",
            ));
        }
        _ => None,
    };
    let division_code = match (&req.kind[..], req.division_code.as_deref()) {
        (_, Some(d)) if d.len() == 6 && d.bytes().all(|b| b.is_ascii_digit()) => {
            Some(d.to_string())
        }
        (_, Some(_)) => {
            return Err(bad(
                "INVALID_DIVISION_CODE",
                "division_code has six digits",
                "division_code",
            ));
        }
        ("district", None) => {
            return Err(bad(
                "DIVISION_CODE_REQUIRED",
                "a district needs its division code",
                "division_code",
            ));
        }
        _ => None,
    };
    write_tx(conn, |conn| {
        let district_org_id = match (&req.kind[..], req.district_org_id) {
            ("enterprise", Some(d)) => {
                let kind: Option<String> = organisations::table
                    .find(d)
                    .select(organisations::kind)
                    .first(conn)
                    .optional()?;
                if kind.as_deref() != Some("district") {
                    return Err(bad(
                        "INVALID_DISTRICT",
                        format!("organisation {d} is not a district"),
                        "district_org_id",
                    ));
                }
                Some(d)
            }
            ("enterprise", None) => {
                return Err(bad(
                    "DISTRICT_REQUIRED",
                    "an enterprise needs the district that covers it",
                    "district_org_id",
                ));
            }
            (_, Some(_)) => {
                return Err(bad(
                    "UNEXPECTED_DISTRICT",
                    "only enterprises belong to a district",
                    "district_org_id",
                ));
            }
            _ => None,
        };
        if let Some(code) = &uscc {
            let taken: i64 = organisations::table
                .filter(organisations::uscc.eq(code))
                .count()
                .get_result(conn)?;
            if taken > 0 {
                return Err(ApiError::conflict(
                    "USCC_TAKEN",
                    format!("an organisation with USCC {code} exists"),
                ));
            }
        }
        let id: i64 = diesel::insert_into(organisations::table)
            .values(NewOrganisation {
                kind: req.kind.clone(),
                name: name.clone(),
                uscc: uscc.clone(),
                division_code: division_code.clone(),
                district_org_id,
                industry,
                contact_name: req.contact_name.clone(),
                contact_phone: req.contact_phone.clone(),
                created_at: now,
            })
            .returning(organisations::id)
            .get_result(conn)?;
        let view = organisation(conn, id)?;
        let after =
            serde_json::json!({"id": id, "kind": view.kind, "name": view.name, "uscc": view.uscc});
        audit::append(
            conn,
            &principal.actor(),
            &Entry {
                action: "organisation.create",
                object_type: "organisation",
                object_id: id.to_string(),
                before: None,
                after: Some(&after),
                request_id,
            },
            now,
        )?;
        Ok(view)
    })
}
