//! Financing reports (融资统计) of a district: what its enterprises applied for and borrowed,
//! grouped by bank, by district, by industry or by month, as of today.
//!
//! Definitions (every figure is over the district's own enterprises):
//! - applications: applications sent to a bank (drafts never sent are not counted), placed by the
//!   bank they went to and, by month, by the China-time month they were sent; approvals and
//!   rejections are the ones decided that way, approval rate = approvals / (approvals + rejections).
//! - loans: disbursed loans, placed by their bank and, by month, by the month of disbursement (a
//!   vintage: its figures today); lent = Σ principal; outstanding = Σ outstanding of live loans
//!   (active, overdue, defaulted); average rate and term weighted by principal; time to
//!   disbursement = disbursement date − China date the application was sent.
//! - collateral: the live loans' registered pledges at the lending bank's latest valuation (else at
//!   pledging), as the bank's portfolio shows them; coverage = collateral / outstanding.
//! - arrears: live loans past due but not in default; defaults: loans that ever reached 90 days
//!   (their count), bad loans: the outstanding of loans in default now; bad-loan rate = bad loans /
//!   outstanding. By bank, the bank's overall non-performing rate as it last declared it, and
//!   whether the IP loans exceed it by more than the 3 points the regulator tolerates
//!   (银保监发〔2019〕34号).
//! - enterprises served: distinct borrowers with a loan in the group; ratings: their zr-risk-1
//!   rating today.
//! - by month, also the balance at the end of the month (today's outstanding plus the principal
//!   repaid after that month's end, for the loans disbursed by then and not closed before it).

pub mod loan_quality;

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{Datelike, NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use crate::clock::china_today;
use crate::db::DbConnection;
use crate::db::models::LoanRecord;
use crate::db::schema::{applications, bank_loan_quality, loans, organisations, repayments};
use crate::domain::industry;
use crate::domain::status::{ApplicationStatus, LoanStatus};
use crate::error::ApiError;
use crate::error::bad;
use crate::export::{Cell, Table};
use crate::services::monitoring::collateral_by_loan;
use crate::services::risk::scores_of;

/// Points above the bank's overall non-performing rate that IP loans may run (0.03 = 3 points).
pub const BAD_LOAN_TOLERANCE: f64 = 0.03;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum GroupBy {
    Bank,
    District,
    Industry,
    Month,
}

impl GroupBy {
    pub fn parse(s: Option<&str>) -> Result<Self, ApiError> {
        match s {
            None | Some("bank") => Ok(GroupBy::Bank),
            Some("district") => Ok(GroupBy::District),
            Some("industry") => Ok(GroupBy::Industry),
            Some("month") => Ok(GroupBy::Month),
            Some(_) => Err(bad(
                "INVALID_GROUP_BY",
                "group_by is bank, district, industry or month",
                "group_by",
            )),
        }
    }

    fn as_str(self) -> &'static str {
        match self {
            GroupBy::Bank => "bank",
            GroupBy::District => "district",
            GroupBy::Industry => "industry",
            GroupBy::Month => "month",
        }
    }

    fn heading(self) -> &'static str {
        match self {
            GroupBy::Bank => "银行",
            GroupBy::District => "区县",
            GroupBy::Industry => "行业",
            GroupBy::Month => "月份",
        }
    }
}

#[derive(Debug, Default, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct RatingCounts {
    pub normal: i64,
    pub watch: i64,
    pub warning: i64,
    pub critical: i64,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ReportRow {
    /// The group: a bank's or district's id, an industry code ("" when none), a month `YYYY-MM`;
    /// `all` for the totals.
    pub key: String,
    pub label: String,
    pub enterprises_served: i64,
    pub applications: i64,
    pub approvals: i64,
    pub rejections: i64,
    /// approvals / (approvals + rejections).
    pub approval_rate: Option<f64>,
    pub loans: i64,
    pub lent_fen: i64,
    pub outstanding_fen: i64,
    /// Weighted by principal.
    pub avg_rate_bp: Option<f64>,
    /// Weighted by principal.
    pub avg_term_months: Option<f64>,
    pub avg_days_to_disbursement: Option<f64>,
    pub collateral_fen: i64,
    /// collateral / outstanding.
    pub collateral_coverage: Option<f64>,
    pub overdue_loans: i64,
    pub overdue_fen: i64,
    pub defaulted_loans: i64,
    pub bad_loan_fen: i64,
    /// bad loans / outstanding.
    pub bad_loan_rate: Option<f64>,
    /// By bank: the bank's overall non-performing rate as last declared.
    pub bank_overall_bad_loan_rate: Option<f64>,
    /// By bank: whether the bad-loan rate exceeds the overall rate by more than 3 points.
    pub above_tolerance: Option<bool>,
    pub ratings: RatingCounts,
    /// By month: the balance at the end of the month.
    pub outstanding_at_month_end_fen: Option<i64>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct FinancingReport {
    pub group_by: GroupBy,
    pub as_of: NaiveDate,
    pub district_id: i64,
    pub district_name: String,
    pub rows: Vec<ReportRow>,
    pub totals: ReportRow,
}

/// A group's running sums.
#[derive(Default)]
struct Acc {
    borrowers: HashSet<i64>,
    applications: i64,
    approvals: i64,
    rejections: i64,
    loans: i64,
    lent: i64,
    outstanding: i64,
    rate_x_principal: i128,
    term_x_principal: i128,
    days: i64,
    days_n: i64,
    collateral: i64,
    overdue_loans: i64,
    overdue: i64,
    defaulted_loans: i64,
    bad: i64,
    month_end: Option<i64>,
}

fn round4(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

fn ratio(a: i64, b: i64) -> Option<f64> {
    (b > 0).then(|| round4(a as f64 / b as f64))
}

fn weighted(sum: i128, weight: i64) -> Option<f64> {
    (weight > 0).then(|| (sum as f64 / weight as f64 * 100.0).round() / 100.0)
}

impl Acc {
    fn add_application(&mut self, status: ApplicationStatus) {
        self.applications += 1;
        match status {
            ApplicationStatus::Approved => self.approvals += 1,
            ApplicationStatus::Rejected => self.rejections += 1,
            _ => {}
        }
    }

    fn add_loan(&mut self, l: &LoanRecord, sent_on: Option<NaiveDate>, collateral: i64) {
        self.borrowers.insert(l.enterprise_id);
        self.loans += 1;
        self.lent += l.principal_fen;
        self.rate_x_principal += i128::from(l.rate_bp) * i128::from(l.principal_fen);
        self.term_x_principal += i128::from(l.term_months) * i128::from(l.principal_fen);
        if let Some(sent) = sent_on {
            self.days += (l.disbursed_on - sent).num_days();
            self.days_n += 1;
        }
        if l.defaulted_on.is_some() || l.status == LoanStatus::Defaulted {
            self.defaulted_loans += 1;
        }
        if LoanStatus::LIVE.contains(&l.status) {
            self.outstanding += l.outstanding_fen;
            self.collateral += collateral;
            if l.status == LoanStatus::Defaulted {
                self.bad += l.outstanding_fen;
            } else if l.days_past_due > 0 {
                self.overdue_loans += 1;
                self.overdue += l.outstanding_fen;
            }
        }
    }

    fn row(
        &self,
        key: String,
        label: String,
        ratings: &HashMap<i64, &'static str>,
        overall: Option<f64>,
    ) -> ReportRow {
        let mut counts = RatingCounts::default();
        for b in &self.borrowers {
            match ratings.get(b).copied().unwrap_or("normal") {
                "watch" => counts.watch += 1,
                "warning" => counts.warning += 1,
                "critical" => counts.critical += 1,
                _ => counts.normal += 1,
            }
        }
        let bad_loan_rate = ratio(self.bad, self.outstanding);
        ReportRow {
            key,
            label,
            enterprises_served: self.borrowers.len() as i64,
            applications: self.applications,
            approvals: self.approvals,
            rejections: self.rejections,
            approval_rate: ratio(self.approvals, self.approvals + self.rejections),
            loans: self.loans,
            lent_fen: self.lent,
            outstanding_fen: self.outstanding,
            avg_rate_bp: weighted(self.rate_x_principal, self.lent),
            avg_term_months: weighted(self.term_x_principal, self.lent),
            avg_days_to_disbursement: (self.days_n > 0)
                .then(|| (self.days as f64 / self.days_n as f64 * 10.0).round() / 10.0),
            collateral_fen: self.collateral,
            collateral_coverage: ratio(self.collateral, self.outstanding),
            overdue_loans: self.overdue_loans,
            overdue_fen: self.overdue,
            defaulted_loans: self.defaulted_loans,
            bad_loan_fen: self.bad,
            bad_loan_rate,
            bank_overall_bad_loan_rate: overall,
            above_tolerance: overall
                .zip(bad_loan_rate)
                .map(|(o, r)| r > o + BAD_LOAN_TOLERANCE + 1e-12),
            ratings: counts,
            outstanding_at_month_end_fen: self.month_end,
        }
    }
}

fn month_key(d: NaiveDate) -> String {
    format!("{:04}-{:02}", d.year(), d.month())
}

/// The last day of the month of `d`.
fn month_end(d: NaiveDate) -> NaiveDate {
    let (y, m) = if d.month() == 12 {
        (d.year() + 1, 1)
    } else {
        (d.year(), d.month() + 1)
    };
    NaiveDate::from_ymd_opt(y, m, 1)
        .and_then(|first| first.pred_opt())
        .unwrap_or(d)
}

/// Every month from `first` to `last`, both included.
fn months(first: NaiveDate, last: NaiveDate) -> Vec<NaiveDate> {
    let mut out = Vec::new();
    let mut m = first.with_day(1).unwrap_or(first);
    while m <= last {
        out.push(m);
        m = month_end(m).succ_opt().unwrap_or(last);
        if out.len() > 1_200 {
            break;
        }
    }
    out
}

/// An application sent in the district, for the report.
#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = applications)]
struct Application {
    id: i64,
    enterprise_id: i64,
    bank_id: i64,
    status: ApplicationStatus,
    submitted_at: Option<NaiveDateTime>,
}

/// The district's financing report, grouped as asked, as of today.
pub fn financing(
    conn: &mut DbConnection,
    district_id: i64,
    group_by: GroupBy,
    now: NaiveDateTime,
) -> Result<FinancingReport, ApiError> {
    let today = china_today(now);
    let district_name: String = organisations::table
        .find(district_id)
        .select(organisations::name)
        .first(conn)?;
    let enterprises: HashMap<i64, Option<String>> = organisations::table
        .filter(organisations::kind.eq("enterprise"))
        .filter(organisations::district_org_id.eq(district_id))
        .select((organisations::id, organisations::industry))
        .load::<(i64, Option<String>)>(conn)?
        .into_iter()
        .collect();
    let ids: Vec<i64> = enterprises.keys().copied().collect();
    let apps: Vec<Application> = applications::table
        .filter(applications::enterprise_id.eq_any(&ids))
        .filter(applications::submitted_at.is_not_null())
        .select(Application::as_select())
        .load(conn)?;
    let sent_on: HashMap<i64, NaiveDate> = apps
        .iter()
        .filter_map(|a| a.submitted_at.map(|t| (a.id, china_today(t))))
        .collect();
    let all_loans: Vec<LoanRecord> = loans::table
        .filter(loans::enterprise_id.eq_any(&ids))
        .select(LoanRecord::as_select())
        .order(loans::id)
        .load(conn)?;

    let mut by_bank: BTreeMap<i64, Vec<i64>> = BTreeMap::new();
    for l in all_loans
        .iter()
        .filter(|l| LoanStatus::LIVE.contains(&l.status))
    {
        by_bank.entry(l.bank_id).or_default().push(l.id);
    }
    let mut collateral: HashMap<i64, i64> = HashMap::new();
    for (bank, loan_ids) in &by_bank {
        collateral.extend(collateral_by_loan(conn, *bank, loan_ids)?);
    }
    let mut borrowers: Vec<i64> = all_loans.iter().map(|l| l.enterprise_id).collect();
    borrowers.sort_unstable();
    borrowers.dedup();
    let ratings: HashMap<i64, &'static str> = scores_of(conn, &borrowers, today)?
        .into_iter()
        .map(|(id, s)| (id, s.rating.as_str()))
        .collect();

    let mut bank_ids: Vec<i64> = apps
        .iter()
        .map(|a| a.bank_id)
        .chain(all_loans.iter().map(|l| l.bank_id))
        .collect();
    bank_ids.sort_unstable();
    bank_ids.dedup();
    let bank_names: HashMap<i64, String> = organisations::table
        .filter(organisations::id.eq_any(&bank_ids))
        .select((organisations::id, organisations::name))
        .load::<(i64, String)>(conn)?
        .into_iter()
        .collect();
    let overall = overall_bad_loan_rates(conn, &bank_ids)?;

    let industry_of = |e: i64| enterprises.get(&e).cloned().flatten().unwrap_or_default();
    let key_of = |enterprise: i64, bank: i64, on: NaiveDate| -> String {
        match group_by {
            GroupBy::Bank => bank.to_string(),
            GroupBy::District => district_id.to_string(),
            GroupBy::Industry => industry_of(enterprise),
            GroupBy::Month => month_key(on),
        }
    };

    let mut groups: BTreeMap<String, Acc> = BTreeMap::new();
    let mut totals = Acc::default();
    if group_by == GroupBy::Month {
        // Every month from the first application or loan to this one, so a trend has no gaps.
        let first = apps
            .iter()
            .filter_map(|a| a.submitted_at.map(china_today))
            .chain(all_loans.iter().map(|l| l.disbursed_on))
            .min();
        if let Some(first) = first {
            for m in months(first, today) {
                groups.insert(month_key(m), Acc::default());
            }
        }
    }
    for a in &apps {
        let on = a.submitted_at.map(china_today).unwrap_or(today);
        groups
            .entry(key_of(a.enterprise_id, a.bank_id, on))
            .or_default()
            .add_application(a.status);
        totals.add_application(a.status);
    }
    for l in &all_loans {
        let c = collateral.get(&l.id).copied().unwrap_or(0);
        let sent = sent_on.get(&l.application_id).copied();
        groups
            .entry(key_of(l.enterprise_id, l.bank_id, l.disbursed_on))
            .or_default()
            .add_loan(l, sent, c);
        totals.add_loan(l, sent, c);
    }
    if group_by == GroupBy::Month {
        let repaid: Vec<(i64, NaiveDate, i64)> = repayments::table
            .filter(repayments::loan_id.eq_any(all_loans.iter().map(|l| l.id).collect::<Vec<_>>()))
            .select((
                repayments::loan_id,
                repayments::paid_on,
                repayments::principal_fen,
            ))
            .load(conn)?;
        for (key, acc) in groups.iter_mut() {
            let Some(end) = NaiveDate::parse_from_str(&format!("{key}-01"), "%Y-%m-%d")
                .ok()
                .map(month_end)
            else {
                continue;
            };
            let mut balance = 0i64;
            for l in &all_loans {
                if l.disbursed_on > end || l.closed_on.is_some_and(|c| c <= end) {
                    continue;
                }
                let after: i64 = repaid
                    .iter()
                    .filter(|r| r.0 == l.id && r.1 > end)
                    .map(|r| r.2)
                    .sum();
                balance += l.outstanding_fen + after;
            }
            acc.month_end = Some(balance);
        }
    }

    let label_of = |key: &str| -> String {
        match group_by {
            GroupBy::Bank => key
                .parse::<i64>()
                .ok()
                .and_then(|id| bank_names.get(&id).cloned())
                .unwrap_or_else(|| key.to_string()),
            GroupBy::District => district_name.clone(),
            GroupBy::Industry if key.is_empty() => "未填写".into(),
            GroupBy::Industry => format!("{key} {}", industry::label(key)),
            GroupBy::Month => key.to_string(),
        }
    };
    let mut rows: Vec<ReportRow> = groups
        .iter()
        .map(|(key, acc)| {
            let o = match group_by {
                GroupBy::Bank => key
                    .parse::<i64>()
                    .ok()
                    .and_then(|id| overall.get(&id).copied()),
                _ => None,
            };
            acc.row(key.clone(), label_of(key), &ratings, o)
        })
        .collect();
    if group_by != GroupBy::Month {
        // Largest first: the ranking a cockpit shows.
        rows.sort_by(|a, b| b.lent_fen.cmp(&a.lent_fen).then(a.key.cmp(&b.key)));
    }
    let totals = totals.row("all".into(), "合计".into(), &ratings, None);
    Ok(FinancingReport {
        group_by,
        as_of: today,
        district_id,
        district_name,
        rows,
        totals,
    })
}

/// Each bank's overall non-performing rate, from its latest declaration.
fn overall_bad_loan_rates(
    conn: &mut DbConnection,
    bank_ids: &[i64],
) -> Result<HashMap<i64, f64>, ApiError> {
    let rows: Vec<(i64, NaiveDate, i64, i32)> = bank_loan_quality::table
        .filter(bank_loan_quality::bank_id.eq_any(bank_ids))
        .order((
            bank_loan_quality::bank_id,
            bank_loan_quality::period_end,
            bank_loan_quality::id,
        ))
        .select((
            bank_loan_quality::bank_id,
            bank_loan_quality::period_end,
            bank_loan_quality::id,
            bank_loan_quality::npl_rate_bp,
        ))
        .load(conn)?;
    // Ordered by period within a bank: the last one wins.
    Ok(rows
        .into_iter()
        .map(|(b, _, _, bp)| (b, f64::from(bp) / 10_000.0))
        .collect())
}

/// The report as a table for download, with Chinese headers; money in 元, rates in per cent.
pub fn to_table(r: &FinancingReport) -> Table {
    let mut headers: Vec<String> = [
        r.group_by.heading(),
        "服务企业数",
        "申请笔数",
        "批准笔数",
        "拒绝笔数",
        "批准率(%)",
        "放款笔数",
        "放款金额(元)",
        "贷款余额(元)",
        "加权平均利率(%)",
        "加权平均期限(月)",
        "申请至放款平均天数",
        "质押物价值(元)",
        "质押覆盖率",
        "逾期笔数",
        "逾期余额(元)",
        "违约笔数",
        "不良余额(元)",
        "不良率(%)",
    ]
    .iter()
    .map(|s| (*s).to_string())
    .collect();
    let by_bank = r.group_by == GroupBy::Bank;
    let by_month = r.group_by == GroupBy::Month;
    if by_bank {
        headers.push("银行整体不良率(%)".into());
        headers.push("超出容忍度(3个百分点)".into());
    }
    headers.extend(["评级正常", "评级关注", "评级预警", "评级高危"].map(String::from));
    if by_month {
        headers.push("月末余额(元)".into());
    }
    let pct = |x: Option<f64>| Cell::opt_num(x.map(|v| round4(v * 100.0)));
    let row = |x: &ReportRow| -> Vec<Cell> {
        let mut cells = vec![
            Cell::text(x.label.as_str()),
            Cell::Int(x.enterprises_served),
            Cell::Int(x.applications),
            Cell::Int(x.approvals),
            Cell::Int(x.rejections),
            pct(x.approval_rate),
            Cell::Int(x.loans),
            Cell::Yuan(x.lent_fen),
            Cell::Yuan(x.outstanding_fen),
            Cell::opt_num(x.avg_rate_bp.map(|bp| round4(bp / 100.0))),
            Cell::opt_num(x.avg_term_months),
            Cell::opt_num(x.avg_days_to_disbursement),
            Cell::Yuan(x.collateral_fen),
            Cell::opt_num(x.collateral_coverage),
            Cell::Int(x.overdue_loans),
            Cell::Yuan(x.overdue_fen),
            Cell::Int(x.defaulted_loans),
            Cell::Yuan(x.bad_loan_fen),
            pct(x.bad_loan_rate),
        ];
        if by_bank {
            cells.push(pct(x.bank_overall_bad_loan_rate));
            cells.push(match x.above_tolerance {
                Some(true) => Cell::text("是"),
                Some(false) => Cell::text("否"),
                None => Cell::Empty,
            });
        }
        cells.extend([
            Cell::Int(x.ratings.normal),
            Cell::Int(x.ratings.watch),
            Cell::Int(x.ratings.warning),
            Cell::Int(x.ratings.critical),
        ]);
        if by_month {
            cells.push(
                x.outstanding_at_month_end_fen
                    .map_or(Cell::Empty, Cell::Yuan),
            );
        }
        cells
    };
    let mut rows: Vec<Vec<Cell>> = r.rows.iter().map(row).collect();
    rows.push(row(&r.totals));
    Table {
        sheet: format!("融资统计-{}", r.group_by.heading()),
        headers,
        rows,
    }
}

/// The file name stem of a download: `financing-bank-2026-12-02`.
pub fn file_stem(r: &FinancingReport) -> String {
    format!("financing-{}-{}", r.group_by.as_str(), r.as_of)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn months_run_from_the_first_to_the_last_without_gaps() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let m: Vec<String> = months(d("2025-11-30"), d("2026-02-01"))
            .into_iter()
            .map(month_key)
            .collect();
        assert_eq!(m, ["2025-11", "2025-12", "2026-01", "2026-02"]);
        assert_eq!(month_end(d("2024-02-10")), d("2024-02-29"));
        assert_eq!(month_end(d("2026-12-01")), d("2026-12-31"));
    }

    #[test]
    fn a_group_by_other_than_the_four_names_the_field() {
        let err = GroupBy::parse(Some("city")).unwrap_err();
        assert!(
            matches!(&err, ApiError::BadRequest { field: Some(f), .. } if f == "group_by"),
            "{err:?}"
        );
        assert_eq!(GroupBy::parse(None).unwrap(), GroupBy::Bank);
    }

    #[test]
    fn the_tolerance_is_three_points_above_the_overall_rate() {
        let mut acc = Acc {
            outstanding: 1_000,
            bad: 50,
            ..Acc::default()
        };
        let ratings = HashMap::new();
        assert_eq!(
            acc.row("1".into(), "b".into(), &ratings, Some(0.02))
                .above_tolerance,
            Some(false)
        );
        acc.bad = 51;
        assert_eq!(
            acc.row("1".into(), "b".into(), &ratings, Some(0.02))
                .above_tolerance,
            Some(true)
        );
        assert_eq!(
            acc.row("1".into(), "b".into(), &ratings, None)
                .above_tolerance,
            None
        );
    }
}
