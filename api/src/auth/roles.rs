//! The six roles of DOMAIN.md and the kind of organisation each belongs to.

use std::fmt;

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    EnterpriseUser,
    BankOfficer,
    BankManager,
    GovOfficer,
    GovManager,
    Admin,
}

impl Role {
    pub const ALL: [Role; 6] = [
        Self::EnterpriseUser,
        Self::BankOfficer,
        Self::BankManager,
        Self::GovOfficer,
        Self::GovManager,
        Self::Admin,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::EnterpriseUser => "enterprise_user",
            Self::BankOfficer => "bank_officer",
            Self::BankManager => "bank_manager",
            Self::GovOfficer => "gov_officer",
            Self::GovManager => "gov_manager",
            Self::Admin => "admin",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// The organisation kinds a user of this role may belong to (a guarantor works like a bank).
    pub fn org_kinds(self) -> &'static [&'static str] {
        match self {
            Self::EnterpriseUser => &["enterprise"],
            Self::BankOfficer | Self::BankManager => &["bank", "guarantor"],
            Self::GovOfficer | Self::GovManager => &["district"],
            Self::Admin => &["operator"],
        }
    }

    /// The role that manages the users of a tenant organisation of this kind: creating a user
    /// there, or resetting a password, is a proposal a user of this role in that organisation
    /// decides. An enterprise has one role, so its users decide for each other. None for the
    /// operator's own organisation.
    pub fn manager_of(org_kind: &str) -> Option<Self> {
        match org_kind {
            "bank" | "guarantor" => Some(Self::BankManager),
            "district" => Some(Self::GovManager),
            "enterprise" => Some(Self::EnterpriseUser),
            _ => None,
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
