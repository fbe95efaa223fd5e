//! The native JSON API, `/api/1/`, documented by OpenAPI from the handlers themselves.

pub mod accounts;
pub mod attachments;
pub mod datasets;
pub mod distributions;
pub mod feedback;
pub mod harvest;
pub mod health;
pub mod inventory;
pub mod notifications;
pub mod organizations;
pub mod pull;
pub mod quality;
pub mod readiness;
pub mod registers;
pub mod requests;
pub mod review;
pub mod search;
pub mod tables;
pub mod tickets;

use dulieu_app::App;
use utoipa::OpenApi;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "dulieu API",
        description = "Native API of the dulieu open government data portal. Texts are `{\"vi\": ..., \"en\": ...}`; errors are `{\"error\": {\"code\", \"message\", \"fields\"}}`; lists are `{\"results\", \"total\", \"page\", \"page_size\"}`. Send `Authorization: Bearer <token>` to act as a user.",
        version = "1"
    ),
    modifiers(&BearerAuth),
    tags(
        (name = "organizations", description = "Publishers: government bodies and others"),
        (name = "datasets", description = "Datasets and their history"),
        (name = "distributions", description = "Files and links of datasets"),
        (name = "accounts", description = "Users and API tokens"),
        (name = "registers", description = "Licenses and themes"),
        (name = "search", description = "Full-text search with facets, and autocomplete"),
        (name = "readiness", description = "Readiness assessments (DGRA, ODRA, OD4B), live indicators and action plans"),
        (name = "requests", description = "Data requests: a formal ticket with states, a legal deadline in working days, a public thread, votes and statistics"),
        (name = "feedback", description = "Feedback on datasets: typed tickets with states and deadlines; hiding a file that exposes personal data"),
        (name = "notifications", description = "The caller's notification center and e-mail settings"),
        (name = "attachments", description = "Files attached to request messages and feedback tickets"),
        (name = "tables", description = "Tabular files read as typed tables: Table Schema, profile, rows, aggregates, a read-only SQL sandbox, exports and data packages"),
        (name = "inventory", description = "Data inventories: what each organization holds, its sensitivity, priority and target date; spreadsheet import and export; prioritisation and publication plans"),
        (name = "harvest", description = "Harvesting other portals' catalogs (CKAN Action API, DCAT, data.json) on a schedule: sources, runs with counts and per-item errors, and a preview; sysadmins only"),
        (name = "quality", description = "The watchdog: datasets' quality reports and scores (EU MQA, udata, 5-star, GODI, ODI), organizations' scorecards, the national league table and every finding as open data"),
    )
)]
struct ApiDoc;

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// Every API route, with its OpenAPI description.
pub fn router() -> OpenApiRouter<App> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(organizations::list, organizations::create))
        .routes(routes!(
            organizations::get,
            organizations::update,
            organizations::delete
        ))
        .routes(routes!(organizations::members, organizations::set_member))
        .routes(routes!(organizations::remove_member))
        .routes(routes!(datasets::list, datasets::create))
        .routes(routes!(datasets::get, datasets::update, datasets::delete))
        .routes(routes!(datasets::history))
        .routes(routes!(review::get, review::step))
        .merge(
            // Uploads are streamed to the blob store, which enforces the upload limit itself.
            OpenApiRouter::new()
                .routes(routes!(distributions::create))
                .routes(routes!(distributions::versions, distributions::add_version))
                .routes(routes!(distributions::push))
                .layer(axum::extract::DefaultBodyLimit::disable()),
        )
        .routes(routes!(
            distributions::get,
            distributions::update,
            distributions::delete
        ))
        .routes(routes!(distributions::download))
        .routes(routes!(pull::of_dataset))
        .routes(routes!(pull::get, pull::save, pull::delete))
        .routes(routes!(pull::run))
        .routes(routes!(pull::runs))
        .routes(routes!(harvest::list, harvest::create))
        .routes(routes!(harvest::get, harvest::update, harvest::delete))
        .routes(routes!(harvest::run))
        .routes(routes!(harvest::runs))
        .routes(routes!(harvest::preview))
        .routes(routes!(distributions::download_version))
        .routes(routes!(accounts::create_user))
        .routes(routes!(accounts::me))
        .routes(routes!(accounts::list_tokens, accounts::create_token))
        .routes(routes!(accounts::revoke_token))
        .routes(routes!(registers::licenses, registers::create_license))
        .routes(routes!(registers::themes, registers::create_theme))
        .routes(routes!(search::search))
        .routes(routes!(search::suggest))
        .merge(table_routes())
        .merge(readiness_routes())
        .merge(ticket_routes())
        .merge(quality_routes())
        .merge(inventory_routes())
}

/// The inventory's routes; the spreadsheet import has its own body limit.
fn inventory_routes() -> OpenApiRouter<App> {
    OpenApiRouter::new()
        .routes(routes!(inventory::list, inventory::create))
        .routes(routes!(inventory::export_csv))
        .routes(routes!(inventory::export_xlsx))
        .routes(routes!(inventory::template))
        .routes(routes!(inventory::priorities))
        .routes(routes!(
            inventory::get,
            inventory::update,
            inventory::delete
        ))
        .routes(routes!(inventory::link_request, inventory::unlink_request))
        .routes(routes!(inventory::plan))
        .merge(
            OpenApiRouter::new()
                .routes(routes!(inventory::import))
                .layer(axum::extract::DefaultBodyLimit::disable()),
        )
}

/// The watchdog's routes: dataset reports and rechecks, scorecards, the league, the findings.
fn quality_routes() -> OpenApiRouter<App> {
    OpenApiRouter::new()
        .routes(routes!(quality::dataset, quality::recheck))
        .routes(routes!(quality::organization))
        .routes(routes!(quality::league))
        .routes(routes!(quality::findings_json))
        .routes(routes!(quality::findings_csv))
}

/// The ticket routes: data requests, feedback, notifications.
fn ticket_routes() -> OpenApiRouter<App> {
    OpenApiRouter::new()
        .routes(routes!(requests::list, requests::create))
        .routes(routes!(requests::confirm))
        .routes(routes!(requests::statistics))
        .routes(routes!(requests::statistics_csv))
        .routes(routes!(requests::get))
        .routes(routes!(requests::transition))
        .routes(routes!(requests::vote, requests::unvote))
        .routes(routes!(requests::follow, requests::unfollow))
        .merge(
            // Attachments stream to the blob store, which enforces their limit itself.
            OpenApiRouter::new()
                .routes(routes!(requests::post_message))
                .routes(routes!(feedback::list, feedback::create))
                .layer(axum::extract::DefaultBodyLimit::disable()),
        )
        .routes(routes!(attachments::download))
        .routes(routes!(feedback::inbox))
        .routes(routes!(feedback::get))
        .routes(routes!(feedback::transition))
        .routes(routes!(feedback::hide, feedback::show))
        .routes(routes!(feedback::follow, feedback::unfollow))
        .routes(routes!(notifications::center))
        .routes(routes!(notifications::mark_read))
        .routes(routes!(
            notifications::settings,
            notifications::save_settings
        ))
}

/// The table routes: ingest status and schemas, rows, aggregates, SQL, exports, packages.
fn table_routes() -> OpenApiRouter<App> {
    OpenApiRouter::new()
        .routes(routes!(tables::get))
        .routes(routes!(tables::rows))
        .routes(routes!(tables::aggregate))
        .routes(routes!(tables::edit_schema, tables::reset_schema))
        .routes(routes!(tables::reingest))
        .routes(routes!(tables::sql_get, tables::sql_post))
        .routes(routes!(tables::data_package))
}

/// The readiness routes: frameworks, indicators, assessments and action plans.
fn readiness_routes() -> OpenApiRouter<App> {
    OpenApiRouter::new()
        .routes(routes!(readiness::frameworks))
        .routes(routes!(readiness::indicators))
        .routes(routes!(
            readiness::list_assessments,
            readiness::create_assessment
        ))
        .routes(routes!(
            readiness::get_assessment,
            readiness::update_assessment
        ))
        .routes(routes!(readiness::copy_assessment))
        .routes(routes!(readiness::comparison))
        .routes(routes!(readiness::markdown_report))
        .routes(routes!(readiness::judge_question))
        .routes(routes!(readiness::judge_dimension))
        .routes(routes!(readiness::add_evidence))
        .routes(routes!(readiness::remove_evidence))
        .routes(routes!(readiness::refresh_live_figures))
        .routes(routes!(readiness::list_plans, readiness::create_plan))
        .routes(routes!(readiness::get_plan, readiness::update_plan))
        .routes(routes!(readiness::add_item))
        .routes(routes!(readiness::update_item, readiness::remove_item))
        .routes(routes!(readiness::gantt_svg))
}
