//! Criteria endpoints: the profiles, and assessments of one centre or
//! clinician. Evaluated from the current snapshot, on the same date the
//! list filters use, so a list's `meets` and an assessment always agree.

use actix_web::{get, web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::criteria::evaluate::{evaluate, Assessment};
use crate::criteria::profile::{CentreProfileId, ClinicianProfileId, Profile, ProfileKind};
use crate::directory::model::{Fact, FactSubject, SubjectKind};
use crate::error::{ApiError, Problem};
use crate::http::params;
use crate::http::problems;
use crate::readmodel::snapshot::Snapshot;
use crate::state::AppState;

#[derive(Serialize, ToSchema)]
pub struct ProfileSummary {
    pub id: String,
    pub version: String,
    pub name: String,
    pub issuer: String,
    pub kind: ProfileKind,
    pub applies_to: SubjectKind,
    pub criteria: usize,
}

#[derive(Serialize, ToSchema)]
pub struct ProfileList {
    pub items: Vec<ProfileSummary>,
}

#[derive(Serialize, ToSchema)]
pub struct AssessmentList {
    pub items: Vec<Assessment>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AssessmentParams {
    /// Only this profile (default: every profile for this kind of listing).
    #[param(value_type = Option<CentreProfileId>, example = "guide-sarcoma-centre")]
    profile: Option<String>,
}

/// [`AssessmentParams`] as a clinician's assessments document them: the
/// same parameter, naming a clinician profile.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ClinicianAssessmentParams {
    /// Only this profile (default: every profile for this kind of listing).
    #[param(value_type = Option<ClinicianProfileId>, example = "guide-sarcoma-oncologist")]
    profile: Option<String>,
}

/// The criteria profiles: published criteria sets and the patient guide's.
#[utoipa::path(tag = "criteria", responses(
        (status = 200, body = ProfileList),
        problems::Query,
    ))]
#[get("/criteria")]
pub async fn list_profiles(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    params::none(req.query_string())?;
    let items = state
        .snapshot()
        .profiles
        .iter()
        .map(|p| ProfileSummary {
            id: p.id.clone(),
            version: p.version.clone(),
            name: p.name.clone(),
            issuer: p.issuer.clone(),
            kind: p.kind,
            applies_to: p.applies_to,
            criteria: p.criteria.len(),
        })
        .collect();
    Ok(HttpResponse::Ok().json(ProfileList { items }))
}

/// One profile with every criterion, its threshold, source and, where the
/// source is qualitative, the project's interpretation.
#[utoipa::path(tag = "criteria",
    params(("profile" = String, Path, description = "Profile id")),
    responses(
        (status = 200, body = Profile),
        problems::Query,
        (status = 404, description = "No such profile", body = Problem, content_type = "application/problem+json"),
    ))]
#[get("/criteria/{profile}")]
pub async fn get_profile(
    req: HttpRequest,
    id: web::Path<String>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    params::none(req.query_string())?;
    let snapshot = state.snapshot();
    let profile = snapshot
        .profile(&id)
        .ok_or_else(|| ApiError::not_found("criteria profile", &id))?;
    Ok(HttpResponse::Ok().json(profile))
}

fn assessments(
    snapshot: &Snapshot,
    subject: FactSubject,
    facts: &[Fact],
    only: Option<&str>,
) -> Result<AssessmentList, ApiError> {
    let profiles: Vec<&Profile> = match only {
        Some(id) => {
            let p = snapshot
                .profile(id)
                .ok_or_else(|| ApiError::not_found("criteria profile", id))?;
            if p.applies_to != subject.kind {
                return Err(ApiError::bad_parameter(
                    "profile",
                    format!(
                        "profile {id:?} applies to a {}, not a {}",
                        p.applies_to.code(),
                        subject.kind.code()
                    ),
                ));
            }
            vec![p]
        }
        None => snapshot
            .profiles
            .iter()
            .filter(|p| p.applies_to == subject.kind)
            .collect(),
    };
    Ok(AssessmentList {
        items: profiles
            .into_iter()
            .map(|p| evaluate(p, subject.clone(), facts, snapshot.evaluated_on))
            .collect(),
    })
}

/// How a centre fares against each centre profile, criterion by criterion,
/// with the fact each criterion rests on.
///
/// `meets`: every required criterion is met by a current, sourced fact (a
/// published threshold met on the evidence recorded, not a guarantee of
/// quality). `does_not_meet`: a required criterion is not met by the
/// current evidence. `insufficient_data`: otherwise; an unknown is never
/// counted as met.
#[utoipa::path(tag = "criteria",
    params(("id" = String, Path, description = "Centre id"), AssessmentParams),
    responses(
        (status = 200, body = AssessmentList),
        (status = 400, description = "The profile does not apply to centres, or an unknown parameter", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No published centre, or no such profile", body = Problem, content_type = "application/problem+json"),
    ))]
#[get("/centres/{id}/assessments")]
pub async fn centre_assessments(
    req: HttpRequest,
    id: web::Path<String>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let p: AssessmentParams = params::parse(req.query_string())?;
    let snapshot = state.snapshot();
    let entry = snapshot
        .centre(&id)
        .ok_or_else(|| ApiError::not_found("centre", &id))?;
    let subject = FactSubject {
        kind: SubjectKind::Centre,
        id: id.into_inner(),
    };
    Ok(HttpResponse::Ok().json(assessments(
        &snapshot,
        subject,
        &entry.facts,
        p.profile.as_deref(),
    )?))
}

/// How a clinician fares against each clinician profile; see the centre
/// assessments for what the outcomes mean.
#[utoipa::path(tag = "criteria",
    params(("id" = String, Path, description = "Clinician id"), ClinicianAssessmentParams),
    responses(
        (status = 200, body = AssessmentList),
        (status = 400, description = "The profile does not apply to clinicians, or an unknown parameter", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No published clinician, or no such profile", body = Problem, content_type = "application/problem+json"),
    ))]
#[get("/clinicians/{id}/assessments")]
pub async fn clinician_assessments(
    req: HttpRequest,
    id: web::Path<String>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let p: ClinicianAssessmentParams = params::parse(req.query_string())?;
    let snapshot = state.snapshot();
    let entry = snapshot
        .clinician(&id)
        .ok_or_else(|| ApiError::not_found("clinician", &id))?;
    let subject = FactSubject {
        kind: SubjectKind::Clinician,
        id: id.into_inner(),
    };
    Ok(HttpResponse::Ok().json(assessments(
        &snapshot,
        subject,
        &entry.facts,
        p.profile.as_deref(),
    )?))
}
