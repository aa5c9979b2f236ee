//! The one route table: the server mounts it and the OpenAPI document is
//! built from it, so a route cannot exist without its documentation.

use utoipa_actix_web::scope;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::handlers::curation::{
    accounts, audit, bulk, listings, proposals, queue, reports, search,
};
use crate::handlers::interop::{changes, export};
use crate::handlers::{criteria, directory, documents, facets, fhir, hsds, ops, suggest};

/// Every documented route.
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(
        scope::scope("/v1")
            .service(directory::list_centres)
            .service(directory::list_centres_geojson)
            .service(facets::centre_facets)
            .service(directory::get_centre)
            .service(directory::list_clinicians)
            .service(directory::get_clinician)
            .service(directory::list_regions)
            .service(suggest::suggest)
            .service(criteria::list_profiles)
            .service(criteria::get_profile)
            .service(criteria::centre_assessments)
            .service(criteria::clinician_assessments)
            .service(documents::second_opinion_document)
            .service(documents::referral_request_document)
            .service(documents::insurer_appeal_document)
            .service(documents::pathology_records_document)
            .service(documents::consultation_questions_document)
            .service(documents::list_templates)
            .service(documents::get_template)
            .service(documents::blank_template)
            .service(documents::list_evidence)
            .service(documents::get_evidence)
            .service(export::centres_ndjson)
            .service(export::centres_csv)
            .service(export::clinicians_ndjson)
            .service(export::clinicians_csv)
            .service(changes::list_changes)
            .service(audit::centre_history)
            .service(audit::clinician_history)
            .service(reports::report_centre)
            .service(reports::report_clinician)
            .service(accounts::me)
            .service(accounts::list_accounts)
            .service(accounts::create_account)
            .service(accounts::get_account)
            .service(accounts::change_account)
            .service(accounts::issue_token)
            .service(accounts::revoke_token)
            .service(search::search_centres)
            .service(search::search_clinicians)
            .service(search::list_facts)
            .service(listings::stored_centre)
            .service(listings::stored_clinician)
            .service(listings::stored_fact)
            .service(listings::verify_centre)
            .service(listings::verify_clinician)
            .service(proposals::create_proposal)
            .service(proposals::list_proposals)
            .service(bulk::approve_proposals)
            .service(proposals::get_proposal)
            .service(proposals::approve_proposal)
            .service(proposals::reject_proposal)
            .service(proposals::withdraw_proposal)
            .service(audit::audit_log_page)
            .service(queue::review_queue)
            .service(reports::list_reports)
            .service(reports::resolve_report),
    )
    .service(
        scope::scope("/fhir")
            .service(fhir::routes::metadata)
            .service(fhir::routes::read)
            .service(fhir::routes::search),
    )
    .service(
        scope::scope("/hsds")
            .service(hsds::about)
            .service(hsds::list_organizations)
            .service(hsds::get_organization)
            .service(hsds::list_services)
            .service(hsds::get_service)
            .service(hsds::list_service_at_locations)
            .service(hsds::get_service_at_location),
    )
    .service(ops::healthz)
    .service(ops::readyz);
}
