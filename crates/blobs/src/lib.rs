//! Blob storage: uploaded bytes stored content-addressed (by SHA-256) through `object_store`,
//! on a local directory by default or S3-compatible storage by configuration.
//!
//! Uploads are streamed: each chunk is hashed and written to a temporary object as it arrives, never
//! held whole in memory. Only a complete upload under the size limit is moved to its final key,
//! which is never overwritten (the same key always holds the same bytes).

use std::ops::Range;
use std::path::Path as FsPath;
use std::sync::Arc;

use bytes::Bytes;
use dulieu_core::{Error, Result};
use futures::stream::BoxStream;
use futures::{Stream, StreamExt, TryStreamExt};
use object_store::aws::AmazonS3Builder;
use object_store::local::LocalFileSystem;
use object_store::path::Path;
use object_store::{GetOptions, GetRange, ObjectStore, ObjectStoreExt, WriteMultipart};
use sha2::{Digest, Sha256};

/// Settings for S3-compatible storage.
#[derive(Debug, Clone, Default)]
pub struct S3Settings {
    /// Endpoint URL (e.g. `https://s3.example.org`); AWS when absent.
    pub endpoint: Option<String>,
    /// Bucket name.
    pub bucket: String,
    /// Region.
    pub region: String,
    /// Access key id.
    pub access_key_id: String,
    /// Secret access key.
    pub secret_access_key: String,
    /// Allow plain-HTTP endpoints (for local test servers).
    pub allow_http: bool,
}

/// A stored blob: its key and size.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredBlob {
    /// SHA-256 of the bytes, lower-case hex.
    pub sha256: String,
    /// Size in bytes.
    pub byte_size: u64,
}

/// An open blob read: the bytes of `range` out of `total` bytes.
pub struct BlobRead {
    /// Size of the whole blob.
    pub total: u64,
    /// The byte range being streamed.
    pub range: Range<u64>,
    /// The bytes.
    pub stream: BoxStream<'static, std::result::Result<Bytes, std::io::Error>>,
}

/// Content-addressed blob storage with an upload size limit.
#[derive(Clone, Debug)]
pub struct BlobStore {
    store: Arc<dyn ObjectStore>,
    max_bytes: u64,
}

impl BlobStore {
    /// Blobs in a local directory (created if missing).
    pub fn local(dir: &FsPath, max_bytes: u64) -> Result<Self> {
        std::fs::create_dir_all(dir)
            .map_err(|e| Error::Internal(format!("cannot create {}: {e}", dir.display())))?;
        let store = LocalFileSystem::new_with_prefix(dir).map_err(Error::internal)?;
        Ok(Self {
            store: Arc::new(store),
            max_bytes,
        })
    }

    /// Blobs in an S3-compatible bucket.
    pub fn s3(settings: &S3Settings, max_bytes: u64) -> Result<Self> {
        let mut builder = AmazonS3Builder::new()
            .with_bucket_name(&settings.bucket)
            .with_region(&settings.region)
            .with_access_key_id(&settings.access_key_id)
            .with_secret_access_key(&settings.secret_access_key)
            .with_allow_http(settings.allow_http);
        if let Some(endpoint) = &settings.endpoint {
            builder = builder.with_endpoint(endpoint);
        }
        let store = builder.build().map_err(Error::internal)?;
        Ok(Self {
            store: Arc::new(store),
            max_bytes,
        })
    }

    /// The upload size limit in bytes.
    pub fn max_bytes(&self) -> u64 {
        self.max_bytes
    }

    fn key(sha256: &str) -> Result<Path> {
        if sha256.len() != 64 || !sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(Error::invalid("sha256", "invalid_sha256"));
        }
        let sha256 = sha256.to_ascii_lowercase();
        Ok(Path::from(format!(
            "blobs/sha256/{}/{}/{}",
            &sha256[0..2],
            &sha256[2..4],
            sha256
        )))
    }

    /// The object key under which the blob `sha256` is stored (e.g.
    /// `blobs/sha256/ab/cd/abcd…`).
    pub fn object_key(sha256: &str) -> Result<String> {
        Ok(Self::key(sha256)?.to_string())
    }

    /// Stores a stream of bytes. Fails with [`Error::TooLarge`] (nothing stored) past the limit,
    /// and with the stream's error (nothing stored) when the stream breaks.
    pub async fn put_stream<S, E>(&self, stream: S) -> Result<StoredBlob>
    where
        S: Stream<Item = std::result::Result<Bytes, E>> + Send,
        E: std::fmt::Display,
    {
        self.put_stream_limited(stream, self.max_bytes).await
    }

    /// Stores a stream of bytes under a limit of its own (at most the store's upload limit),
    /// like [`BlobStore::put_stream`].
    pub async fn put_stream_limited<S, E>(&self, stream: S, max_bytes: u64) -> Result<StoredBlob>
    where
        S: Stream<Item = std::result::Result<Bytes, E>> + Send,
        E: std::fmt::Display,
    {
        let max_bytes = max_bytes.min(self.max_bytes);
        let temp = Path::from(format!("tmp/uploads/{}", uuid::Uuid::new_v4()));
        let upload = self
            .store
            .put_multipart(&temp)
            .await
            .map_err(Error::internal)?;
        let mut writer = WriteMultipart::new(upload);
        let mut hasher = Sha256::new();
        let mut size: u64 = 0;
        let mut stream = std::pin::pin!(stream);
        while let Some(chunk) = stream.next().await {
            let chunk = match chunk {
                Ok(chunk) => chunk,
                Err(e) => {
                    let _ = writer.abort().await;
                    return Err(Error::BadRequest {
                        code: "upload_interrupted",
                        detail: e.to_string(),
                    });
                }
            };
            size += chunk.len() as u64;
            if size > max_bytes {
                let _ = writer.abort().await;
                return Err(Error::TooLarge { limit: max_bytes });
            }
            hasher.update(&chunk);
            if let Err(e) = writer.wait_for_capacity(4).await {
                return Err(Error::internal(e));
            }
            writer.put(chunk);
        }
        writer.finish().await.map_err(Error::internal)?;
        let sha256 = hex::encode(hasher.finalize());
        let key = Self::key(&sha256)?;
        self.promote(&temp, &key).await?;
        Ok(StoredBlob {
            sha256,
            byte_size: size,
        })
    }

    /// Moves a finished temporary object to its content key, keeping any existing copy.
    async fn promote(&self, temp: &Path, key: &Path) -> Result<()> {
        let outcome = self.store.copy_if_not_exists(temp, key).await;
        let result = match outcome {
            Ok(()) | Err(object_store::Error::AlreadyExists { .. }) => Ok(()),
            Err(object_store::Error::NotImplemented { .. }) => match self.store.head(key).await {
                Ok(_) => Ok(()),
                Err(object_store::Error::NotFound { .. }) => {
                    self.store.copy(temp, key).await.map_err(Error::internal)
                }
                Err(e) => Err(Error::internal(e)),
            },
            Err(e) => Err(Error::internal(e)),
        };
        if let Err(e) = self.store.delete(temp).await {
            tracing::warn!(error = %e, "could not delete temporary upload");
        }
        result
    }

    /// Stores bytes already in memory (small files, fixtures).
    pub async fn put_bytes(&self, bytes: Bytes) -> Result<StoredBlob> {
        self.put_stream(futures::stream::once(async move {
            Ok::<_, std::convert::Infallible>(bytes)
        }))
        .await
    }

    /// Size of a stored blob, or `None` when absent.
    pub async fn size(&self, sha256: &str) -> Result<Option<u64>> {
        match self.store.head(&Self::key(sha256)?).await {
            Ok(meta) => Ok(Some(meta.size)),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(Error::internal(e)),
        }
    }

    /// Opens a blob for reading, whole or a byte range (`start..end`, end exclusive, clamped to the size).
    pub async fn open(&self, sha256: &str, range: Option<Range<u64>>) -> Result<BlobRead> {
        let key = Self::key(sha256)?;
        let total = self
            .size(sha256)
            .await?
            .ok_or_else(|| Error::not_found("blob", sha256))?;
        let range = match range {
            Some(r) if r.start >= total || r.start >= r.end => {
                return Err(Error::RangeNotSatisfiable { size: total });
            }
            Some(r) => r.start..r.end.min(total),
            None => 0..total,
        };
        if range.is_empty() {
            return Ok(BlobRead {
                total,
                range,
                stream: futures::stream::empty().boxed(),
            });
        }
        let options = GetOptions {
            range: Some(GetRange::Bounded(range.clone())),
            ..Default::default()
        };
        let result = self
            .store
            .get_opts(&key, options)
            .await
            .map_err(Error::internal)?;
        let stream = result
            .into_stream()
            .map_err(|e| std::io::Error::other(e.to_string()))
            .boxed();
        Ok(BlobRead {
            total,
            range,
            stream,
        })
    }

    /// Re-reads a blob and checks its bytes still hash to its key.
    pub async fn verify(&self, sha256: &str) -> Result<bool> {
        let mut read = self.open(sha256, None).await?;
        let mut hasher = Sha256::new();
        while let Some(chunk) = read.stream.next().await {
            hasher.update(&chunk.map_err(Error::internal)?);
        }
        Ok(hex::encode(hasher.finalize()).eq_ignore_ascii_case(sha256))
    }

    /// Deletes temporary uploads left by interrupted processes, older than `age`.
    pub async fn sweep_temporary(&self, age: chrono::Duration) -> Result<usize> {
        let cutoff = chrono::Utc::now() - age;
        let prefix = Path::from("tmp/uploads");
        let stale: Vec<Path> = self
            .store
            .list(Some(&prefix))
            .try_filter(|meta| futures::future::ready(meta.last_modified < cutoff))
            .map_ok(|meta| meta.location)
            .try_collect()
            .await
            .map_err(Error::internal)?;
        for path in &stale {
            self.store.delete(path).await.map_err(Error::internal)?;
        }
        Ok(stale.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chunks(parts: &[&'static [u8]]) -> impl Stream<Item = std::result::Result<Bytes, String>> {
        futures::stream::iter(
            parts
                .iter()
                .map(|p| Ok(Bytes::from_static(p)))
                .collect::<Vec<_>>(),
        )
    }

    async fn read_all(read: BlobRead) -> Vec<u8> {
        read.stream
            .try_fold(Vec::new(), |mut acc, b| async move {
                acc.extend_from_slice(&b);
                Ok(acc)
            })
            .await
            .unwrap()
    }

    #[tokio::test]
    async fn stores_content_addressed_and_reads_ranges() {
        let dir = tempfile::tempdir().unwrap();
        let blobs = BlobStore::local(dir.path(), 1024).unwrap();
        let stored = blobs
            .put_stream(chunks(&[b"hello ", b"world"]))
            .await
            .unwrap();
        assert_eq!(stored.byte_size, 11);
        assert_eq!(
            stored.sha256,
            "b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9"
        );
        let again = blobs
            .put_bytes(Bytes::from_static(b"hello world"))
            .await
            .unwrap();
        assert_eq!(again, stored);
        assert_eq!(
            read_all(blobs.open(&stored.sha256, None).await.unwrap()).await,
            b"hello world"
        );
        let part = blobs.open(&stored.sha256, Some(6..100)).await.unwrap();
        assert_eq!((part.total, part.range.clone()), (11, 6..11));
        assert_eq!(read_all(part).await, b"world");
        assert!(matches!(
            blobs.open(&stored.sha256, Some(11..12)).await,
            Err(Error::RangeNotSatisfiable { size: 11 })
        ));
        assert!(blobs.verify(&stored.sha256).await.unwrap());
        assert_eq!(
            blobs
                .sweep_temporary(chrono::Duration::zero())
                .await
                .unwrap(),
            0
        );
    }

    #[tokio::test]
    async fn too_large_or_broken_uploads_leave_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let blobs = BlobStore::local(dir.path(), 8).unwrap();
        let err = blobs
            .put_stream(chunks(&[b"12345", b"67890"]))
            .await
            .unwrap_err();
        assert!(matches!(err, Error::TooLarge { limit: 8 }));
        let broken = futures::stream::iter(vec![
            Ok(Bytes::from_static(b"12")),
            Err("reset".to_string()),
        ]);
        assert!(matches!(
            blobs.put_stream(broken).await,
            Err(Error::BadRequest {
                code: "upload_interrupted",
                ..
            })
        ));
        let files: Vec<_> = walk(dir.path());
        assert!(files.is_empty(), "left behind: {files:?}");
    }

    #[tokio::test]
    async fn a_limit_per_call_never_exceeds_the_store_limit() {
        let dir = tempfile::tempdir().unwrap();
        let blobs = BlobStore::local(dir.path(), 8).unwrap();
        let err = blobs
            .put_stream_limited(chunks(&[b"1234"]), 3)
            .await
            .unwrap_err();
        assert!(matches!(err, Error::TooLarge { limit: 3 }));
        let err = blobs
            .put_stream_limited(chunks(&[b"123456789"]), 100)
            .await
            .unwrap_err();
        assert!(matches!(err, Error::TooLarge { limit: 8 }));
        let stored = blobs
            .put_stream_limited(chunks(&[b"123"]), 3)
            .await
            .unwrap();
        let key = BlobStore::object_key(&stored.sha256).unwrap();
        assert!(dir.path().join(&key).is_file(), "{key}");
        assert!(key.ends_with(&stored.sha256) && key.starts_with("blobs/sha256/"));
        assert!(BlobStore::object_key("../etc/passwd").is_err());
    }

    fn walk(dir: &FsPath) -> Vec<std::path::PathBuf> {
        let mut out = Vec::new();
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                out.extend(walk(&path));
            } else {
                out.push(path);
            }
        }
        out
    }
}
