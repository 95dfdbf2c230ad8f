//! The demo data set as plain records, generated without a database so it is the same wherever
//! it is loaded. Records refer to each other by index; `load` turns indices into row ids.

use std::collections::{BTreeMap, HashSet};

use chrono::{Datelike, Duration, NaiveDate};
use zhirong_engine::valuation::explain::{self, add_months_clamped, add_years_clamped};
use zhirong_engine::valuation::{LegalStatus, PatentType, ValuationParams};

use super::catalogue::{
    BANKS, DISTRICTS, GIVEN, GUARANTOR, INDUSTRIES, NAME_FIRST, NAME_SECOND, RISK_EVENT_TYPES,
    SURNAMES,
};
use super::rng::Rng;
use crate::domain::schedule::{RepaymentMethod, schedule};
use crate::domain::status::{
    ApplicationStatus, ClaimStatus, CoverageStatus, LoanStatus, PledgeStatus,
};
use crate::domain::{PatentFields, PatentNumber, Uscc};

const SEED: u64 = 0x5A48_4952_4F4E_4731; // "ZHIRONG1"
const YUAN: i64 = 100;
const PURPOSES: [&str; 5] = [
    "研发投入",
    "流动资金周转",
    "采购研发设备",
    "扩大生产",
    "市场推广",
];
const WAN: i64 = 10_000 * YUAN;

pub struct Org {
    pub kind: &'static str,
    pub name: String,
    pub uscc: Option<String>,
    pub division_code: Option<String>,
    /// Index into `DemoData::orgs` of the enterprise's district office.
    pub district: Option<usize>,
    pub industry: Option<&'static str>,
    pub contact_name: Option<String>,
    pub contact_phone: Option<String>,
}

/// A patent of the demo: its owner (index into `DemoData::orgs`) and its fields, as the
/// service would store them.
pub struct OwnedPatent {
    pub owner: usize,
    pub fields: PatentFields,
}

pub struct Rule {
    pub version: i32,
    pub gov_bp: i32,
    pub bank_bp: i32,
    pub guarantor_bp: i32,
    pub insurer_bp: i32,
    pub cap_fen: i64,
    pub leverage_pct: i32,
    pub effective_from: NaiveDate,
}

pub struct Pool {
    pub district: usize,
    pub name: String,
    pub size_fen: i64,
    pub balance_fen: i64,
    pub opened_on: NaiveDate,
    pub banks: Vec<usize>,
    pub rules: Vec<Rule>,
}

pub struct Application {
    pub enterprise: usize,
    pub bank: usize,
    pub pool: Option<usize>,
    pub amount_fen: i64,
    pub term_months: i32,
    pub purpose: &'static str,
    pub status: ApplicationStatus,
    pub proposed_rate_bp: Option<i32>,
    pub decision_reason: Option<String>,
    pub created_on: NaiveDate,
    pub submitted_on: Option<NaiveDate>,
    pub decided_on: Option<NaiveDate>,
}

pub struct Loan {
    pub application: usize,
    pub enterprise: usize,
    pub bank: usize,
    pub guarantor: Option<usize>,
    pub pool: Option<usize>,
    pub principal_fen: i64,
    pub outstanding_fen: i64,
    pub rate_bp: i32,
    pub term_months: i32,
    pub disbursed_on: NaiveDate,
    pub maturity_date: NaiveDate,
    pub status: LoanStatus,
    pub days_past_due: i32,
    pub defaulted_on: Option<NaiveDate>,
    pub closed_on: Option<NaiveDate>,
}

pub struct Pledge {
    pub application: usize,
    pub loan: Option<usize>,
    pub patent: usize,
    pub status: PledgeStatus,
    pub registration_no: Option<String>,
    pub registration_date: Option<NaiveDate>,
    pub released_on: Option<NaiveDate>,
}

pub struct Repayment {
    pub loan: usize,
    pub paid_on: NaiveDate,
    pub principal_fen: i64,
    pub interest_fen: i64,
}

pub struct Coverage {
    pub pool: usize,
    pub loan: usize,
    pub rule_version: i32,
    pub covered_on: NaiveDate,
    pub amount_fen: i64,
    pub status: CoverageStatus,
}

pub struct Disposal {
    pub loan: usize,
    pub patent: usize,
    pub method: &'static str,
    pub counterparty: String,
    pub proceeds_fen: i64,
    pub disposed_on: NaiveDate,
}

pub struct Claim {
    pub pool: usize,
    pub loan: usize,
    pub bank: usize,
    pub rule_version: i32,
    pub loss_fen: i64,
    pub recoveries_fen: i64,
    pub claimed_fen: i64,
    pub approved_fen: Option<i64>,
    pub status: ClaimStatus,
    pub filed_on: NaiveDate,
    pub decided_on: Option<NaiveDate>,
}

pub struct Event {
    pub enterprise: usize,
    pub event_type: &'static str,
    pub occurred_on: NaiveDate,
    pub amount_fen: Option<i64>,
    pub patent: Option<usize>,
    pub source: &'static str,
    pub reference: String,
}

pub struct Alert {
    pub enterprise: usize,
    pub bank: Option<usize>,
    pub loan: Option<usize>,
    pub patent: Option<usize>,
    pub kind: &'static str,
    pub severity: &'static str,
    pub message: String,
    pub details: serde_json::Value,
    pub raised_on: NaiveDate,
}

/// Who the demo logins belong to.
pub struct DemoLogins {
    pub enterprise: usize,
    pub bank: usize,
    pub district: usize,
}

pub struct DemoData {
    pub as_of: NaiveDate,
    pub orgs: Vec<Org>,
    pub patents: Vec<OwnedPatent>,
    pub pools: Vec<Pool>,
    pub applications: Vec<Application>,
    pub loans: Vec<Loan>,
    pub pledges: Vec<Pledge>,
    pub repayments: Vec<Repayment>,
    pub coverage: Vec<Coverage>,
    pub disposals: Vec<Disposal>,
    pub claims: Vec<Claim>,
    pub events: Vec<Event>,
    pub alerts: Vec<Alert>,
    pub logins: DemoLogins,
}

/// The statutory term of VALUATION.md, through the engine's own rule.
fn term_years(t: PatentType, filing: NaiveDate) -> i32 {
    explain::term_years(t, filing, &ValuationParams::default())
}

/// The day a patent's statutory term ends.
fn expiry(p: &PatentFields) -> NaiveDate {
    add_years_clamped(p.filing_date, term_years(p.patent_type, p.filing_date))
}

/// Interest for `days` days on `principal` at `rate_bp` a year (actual/365), half away from zero.
fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or(NaiveDate::MIN)
}

pub fn generate(as_of: NaiveDate) -> DemoData {
    let mut g = Generator {
        rng: Rng::new(SEED),
        as_of,
        data: DemoData::empty(as_of),
        used_numbers: HashSet::new(),
    };
    g.organisations();
    g.patents();
    g.loans();
    g.pending_applications();
    g.risk_events();
    g.alerts();
    g.data
}

impl DemoData {
    fn empty(as_of: NaiveDate) -> Self {
        Self {
            as_of,
            orgs: Vec::new(),
            patents: Vec::new(),
            pools: Vec::new(),
            applications: Vec::new(),
            loans: Vec::new(),
            pledges: Vec::new(),
            repayments: Vec::new(),
            coverage: Vec::new(),
            disposals: Vec::new(),
            claims: Vec::new(),
            events: Vec::new(),
            alerts: Vec::new(),
            logins: DemoLogins {
                enterprise: 0,
                bank: 0,
                district: 0,
            },
        }
    }

    pub fn enterprises(&self) -> impl Iterator<Item = (usize, &Org)> {
        self.orgs
            .iter()
            .enumerate()
            .filter(|(_, o)| o.kind == "enterprise")
    }
}

struct Generator {
    rng: Rng,
    as_of: NaiveDate,
    data: DemoData,
    used_numbers: HashSet<String>,
}

impl Generator {
    fn days_before(&mut self, lo: i64, hi: i64) -> NaiveDate {
        self.as_of - Duration::days(self.rng.range(lo, hi))
    }

    fn person(&mut self) -> (String, String) {
        let name = format!("{}{}", self.rng.pick(&SURNAMES), self.rng.pick(&GIVEN));
        let phone = format!(
            "1{}{:09}",
            self.rng.pick(&["35", "39", "58", "86", "88"]),
            self.rng.range(0, 999_999_999)
        )
        .chars()
        .take(11)
        .collect();
        (name, phone)
    }

    fn organisations(&mut self) {
        let mut district_idx = Vec::new();
        for (i, d) in DISTRICTS.iter().enumerate() {
            let (contact, phone) = self.person();
            district_idx.push(self.data.orgs.len());
            self.data.orgs.push(Org {
                kind: "district",
                name: d.office.to_string(),
                uscc: None,
                division_code: Some(d.division_code.to_string()),
                district: None,
                industry: None,
                contact_name: Some(contact),
                contact_phone: Some(phone),
            });
            let _ = i;
        }
        let mut bank_idx = Vec::new();
        let mut used_uscc = HashSet::new();
        for (name, _) in BANKS.iter() {
            bank_idx.push(self.data.orgs.len());
            let uscc = self.uscc("110102", &mut used_uscc);
            let (contact, phone) = self.person();
            self.data.orgs.push(Org {
                kind: "bank",
                name: name.to_string(),
                uscc: Some(uscc),
                division_code: None,
                district: None,
                industry: Some("J66"),
                contact_name: Some(contact),
                contact_phone: Some(phone),
            });
        }
        let guarantor = self.data.orgs.len();
        let uscc = self.uscc("110108", &mut used_uscc);
        self.data.orgs.push(Org {
            kind: "guarantor",
            name: GUARANTOR.to_string(),
            uscc: Some(uscc),
            division_code: None,
            district: None,
            industry: Some("J66"),
            contact_name: None,
            contact_phone: None,
        });
        let _ = guarantor;

        // Pools: 海淀 is the original 2016 pool; the others followed.
        let opened = [
            date(2016, 9, 1),
            date(2018, 3, 15),
            date(2019, 6, 1),
            date(2019, 11, 1),
            date(2020, 7, 1),
        ];
        for (i, d) in DISTRICTS.iter().enumerate() {
            let banks: Vec<usize> = (0..BANKS.len())
                .filter(|j| i == 0 && *j == 0 || (j * 7 + i * 3) % 5 < 3)
                .map(|j| bank_idx[j])
                .collect();
            let (gov, bank, guar, ins, cap_yuan, lev) = d.rule;
            let mut rules = vec![Rule {
                version: 1,
                gov_bp: gov,
                bank_bp: bank,
                guarantor_bp: guar,
                insurer_bp: ins,
                cap_fen: cap_yuan * YUAN,
                leverage_pct: lev,
                effective_from: opened[i],
            }];
            if i == 0 {
                // A rule change: 海淀 raised its per-loan cap; it applies to loans covered after it.
                rules.push(Rule {
                    version: 2,
                    gov_bp: gov,
                    bank_bp: bank,
                    guarantor_bp: guar,
                    insurer_bp: ins,
                    cap_fen: 6_000_000 * YUAN,
                    leverage_pct: lev,
                    effective_from: self.as_of - Duration::days(400),
                });
            }
            self.data.pools.push(Pool {
                district: district_idx[i],
                name: d.pool_name.to_string(),
                size_fen: d.pool_size_yuan * YUAN,
                balance_fen: d.pool_size_yuan * YUAN,
                opened_on: opened[i],
                banks,
                rules,
            });
        }

        let mut names = HashSet::new();
        let weights: Vec<f64> = INDUSTRIES.iter().map(|i| i.weight).collect();
        for (i, d) in DISTRICTS.iter().enumerate() {
            for _ in 0..d.enterprises {
                let industry = &INDUSTRIES[self.rng.weighted(&weights)];
                let name = loop {
                    let candidate = format!(
                        "{}{}{}{}有限公司",
                        d.city,
                        self.rng.pick(&NAME_FIRST),
                        self.rng.pick(&NAME_SECOND),
                        industry.word
                    );
                    if names.insert(candidate.clone()) {
                        break candidate;
                    }
                };
                let uscc = self.uscc(d.division_code, &mut used_uscc);
                let (contact, phone) = self.person();
                self.data.orgs.push(Org {
                    kind: "enterprise",
                    name,
                    uscc: Some(uscc),
                    division_code: Some(d.division_code.to_string()),
                    district: Some(district_idx[i]),
                    industry: Some(industry.code),
                    contact_name: Some(contact),
                    contact_phone: Some(phone),
                });
            }
        }
        self.data.logins.bank = bank_idx[0];
        self.data.logins.district = district_idx[0];
    }

    /// A USCC for a company (category 91) registered in `division`, with a valid GB 11714
    /// organisation code inside and a valid check character.
    fn uscc(&mut self, division: &str, used: &mut HashSet<String>) -> String {
        loop {
            let body: Vec<u32> = (0..8).map(|_| self.rng.range(0, 9) as u32).collect();
            let sum: u32 = body
                .iter()
                .zip([3, 7, 9, 10, 5, 8, 4, 2])
                .map(|(d, w)| d * w)
                .sum();
            let org_check = match 11 - sum % 11 {
                10 => 'X',
                11 => '0',
                c => char::from(b'0' + c as u8),
            };
            let digits: String = body.iter().map(|d| char::from(b'0' + *d as u8)).collect();
            let first17 = format!("91{division}{digits}{org_check}");
            if let Ok(code) = Uscc::with_check(&first17)
                && used.insert(code.to_string())
            {
                return code.to_string();
            }
        }
    }

    fn patents(&mut self) {
        let enterprises: Vec<(usize, &'static str)> = self
            .data
            .enterprises()
            .map(|(i, o)| (i, o.industry.unwrap_or("I65")))
            .collect();
        for (owner, industry_code) in enterprises {
            let industry = INDUSTRIES
                .iter()
                .find(|i| i.code == industry_code)
                .unwrap_or(&INDUSTRIES[0]);
            let count = 3 + self.rng.geometric(5.5, 25);
            for _ in 0..count {
                let patent = self.patent(owner, industry);
                self.data.patents.push(patent);
            }
        }
    }

    fn patent(&mut self, owner: usize, industry: &super::catalogue::Industry) -> OwnedPatent {
        let as_of = self.as_of;
        let patent_type = [
            PatentType::Invention,
            PatentType::UtilityModel,
            PatentType::Design,
        ][self.rng.weighted(&[0.55, 0.35, 0.10])];
        let max_age = match patent_type {
            PatentType::Invention => 14,
            _ => 9,
        };
        let filing_year = as_of.year() - self.rng.range(1, max_age) as i32;
        let mut filing_date = date(
            filing_year,
            self.rng.range(1, 12) as u32,
            self.rng.range(1, 28) as u32,
        );
        if filing_date > as_of - Duration::days(60) {
            filing_date = as_of - Duration::days(60 + self.rng.range(0, 200));
        }
        let expiry = add_years_clamped(filing_date, term_years(patent_type, filing_date));
        let grant_date = match patent_type {
            PatentType::Invention => filing_date + Duration::days(self.rng.range(450, 1100)),
            _ => filing_date + Duration::days(self.rng.range(150, 400)),
        };
        let (grant_date, mut legal_status) = if grant_date > as_of {
            (None, LegalStatus::Pending)
        } else if expiry <= as_of {
            (Some(grant_date), LegalStatus::Expired)
        } else {
            let r = self.rng.unit();
            let status = if r < 0.03 {
                LegalStatus::Lapsed
            } else if r < 0.04 {
                LegalStatus::UnderInvalidation
            } else if r < 0.045 {
                LegalStatus::Invalidated
            } else {
                LegalStatus::Valid
            };
            (Some(grant_date), status)
        };
        // Annual fees fall due on each filing-date anniversary.
        let next_anniversary = {
            let mut k = 1;
            while add_years_clamped(filing_date, k) <= as_of {
                k += 1;
            }
            add_years_clamped(filing_date, k)
        };
        let last_anniversary = add_years_clamped(next_anniversary, -1);
        let fee_paid_until = match legal_status {
            LegalStatus::Valid | LegalStatus::UnderInvalidation => {
                let r = self.rng.unit();
                if r < 0.05
                    && add_months_clamped(last_anniversary, 6) >= as_of
                    && last_anniversary > filing_date
                {
                    Some(last_anniversary) // unpaid this year: in the grace period
                } else if r < 0.07 {
                    None // not yet known to the platform
                } else {
                    Some(next_anniversary)
                }
            }
            LegalStatus::Lapsed => {
                let lapsed_at = add_years_clamped(last_anniversary, -(self.rng.range(1, 2) as i32));
                if lapsed_at <= filing_date {
                    legal_status = LegalStatus::Valid;
                    Some(next_anniversary)
                } else {
                    Some(lapsed_at)
                }
            }
            LegalStatus::Expired => Some(expiry),
            LegalStatus::Pending | LegalStatus::Invalidated => None,
        };
        let ipc_main = (*self.rng.pick(industry.ipc)).to_string();
        let title = match patent_type {
            PatentType::Design => format!(
                "{}（外观设计）",
                self.rng.pick(&[
                    "控制终端",
                    "检测仪",
                    "储能柜",
                    "手持终端",
                    "包装盒",
                    "显示屏支架"
                ])
            ),
            _ => format!("一种{}", self.rng.pick(industry.titles)),
        };
        let (claims, forward, backward, inventors) = match patent_type {
            PatentType::Invention => (
                3 + self.rng.geometric(7.0, 40),
                self.rng.geometric(2.5, 60),
                self.rng.geometric(6.0, 40),
                1 + self.rng.geometric(2.5, 15),
            ),
            PatentType::UtilityModel => (
                1 + self.rng.geometric(4.0, 15),
                self.rng.geometric(0.8, 20),
                self.rng.geometric(3.0, 20),
                1 + self.rng.geometric(2.0, 10),
            ),
            PatentType::Design => (
                1,
                self.rng.geometric(0.2, 5),
                self.rng.geometric(1.0, 10),
                1 + self.rng.geometric(0.8, 5),
            ),
        };
        let family_size = if patent_type == PatentType::Invention && self.rng.chance(0.18) {
            self.rng.range(2, 6)
        } else {
            1
        };
        let patent_number = loop {
            let serial = self.rng.range(1, 9_999_999) as u32;
            let n = PatentNumber::new_style(filing_year as u16, patent_type, serial);
            if self.used_numbers.insert(n.to_string()) {
                break n;
            }
        };
        let invalidation_requests = match legal_status {
            LegalStatus::UnderInvalidation | LegalStatus::Invalidated => self.rng.range(1, 2),
            _ if self.rng.chance(0.01) => 1,
            _ => 0,
        };
        let fields = PatentFields {
            patent_number,
            patent_type,
            title,
            filing_date,
            grant_date,
            legal_status,
            ipc_main: Some(ipc_main),
            claims: claims as i32,
            forward_citations: forward as i32,
            backward_citations: backward as i32,
            family_size: family_size as i32,
            inventors: inventors as i32,
            transfers: if self.rng.chance(0.10) {
                self.rng.range(1, 2) as i32
            } else {
                0
            },
            licenses: if self.rng.chance(0.08) {
                self.rng.range(1, 3) as i32
            } else {
                0
            },
            litigations: if self.rng.chance(0.02) { 1 } else { 0 },
            invalidation_requests: invalidation_requests as i32,
            fee_paid_until,
            revenue_fen: if self.rng.chance(0.72) {
                Some(self.rng.range(50, 8000) * WAN)
            } else {
                None
            },
            royalty_rate: if self.rng.chance(0.03) {
                Some(0.02 + 0.005 * self.rng.range(0, 8) as f64)
            } else {
                None
            },
            co_owners: if self.rng.chance(0.05) { 1 } else { 0 },
            co_owner_consent: false,
        };
        OwnedPatent { owner, fields }
    }

    /// Patents of `enterprise` that a bank would take: valid, fees known and paid, at least a
    /// year of life beyond `until`, not in `taken`.
    fn pledgeable(
        &self,
        enterprise: usize,
        until: NaiveDate,
        taken: &HashSet<usize>,
    ) -> Vec<usize> {
        self.data
            .patents
            .iter()
            .enumerate()
            .filter(|(i, p)| {
                p.owner == enterprise
                    && p.fields.legal_status == LegalStatus::Valid
                    && p.fields.patent_type != PatentType::Design
                    && p.fields.fee_paid_until.is_some_and(|f| f > self.as_of)
                    && expiry(&p.fields) > add_years_clamped(until, 1)
                    && !taken.contains(i)
            })
            .map(|(i, _)| i)
            .collect()
    }

    fn loans(&mut self) {
        let as_of = self.as_of;
        let enterprises: Vec<usize> = self.data.enterprises().map(|(i, _)| i).collect();
        // Borrowers: about 300 enterprises, 60 of them with a second loan after the first.
        let mut order = enterprises.clone();
        for i in (1..order.len()).rev() {
            let j = self.rng.range(0, i as i64) as usize;
            order.swap(i, j);
        }
        let borrowers: Vec<usize> = order.into_iter().take(300).collect();
        let pool_of_district: BTreeMap<usize, usize> = self
            .data
            .pools
            .iter()
            .enumerate()
            .map(|(i, p)| (p.district, i))
            .collect();
        let banks: Vec<usize> = self
            .data
            .orgs
            .iter()
            .enumerate()
            .filter(|(_, o)| o.kind == "bank")
            .map(|(i, _)| i)
            .collect();
        let guarantor = self.data.orgs.iter().position(|o| o.kind == "guarantor");
        let mut plans: Vec<(usize, NaiveDate, i32)> = Vec::new();
        for (n, &e) in borrowers.iter().enumerate() {
            if n < 60 {
                let first = self.days_before(800, 1100);
                plans.push((e, first, 12));
                let second = add_months_clamped(first, 12) + Duration::days(self.rng.range(15, 60));
                let term = [12, 18, 24][self.rng.weighted(&[0.6, 0.1, 0.3])];
                plans.push((e, second, term));
            } else {
                let term = [12, 18, 24][self.rng.weighted(&[0.6, 0.1, 0.3])];
                plans.push((e, self.days_before(15, 1000), term));
            }
        }
        plans.sort_by_key(|(e, d, _)| (*d, *e));

        // Pool leverage is checked at disbursal against the loans it still covers.
        let mut covered_until: Vec<Vec<(NaiveDate, i64)>> = vec![Vec::new(); self.data.pools.len()];
        let mut pledged_until: BTreeMap<usize, NaiveDate> = BTreeMap::new();
        for (enterprise, disbursed_on, term) in plans {
            let maturity = add_months_clamped(disbursed_on, term as u32);
            let taken: HashSet<usize> = pledged_until
                .iter()
                .filter(|(_, until)| **until > disbursed_on)
                .map(|(p, _)| *p)
                .collect();
            let candidates = self.pledgeable(enterprise, maturity, &taken);
            if candidates.is_empty() {
                continue;
            }
            let district = self.data.orgs[enterprise].district.unwrap_or(0);
            let pool = pool_of_district.get(&district).copied();
            let pool_banks = pool
                .map(|p| self.data.pools[p].banks.clone())
                .unwrap_or_default();
            let bank = if self.data.logins.district == district && self.rng.chance(0.3) {
                self.data.logins.bank
            } else if !pool_banks.is_empty() && self.rng.chance(0.9) {
                *self.rng.pick(&pool_banks)
            } else {
                *self.rng.pick(&banks)
            };
            let bucket = self.rng.weighted(&[0.45, 0.33, 0.15, 0.06, 0.01]);
            let (lo, hi) = [
                (100, 300),
                (300, 600),
                (600, 1000),
                (1000, 2000),
                (2000, 5000),
            ][bucket];
            let principal = self.rng.range(lo, hi) / 10 * 10 * WAN;
            let rate_bp = 200 + 5 * self.rng.range(0, 20) as i32;
            let in_pool = pool.filter(|_| pool_banks.contains(&bank) && self.rng.chance(0.95));
            let guarantor_org = guarantor.filter(|_| self.rng.chance(0.25));

            let submitted = disbursed_on - Duration::days(self.rng.range(25, 45));
            let decided = disbursed_on - Duration::days(self.rng.range(5, 15));
            let application = self.data.applications.len();
            self.data.applications.push(Application {
                enterprise,
                bank,
                pool: in_pool,
                amount_fen: principal,
                term_months: term,
                purpose: PURPOSES[self.rng.range(0, 4) as usize],
                status: ApplicationStatus::Approved,
                proposed_rate_bp: Some(rate_bp),
                decision_reason: None,
                created_on: submitted - Duration::days(self.rng.range(1, 5)),
                submitted_on: Some(submitted),
                decided_on: Some(decided),
            });

            // Outcome: most loans are repaid or current; some fall into arrears; a few default.
            let matured = maturity <= as_of;
            let troubled = self.rng.chance(if matured { 0.07 } else { 0.05 });
            let (status, days_past_due, defaulted_on, closed_on) = match (matured, troubled) {
                (true, false) => (LoanStatus::Repaid, 0, None, Some(maturity)),
                (true, true) if maturity + Duration::days(90) <= as_of => (
                    LoanStatus::Defaulted,
                    90,
                    Some(maturity + Duration::days(90)),
                    None,
                ),
                (true, true) => (
                    LoanStatus::Overdue,
                    (as_of - maturity).num_days().max(1) as i32,
                    None,
                    None,
                ),
                (false, true) => (
                    LoanStatus::Overdue,
                    self.rng.range(31, 85) as i32,
                    None,
                    None,
                ),
                (false, false) => (LoanStatus::Active, 0, None, None),
            };
            let days_past_due = if status == LoanStatus::Defaulted {
                (as_of - maturity).num_days() as i32
            } else {
                days_past_due
            };
            let loan = self.data.loans.len();
            let outstanding = if status == LoanStatus::Repaid {
                0
            } else {
                principal
            };
            self.data.loans.push(Loan {
                application,
                enterprise,
                bank,
                guarantor: guarantor_org,
                pool: in_pool,
                principal_fen: principal,
                outstanding_fen: outstanding,
                rate_bp,
                term_months: term,
                disbursed_on,
                maturity_date: maturity,
                status,
                days_past_due,
                defaulted_on,
                closed_on,
            });

            // Pledges: roughly one patent per RMB 5 m, one to four.
            let wanted = ((principal + 500 * WAN - 1) / (500 * WAN)).clamp(1, 4) as usize;
            let mut chosen = Vec::new();
            let mut pool_of_candidates = candidates;
            while chosen.len() < wanted && !pool_of_candidates.is_empty() {
                let k = self.rng.range(0, pool_of_candidates.len() as i64 - 1) as usize;
                chosen.push(pool_of_candidates.swap_remove(k));
            }
            let registered = disbursed_on - Duration::days(self.rng.range(1, 4));
            let hold_until = closed_on.unwrap_or(NaiveDate::MAX);
            for &patent in &chosen {
                pledged_until.insert(patent, hold_until);
                let serial = self.data.pledges.len() + 1;
                self.data.pledges.push(Pledge {
                    application,
                    loan: Some(loan),
                    patent,
                    status: if status == LoanStatus::Repaid {
                        PledgeStatus::Released
                    } else {
                        PledgeStatus::Registered
                    },
                    registration_no: Some(format!(
                        "Y{}{:010}",
                        registered.year(),
                        9_800_000_000u64 + serial as u64
                    )),
                    registration_date: Some(registered),
                    released_on: closed_on,
                });
            }

            self.repayments(loan);

            // Pool coverage within the leverage limit, under the rule in force at disbursal.
            if let Some(p) = in_pool {
                let rule = self.rule_at(p, disbursed_on);
                let limit = i128::from(self.data.pools[p].size_fen) * i128::from(rule.1) / 100;
                let live: i64 = covered_until[p]
                    .iter()
                    .filter(|(until, _)| *until > disbursed_on)
                    .map(|(_, a)| *a)
                    .sum();
                if i128::from(live + principal) <= limit {
                    covered_until[p].push((hold_until, principal));
                    self.data.coverage.push(Coverage {
                        pool: p,
                        loan,
                        rule_version: rule.0,
                        covered_on: disbursed_on,
                        amount_fen: principal,
                        status: if status == LoanStatus::Repaid {
                            CoverageStatus::Released
                        } else {
                            CoverageStatus::Covered
                        },
                    });
                } else {
                    self.data.loans[loan].pool = None;
                }
            }

            if status == LoanStatus::Defaulted {
                self.dispose_and_claim(loan, &chosen);
            }
        }
        // The demo enterprise login: the first 海淀 borrower of the demo bank with a live loan.
        self.data.logins.enterprise = self
            .data
            .loans
            .iter()
            .find(|l| {
                l.bank == self.data.logins.bank
                    && l.status == LoanStatus::Active
                    && self.data.orgs[l.enterprise].district == Some(self.data.logins.district)
            })
            .or_else(|| {
                self.data
                    .loans
                    .iter()
                    .find(|l| l.status == LoanStatus::Active)
            })
            .map(|l| l.enterprise)
            .unwrap_or(0);
    }

    /// (version, leverage %) of the pool's rule in force on `day`.
    fn rule_at(&self, pool: usize, day: NaiveDate) -> (i32, i32) {
        self.data.pools[pool]
            .rules
            .iter()
            .filter(|r| r.effective_from <= day)
            .max_by_key(|r| r.version)
            .or_else(|| self.data.pools[pool].rules.first())
            .map(|r| (r.version, r.leverage_pct))
            .unwrap_or((1, 1000))
    }

    /// Quarterly interest, principal at maturity (按季付息、到期还本). Arrears skip the
    /// payments that fell due in the days past due.
    fn repayments(&mut self, loan: usize) {
        let l = &self.data.loans[loan];
        let (principal, rate, disbursed, maturity, status, dpd) = (
            l.principal_fen,
            l.rate_bp,
            l.disbursed_on,
            l.maturity_date,
            l.status,
            l.days_past_due,
        );
        let paid_through = match status {
            LoanStatus::Overdue | LoanStatus::Defaulted => {
                self.as_of - Duration::days(i64::from(dpd))
            }
            _ => self.as_of,
        };
        for i in schedule(
            principal,
            rate,
            disbursed,
            maturity,
            RepaymentMethod::InterestOnlyBullet,
        ) {
            if i.due_on > paid_through || i.due_on > self.as_of {
                break;
            }
            self.data.repayments.push(Repayment {
                loan,
                paid_on: i.due_on,
                principal_fen: if status == LoanStatus::Repaid {
                    i.principal_fen
                } else {
                    0
                },
                interest_fen: i.interest_fen,
            });
        }
    }

    fn dispose_and_claim(&mut self, loan: usize, patents: &[usize]) {
        let as_of = self.as_of;
        let (defaulted_on, outstanding, pool, bank, enterprise) = {
            let l = &self.data.loans[loan];
            (
                l.defaulted_on.unwrap_or(as_of),
                l.outstanding_fen,
                l.pool,
                l.bank,
                l.enterprise,
            )
        };
        let disposed_on = defaulted_on + Duration::days(self.rng.range(60, 200));
        if disposed_on > as_of || patents.is_empty() {
            return; // disposal still under way
        }
        let recovery_pct = self.rng.range(10, 50);
        let total = outstanding * recovery_pct / 100;
        let each = total / patents.len() as i64;
        let buyers: Vec<usize> = self
            .data
            .enterprises()
            .map(|(i, _)| i)
            .filter(|&i| i != enterprise)
            .collect();
        let mut recovered = 0;
        for (k, &patent) in patents.iter().enumerate() {
            let proceeds = if k + 1 == patents.len() {
                total - each * (patents.len() as i64 - 1)
            } else {
                each
            };
            recovered += proceeds;
            let buyer = *self.rng.pick(&buyers);
            self.data.disposals.push(Disposal {
                loan,
                patent,
                method: ["auction", "transfer", "licence"][self.rng.weighted(&[0.4, 0.4, 0.2])],
                counterparty: self.data.orgs[buyer].name.clone(),
                proceeds_fen: proceeds,
                disposed_on,
            });
            if let Some(p) = self
                .data
                .pledges
                .iter_mut()
                .find(|p| p.loan == Some(loan) && p.patent == patent)
            {
                p.status = PledgeStatus::Disposed;
            }
        }
        let Some(p) = pool else { return };
        let Some(coverage) = self.data.coverage.iter().position(|c| c.loan == loan) else {
            return;
        };
        let filed_on = disposed_on + Duration::days(self.rng.range(10, 30));
        if filed_on > as_of {
            return;
        }
        let version = self.data.coverage[coverage].rule_version;
        let Some(rule) = self.data.pools[p]
            .rules
            .iter()
            .find(|r| r.version == version)
        else {
            return;
        };
        let loss = (outstanding - recovered).max(0);
        let gov_part = (i128::from(loss) * i128::from(rule.gov_bp) + 5_000) / 10_000;
        let claimed = (gov_part as i64)
            .min(rule.cap_fen)
            .min(self.data.pools[p].balance_fen);
        let decided_on = filed_on + Duration::days(self.rng.range(20, 60));
        let (status, approved, decided) = if decided_on <= as_of {
            (ClaimStatus::Paid, Some(claimed), Some(decided_on))
        } else {
            (ClaimStatus::UnderReview, None, None)
        };
        if status == ClaimStatus::Paid {
            self.data.pools[p].balance_fen -= claimed;
        }
        self.data.coverage[coverage].status = CoverageStatus::Claimed;
        self.data.claims.push(Claim {
            pool: p,
            loan,
            bank,
            rule_version: version,
            loss_fen: loss,
            recoveries_fen: recovered,
            claimed_fen: claimed,
            approved_fen: approved,
            status,
            filed_on,
            decided_on: decided,
        });
    }

    /// Applications still in play (and a few that ended without a loan).
    fn pending_applications(&mut self) {
        let as_of = self.as_of;
        let taken: HashSet<usize> = self
            .data
            .pledges
            .iter()
            .filter(|p| matches!(p.status, PledgeStatus::Registered | PledgeStatus::Disposed))
            .map(|p| p.patent)
            .collect();
        let enterprises: Vec<usize> = self.data.enterprises().map(|(i, _)| i).collect();
        let plan: [(ApplicationStatus, usize); 6] = [
            (ApplicationStatus::Draft, 3),
            (ApplicationStatus::Submitted, 10),
            (ApplicationStatus::UnderReview, 10),
            (ApplicationStatus::Approved, 5),
            (ApplicationStatus::Rejected, 8),
            (ApplicationStatus::Withdrawn, 4),
        ];
        let mut used = taken;
        for (status, n) in plan {
            let mut made = 0;
            let mut tries = 0;
            while made < n && tries < 1000 {
                tries += 1;
                let enterprise = *self.rng.pick(&enterprises);
                let term = [12, 24][self.rng.weighted(&[0.6, 0.4])];
                let candidates =
                    self.pledgeable(enterprise, add_months_clamped(as_of, term as u32), &used);
                if candidates.is_empty() {
                    continue;
                }
                let district = self.data.orgs[enterprise].district.unwrap_or(0);
                let pool = self.data.pools.iter().position(|p| p.district == district);
                let bank = pool
                    .and_then(|p| self.data.pools[p].banks.first().copied())
                    .unwrap_or(self.data.logins.bank);
                let bank = if self.rng.chance(0.4) {
                    self.data.logins.bank
                } else {
                    bank
                };
                let created = self.days_before(3, 60);
                let submitted = (status != ApplicationStatus::Draft)
                    .then(|| created + Duration::days(self.rng.range(0, 2)));
                let decided = matches!(
                    status,
                    ApplicationStatus::Approved | ApplicationStatus::Rejected
                )
                .then(|| as_of - Duration::days(self.rng.range(0, 2)));
                let application = self.data.applications.len();
                self.data.applications.push(Application {
                    enterprise,
                    bank,
                    pool: pool.filter(|p| self.data.pools[*p].banks.contains(&bank)),
                    amount_fen: self.rng.range(100, 800) / 10 * 10 * WAN,
                    term_months: term,
                    purpose: PURPOSES[self.rng.range(0, 2) as usize],
                    status,
                    proposed_rate_bp: (status == ApplicationStatus::Approved)
                        .then_some(200 + 5 * self.rng.range(0, 20) as i32),
                    decision_reason: (status == ApplicationStatus::Rejected).then(|| {
                        (*self.rng.pick(&[
                            "质押专利剩余保护期不足",
                            "企业存在未结清的其他银行逾期",
                            "申请金额超过质物评价可贷额度",
                            "共有人未同意质押",
                        ]))
                        .to_string()
                    }),
                    created_on: created,
                    submitted_on: submitted,
                    decided_on: decided,
                });
                if matches!(
                    status,
                    ApplicationStatus::Rejected | ApplicationStatus::Withdrawn
                ) {
                    made += 1;
                    continue;
                }
                let patent = candidates[0];
                used.insert(patent);
                self.data.pledges.push(Pledge {
                    application,
                    loan: None,
                    patent,
                    status: if status == ApplicationStatus::Approved {
                        PledgeStatus::PendingRegistration
                    } else {
                        PledgeStatus::Proposed
                    },
                    registration_no: None,
                    registration_date: None,
                    released_on: None,
                });
                made += 1;
            }
        }
    }

    fn event(
        &mut self,
        enterprise: usize,
        type_index: usize,
        occurred_on: NaiveDate,
        patent: Option<usize>,
    ) {
        let (event_type, source) = RISK_EVENT_TYPES[type_index];
        let amount_fen = match event_type {
            "tax_arrears" | "enforcement" | "lawsuit_defendant" | "other_bank_overdue"
            | "guarantee_default" => Some(self.rng.range(5, 500) * WAN),
            _ => None,
        };
        let reference = format!(
            "DEMO-{}-{:06}",
            source.to_ascii_uppercase(),
            self.data.events.len() + 1
        );
        self.data.events.push(Event {
            enterprise,
            event_type,
            occurred_on,
            amount_fen,
            patent,
            source,
            reference,
        });
    }

    fn patent_of(&mut self, enterprise: usize) -> Option<usize> {
        let own: Vec<usize> = self
            .data
            .patents
            .iter()
            .enumerate()
            .filter(|(_, p)| p.owner == enterprise)
            .map(|(i, _)| i)
            .collect();
        (!own.is_empty()).then(|| *self.rng.pick(&own))
    }

    fn risk_events(&mut self) {
        let as_of = self.as_of;
        let type_of = |name: &str| {
            RISK_EVENT_TYPES
                .iter()
                .position(|(t, _)| *t == name)
                .unwrap_or(0)
        };
        // What the patents and loans already say.
        let patent_facts: Vec<(usize, usize, LegalStatus, Option<NaiveDate>)> = self
            .data
            .patents
            .iter()
            .enumerate()
            .map(|(i, p)| (i, p.owner, p.fields.legal_status, p.fields.fee_paid_until))
            .collect();
        for (i, owner, status, fee) in patent_facts {
            match (status, fee) {
                (LegalStatus::Valid | LegalStatus::UnderInvalidation, Some(f)) if f <= as_of => {
                    self.event(owner, type_of("fee_grace"), f + Duration::days(1), Some(i))
                }
                (LegalStatus::Lapsed, Some(f))
                    if add_months_clamped(f, 6) + Duration::days(1) + Duration::days(3 * 365)
                        > as_of =>
                {
                    self.event(
                        owner,
                        type_of("patent_lapsed"),
                        add_months_clamped(f, 6) + Duration::days(1),
                        Some(i),
                    )
                }
                _ => {}
            }
            if status == LegalStatus::UnderInvalidation {
                let on = self.days_before(20, 200);
                self.event(owner, type_of("invalidation_request"), on, Some(i));
            }
        }
        let loan_facts: Vec<(usize, LoanStatus, NaiveDate, i32)> = self
            .data
            .loans
            .iter()
            .map(|l| (l.enterprise, l.status, l.maturity_date, l.days_past_due))
            .collect();
        for (enterprise, status, maturity, dpd) in loan_facts {
            let due = as_of - Duration::days(i64::from(dpd));
            match status {
                LoanStatus::Overdue if dpd >= 30 => self.event(
                    enterprise,
                    type_of("overdue_30"),
                    due + Duration::days(30),
                    None,
                ),
                LoanStatus::Defaulted => {
                    self.event(
                        enterprise,
                        type_of("overdue_30"),
                        maturity + Duration::days(30),
                        None,
                    );
                    self.event(
                        enterprise,
                        type_of("overdue_90"),
                        maturity + Duration::days(90),
                        None,
                    );
                    if self.rng.chance(0.6) {
                        let on = maturity + Duration::days(self.rng.range(120, 300));
                        if on <= as_of {
                            self.event(enterprise, type_of("enforcement"), on, None);
                        }
                    }
                }
                _ => {}
            }
        }
        // Every event type appears at least once, then background noise.
        let enterprises: Vec<usize> = self.data.enterprises().map(|(i, _)| i).collect();
        let patent_types = [
            "fee_grace",
            "invalidation_request",
            "patent_lapsed",
            "ownership_transfer",
            "patent_freeze",
        ];
        for (t, (event_type, _)) in RISK_EVENT_TYPES.iter().enumerate() {
            let enterprise = *self.rng.pick(&enterprises);
            let on = self.days_before(10, 300);
            let patent = if patent_types.contains(event_type) {
                self.patent_of(enterprise)
            } else {
                None
            };
            self.event(enterprise, t, on, patent);
        }
        let weights = [
            0.08, 0.07, 0.06, 0.07, 0.03, 0.20, 0.07, 0.02, 0.02, 0.005, 0.0, 0.0, 0.04, 0.02,
            0.12, 0.0, 0.03, 0.0, 0.04, 0.02, 0.0,
        ];
        for &enterprise in &enterprises {
            if !self.rng.chance(0.3) {
                continue;
            }
            for _ in 0..self.rng.range(1, 4) {
                let t = self.rng.weighted(&weights);
                let on = self.days_before(1, 1000);
                let patent = if patent_types.contains(&RISK_EVENT_TYPES[t].0) {
                    self.patent_of(enterprise)
                } else {
                    None
                };
                self.event(enterprise, t, on, patent);
            }
        }
        // LTV breaches on a few live loans.
        let live: Vec<(usize, usize)> = self
            .data
            .loans
            .iter()
            .enumerate()
            .filter(|(_, l)| l.status == LoanStatus::Active)
            .map(|(i, l)| (i, l.enterprise))
            .collect();
        for k in 0..live.len().min(6) {
            let (_, enterprise) = live[(k * 37) % live.len()];
            let on = self.days_before(1, 60);
            self.event(enterprise, type_of("ltv_breach"), on, None);
        }
    }

    fn alerts(&mut self) {
        let as_of = self.as_of;
        // Pledged patents whose annual fee is in the grace period: the bank and the enterprise.
        let mut new_alerts = Vec::new();
        for pledge in self
            .data
            .pledges
            .iter()
            .filter(|p| p.status == PledgeStatus::Registered)
        {
            let patent = &self.data.patents[pledge.patent];
            let Some(loan) = pledge.loan else { continue };
            if let Some(f) = patent.fields.fee_paid_until.filter(|f| *f < as_of) {
                let grace_ends = add_months_clamped(f, 6);
                let days_left = (grace_ends - as_of).num_days();
                new_alerts.push(Alert {
                    enterprise: patent.owner,
                    bank: Some(self.data.loans[loan].bank),
                    loan: Some(loan),
                    patent: Some(pledge.patent),
                    kind: "fee_grace",
                    severity: "warning",
                    message: format!("质押专利 {} 年费未缴，滞纳期剩余 {} 天（至 {}）", patent.fields.patent_number, days_left, grace_ends),
                    details: serde_json::json!({"patent_number": patent.fields.patent_number, "fee_paid_until": f, "grace_ends": grace_ends, "days_left": days_left}),
                    raised_on: f + Duration::days(1),
                });
            }
        }
        for (i, l) in self
            .data
            .loans
            .iter()
            .enumerate()
            .filter(|(_, l)| l.status == LoanStatus::Overdue)
        {
            new_alerts.push(Alert {
                enterprise: l.enterprise,
                bank: Some(l.bank),
                loan: Some(i),
                patent: None,
                kind: "overdue",
                severity: if l.days_past_due >= 60 { "critical" } else { "warning" },
                message: format!("贷款逾期 {} 天，未还本金 {}", l.days_past_due, crate::domain::Fen(l.outstanding_fen)),
                details: serde_json::json!({"days_past_due": l.days_past_due, "outstanding_fen": l.outstanding_fen}),
                raised_on: as_of - Duration::days(i64::from(l.days_past_due)) + Duration::days(1),
            });
        }
        for e in self.data.events.iter() {
            let recent = (as_of - e.occurred_on).num_days() <= 365;
            let (kind, severity) = match e.event_type {
                "ltv_breach" => ("ltv_breach", "warning"),
                "dishonest_debtor" | "bankruptcy_filing" if recent => ("rating_rise", "critical"),
                _ => continue,
            };
            let bank = self
                .data
                .loans
                .iter()
                .rev()
                .find(|l| l.enterprise == e.enterprise)
                .map(|l| l.bank);
            new_alerts.push(Alert {
                enterprise: e.enterprise,
                bank,
                loan: None,
                patent: e.patent,
                kind,
                severity,
                message: match kind {
                    "ltv_breach" => "质物重估后贷款价值比超过上限".to_string(),
                    _ => format!("企业风险评级上调：{}", e.event_type),
                },
                details: serde_json::json!({"events": [e.reference]}),
                raised_on: e.occurred_on,
            });
        }
        self.data.alerts = new_alerts;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_date_gives_the_same_data() {
        let as_of = date(2026, 11, 1);
        let a = generate(as_of);
        let b = generate(as_of);
        assert_eq!(a.patents.len(), b.patents.len());
        assert_eq!(
            a.loans.iter().map(|l| l.principal_fen).sum::<i64>(),
            b.loans.iter().map(|l| l.principal_fen).sum::<i64>()
        );
        assert_eq!(
            a.patents
                .iter()
                .map(|p| p.fields.patent_number.clone())
                .collect::<Vec<_>>(),
            b.patents
                .iter()
                .map(|p| p.fields.patent_number.clone())
                .collect::<Vec<_>>()
        );
    }
}
