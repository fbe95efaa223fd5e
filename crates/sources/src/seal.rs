//! Database credentials sealed at rest: XChaCha20-Poly1305 with a random nonce per sealing and
//! the owner's id as associated data, so a sealed value cannot be moved to another source. The
//! key is 32 random bytes, configured (base64) or kept in a file only its owner can read.

use std::fmt;
use std::io::Write;
use std::path::Path;

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use rand::RngCore;

/// Prefix of the current sealed format.
const VERSION: &str = "v1.";
/// Bytes of a nonce.
const NONCE_LEN: usize = 24;

/// The key that seals and opens credentials. Its `Debug` never shows the key.
#[derive(Clone)]
pub struct SealingKey([u8; 32]);

/// Why a key or a sealed value cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum SealError {
    /// The configured key is not 32 bytes of base64.
    #[error("the sealing key must be 32 bytes in base64: {0}")]
    BadKey(String),
    /// The key file cannot be read or written.
    #[error("key file {path}: {message}")]
    KeyFile {
        /// The file.
        path: String,
        /// What failed.
        message: String,
    },
    /// The sealed value was not sealed by this key for this owner, or is damaged.
    #[error(
        "the sealed value cannot be opened with this key (another key, another owner, or damaged)"
    )]
    CannotOpen,
}

impl SealingKey {
    /// A new random key.
    pub fn generate() -> Self {
        let mut key = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut key);
        Self(key)
    }

    /// The key from its base64 text (standard or URL-safe alphabet, padding optional).
    pub fn from_base64(text: &str) -> Result<Self, SealError> {
        let text = text.trim();
        let bytes = STANDARD
            .decode(text)
            .or_else(|_| URL_SAFE_NO_PAD.decode(text.trim_end_matches('=')))
            .map_err(|e| SealError::BadKey(e.to_string()))?;
        let key: [u8; 32] = bytes
            .try_into()
            .map_err(|b: Vec<u8>| SealError::BadKey(format!("{} bytes", b.len())))?;
        Ok(Self(key))
    }

    /// The key as base64 text.
    pub fn to_base64(&self) -> String {
        STANDARD.encode(self.0)
    }

    /// The key kept in `path`; a new one is made and written there (readable by its owner only)
    /// when the file does not exist yet.
    pub fn load_or_create(path: &Path) -> Result<Self, SealError> {
        let file_error = |message: String| SealError::KeyFile {
            path: path.display().to_string(),
            message,
        };
        match std::fs::read_to_string(path) {
            Ok(text) => Self::from_base64(&text),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let key = Self::generate();
                if let Some(folder) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
                    std::fs::create_dir_all(folder).map_err(|e| file_error(e.to_string()))?;
                }
                let mut options = std::fs::OpenOptions::new();
                options.write(true).create_new(true);
                #[cfg(unix)]
                std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
                match options.open(path) {
                    Ok(mut file) => {
                        file.write_all(key.to_base64().as_bytes())
                            .and_then(|()| file.sync_all())
                            .map_err(|e| file_error(e.to_string()))?;
                        Ok(key)
                    }
                    // Another process made it first: use theirs.
                    Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                        let text =
                            std::fs::read_to_string(path).map_err(|e| file_error(e.to_string()))?;
                        Self::from_base64(&text)
                    }
                    Err(e) => Err(file_error(e.to_string())),
                }
            }
            Err(e) => Err(file_error(e.to_string())),
        }
    }

    /// Seals `secret` for `owner` (e.g. the source's id): `v1.` and the base64url of the nonce
    /// and the ciphertext.
    pub fn seal(&self, secret: &str, owner: &str) -> String {
        let mut nonce = [0u8; NONCE_LEN];
        rand::rngs::OsRng.fill_bytes(&mut nonce);
        let sealed = self
            .cipher()
            .encrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: secret.as_bytes(),
                    aad: owner.as_bytes(),
                },
            )
            .expect("XChaCha20-Poly1305 sealing cannot fail on in-memory input");
        let mut out = nonce.to_vec();
        out.extend_from_slice(&sealed);
        format!("{VERSION}{}", URL_SAFE_NO_PAD.encode(out))
    }

    /// Opens a value [`Self::seal`] made for `owner`.
    pub fn open(&self, sealed: &str, owner: &str) -> Result<String, SealError> {
        let bytes = sealed
            .strip_prefix(VERSION)
            .and_then(|b64| URL_SAFE_NO_PAD.decode(b64).ok())
            .filter(|b| b.len() > NONCE_LEN)
            .ok_or(SealError::CannotOpen)?;
        let (nonce, ciphertext) = bytes.split_at(NONCE_LEN);
        let plain = self
            .cipher()
            .decrypt(
                XNonce::from_slice(nonce),
                Payload {
                    msg: ciphertext,
                    aad: owner.as_bytes(),
                },
            )
            .map_err(|_| SealError::CannotOpen)?;
        String::from_utf8(plain).map_err(|_| SealError::CannotOpen)
    }

    fn cipher(&self) -> XChaCha20Poly1305 {
        XChaCha20Poly1305::new((&self.0).into())
    }
}

impl fmt::Debug for SealingKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SealingKey(…)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "postgres://reader:mật-khẩu@10.20.0.5/thong_ke";

    #[test]
    fn sealed_values_open_only_with_the_same_key_and_owner() {
        let key = SealingKey::generate();
        let sealed = key.seal(SECRET, "source-1");
        assert!(sealed.starts_with("v1."));
        assert!(!sealed.contains("reader") && !sealed.contains("10.20"));
        assert_eq!(key.open(&sealed, "source-1").unwrap(), SECRET);
        // A fresh nonce each time.
        assert_ne!(key.seal(SECRET, "source-1"), sealed);
        assert!(matches!(
            key.open(&sealed, "source-2"),
            Err(SealError::CannotOpen)
        ));
        assert!(matches!(
            SealingKey::generate().open(&sealed, "source-1"),
            Err(SealError::CannotOpen)
        ));
        let mut damaged = sealed.clone();
        damaged.pop();
        damaged.push(if sealed.ends_with('A') { 'B' } else { 'A' });
        assert!(key.open(&damaged, "source-1").is_err());
        assert!(key.open("plain text", "source-1").is_err());
    }

    #[test]
    fn keys_round_trip_through_base64_and_refuse_wrong_sizes() {
        let key = SealingKey::generate();
        let again = SealingKey::from_base64(&key.to_base64()).unwrap();
        assert_eq!(again.open(&key.seal("x", "o"), "o").unwrap(), "x");
        assert!(matches!(
            SealingKey::from_base64("c2hvcnQ="),
            Err(SealError::BadKey(_))
        ));
        assert!(SealingKey::from_base64("not base64 at all!").is_err());
        assert_eq!(format!("{key:?}"), "SealingKey(…)");
    }

    #[test]
    fn the_key_file_is_made_once_and_private() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub").join("pull.key");
        let first = SealingKey::load_or_create(&path).unwrap();
        let second = SealingKey::load_or_create(&path).unwrap();
        assert_eq!(first.to_base64(), second.to_base64());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        std::fs::write(&path, "garbage").unwrap();
        assert!(SealingKey::load_or_create(&path).is_err());
    }
}
