//! The catalog for other machines: DCAT-AP 3 (`/catalog` negotiated on `Accept`,
//! `/catalog.ttl|.rdf|.jsonld`, `/dataset/{id-or-slug}.ttl|.rdf|.jsonld`, and `/dataset/{id}`
//! itself when `Accept` asks for RDF and not HTML), Project Open Data `/data.json`,
//! `/sitemap.xml` and `/robots.txt`. Public datasets only, whoever asks.
//!
//! Catalog paging: without `page` the whole catalog is streamed; `?page=N&page_size=M` (size 1
//! to 1,000, default 100) answers one page with Hydra links. The dataset documents share the
//! portal's `/dataset/{slug}` route, so [`dataset_documents`] (a middleware on the whole router)
//! answers them before routing reaches the page.

use axum::Router;
use axum::body::Body;
use axum::extract::{Query, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use dulieu_app::App;
use dulieu_app::catalog_export::{ByteStream, CatalogScope, DEFAULT_CATALOG_PAGE_SIZE};
use dulieu_core::Error;
use dulieu_dcat::{RdfSyntax, sitemap};
use futures::TryStreamExt;
use serde::Deserialize;

use crate::error::{ApiError, ApiResult};
use crate::extract::PageQuery;

/// The routes of the exports (the dataset documents are answered by [`dataset_documents`]).
pub fn router() -> Router<App> {
    Router::new()
        .route("/catalog", get(catalog_negotiated))
        .route(
            "/catalog.ttl",
            get(|app, query| catalog(app, query, RdfSyntax::Turtle)),
        )
        .route(
            "/catalog.rdf",
            get(|app, query| catalog(app, query, RdfSyntax::RdfXml)),
        )
        .route(
            "/catalog.jsonld",
            get(|app, query| catalog(app, query, RdfSyntax::JsonLd)),
        )
        .route("/data.json", get(data_json))
        .route("/sitemap.xml", get(sitemap_xml))
        .route("/robots.txt", get(robots))
}

/// `?page=&page_size=` of the catalog.
#[derive(Debug, Default, Deserialize)]
pub struct CatalogQuery {
    page: Option<String>,
    page_size: Option<String>,
}

async fn catalog_negotiated(
    State(app): State<App>,
    headers: HeaderMap,
    Query(query): Query<CatalogQuery>,
) -> ApiResult<Response> {
    let syntax = negotiate(&headers)?;
    let mut response = catalog(State(app), Query(query), syntax).await?;
    response
        .headers_mut()
        .insert(header::VARY, HeaderValue::from_static("accept"));
    Ok(response)
}

async fn catalog(
    State(app): State<App>,
    Query(query): Query<CatalogQuery>,
    syntax: RdfSyntax,
) -> ApiResult<Response> {
    let scope = match query.page {
        None => CatalogScope::Whole,
        Some(page) => {
            let request = PageQuery {
                page: Some(page),
                page_size: Some(
                    query
                        .page_size
                        .unwrap_or_else(|| DEFAULT_CATALOG_PAGE_SIZE.to_string()),
                ),
            }
            .request()?;
            let url = format!("{}/catalog.{}", app.public_url(), syntax.extension());
            CatalogScope::Page { request, url }
        }
    };
    let stream = app.dcat_catalog(syntax, scope).await?;
    Ok(streamed(content_type(syntax), stream))
}

/// The RDF syntax `Accept` asks for, or 406 naming the three offered.
fn negotiate(headers: &HeaderMap) -> Result<RdfSyntax, ApiError> {
    let accept = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok());
    RdfSyntax::negotiate(accept).ok_or_else(|| {
        ApiError(Error::BadRequest {
            code: "not_acceptable",
            detail: RdfSyntax::ALL.map(RdfSyntax::media_type).join(", "),
        })
    })
}

fn content_type(syntax: RdfSyntax) -> &'static str {
    match syntax {
        RdfSyntax::Turtle => "text/turtle; charset=utf-8",
        RdfSyntax::RdfXml => "application/rdf+xml; charset=utf-8",
        RdfSyntax::JsonLd => "application/ld+json",
    }
}

/// A 200 whose body is `stream`; a failure after the first bytes ends the body early (logged).
fn streamed(content_type: &'static str, stream: ByteStream) -> Response {
    let body = Body::from_stream(stream.inspect_err(|err| {
        tracing::error!(error = %err, "export stream failed");
    }));
    ([(header::CONTENT_TYPE, content_type)], body).into_response()
}

async fn data_json(State(app): State<App>) -> ApiResult<Response> {
    Ok(streamed("application/json", app.data_json().await?))
}

/// `?page=` of a sitemap split into several files.
#[derive(Debug, Default, Deserialize)]
pub struct SitemapQuery {
    page: Option<String>,
}

/// The sitemap: one `<urlset>`, or past 50,000 URLs an index of `?page=N` parts.
async fn sitemap_xml(
    State(app): State<App>,
    Query(query): Query<SitemapQuery>,
) -> ApiResult<Response> {
    let urls = app.sitemap_urls().await?;
    let parts = sitemap::parts(urls.len());
    let xml = match query.page {
        None if parts == 1 => sitemap::urlset(&urls),
        None => sitemap::index(&format!("{}/sitemap.xml", app.public_url()), parts),
        Some(raw) => {
            let page = raw
                .trim()
                .parse::<usize>()
                .ok()
                .filter(|p| (1..=parts).contains(p))
                .ok_or_else(|| ApiError(Error::not_found("sitemap_page", raw.as_str())))?;
            let start = (page - 1) * sitemap::MAX_URLS;
            let end = (start + sitemap::MAX_URLS).min(urls.len());
            sitemap::urlset(&urls[start..end])
        }
    };
    Ok((
        [(header::CONTENT_TYPE, "application/xml; charset=utf-8")],
        xml,
    )
        .into_response())
}

async fn robots(State(app): State<App>) -> Response {
    let text = format!(
        "User-agent: *\nDisallow: /workspace\nDisallow: /account\nSitemap: {}/sitemap.xml\n",
        app.public_url()
    );
    ([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], text).into_response()
}

/// Answers `GET /dataset/{id-or-slug}.ttl|.rdf|.jsonld`, and `GET /dataset/{id-or-slug}` when
/// `Accept` names an RDF syntax and not HTML, with the dataset's DCAT-AP document (404 when it
/// is not public); passes every other request on.
pub async fn dataset_documents(State(app): State<App>, request: Request, next: Next) -> Response {
    if !matches!(*request.method(), Method::GET | Method::HEAD) {
        return next.run(request).await;
    }
    let Some(rest) = request.uri().path().strip_prefix("/dataset/") else {
        return next.run(request).await;
    };
    if rest.is_empty() || rest.contains('/') {
        return next.run(request).await;
    }
    let (key, syntax, negotiated) = match rest.rsplit_once('.') {
        Some((key, extension)) => match RdfSyntax::from_extension(extension) {
            Some(syntax) => (key.to_string(), syntax, false),
            None => return next.run(request).await,
        },
        None => match linked_data_request(request.headers()) {
            Some(syntax) => (rest.to_string(), syntax, true),
            None => return next.run(request).await,
        },
    };
    let key = percent_decode(&key);
    match app.dcat_dataset(&key, syntax).await {
        Ok(bytes) => {
            let mut response =
                ([(header::CONTENT_TYPE, content_type(syntax))], bytes).into_response();
            if negotiated {
                response
                    .headers_mut()
                    .insert(header::VARY, HeaderValue::from_static("accept"));
            }
            response
        }
        Err(err) => ApiError(err).into_response(),
    }
}

/// The RDF syntax of a request for a dataset's IRI that asks for RDF rather than its page.
fn linked_data_request(headers: &HeaderMap) -> Option<RdfSyntax> {
    let accept = headers.get(header::ACCEPT)?.to_str().ok()?;
    let lower = accept.to_ascii_lowercase();
    if lower.contains("text/html") || lower.contains("*/*") {
        return None;
    }
    RdfSyntax::ALL
        .into_iter()
        .any(|s| lower.contains(s.media_type()))
        .then(|| RdfSyntax::negotiate(Some(accept)))
        .flatten()
}

/// Decodes `%XX` escapes of a path segment (invalid ones are kept as they are).
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%'
            && let (Some(hi), Some(lo)) = (
                bytes.get(i + 1).copied().and_then(hex),
                bytes.get(i + 2).copied().and_then(hex),
            )
        {
            out.push((hi * 16 + lo) as u8);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}
