//! The curation vocabulary: roles, proposals and their review, the audit
//! trail, verifications and problem reports, as the API shows them.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use crate::directory::model::{code_enum, Source, VerificationMethod};

code_enum! {
    /// What an account may do. Each role includes the ones before it.
    Role {
        /// Proposes changes and sees their own proposals.
        Curator = "curator",
        /// Also approves or rejects others' proposals, records
        /// verifications, reads the audit log and the review queue.
        Reviewer = "reviewer",
        /// Also manages accounts and tokens.
        Admin = "admin",
    }
}

code_enum! {
    /// What a proposal changes.
    EntityKind {
        Centre = "centre",
        /// A clinician, with their affiliations to centres.
        Clinician = "clinician",
        /// A dated, sourced criteria fact about a centre or clinician.
        Fact = "fact",
    }
}

code_enum! {
    ProposalAction {
        Create = "create",
        /// Replace the entity with `entity` (read it first; send its ETag).
        Update = "update",
        /// Take a listing out of the public directory (a fact is removed).
        Archive = "archive",
        /// Restore the content of an earlier revision (`to_revision`).
        Revert = "revert",
    }
}

code_enum! {
    ProposalStatus { Open = "open", Approved = "approved", Rejected = "rejected", Withdrawn = "withdrawn" }
}

code_enum! {
    /// What kind of problem a member of the public reports.
    ReportCategory {
        WrongContactDetails = "wrong_contact_details",
        WrongAddress = "wrong_address",
        /// The centre or clinician no longer sees sarcoma patients here.
        NoLongerAvailable = "no_longer_available",
        WrongFact = "wrong_fact",
        Other = "other",
    }
}

code_enum! {
    ReportStatus { Open = "open", Resolved = "resolved" }
}

impl Role {
    /// Whether this role includes `needed`.
    pub fn includes(self, needed: Role) -> bool {
        self >= needed
    }
}

/// An account as administrators see it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AccountView {
    #[schema(example = "acct-3f9c2a1b7d4e6f80")]
    pub id: String,
    pub display_name: String,
    pub role: Role,
    /// Inactive accounts cannot authenticate.
    pub active: bool,
    pub created_at: String,
}

/// A token as listed: never the secret itself.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TokenView {
    pub id: String,
    pub label: Option<String>,
    pub created_at: String,
    /// Null when the token does not expire.
    pub expires_at: Option<String>,
    /// Set once revoked.
    pub revoked_at: Option<String>,
}

/// A newly issued token: the secret is shown this once and only its hash
/// is stored.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct NewToken {
    pub id: String,
    /// Send as `Authorization: Bearer TOKEN`. Not retrievable later.
    #[schema(example = "sdt_q2FhZ...")]
    pub token: String,
    pub label: Option<String>,
    pub expires_at: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AccountWithToken {
    pub account: AccountView,
    pub token: NewToken,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AccountDetail {
    #[serde(flatten)]
    pub account: AccountView,
    pub tokens: Vec<TokenView>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AccountList {
    pub items: Vec<AccountView>,
    /// The next page's cursor; null on the last page.
    pub next_cursor: Option<String>,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewAccount {
    /// Shown publicly in listings' history.
    #[validate(length(min = 1, max = 100, message = "must be 1 to 100 characters"))]
    #[schema(min_length = 1, max_length = 100, example = "Volunteer A.")]
    pub display_name: String,
    pub role: Role,
    /// Days until the first token expires; null for no expiry.
    #[validate(range(min = 1, max = 3650, message = "must be 1 to 3650 days"))]
    #[schema(minimum = 1, maximum = 3650)]
    #[serde(default, deserialize_with = "whole::optional")]
    pub token_expires_in_days: Option<u32>,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
/// At least one field (the OpenAPI document says `minProperties: 1`).
pub struct AccountChange {
    /// At least one of `role` and `active`.
    #[schema(value_type = Role, required = false)]
    #[serde(default, deserialize_with = "whole::present")]
    pub role: Option<Role>,
    #[schema(value_type = bool, required = false)]
    #[serde(default, deserialize_with = "whole::present")]
    pub active: Option<bool>,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenRequest {
    #[validate(length(min = 1, max = 100, message = "must be 1 to 100 characters"))]
    #[schema(min_length = 1, max_length = 100)]
    pub label: Option<String>,
    #[validate(range(min = 1, max = 3650, message = "must be 1 to 3650 days"))]
    #[schema(minimum = 1, maximum = 3650)]
    #[serde(default, deserialize_with = "whole::optional")]
    pub expires_in_days: Option<u32>,
}

/// Someone named in the curation record, by display name.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Person {
    pub id: String,
    pub display_name: String,
}

/// A proposal as its author and reviewers see it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ProposalView {
    pub id: i64,
    pub kind: EntityKind,
    pub entity_id: String,
    pub action: ProposalAction,
    pub status: ProposalStatus,
    /// The entity as it will be once applied; null to archive.
    #[schema(value_type = Option<Object>)]
    pub entity: Option<serde_json::Value>,
    /// The entity's revision this proposal was made against; null to create.
    pub base_revision: Option<i64>,
    /// Top-level fields that differ from the base revision.
    pub changed_fields: Vec<String>,
    pub reason: String,
    pub sources: Vec<Source>,
    pub proposed_by: Person,
    pub proposed_at: String,
    pub decided_by: Option<Person>,
    pub decided_at: Option<String>,
    pub decision_reason: Option<String>,
    /// The proposal's own version (its ETag is `"r<revision>"`).
    pub revision: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ProposalPage {
    pub items: Vec<ProposalView>,
    /// Pass as `cursor` for the next page; null on the last page.
    pub next_cursor: Option<String>,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewProposal {
    pub kind: EntityKind,
    pub action: ProposalAction,
    /// The entity's id; for `create`, the new id (also in `entity.id`).
    #[validate(length(min = 1, max = 80, message = "must be 1 to 80 characters"))]
    #[schema(min_length = 1, max_length = 80)]
    pub id: String,
    /// For `create` and `update`: the whole entity as it should be, in the
    /// shape `GET /v1/curation/{kind}s/{id}` returns under `entity`.
    #[schema(value_type = Option<Object>)]
    pub entity: Option<serde_json::Value>,
    /// For `revert`: the revision whose content to restore.
    #[validate(range(min = 1, message = "must be 1 or more"))]
    #[schema(minimum = 1)]
    #[serde(default, deserialize_with = "whole::optional")]
    pub to_revision: Option<i64>,
    /// Why the change is right, for the reviewer and the audit trail.
    #[validate(length(min = 10, max = 2000, message = "must be 10 to 2000 characters"))]
    #[schema(min_length = 10, max_length = 2000)]
    pub reason: String,
    /// Where the new or changed facts come from (at least one for create
    /// and update).
    #[validate(length(max = 20, message = "at most 20 sources"))]
    #[schema(max_items = 20)]
    #[serde(default)]
    pub sources: Vec<Source>,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Decision {
    /// Required to reject; optional note when approving.
    #[validate(length(min = 1, max = 2000, message = "must be 1 to 2000 characters"))]
    #[schema(min_length = 1, max_length = 2000)]
    pub reason: Option<String>,
}

/// A stored entity of any status, as curators read it before proposing.
#[derive(Debug, Serialize, ToSchema)]
pub struct StoredEntity {
    pub kind: EntityKind,
    pub revision: i64,
    pub created_at: String,
    pub updated_at: String,
    /// Send back, changed, as a proposal's `entity`.
    #[schema(value_type = Object)]
    pub entity: serde_json::Value,
}

/// One applied change in the audit trail.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditEntry {
    pub seq: i64,
    pub kind: EntityKind,
    pub entity_id: String,
    /// `created`, `updated`, `archived`, `removed`, `reverted`, `verified` or `imported`.
    pub action: String,
    /// The entity's revision after the change.
    pub revision: i64,
    pub proposal_id: Option<i64>,
    /// Null for the initial import of seed data.
    pub proposed_by: Option<Person>,
    pub approved_by: Option<Person>,
    pub at: String,
    pub fields: Vec<String>,
    #[schema(value_type = Option<Object>)]
    pub before: Option<serde_json::Value>,
    #[schema(value_type = Option<Object>)]
    pub after: Option<serde_json::Value>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AuditPage {
    pub items: Vec<AuditEntry>,
    pub next_cursor: Option<String>,
}

/// One published change to a listing, as the public sees it.
#[derive(Debug, Serialize, ToSchema)]
pub struct HistoryEntry {
    pub revision: i64,
    pub at: String,
    pub action: String,
    /// Top-level fields that changed.
    pub fields: Vec<String>,
    /// Display names only.
    pub proposed_by: Option<String>,
    pub approved_by: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct History {
    pub id: String,
    pub items: Vec<HistoryEntry>,
    /// The next page's cursor; null on the last page.
    pub next_cursor: Option<String>,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewVerification {
    pub method: VerificationMethod,
    /// When the listing was confirmed; not in the future.
    pub verified_on: NaiveDate,
    /// The page read, or a citation of the call or letter.
    pub source: Source,
    #[validate(length(max = 2000, message = "at most 2000 characters"))]
    #[schema(max_length = 2000)]
    pub note: Option<String>,
    /// Default: 12 months after `verified_on`.
    pub next_review_due: Option<NaiveDate>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct VerificationView {
    pub id: i64,
    pub kind: EntityKind,
    pub entity_id: String,
    pub method: VerificationMethod,
    pub verified_on: NaiveDate,
    pub next_review_due: NaiveDate,
    pub source: Source,
    pub note: Option<String>,
    pub recorded_by: Person,
    pub recorded_at: String,
    /// The listing's revision after recording.
    pub revision: i64,
}

/// A problem report: no account, no personal data.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewReport {
    pub category: ReportCategory,
    /// What is wrong and, if known, where the right information is. Please
    /// do not include names, contact details or health information.
    #[validate(length(min = 10, max = 2000, message = "must be 10 to 2000 characters"))]
    #[schema(min_length = 10, max_length = 2000)]
    pub details: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReportReceipt {
    pub id: i64,
    pub status: ReportStatus,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReportView {
    pub id: i64,
    pub kind: EntityKind,
    pub entity_id: String,
    pub category: ReportCategory,
    pub details: String,
    pub status: ReportStatus,
    pub created_at: String,
    pub resolved_by: Option<Person>,
    pub resolved_at: Option<String>,
    pub resolution: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReportList {
    pub items: Vec<ReportView>,
    /// The next page's cursor; null on the last page.
    pub next_cursor: Option<String>,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Resolution {
    #[validate(length(min = 1, max = 2000, message = "must be 1 to 2000 characters"))]
    #[schema(min_length = 1, max_length = 2000)]
    pub resolution: String,
}

code_enum! {
    /// Why a listing is in the review queue.
    QueueReason {
        /// Members of the public reported a problem not yet resolved.
        OpenReports = "open_reports",
        /// `next_review_due` has passed.
        ReviewOverdue = "review_overdue",
        /// Nobody has verified the listing yet.
        NeverVerified = "never_verified",
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct QueueItem {
    pub kind: EntityKind,
    pub id: String,
    pub name: String,
    pub status: crate::directory::model::ListingStatus,
    pub reasons: Vec<QueueReason>,
    pub last_verified: Option<NaiveDate>,
    pub next_review_due: Option<NaiveDate>,
    pub open_reports: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Queue {
    pub items: Vec<QueueItem>,
    /// Pass as `cursor` for the next page; null on the last page.
    pub next_cursor: Option<String>,
}

/// Body fields as the OpenAPI document states them. Whole numbers:
/// JSON Schema's `integer` also matches `3.0`, so a whole number is
/// accepted written either way; a fraction or an out-of-range number is
/// refused as before. Optional fields that are not nullable: absent is
/// `None`, `null` is refused.
mod whole {
    use serde::de::Error;
    use serde::{Deserialize, Deserializer};

    pub fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
        d: D,
    ) -> Result<Option<T>, D::Error> {
        T::deserialize(d).map(Some)
    }

    pub fn optional<'de, D: Deserializer<'de>, T: TryFrom<i64>>(
        d: D,
    ) -> Result<Option<T>, D::Error> {
        let Some(n) = Option::<serde_json::Number>::deserialize(d)? else {
            return Ok(None);
        };
        n.as_i64()
            .or_else(|| {
                n.as_f64()
                    .filter(|f| f.fract() == 0.0 && f.abs() < 1e15)
                    .map(|f| f as i64)
            })
            .and_then(|w| T::try_from(w).ok())
            .map(Some)
            .ok_or_else(|| D::Error::custom(format!("expected a whole number in range, not {n}")))
    }
}
