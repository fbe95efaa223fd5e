//! The public catalog as documents for other machines: DCAT-AP 3 (the whole catalog streamed,
//! a numbered page with Hydra links, or one dataset), Project Open Data `data.json` and the
//! sitemap. Only datasets anyone may see (`Dataset::is_public`) are in them, whoever asks.
//!
//! The whole catalog is read in one pass over the store in id order, [`BATCH`] datasets at a
//! time with their distributions;
//! organizations and registers are loaded once. Each batch is serialized and handed over as
//! one chunk of bytes while the next is read, so memory stays flat whatever the catalog size.
//! A Turtle catalog is written in parts, one per batch of ids (their bounds found first in one
//! query), each read (one query: on SQLite by the store's direct reader) and written by its own
//! task, one per core: a national catalog's export is bound by the serializer, and the reading
//! keeps up only when it too goes on in parallel.

use std::collections::{HashMap, VecDeque};
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

/// Ids from (included) and to (left out), open at `None`.
pub(crate) type IdRange = (Option<Uuid>, Option<Uuid>);

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

    /// The id ranges (from, included; to, left out; open at `None`) that split the public
    /// catalog into batches of about [`BATCH`] datasets, in id order, to be read at the same time.
    pub(crate) async fn public_batch_ranges(&self) -> Result<Vec<IdRange>> {
        let mut conn = self.store().conn().await?;
        let starts = export::public_batch_starts(&mut conn, BATCH).await?;
        // The first range is open below: nothing public before the first start is missed.
        let bounds: Vec<Option<Uuid>> = starts.into_iter().skip(1).map(Some).collect();
        let froms = std::iter::once(None).chain(bounds.iter().copied());
        let tos = bounds.iter().copied().chain(std::iter::once(None));
        Ok(froms.zip(tos).collect())
    }

    /// The public datasets of an id range, presented.
    pub(crate) async fn public_range(&self, (from, to): IdRange) -> Result<Vec<Dataset>> {
        let batch = self.store().public_between(from, to).await?;
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
    /// When the rest of the document can be written as parts appended to it (after
    /// [`CatalogDocument::finish`]), what writes one part.
    fn parts(&self) -> Option<PartWriter> {
        None
    }
}

/// Writes a batch of datasets as one part of a document, on its own.
type PartWriter = Arc<dyn Fn(&[Dataset], &Organizations) -> Result<Vec<u8>> + Send + Sync>;

impl CatalogDocument for DcatWriter<ChunkWriter> {
    fn dataset(&mut self, dataset: &Dataset, publisher: &Organization) -> std::io::Result<()> {
        DcatWriter::dataset(self, dataset, publisher)
    }
    fn finish(self) -> std::io::Result<ChunkWriter> {
        DcatWriter::finish(self)
    }
    fn parts(&self) -> Option<PartWriter> {
        let parts = DcatWriter::parts(self)?;
        Some(Arc::new(
            move |batch: &[Dataset], organizations: &Organizations| {
                let with_publishers = batch
                    .iter()
                    .map(|dataset| Ok((dataset, publisher_of(organizations, dataset)?)))
                    .collect::<Result<Vec<_>>>()?;
                parts.write(with_publishers).map_err(write_error)
            },
        ))
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
    organizations: Organizations,
    chunks: Chunks,
    /// The document's writer, until it is finished.
    writer: Option<D>,
    /// When the document is written in parts: what writes one, and the parts being written,
    /// in document order.
    parts: Option<PartWriter>,
    writing: VecDeque<tokio::task::JoinHandle<Result<Vec<u8>>>>,
    /// The batches not yet being written, when written in parts.
    ranges: VecDeque<IdRange>,
    /// The next batch, being read while the current one is written.
    next: Option<tokio::task::JoinHandle<Result<Vec<Dataset>>>>,
    /// Whether the last batch has been read.
    read_all: bool,
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
            organizations: Arc::new(organizations),
            chunks,
            parts: writer.parts(),
            writer: Some(writer),
            writing: VecDeque::new(),
            ranges: VecDeque::new(),
            next: None,
            read_all: false,
        };
        Box::pin(futures::stream::try_unfold(walk, |mut walk| async move {
            let step = if walk.parts.is_some() {
                walk.step_in_parts().await?
            } else {
                walk.step().await?
            };
            Ok(step.map(|chunk| (chunk, walk)))
        }))
    }

    /// The next batch of the catalog (`None` once the last was read); the batch after it is
    /// read from the store meanwhile (the writing and the database each keep a core busy).
    async fn read(&mut self) -> Result<Option<Vec<Dataset>>> {
        if self.read_all {
            return Ok(None);
        }
        let batch = match self.next.take() {
            Some(next) => next.await.map_err(join_error)??,
            None => self.app.public_batch(None).await?,
        };
        self.read_all = (batch.len() as i64) < BATCH;
        if !self.read_all {
            let app = self.app.clone();
            let after = batch.last().map(|d| d.id);
            self.next = Some(tokio::spawn(async move { app.public_batch(after).await }));
        }
        Ok(Some(batch))
    }

    /// Writes the next batch and returns the bytes ready; after the last batch, the end of the
    /// document; then `None`.
    async fn step(&mut self) -> Result<Option<Bytes>> {
        let Some(mut writer) = self.writer.take() else {
            return Ok(None);
        };
        let batch = self.read().await?.unwrap_or_default();
        let organizations = self.organizations.clone();
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
        if self.read_all {
            let rest = writer
                .finish()
                .map_err(write_error)?
                .into_rest(&self.chunks);
            return Ok(Some(Bytes::from(rest)));
        }
        self.writer = Some(writer);
        Ok(Some(Bytes::from(self.chunks.take())))
    }

    /// In parts: first the document as written so far, ended; then each batch (an id range,
    /// read and written by one task) as a part, with a part per core and one more being read
    /// at once; then `None`.
    async fn step_in_parts(&mut self) -> Result<Option<Bytes>> {
        if let Some(writer) = self.writer.take() {
            let head = writer
                .finish()
                .map_err(write_error)?
                .into_rest(&self.chunks);
            self.ranges = self.app.public_batch_ranges().await?.into();
            return Ok(Some(Bytes::from(head)));
        }
        let Some(parts) = self.parts.clone() else {
            return Ok(None);
        };
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get().min(MAX_WRITERS));
        while self.writing.len() <= cores
            && let Some(range) = self.ranges.pop_front()
        {
            let (app, parts) = (self.app.clone(), parts.clone());
            let organizations = self.organizations.clone();
            self.writing.push_back(tokio::spawn(async move {
                let batch = app.public_range(range).await?;
                tokio::task::spawn_blocking(move || parts(&batch, &organizations))
                    .await
                    .map_err(join_error)?
            }));
        }
        match self.writing.pop_front() {
            Some(part) => Ok(Some(Bytes::from(part.await.map_err(join_error)??))),
            None => Ok(None),
        }
    }
}

/// Most parts of one document written at once.
const MAX_WRITERS: usize = 4;

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
