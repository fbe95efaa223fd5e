//! The public catalog as documents for other machines: DCAT-AP 3 (the whole catalog streamed,
//! a numbered page with Hydra links, or one dataset), Project Open Data `data.json` and the
//! sitemap. Only datasets anyone may see (`Dataset::is_public`) are in them, whoever asks.
//!
//! The whole catalog is read in one pass over the store in id order, [`BATCH`] datasets at a
//! time with their distributions (one query for the datasets, one for their distributions);
//! organizations and registers are loaded once. Each batch is serialized and handed over as
//! one chunk of bytes before the next is read, so memory stays flat whatever the catalog size.

use std::collections::HashMap;
use std::io::Write;
use std::sync::Arc;

use bytes::Bytes;
use chrono::{DateTime, Utc};
use dulieu_core::catalog::{Dataset, Organization};
use dulieu_core::{Error, Result};
use dulieu_dcat::sitemap::{self, SitemapUrl};
use dulieu_dcat::{
    ChunkWriter, Chunks, DataJsonWriter, DcatWriter, HydraPage, RdfSyntax, Site, chunked,
};
use dulieu_store::{export, organizations};
use futures::{Stream, TryStreamExt};
use uuid::Uuid;

use crate::App;
use crate::paging::PageRequest;

/// Datasets read and written per step of a whole-catalog export.
pub const BATCH: i64 = 1000;
/// Datasets per page of a paged DCAT export when the request names no size (the largest is
/// [`crate::paging::MAX_PAGE_SIZE`]).
pub const DEFAULT_CATALOG_PAGE_SIZE: i64 = 100;

/// Which part of the catalog a DCAT export holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CatalogScope {
    /// Every public dataset, streamed.
    Whole,
    /// One numbered page, with Hydra links; `url` is the document's URL without query
    /// (`https://…/catalog.ttl`), the base of the page links.
    Page {
        /// The page asked for.
        request: PageRequest,
        /// The document's URL without query.
        url: String,
    },
}

/// A stream of a document's bytes, chunk by chunk.
pub type ByteStream = std::pin::Pin<Box<dyn Stream<Item = Result<Bytes>> + Send>>;

impl App {
    /// What every DCAT document needs: the public URL and the registers.
    pub async fn export_site(&self) -> Result<Site> {
        Ok(Site::new(
            self.public_url(),
            self.licenses().await?,
            self.themes().await?,
        ))
    }

    /// The number of public datasets.
    pub async fn public_dataset_count(&self) -> Result<i64> {
        let mut conn = self.store().conn().await?;
        export::public_count(&mut conn).await
    }

    /// The public catalog (whole or one page) as DCAT-AP 3 in `syntax`. A page past the last
    /// one is not found (page 1 of an empty catalog exists).
    pub async fn dcat_catalog(&self, syntax: RdfSyntax, scope: CatalogScope) -> Result<ByteStream> {
        let site = self.export_site().await?;
        let organizations = self.organizations_by_id().await?;
        let (writer, chunks) = chunked();
        match scope {
            CatalogScope::Whole => {
                let writer =
                    DcatWriter::catalog(writer, syntax, site, None).map_err(write_error)?;
                Ok(Walk::stream(self.clone(), writer, organizations, chunks))
            }
            CatalogScope::Page { request, url } => {
                let total = self.public_dataset_count().await?;
                let page = HydraPage {
                    url,
                    page: request.page as u64,
                    page_size: request.page_size as u64,
                    total: total as u64,
                };
                if page.page > page.last() {
                    return Err(Error::not_found("catalog_page", request.page.to_string()));
                }
                let mut conn = self.store().conn().await?;
                let datasets =
                    export::public_page(&mut conn, request.offset(), request.page_size).await?;
                drop(conn);
                let mut writer =
                    DcatWriter::catalog(writer, syntax, site, Some(&page)).map_err(write_error)?;
                for dataset in datasets {
                    let dataset = self.present(dataset);
                    writer
                        .dataset(&dataset, publisher_of(&organizations, &dataset)?)
                        .map_err(write_error)?;
                }
                let bytes = writer.finish().map_err(write_error)?.into_rest(&chunks);
                Ok(Box::pin(futures::stream::once(async move {
                    Ok(Bytes::from(bytes))
                })))
            }
        }
    }

    /// The public catalog as Project Open Data `data.json` v1.1, streamed.
    pub async fn data_json(&self) -> Result<ByteStream> {
        let site = self.export_site().await?;
        let organizations = self.organizations_by_id().await?;
        let (writer, chunks) = chunked();
        let writer = DataJsonWriter::new(writer, site).map_err(write_error)?;
        Ok(Walk::stream(self.clone(), writer, organizations, chunks))
    }

    /// The sitemap's URLs: the portal's pages, every organization and every public dataset, in
    /// both languages.
    pub async fn sitemap_urls(&self) -> Result<Vec<SitemapUrl>> {
        let organizations: Vec<(String, DateTime<Utc>)> = self
            .organizations_by_id()
            .await?
            .into_values()
            .map(|o| (o.slug, o.updated_at))
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        let datasets = self.public_dataset_slugs().await?;
        Ok(sitemap::urls(self.public_url(), &organizations, &datasets))
    }

    /// One public dataset (by id or slug) as a DCAT-AP 3 document in `syntax`; not found when it
    /// is not public, whoever asks.
    pub async fn dcat_dataset(&self, key: &str, syntax: RdfSyntax) -> Result<Vec<u8>> {
        let dataset = self.public_dataset(key).await?;
        let publisher = self.get_organization(&dataset.publisher).await?;
        let site = self.export_site().await?;
        let mut writer =
            DcatWriter::dataset_document(Vec::new(), syntax, site).map_err(write_error)?;
        writer.dataset(&dataset, &publisher).map_err(write_error)?;
        writer.finish().map_err(write_error)
    }

    /// A public dataset by id or slug, presented; not found when it is not public.
    pub async fn public_dataset(&self, key: &str) -> Result<Dataset> {
        self.store()
            .read_dataset(key)
            .await?
            .filter(Dataset::is_public)
            .map(|d| self.present(d))
            .ok_or_else(|| Error::not_found("dataset", key))
    }

    /// Writes the whole public catalog as DCAT-AP 3 in `syntax` to `out` (what
    /// `dulieu bench interop` measures); returns the bytes written.
    pub async fn write_dcat_catalog(&self, syntax: RdfSyntax, out: &mut impl Write) -> Result<u64> {
        let mut stream = self.dcat_catalog(syntax, CatalogScope::Whole).await?;
        let mut written = 0;
        while let Some(chunk) = stream.try_next().await? {
            out.write_all(&chunk).map_err(write_error)?;
            written += chunk.len() as u64;
        }
        Ok(written)
    }

    /// Every organization, by id.
    pub(crate) async fn organizations_by_id(&self) -> Result<HashMap<Uuid, Organization>> {
        let mut conn = self.store().conn().await?;
        Ok(organizations::all(&mut conn)
            .await?
            .into_iter()
            .map(|o| (o.id, o))
            .collect())
    }

    /// The [`BATCH`] public datasets after `after` (from the first when `None`) in id order,
    /// presented.
    pub(crate) async fn public_batch(&self, after: Option<Uuid>) -> Result<Vec<Dataset>> {
        let mut conn = self.store().conn().await?;
        let batch = export::public_after(&mut conn, after, BATCH).await?;
        Ok(batch.into_iter().map(|d| self.present(d)).collect())
    }

    /// Slug and last change of every public dataset, in id order, for the sitemap.
    pub async fn public_dataset_slugs(&self) -> Result<Vec<(String, DateTime<Utc>)>> {
        let mut conn = self.store().conn().await?;
        let mut all = Vec::new();
        let mut after = None;
        loop {
            let (entries, last) = export::public_slugs_after(&mut conn, after, 10 * BATCH).await?;
            let full = entries.len() as i64 == 10 * BATCH;
            all.extend(entries);
            if !full {
                return Ok(all);
            }
            after = last;
        }
    }
}

/// A document written one dataset at a time (DCAT-AP, data.json).
trait CatalogDocument: Send + 'static {
    /// Writes one dataset.
    fn dataset(&mut self, dataset: &Dataset, publisher: &Organization) -> std::io::Result<()>;
    /// Ends the document.
    fn finish(self) -> std::io::Result<ChunkWriter>;
}

impl CatalogDocument for DcatWriter<ChunkWriter> {
    fn dataset(&mut self, dataset: &Dataset, publisher: &Organization) -> std::io::Result<()> {
        DcatWriter::dataset(self, dataset, publisher)
    }
    fn finish(self) -> std::io::Result<ChunkWriter> {
        DcatWriter::finish(self)
    }
}

impl CatalogDocument for DataJsonWriter<ChunkWriter> {
    fn dataset(&mut self, dataset: &Dataset, publisher: &Organization) -> std::io::Result<()> {
        DataJsonWriter::dataset(self, dataset, publisher)
    }
    fn finish(self) -> std::io::Result<ChunkWriter> {
        DataJsonWriter::finish(self)
    }
}

/// Every organization, by id, shared by the steps of a walk.
type Organizations = Arc<HashMap<Uuid, Organization>>;

/// The state of a whole-catalog walk writing a document `D`.
struct Walk<D> {
    app: App,
    writer: Option<D>,
    /// The next batch, being read while the current one is written.
    next: Option<tokio::task::JoinHandle<Result<Vec<Dataset>>>>,
    done: bool,
}

impl<D: CatalogDocument> Walk<D> {
    /// Streams the whole public catalog through `writer`, whose bytes `chunks` takes.
    fn stream(
        app: App,
        writer: D,
        organizations: HashMap<Uuid, Organization>,
        chunks: Chunks,
    ) -> ByteStream {
        let walk = Walk {
            app,
            writer: Some(writer),
            next: None,
            done: false,
        };
        Box::pin(futures::stream::try_unfold(
            (walk, Arc::new(organizations), chunks),
            |(mut walk, organizations, chunks)| async move {
                let Some(chunk) = walk.step(&organizations, &chunks).await? else {
                    return Ok(None);
                };
                Ok(Some((chunk, (walk, organizations, chunks))))
            },
        ))
    }

    /// Writes the next batch and returns the bytes ready; after the last batch, the end of the
    /// document; then `None`. The batch after it is read from the store meanwhile (the
    /// serializer and the database each keep a core busy).
    async fn step(
        &mut self,
        organizations: &Organizations,
        chunks: &Chunks,
    ) -> Result<Option<Bytes>> {
        if self.done {
            return Ok(None);
        }
        let batch = match self.next.take() {
            Some(next) => next.await.map_err(join_error)??,
            None => self.app.public_batch(None).await?,
        };
        let last = (batch.len() as i64) < BATCH;
        if !last {
            let app = self.app.clone();
            let after = batch.last().map(|d| d.id);
            self.next = Some(tokio::spawn(async move { app.public_batch(after).await }));
        }
        let Some(mut writer) = self.writer.take() else {
            return Ok(None);
        };
        let organizations = organizations.clone();
        let (writer, written) = tokio::task::spawn_blocking(move || {
            let written = batch.iter().try_for_each(|dataset| {
                writer
                    .dataset(dataset, publisher_of(&organizations, dataset)?)
                    .map_err(write_error)
            });
            (writer, written)
        })
        .await
        .map_err(join_error)?;
        written?;
        if last {
            self.done = true;
            let rest = writer.finish().map_err(write_error)?.into_rest(chunks);
            return Ok(Some(Bytes::from(rest)));
        }
        self.writer = Some(writer);
        Ok(Some(Bytes::from(chunks.take())))
    }
}

fn join_error(err: tokio::task::JoinError) -> Error {
    Error::Internal(format!("export task failed: {err}"))
}

fn publisher_of<'a>(
    organizations: &'a HashMap<Uuid, Organization>,
    dataset: &Dataset,
) -> Result<&'a Organization> {
    organizations.get(&dataset.publisher_id).ok_or_else(|| {
        Error::Internal(format!(
            "dataset {} has no publisher {}",
            dataset.id, dataset.publisher_id
        ))
    })
}

/// A failure to write an export into memory or to its output.
fn write_error(err: std::io::Error) -> Error {
    Error::Internal(format!("writing an export: {err}"))
}
