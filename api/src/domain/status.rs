//! The statuses of the business objects, each an enum from the request to the database and back:
//! one spelling per value (the one the migrations' CHECK constraints allow), one `ToSql`/`FromSql`
//! for both backends (plus the `ToSql` of each inner backend, which `MultiConnection` binds
//! through). Outside this file a status is never compared with a string (a test in
//! `api/tests/house.rs` sees to it).

use diesel::backend::Backend;
use diesel::deserialize::{self, FromSql};
use diesel::pg::Pg;
use diesel::serialize::{self, Output, ToSql};
use diesel::sql_types::Text;
use diesel::sqlite::Sqlite;

use crate::db::MultiBackend;

/// Declares a status enum with its text spelling, `as_str`, `parse`, `Display`, serde, the
/// OpenAPI schema and the diesel mapping to a `TEXT` column.
macro_rules! status_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize,
            utoipa::ToSchema, diesel::expression::AsExpression, diesel::deserialize::FromSqlRow,
        )]
        #[diesel(sql_type = Text)]
        // The spellings are the variants in snake case (a test checks each against `as_str`):
        // utoipa does not read a `rename` given through a macro fragment.
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $($(#[$vmeta])* $variant),+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }

            pub fn parse(s: &str) -> Option<Self> {
                match s {
                    $($text => Some($name::$variant),)+
                    _ => None,
                }
            }

            /// The spellings, for a message: `a, b or c`.
            pub fn spellings() -> String {
                let all: Vec<&str> = Self::ALL.iter().map(|s| s.as_str()).collect();
                match all.split_last() {
                    Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
                    _ => all.join(""),
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ToSql<Text, MultiBackend> for $name {
            fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, MultiBackend>) -> serialize::Result {
                <str as ToSql<Text, MultiBackend>>::to_sql(self.as_str(), out)
            }
        }

        // A value bound in a query of the multi-backend connection is serialized by the backend
        // the connection holds.
        impl ToSql<Text, Sqlite> for $name {
            fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Sqlite>) -> serialize::Result {
                <str as ToSql<Text, Sqlite>>::to_sql(self.as_str(), out)
            }
        }

        impl ToSql<Text, Pg> for $name {
            fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Pg>) -> serialize::Result {
                <str as ToSql<Text, Pg>>::to_sql(self.as_str(), out)
            }
        }

        impl FromSql<Text, MultiBackend> for $name {
            fn from_sql(bytes: <MultiBackend as Backend>::RawValue<'_>) -> deserialize::Result<Self> {
                let text = <String as FromSql<Text, MultiBackend>>::from_sql(bytes)?;
                Self::parse(&text)
                    .ok_or_else(|| format!("{} {text:?} is not a {}", stringify!($name), Self::spellings()).into())
            }
        }
    };
}

status_enum! {
    /// A loan application, from the enterprise's draft to the bank's decision.
    ApplicationStatus {
        Draft = "draft",
        Submitted = "submitted",
        UnderReview = "under_review",
        Approved = "approved",
        Rejected = "rejected",
        Withdrawn = "withdrawn",
    }
}

status_enum! {
    /// A loan from disbursement to its end.
    LoanStatus {
        Active = "active",
        Overdue = "overdue",
        Defaulted = "defaulted",
        Repaid = "repaid",
        WrittenOff = "written_off",
    }
}

impl LoanStatus {
    /// A loan not closed: still owing, whether on time or not.
    pub const LIVE: [LoanStatus; 3] = [
        LoanStatus::Active,
        LoanStatus::Overdue,
        LoanStatus::Defaulted,
    ];

    /// Repaid or written off: nothing more is owed or collected.
    pub fn is_closed(self) -> bool {
        matches!(self, LoanStatus::Repaid | LoanStatus::WrittenOff)
    }
}

status_enum! {
    /// A patent's pledge to one application.
    PledgeStatus {
        Proposed = "proposed",
        PendingRegistration = "pending_registration",
        Registered = "registered",
        Released = "released",
        Disposed = "disposed",
    }
}

status_enum! {
    /// A loan's cover by a district pool.
    CoverageStatus {
        Covered = "covered",
        Released = "released",
        Claimed = "claimed",
    }
}

status_enum! {
    /// A bank's claim on a pool.
    ClaimStatus {
        Filed = "filed",
        UnderReview = "under_review",
        Approved = "approved",
        Rejected = "rejected",
        Paid = "paid",
        /// The borrower's money brought the loss to nil before the payout: closed, not paid.
        Withdrawn = "withdrawn",
    }
}

status_enum! {
    /// An enterprise's claim on a patent number another enterprise holds.
    DisputeStatus {
        Open = "open",
        HolderKept = "holder_kept",
        ClaimantGranted = "claimant_granted",
    }
}

status_enum! {
    /// A district's risk-compensation pool.
    PoolStatus {
        Open = "open",
        Suspended = "suspended",
        Closed = "closed",
    }
}

status_enum! {
    /// A disposal of a defaulted loan's pledged patents.
    DisposalStatus {
        Open = "open",
        Sold = "sold",
        Withdrawn = "withdrawn",
    }
}

status_enum! {
    /// A buyer's or licensee's offer in a disposal.
    OfferStatus {
        Open = "open",
        Accepted = "accepted",
        Declined = "declined",
    }
}

status_enum! {
    /// A bank's scorecard.
    ScorecardStatus {
        Candidate = "candidate",
        Active = "active",
        Retired = "retired",
    }
}

status_enum! {
    /// A maker-checker proposal.
    ProposalStatus {
        Pending = "pending",
        Approved = "approved",
        SentBack = "sent_back",
    }
}

status_enum! {
    /// A borrower's request to change a pledged patent's fields, decided by the lending bank.
    ChangeRequestStatus {
        Open = "open",
        Accepted = "accepted",
        Refused = "refused",
        Withdrawn = "withdrawn",
    }
}

status_enum! {
    /// A pool simulation run.
    SimulationStatus {
        Queued = "queued",
        Running = "running",
        Done = "done",
        Failed = "failed",
    }
}

#[cfg(test)]
mod tests {
    use serde::Serialize;

    use super::*;

    /// serde's spelling (snake case of the variant) is the database's (`as_str`), for every value.
    fn serde_spells_as_the_database<T: Serialize + Copy>(all: &[T], as_str: fn(T) -> &'static str) {
        for v in all {
            let json = serde_json::to_string(v).unwrap_or_default();
            assert_eq!(json, format!("\"{}\"", as_str(*v)));
        }
    }

    #[test]
    fn serde_and_the_database_spell_every_status_alike() {
        serde_spells_as_the_database(ApplicationStatus::ALL, ApplicationStatus::as_str);
        serde_spells_as_the_database(LoanStatus::ALL, LoanStatus::as_str);
        serde_spells_as_the_database(PledgeStatus::ALL, PledgeStatus::as_str);
        serde_spells_as_the_database(CoverageStatus::ALL, CoverageStatus::as_str);
        serde_spells_as_the_database(ClaimStatus::ALL, ClaimStatus::as_str);
        serde_spells_as_the_database(DisputeStatus::ALL, DisputeStatus::as_str);
        serde_spells_as_the_database(PoolStatus::ALL, PoolStatus::as_str);
        serde_spells_as_the_database(DisposalStatus::ALL, DisposalStatus::as_str);
        serde_spells_as_the_database(OfferStatus::ALL, OfferStatus::as_str);
        serde_spells_as_the_database(ScorecardStatus::ALL, ScorecardStatus::as_str);
        serde_spells_as_the_database(ChangeRequestStatus::ALL, ChangeRequestStatus::as_str);
        serde_spells_as_the_database(ProposalStatus::ALL, ProposalStatus::as_str);
        serde_spells_as_the_database(SimulationStatus::ALL, SimulationStatus::as_str);
    }

    #[test]
    fn every_status_reads_back_its_own_spelling() {
        for s in LoanStatus::ALL {
            assert_eq!(LoanStatus::parse(s.as_str()), Some(*s));
        }
        assert_eq!(
            ProposalStatus::parse("sent_back"),
            Some(ProposalStatus::SentBack)
        );
        assert_eq!(PoolStatus::parse("Open"), None);
        assert_eq!(
            ProposalStatus::spellings(),
            "pending, approved or sent_back"
        );
        assert_eq!(
            serde_json::to_string(&PledgeStatus::PendingRegistration)
                .ok()
                .as_deref(),
            Some("\"pending_registration\"")
        );
    }
}
