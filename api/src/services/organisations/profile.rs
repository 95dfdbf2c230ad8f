//! The enterprise's own profile. The USCC is fixed when the operator creates the enterprise,
//! and so is its district (it decides which pool covers its loans); the rest it keeps up itself.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use crate::auth::Principal;
use crate::db::audit::{self, Entry};
use crate::db::models::Organisation;
use crate::db::schema::organisations;
use crate::db::{DbConnection, write_tx};
use crate::domain::text::optional_text;
use crate::error::ApiError;
use crate::error::bad;

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Profile {
    pub id: i64,
    pub name: String,
    /// 统一社会信用代码, fixed.
    pub uscc: String,
    /// The district office that covers the enterprise, fixed.
    pub district_org_id: i64,
    pub district_name: String,
    pub division_code: Option<String>,
    pub industry: Option<String>,
    pub contact_name: Option<String>,
    pub contact_phone: Option<String>,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProfileUpdate {
    pub name: String,
    pub industry: Option<String>,
    pub contact_name: Option<String>,
    pub contact_phone: Option<String>,
    /// Fixed: accepted only when it equals the stored code.
    pub uscc: Option<String>,
    /// Fixed: accepted only when it equals the stored district.
    pub district_org_id: Option<i64>,
}

fn enterprise(conn: &mut DbConnection, org_id: i64) -> Result<Organisation, ApiError> {
    Ok(organisations::table
        .find(org_id)
        .filter(organisations::kind.eq("enterprise"))
        .select(Organisation::as_select())
        .first(conn)?)
}

pub fn get(conn: &mut DbConnection, org_id: i64) -> Result<Profile, ApiError> {
    let org = enterprise(conn, org_id)?;
    let district_id = org.district_org_id.ok_or(ApiError::NotFound)?;
    let (district_name, division_code): (String, Option<String>) = organisations::table
        .find(district_id)
        .select((organisations::name, organisations::division_code))
        .first(conn)?;
    Ok(Profile {
        id: org.id,
        name: org.name,
        uscc: org.uscc.unwrap_or_default(),
        district_org_id: district_id,
        district_name,
        division_code,
        industry: org.industry,
        contact_name: org.contact_name,
        contact_phone: org.contact_phone,
    })
}

fn valid_phone(p: &str) -> bool {
    let digits = p.chars().filter(char::is_ascii_digit).count();
    (5..=20).contains(&digits)
        && p.chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '+' | '-' | ' ' | '(' | ')'))
}

pub fn update(
    conn: &mut DbConnection,
    principal: &Principal,
    req: ProfileUpdate,
    now: NaiveDateTime,
    request_id: &str,
) -> Result<Profile, ApiError> {
    let name = crate::domain::text::name(&req.name, 200, "name")?;
    let industry = crate::domain::industry::parse_code(req.industry.as_deref(), "industry")?;
    let contact_name = optional_text(req.contact_name.as_deref(), 100, "contact_name")?;
    let contact_phone = optional_text(req.contact_phone.as_deref(), 30, "contact_phone")?;
    if let Some(p) = &contact_phone
        && !valid_phone(p)
    {
        return Err(bad(
            "INVALID_PHONE",
            "contact_phone has 5 to 20 digits and only digits, spaces, +, -, ( and )",
            "contact_phone",
        ));
    }
    write_tx(conn, |conn| {
        let before = get(conn, principal.org_id)?;
        if let Some(u) = &req.uscc
            && u.trim().to_ascii_uppercase() != before.uscc
        {
            return Err(bad(
                "FIELD_FIXED",
                "the USCC is fixed when the enterprise is registered; ask the platform operator to correct it",
                "uscc",
            ));
        }
        if let Some(d) = req.district_org_id
            && d != before.district_org_id
        {
            return Err(bad(
                "FIELD_FIXED",
                "the district is fixed when the enterprise is registered; ask the platform operator to change it",
                "district_org_id",
            ));
        }
        diesel::update(organisations::table.find(principal.org_id))
            .set((
                organisations::name.eq(&name),
                organisations::industry.eq(&industry),
                organisations::contact_name.eq(&contact_name),
                organisations::contact_phone.eq(&contact_phone),
            ))
            .execute(conn)?;
        let after = get(conn, principal.org_id)?;
        let digest_of = |p: &Profile| {
            serde_json::json!({"name": p.name, "industry": p.industry,
                "contact_name": p.contact_name, "contact_phone": p.contact_phone})
        };
        audit::append(
            conn,
            &principal.actor(),
            &Entry {
                action: "enterprise.profile.update",
                object_type: "organisation",
                object_id: principal.org_id.to_string(),
                before: Some(&digest_of(&before)),
                after: Some(&digest_of(&after)),
                request_id,
            },
            now,
        )?;
        Ok(after)
    })
}
