//! Ingest: a page of records into the database in one transaction, with the provider's cursor.
//! Each record is checked on its own (a bad one is quarantined with its reason and the rest go
//! on); a record already ingested (same provider, same id) is skipped; the cursor is saved in
//! the same transaction, so a crash before the commit re-reads the page and a crash after it
//! never skips one.
//!
//! What a record does: a patent event updates the patent (fee paid until, legal status, counts
//! of invalidation requests, transfers and licences, the owner when the new one is on the
//! platform) and, where it is a risk, records the owner's `ip` risk event (`patent_lapsed`,
//! `invalidation_request`, `ownership_transfer`, `patent_freeze`, `fee_grace`); an enterprise
//! event is stored as the enterprise's risk event. Records about patents or enterprises that are
//! not on the platform are counted and left.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use zhirong_engine::valuation::LegalStatus;

use super::contract::{FeedKind, Page, PatentChange, Record, check, record_id};
use crate::db::DbConnection;
use crate::db::audit::{self, Actor, Entry};
use crate::db::models::NewRiskEvent;
use crate::db::schema::{feed_providers, feed_quarantine, feed_records, organisations, patents};
use crate::error::ApiError;
use crate::services::alerts::GRACE_MONTHS;
use crate::services::risk::insert_risk_event_once;

/// What one page did.
#[derive(Debug, Default, Clone, PartialEq, serde::Serialize, utoipa::ToSchema)]
pub struct Ingested {
    pub received: usize,
    pub applied: usize,
    pub duplicates: usize,
    pub quarantined: usize,
    /// About a patent or enterprise not on the platform.
    pub unknown: usize,
    /// Enterprises whose patents or risk events changed (for re-scoring and alerts).
    pub enterprises: Vec<i64>,
}

impl Ingested {
    pub fn add(&mut self, other: Ingested) {
        self.received += other.received;
        self.applied += other.applied;
        self.duplicates += other.duplicates;
        self.quarantined += other.quarantined;
        self.unknown += other.unknown;
        self.enterprises.extend(other.enterprises);
        self.enterprises.sort_unstable();
        self.enterprises.dedup();
    }
}

/// A patent as a feed may change it: what its audit row shows before and after.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = patents)]
struct PatentState {
    owner_org_id: i64,
    title: String,
    legal_status: String,
    ipc_main: Option<String>,
    claims: i32,
    forward_citations: i32,
    backward_citations: i32,
    family_size: i32,
    inventors: i32,
    transfers: i32,
    licenses: i32,
    invalidation_requests: i32,
    fee_paid_until: Option<NaiveDate>,
}

fn patent_state(conn: &mut DbConnection, id: i64) -> Result<PatentState, ApiError> {
    Ok(patents::table
        .find(id)
        .select(PatentState::as_select())
        .first(conn)?)
}

/// What one page changed, for the audit: each patent's state before its first change on the
/// page, and each enterprise's new risk events.
#[derive(Default)]
struct Changes {
    patents: std::collections::BTreeMap<i64, PatentState>,
    events: std::collections::BTreeMap<i64, Vec<serde_json::Value>>,
}

/// The feed as an actor in the audit log: `feed:<provider>` (or `file:<name>`).
pub fn feed_actor(source: &str) -> Actor {
    Actor {
        user_id: None,
        username: source.to_string(),
        role: "system".into(),
        org_id: None,
    }
}

#[allow(clippy::too_many_arguments)]
fn risk_event(
    conn: &mut DbConnection,
    enterprise_id: i64,
    event_type: &str,
    occurred_on: NaiveDate,
    patent_id: Option<i64>,
    amount_fen: Option<i64>,
    reference: String,
    source: &str,
    now: NaiveDateTime,
) -> Result<bool, ApiError> {
    insert_risk_event_once(
        conn,
        &NewRiskEvent {
            enterprise_id,
            event_type: event_type.into(),
            occurred_on,
            amount_fen,
            patent_id,
            source: source.into(),
            event_ref: reference,
            created_at: now,
        },
    )
}

/// Applies one checked record; `Ok(None)` when it concerns nothing on the platform.
fn apply(
    conn: &mut DbConnection,
    record: &Record,
    source: &str,
    today: NaiveDate,
    now: NaiveDateTime,
    changes: &mut Changes,
) -> Result<Option<i64>, ApiError> {
    match record {
        Record::Enterprise(e) => {
            let Some(enterprise) = organisations::table
                .filter(organisations::kind.eq("enterprise"))
                .filter(organisations::uscc.eq(e.uscc.as_str()))
                .select(organisations::id)
                .first::<i64>(conn)
                .optional()?
            else {
                return Ok(None);
            };
            let added = risk_event(
                conn,
                enterprise,
                e.event_type.as_str(),
                e.occurred_on,
                None,
                e.amount_fen,
                e.reference.clone(),
                source,
                now,
            )?;
            if added {
                changes
                    .events
                    .entry(enterprise)
                    .or_default()
                    .push(serde_json::json!({
                        "event_type": e.event_type.as_str(), "occurred_on": e.occurred_on,
                        "amount_fen": e.amount_fen, "event_ref": e.reference,
                    }));
            }
            Ok(Some(enterprise))
        }
        Record::Patent(p) => {
            let Some((id, owner, status)) = patents::table
                .filter(patents::patent_number.eq(p.patent_number.as_str()))
                .filter(patents::removed_at.is_null())
                .select((patents::id, patents::owner_org_id, patents::legal_status))
                .first::<(i64, i64, String)>(conn)
                .optional()?
            else {
                return Ok(None);
            };
            let status = LegalStatus::try_from(status)
                .map_err(|e| ApiError::Internal(format!("patent {id}: {e}")))?;
            let reference = format!("{source}:{}", p.id);
            let on = p.occurred_on;
            if let std::collections::btree_map::Entry::Vacant(slot) = changes.patents.entry(id) {
                slot.insert(patent_state(conn, id)?);
            }
            let mut raised: Vec<(String, NaiveDate)> = Vec::new();
            let target = patents::table.find(id);
            // The owner's `ip` risk event about this patent.
            let mut ip_event = |conn: &mut DbConnection, kind: &str, on: NaiveDate| {
                let added = risk_event(
                    conn,
                    owner,
                    kind,
                    on,
                    Some(id),
                    None,
                    reference.clone(),
                    source,
                    now,
                )?;
                if added {
                    raised.push((kind.to_string(), on));
                }
                Ok::<bool, ApiError>(added)
            };
            match &p.change {
                PatentChange::FeePaid { until } => {
                    diesel::update(target)
                        .set((
                            patents::fee_paid_until.eq(until),
                            patents::updated_at.eq(now),
                        ))
                        .execute(conn)?;
                    // A date already past puts the patent in the fee's grace period.
                    let grace_end = until.checked_add_months(chrono::Months::new(GRACE_MONTHS));
                    if *until < today && grace_end.is_some_and(|g| g >= today) {
                        ip_event(conn, "fee_grace", *until)?;
                    }
                }
                PatentChange::Status { legal_status } => {
                    diesel::update(target)
                        .set((
                            patents::legal_status.eq(legal_status.as_str()),
                            patents::updated_at.eq(now),
                        ))
                        .execute(conn)?;
                    if *legal_status == LegalStatus::Lapsed && status != LegalStatus::Lapsed {
                        ip_event(conn, "patent_lapsed", on)?;
                    }
                }
                PatentChange::InvalidationRequest => {
                    let next = if status == LegalStatus::Valid {
                        LegalStatus::UnderInvalidation
                    } else {
                        status
                    };
                    diesel::update(target)
                        .set((
                            patents::invalidation_requests.eq(patents::invalidation_requests + 1),
                            patents::legal_status.eq(next.as_str()),
                            patents::updated_at.eq(now),
                        ))
                        .execute(conn)?;
                    ip_event(conn, "invalidation_request", on)?;
                }
                PatentChange::Transfer { new_owner } => {
                    let to: Option<i64> = organisations::table
                        .filter(organisations::uscc.eq(new_owner.as_str()))
                        .select(organisations::id)
                        .first(conn)
                        .optional()?;
                    diesel::update(target)
                        .set((
                            patents::transfers.eq(patents::transfers + 1),
                            patents::owner_org_id.eq(to.unwrap_or(owner)),
                            patents::updated_at.eq(now),
                        ))
                        .execute(conn)?;
                    if to != Some(owner) {
                        ip_event(conn, "ownership_transfer", on)?;
                    }
                }
                PatentChange::Licence => {
                    diesel::update(target)
                        .set((
                            patents::licenses.eq(patents::licenses + 1),
                            patents::updated_at.eq(now),
                        ))
                        .execute(conn)?;
                }
                PatentChange::Record(r) => {
                    // Each field present replaces the platform's (diesel skips the None ones).
                    diesel::update(target)
                        .set((
                            r.title.as_ref().map(|t| patents::title.eq(t)),
                            r.ipc_main.as_ref().map(|t| patents::ipc_main.eq(t)),
                            r.claims.map(|n| patents::claims.eq(n)),
                            r.forward_citations
                                .map(|n| patents::forward_citations.eq(n)),
                            r.backward_citations
                                .map(|n| patents::backward_citations.eq(n)),
                            r.family_size.map(|n| patents::family_size.eq(n)),
                            r.inventors.map(|n| patents::inventors.eq(n)),
                            patents::updated_at.eq(now),
                        ))
                        .execute(conn)?;
                }
                PatentChange::Preservation => {
                    ip_event(conn, "patent_freeze", on)?;
                }
            }
            for (kind, on) in raised {
                changes
                    .events
                    .entry(owner)
                    .or_default()
                    .push(serde_json::json!({
                        "event_type": kind, "occurred_on": on, "patent_id": id,
                        "event_ref": reference,
                    }));
            }
            Ok(Some(owner))
        }
    }
}

/// Ingests a page of provider `provider_id` and saves `page.next_cursor` as its cursor, all in
/// one transaction. `before_commit` runs last inside it (a test stands in a crash there).
#[allow(clippy::too_many_arguments)]
pub fn ingest_page(
    conn: &mut DbConnection,
    provider_id: i64,
    kind: FeedKind,
    source: &str,
    page: &Page,
    today: NaiveDate,
    now: NaiveDateTime,
    before_commit: &dyn Fn() -> Result<(), ApiError>,
) -> Result<Ingested, ApiError> {
    crate::db::write_tx(conn, |conn| {
        let mut done = Ingested {
            received: page.records.len(),
            ..Ingested::default()
        };
        // The page's ids already ingested, in one statement (and those seen on this page).
        let ids: Vec<String> = page.records.iter().filter_map(record_id).collect();
        let mut changes = Changes::default();
        let mut seen: std::collections::HashSet<String> = feed_records::table
            .filter(feed_records::provider_id.eq(provider_id))
            .filter(feed_records::record_id.eq_any(&ids))
            .select(feed_records::record_id)
            .load::<String>(conn)?
            .into_iter()
            .collect();
        for raw in &page.records {
            let record = match check(kind, raw, today) {
                Ok(r) => r,
                Err(reason) => {
                    diesel::insert_into(feed_quarantine::table)
                        .values((
                            feed_quarantine::provider_id.eq(provider_id),
                            feed_quarantine::record_id.eq(record_id(raw)),
                            feed_quarantine::payload.eq(raw.to_string()),
                            feed_quarantine::reason.eq(&reason),
                            feed_quarantine::received_at.eq(now),
                        ))
                        .execute(conn)?;
                    done.quarantined += 1;
                    continue;
                }
            };
            if !seen.insert(record.id().to_string()) {
                done.duplicates += 1;
                continue;
            }
            diesel::insert_into(feed_records::table)
                .values((
                    feed_records::provider_id.eq(provider_id),
                    feed_records::record_id.eq(record.id()),
                    feed_records::received_at.eq(now),
                ))
                .execute(conn)?;
            match apply(conn, &record, source, today, now, &mut changes)? {
                Some(enterprise) => {
                    done.applied += 1;
                    done.enterprises.push(enterprise);
                }
                None => done.unknown += 1,
            }
        }
        if let Some(next) = &page.next_cursor {
            diesel::update(feed_providers::table.find(provider_id))
                .set(feed_providers::cursor.eq(next))
                .execute(conn)?;
        }
        audit_changes(conn, source, provider_id, changes, now)?;
        done.enterprises.sort_unstable();
        done.enterprises.dedup();
        before_commit()?;
        Ok(done)
    })
}

/// One audit row per patent the page changed (its state before the page's first change and
/// after the last; none when it ends as it was) and per enterprise given new risk events.
fn audit_changes(
    conn: &mut DbConnection,
    source: &str,
    provider_id: i64,
    changes: Changes,
    now: NaiveDateTime,
) -> Result<(), ApiError> {
    let actor = feed_actor(source);
    let request_id = format!("{source}#{provider_id}");
    for (id, before) in changes.patents {
        let after = patent_state(conn, id)?;
        if after == before {
            continue;
        }
        let (before, after) = (
            serde_json::to_value(&before).unwrap_or_default(),
            serde_json::to_value(&after).unwrap_or_default(),
        );
        audit::append(
            conn,
            &actor,
            &Entry {
                action: "feed.patent.update",
                object_type: "patent",
                object_id: id.to_string(),
                before: Some(&before),
                after: Some(&after),
                request_id: &request_id,
            },
            now,
        )?;
    }
    for (enterprise, events) in changes.events {
        let before = serde_json::json!({"new_risk_events": []});
        let after = serde_json::json!({"new_risk_events": events});
        audit::append(
            conn,
            &actor,
            &Entry {
                action: "feed.risk_events",
                object_type: "organisation",
                object_id: enterprise.to_string(),
                before: Some(&before),
                after: Some(&after),
                request_id: &request_id,
            },
            now,
        )?;
    }
    Ok(())
}
