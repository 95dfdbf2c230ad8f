//! `/api/bank`: the bank view (银知宝). Every handler acts for the caller's own bank; another
//! bank's application, loan, alert, disposal, claim or scorecard is "not found".

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use serde::Deserialize;

use crate::auth::Principal;
use crate::error::{ApiError, ErrorBody};
use crate::routes::db_call;
use crate::routes::enterprise::{read_upload, valuation_params};
use crate::services::bank::applications::{self, ApplicationDetail, QueuePage, QueueQuery};
use crate::services::bank::decisions::{self, DecisionRequest};
use crate::services::bank::disposals::{
    self, ClaimView, DisposalView, FiledClaim, NewOffer, OpenDisposal,
};
use crate::services::bank::evaluation::{self, EvaluationReport};
use crate::services::bank::loan_quality::{self, LoanQuality, LoanQualityDeclaration};
use crate::services::bank::monitoring::{
    self, AlertAction, AlertQuery, BankAlert, LoanQuery, MonitoringRun, PortfolioLoan,
};
use crate::services::bank::pledges::{self, RegistrationRequest};
use crate::services::bank::scorecards::{
    self, ScorecardDetail, ScorecardSummary, ScorecardUploadQuery,
};
use crate::services::bank::servicing::{self, RepaymentRequest, ServicingRun};
use crate::services::proposals::Proposal;
use crate::startup::{AppState, RequestId};

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct FormatQuery {
    /// json (default) or html (a printable page for the credit file).
    pub format: Option<String>,
}

/// Applications sent to the bank, filtered and sorted, with the enterprise, amount, credit
/// line and risk rating.
#[utoipa::path(get, path = "/api/bank/applications", tag = "bank", params(QueueQuery), security(("bearer" = [])),
    responses((status = 200, body = QueuePage), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
#[get("/applications")]
pub async fn queue(
    state: web::Data<AppState>,
    principal: Principal,
    query: web::Query<QueueQuery>,
) -> Result<HttpResponse, ApiError> {
    let (bank, now, q) = (principal.org_id, state.clock.now(), query.into_inner());
    Ok(HttpResponse::Ok()
        .json(db_call(&state, move |conn| applications::queue(conn, bank, &q, now)).await?))
}

/// One application with its enterprise, pledges, decision and proposals.
#[utoipa::path(get, path = "/api/bank/applications/{id}", tag = "bank", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = ApplicationDetail), (status = 404, body = ErrorBody)))]
#[get("/applications/{id}")]
pub async fn application(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let (bank, id) = (principal.org_id, id.into_inner());
    Ok(HttpResponse::Ok()
        .json(db_call(&state, move |conn| applications::detail(conn, bank, id)).await?))
}

/// The collateral evaluation report as of today (JSON, or `?format=html` to print).
#[utoipa::path(get, path = "/api/bank/applications/{id}/evaluation", tag = "bank", params(("id" = i64, Path), FormatQuery), security(("bearer" = [])),
    responses((status = 200, body = EvaluationReport), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[get("/applications/{id}/evaluation")]
pub async fn evaluation_report(
    state: web::Data<AppState>,
    principal: Principal,
    rid: RequestId,
    id: web::Path<i64>,
    query: web::Query<FormatQuery>,
) -> Result<HttpResponse, ApiError> {
    let html = match query.format.as_deref() {
        None | Some("json") => false,
        Some("html") => true,
        Some(_) => {
            return Err(ApiError::bad_request(
                "INVALID_FORMAT",
                "format is json or html",
                Some("format"),
            ));
        }
    };
    let (id, now) = (id.into_inner(), state.clock.now());
    let params = valuation_params();
    let report = db_call(&state, move |conn| {
        evaluation::open(conn, &principal, id, &params, now, &rid.0)
    })
    .await?;
    Ok(if html {
        HttpResponse::Ok()
            .content_type("text/html; charset=utf-8")
            .body(evaluation::to_html(&report))
    } else {
        HttpResponse::Ok().json(report)
    })
}

/// Propose a decision (approve with terms, or reject with a reason); a manager decides it under
/// `/api/bank/proposals`.
#[utoipa::path(post, path = "/api/bank/applications/{id}/proposals", tag = "bank", params(("id" = i64, Path)), request_body = DecisionRequest, security(("bearer" = [])),
    responses((status = 201, body = Proposal), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
#[post("/applications/{id}/proposals")]
pub async fn propose_decision(
    state: web::Data<AppState>,
    principal: Principal,
    rid: RequestId,
    id: web::Path<i64>,
    body: web::Json<DecisionRequest>,
) -> Result<HttpResponse, ApiError> {
    let (now, id, body) = (state.clock.now(), id.into_inner(), body.into_inner());
    let params = valuation_params();
    Ok(HttpResponse::Created().json(
        db_call(&state, move |conn| {
            decisions::propose(conn, &principal, id, body, &params, now, &rid.0)
        })
        .await?,
    ))
}

/// Record a patent's CNIPA pledge registration (number and date) or its refusal.
#[utoipa::path(post, path = "/api/bank/applications/{id}/registrations", tag = "bank", params(("id" = i64, Path)), request_body = RegistrationRequest, security(("bearer" = [])),
    responses((status = 200, body = ApplicationDetail), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
#[post("/applications/{id}/registrations")]
pub async fn register(
    state: web::Data<AppState>,
    principal: Principal,
    rid: RequestId,
    id: web::Path<i64>,
    body: web::Json<RegistrationRequest>,
) -> Result<HttpResponse, ApiError> {
    let (now, id, body) = (state.clock.now(), id.into_inner(), body.into_inner());
    Ok(HttpResponse::Ok().json(
        db_call(&state, move |conn| {
            pledges::register(conn, &principal, id, body, now, &rid.0)
        })
        .await?,
    ))
}

/// Propose the disbursement once every pledge is registered (or refused) and the registered
/// ones cover the approved amount.
#[utoipa::path(post, path = "/api/bank/applications/{id}/disbursement", tag = "bank", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 201, body = Proposal), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[post("/applications/{id}/disbursement")]
pub async fn propose_disbursement(
    state: web::Data<AppState>,
    principal: Principal,
    rid: RequestId,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let (now, id) = (state.clock.now(), id.into_inner());
    Ok(HttpResponse::Created().json(
        db_call(&state, move |conn| {
            pledges::propose_disbursement(conn, &principal, id, now, &rid.0)
        })
        .await?,
    ))
}

/// The bank's loans with rating, collateral and LTV.
#[utoipa::path(get, path = "/api/bank/loans", tag = "bank", params(LoanQuery), security(("bearer" = [])),
    responses((status = 200, body = Vec<PortfolioLoan>), (status = 400, body = ErrorBody)))]
#[get("/loans")]
pub async fn loans(
    state: web::Data<AppState>,
    principal: Principal,
    query: web::Query<LoanQuery>,
) -> Result<HttpResponse, ApiError> {
    let (bank, now, q) = (principal.org_id, state.clock.now(), query.into_inner());
    Ok(HttpResponse::Ok().json(
        db_call(&state, move |conn| {
            monitoring::portfolio(conn, bank, &q, now)
        })
        .await?,
    ))
}

/// Record a repayment; the loan's arrears and status follow.
#[utoipa::path(post, path = "/api/bank/loans/{id}/repayments", tag = "bank", params(("id" = i64, Path)), request_body = RepaymentRequest, security(("bearer" = [])),
    responses((status = 201, body = crate::db::models::LoanRecord), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
#[post("/loans/{id}/repayments")]
pub async fn repay(
    state: web::Data<AppState>,
    principal: Principal,
    rid: RequestId,
    id: web::Path<i64>,
    body: web::Json<RepaymentRequest>,
) -> Result<HttpResponse, ApiError> {
    let (now, id, body) = (state.clock.now(), id.into_inner(), body.into_inner());
    Ok(HttpResponse::Created().json(
        db_call(&state, move |conn| {
            servicing::record_repayment(conn, &principal, id, body, now, &rid.0)
        })
        .await?,
    ))
}

/// Open the disposal of a defaulted loan's pledged patent.
#[utoipa::path(post, path = "/api/bank/loans/{id}/disposals", tag = "bank", params(("id" = i64, Path)), request_body = OpenDisposal, security(("bearer" = [])),
    responses((status = 201, body = DisposalView), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
#[post("/loans/{id}/disposals")]
pub async fn open_disposal(
    state: web::Data<AppState>,
    principal: Principal,
    rid: RequestId,
    id: web::Path<i64>,
    body: web::Json<OpenDisposal>,
) -> Result<HttpResponse, ApiError> {
    let (now, id, body) = (state.clock.now(), id.into_inner(), body.into_inner());
    Ok(HttpResponse::Created().json(
        db_call(&state, move |conn| {
            disposals::open(conn, &principal, id, body, now, &rid.0)
        })
        .await?,
    ))
}

/// File the claim on the district pool (loss after recoveries, shared by the pool's rules).
#[utoipa::path(post, path = "/api/bank/loans/{id}/claim", tag = "bank", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 201, body = FiledClaim), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
#[post("/loans/{id}/claim")]
pub async fn file_claim(
    state: web::Data<AppState>,
    principal: Principal,
    rid: RequestId,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let (now, id) = (state.clock.now(), id.into_inner());
    Ok(HttpResponse::Created().json(
        db_call(&state, move |conn| {
            disposals::file_claim(conn, &principal, id, now, &rid.0)
        })
        .await?,
    ))
}

/// Bring every live loan's arrears and status up to today (the scheduler does the same daily).
#[utoipa::path(post, path = "/api/bank/servicing/run", tag = "bank", security(("bearer" = [])),
    responses((status = 200, body = ServicingRun)))]
#[post("/servicing/run")]
pub async fn run_servicing(
    state: web::Data<AppState>,
    principal: Principal,
    rid: RequestId,
) -> Result<HttpResponse, ApiError> {
    let now = state.clock.now();
    Ok(HttpResponse::Ok().json(
        db_call(&state, move |conn| {
            servicing::run(
                conn,
                &principal.actor(),
                Some(principal.org_id),
                now,
                &rid.0,
            )
        })
        .await?,
    ))
}

/// Revalue every pledged patent and raise the monitoring alerts (the scheduler does the same daily).
#[utoipa::path(post, path = "/api/bank/monitoring/run", tag = "bank", security(("bearer" = [])),
    responses((status = 200, body = MonitoringRun)))]
#[post("/monitoring/run")]
pub async fn run_monitoring(
    state: web::Data<AppState>,
    principal: Principal,
    rid: RequestId,
) -> Result<HttpResponse, ApiError> {
    let now = state.clock.now();
    let params = valuation_params();
    Ok(HttpResponse::Ok().json(
        db_call(&state, move |conn| {
            monitoring::run(
                conn,
                &principal.actor(),
                Some(principal.org_id),
                &params,
                now,
                &rid.0,
            )
        })
        .await?,
    ))
}

/// The bank's alerts, newest first (open ones by default).
#[utoipa::path(get, path = "/api/bank/alerts", tag = "bank", params(AlertQuery), security(("bearer" = [])),
    responses((status = 200, body = Vec<BankAlert>), (status = 400, body = ErrorBody)))]
#[get("/alerts")]
pub async fn alerts(
    state: web::Data<AppState>,
    principal: Principal,
    query: web::Query<AlertQuery>,
) -> Result<HttpResponse, ApiError> {
    let (bank, q) = (principal.org_id, query.into_inner());
    Ok(HttpResponse::Ok()
        .json(db_call(&state, move |conn| monitoring::list_alerts(conn, bank, &q)).await?))
}

async fn alert_action(
    state: web::Data<AppState>,
    principal: Principal,
    rid: RequestId,
    id: web::Path<i64>,
    body: Option<web::Json<AlertAction>>,
    action: &'static str,
) -> Result<HttpResponse, ApiError> {
    let body = body.map_or(
        AlertAction {
            user_id: None,
            resolution: None,
        },
        web::Json::into_inner,
    );
    let (now, id) = (state.clock.now(), id.into_inner());
    Ok(HttpResponse::Ok().json(
        db_call(&state, move |conn| {
            monitoring::act_on_alert(conn, &principal, id, action, body, now, &rid.0)
        })
        .await?,
    ))
}

/// Acknowledge an alert.
#[utoipa::path(post, path = "/api/bank/alerts/{id}/acknowledge", tag = "bank", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = BankAlert), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
#[post("/alerts/{id}/acknowledge")]
pub async fn acknowledge_alert(
    s: web::Data<AppState>,
    p: Principal,
    r: RequestId,
    id: web::Path<i64>,
    b: Option<web::Json<AlertAction>>,
) -> Result<HttpResponse, ApiError> {
    alert_action(s, p, r, id, b, "acknowledge").await
}

/// Assign an alert to a user of the bank (`user_id`).
#[utoipa::path(post, path = "/api/bank/alerts/{id}/assign", tag = "bank", params(("id" = i64, Path)), request_body = AlertAction, security(("bearer" = [])),
    responses((status = 200, body = BankAlert), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
#[post("/alerts/{id}/assign")]
pub async fn assign_alert(
    s: web::Data<AppState>,
    p: Principal,
    r: RequestId,
    id: web::Path<i64>,
    b: Option<web::Json<AlertAction>>,
) -> Result<HttpResponse, ApiError> {
    alert_action(s, p, r, id, b, "assign").await
}

/// Resolve an alert, saying what was done (`resolution`).
#[utoipa::path(post, path = "/api/bank/alerts/{id}/resolve", tag = "bank", params(("id" = i64, Path)), request_body = AlertAction, security(("bearer" = [])),
    responses((status = 200, body = BankAlert), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
#[post("/alerts/{id}/resolve")]
pub async fn resolve_alert(
    s: web::Data<AppState>,
    p: Principal,
    r: RequestId,
    id: web::Path<i64>,
    b: Option<web::Json<AlertAction>>,
) -> Result<HttpResponse, ApiError> {
    alert_action(s, p, r, id, b, "resolve").await
}

/// The bank's disposals with their offers.
#[utoipa::path(get, path = "/api/bank/disposals", tag = "bank", security(("bearer" = [])),
    responses((status = 200, body = Vec<DisposalView>)))]
#[get("/disposals")]
pub async fn list_disposals(
    state: web::Data<AppState>,
    principal: Principal,
) -> Result<HttpResponse, ApiError> {
    let bank = principal.org_id;
    Ok(HttpResponse::Ok().json(db_call(&state, move |conn| disposals::list(conn, bank)).await?))
}

/// One disposal with its offers.
#[utoipa::path(get, path = "/api/bank/disposals/{id}", tag = "bank", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = DisposalView), (status = 404, body = ErrorBody)))]
#[get("/disposals/{id}")]
pub async fn disposal(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let (bank, id) = (principal.org_id, id.into_inner());
    Ok(HttpResponse::Ok().json(db_call(&state, move |conn| disposals::get(conn, bank, id)).await?))
}

/// Record an offer for a disposed patent.
#[utoipa::path(post, path = "/api/bank/disposals/{id}/offers", tag = "bank", params(("id" = i64, Path)), request_body = NewOffer, security(("bearer" = [])),
    responses((status = 201, body = DisposalView), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
#[post("/disposals/{id}/offers")]
pub async fn add_offer(
    state: web::Data<AppState>,
    principal: Principal,
    rid: RequestId,
    id: web::Path<i64>,
    body: web::Json<NewOffer>,
) -> Result<HttpResponse, ApiError> {
    let (now, id, body) = (state.clock.now(), id.into_inner(), body.into_inner());
    Ok(HttpResponse::Created().json(
        db_call(&state, move |conn| {
            disposals::add_offer(conn, &principal, id, body, now, &rid.0)
        })
        .await?,
    ))
}

/// Propose accepting an offer (a manager approves the sale).
#[utoipa::path(post, path = "/api/bank/disposals/{id}/offers/{offer_id}/accept", tag = "bank", params(("id" = i64, Path), ("offer_id" = i64, Path)), security(("bearer" = [])),
    responses((status = 201, body = Proposal), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
#[post("/disposals/{id}/offers/{offer_id}/accept")]
pub async fn accept_offer(
    state: web::Data<AppState>,
    principal: Principal,
    rid: RequestId,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, ApiError> {
    let (now, (id, offer)) = (state.clock.now(), path.into_inner());
    Ok(HttpResponse::Created().json(
        db_call(&state, move |conn| {
            disposals::propose_sale(conn, &principal, id, offer, now, &rid.0)
        })
        .await?,
    ))
}

/// The bank's claims on district pools.
#[utoipa::path(get, path = "/api/bank/claims", tag = "bank", security(("bearer" = [])),
    responses((status = 200, body = Vec<ClaimView>)))]
#[get("/claims")]
pub async fn claims(
    state: web::Data<AppState>,
    principal: Principal,
) -> Result<HttpResponse, ApiError> {
    let bank = principal.org_id;
    Ok(HttpResponse::Ok()
        .json(db_call(&state, move |conn| disposals::list_claims(conn, bank)).await?))
}

/// The bank's scorecards.
#[utoipa::path(get, path = "/api/bank/scorecards", tag = "bank", security(("bearer" = [])),
    responses((status = 200, body = Vec<ScorecardSummary>)))]
#[get("/scorecards")]
pub async fn list_scorecards(
    state: web::Data<AppState>,
    principal: Principal,
) -> Result<HttpResponse, ApiError> {
    let bank = principal.org_id;
    Ok(HttpResponse::Ok().json(db_call(&state, move |conn| scorecards::list(conn, bank)).await?))
}

/// Upload a fitted scorecard (.json) or training data (.csv / .parquet with `target`) to fit one.
#[utoipa::path(post, path = "/api/bank/scorecards", tag = "bank", params(ScorecardUploadQuery), security(("bearer" = [])),
    request_body(content_type = "multipart/form-data", content = String),
    responses((status = 201, body = ScorecardDetail), (status = 400, body = ErrorBody), (status = 413, body = ErrorBody)))]
#[post("/scorecards")]
pub async fn upload_scorecard(
    state: web::Data<AppState>,
    principal: Principal,
    rid: RequestId,
    req: HttpRequest,
    query: web::Query<ScorecardUploadQuery>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let upload = read_upload(&req, payload).await?;
    let q = query.into_inner();
    let now = state.clock.now();
    let detail = db_call(&state, move |conn| {
        // Fitted before the transaction, on the blocking pool.
        let (card, source) = scorecards::model_of(&upload, &q)?;
        scorecards::create(conn, &principal, &q.name, &card, source, now, &rid.0)
    })
    .await?;
    Ok(HttpResponse::Created().json(detail))
}

/// One scorecard with its report.
#[utoipa::path(get, path = "/api/bank/scorecards/{id}", tag = "bank", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = ScorecardDetail), (status = 404, body = ErrorBody)))]
#[get("/scorecards/{id}")]
pub async fn scorecard(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let (bank, id) = (principal.org_id, id.into_inner());
    Ok(
        HttpResponse::Ok()
            .json(db_call(&state, move |conn| scorecards::get(conn, bank, id)).await?),
    )
}

/// Propose making a scorecard the bank's active model (a manager approves).
#[utoipa::path(post, path = "/api/bank/scorecards/{id}/activate", tag = "bank", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 201, body = Proposal), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
#[post("/scorecards/{id}/activate")]
pub async fn activate_scorecard(
    state: web::Data<AppState>,
    principal: Principal,
    rid: RequestId,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let (now, id) = (state.clock.now(), id.into_inner());
    Ok(HttpResponse::Created().json(
        db_call(&state, move |conn| {
            scorecards::propose_activation(conn, &principal, id, now, &rid.0)
        })
        .await?,
    ))
}

/// Record money recovered after the pool paid a claim; the pool's share flows back to its balance.
#[utoipa::path(post, path = "/api/bank/claims/{id}/recoveries", tag = "bank", params(("id" = i64, Path)), request_body = crate::services::gov::claims::RecoveryRequest, security(("bearer" = [])),
    responses((status = 201, body = ClaimView), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
#[post("/claims/{id}/recoveries")]
pub async fn record_recovery(
    state: web::Data<AppState>,
    principal: Principal,
    rid: RequestId,
    id: web::Path<i64>,
    body: web::Json<crate::services::gov::claims::RecoveryRequest>,
) -> Result<HttpResponse, ApiError> {
    let (now, id, body) = (state.clock.now(), id.into_inner(), body.into_inner());
    Ok(HttpResponse::Created().json(
        db_call(&state, move |conn| {
            crate::services::gov::claims::record_recovery(conn, &principal, id, body, now, &rid.0)
        })
        .await?,
    ))
}

/// The bank's declarations of its overall non-performing-loan rate, latest period first.
#[utoipa::path(get, path = "/api/bank/loan-quality", tag = "bank", security(("bearer" = [])),
    responses((status = 200, body = Vec<LoanQuality>), (status = 403, body = ErrorBody)))]
#[get("/loan-quality")]
pub async fn list_loan_quality(
    state: web::Data<AppState>,
    principal: Principal,
) -> Result<HttpResponse, ApiError> {
    let bank = principal.org_id;
    Ok(HttpResponse::Ok().json(db_call(&state, move |conn| loan_quality::list(conn, bank)).await?))
}

/// A bank manager declares the bank's overall non-performing-loan rate for a period (the
/// district's reports hold the IP loans' bad-loan rate against it).
#[utoipa::path(post, path = "/api/bank/loan-quality", tag = "bank", request_body = LoanQualityDeclaration, security(("bearer" = [])),
    responses((status = 201, body = LoanQuality), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
#[post("/loan-quality")]
pub async fn declare_loan_quality(
    state: web::Data<AppState>,
    principal: Principal,
    rid: RequestId,
    body: web::Json<LoanQualityDeclaration>,
) -> Result<HttpResponse, ApiError> {
    let (now, body) = (state.clock.now(), body.into_inner());
    Ok(HttpResponse::Created().json(
        db_call(&state, move |conn| {
            loan_quality::declare(conn, &principal, body, now, &rid.0)
        })
        .await?,
    ))
}
