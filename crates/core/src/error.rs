//! The one error type of dulieu. Every layer returns it; only the web layer maps it to HTTP.

use std::collections::BTreeMap;

use serde::Serialize;

/// Result with the dulieu [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// One problem with one input field: a stable code (translated by `dulieu-i18n`) and parameters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Violation {
    /// Stable machine code, e.g. `required`, `too_long`, `invalid_slug`.
    pub code: &'static str,
    /// Named values the message refers to (e.g. `max` → `200`).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub params: BTreeMap<&'static str, String>,
}

/// Problems with an input, keyed by field path (`title.vi`, `distributions[0].url`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct FieldErrors(pub BTreeMap<String, Vec<Violation>>);

impl FieldErrors {
    /// An empty set of problems.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records a problem with `field`.
    pub fn add(&mut self, field: impl Into<String>, code: &'static str) -> &mut Violation {
        let list = self.0.entry(field.into()).or_default();
        list.push(Violation {
            code,
            params: BTreeMap::new(),
        });
        list.last_mut().expect("just pushed")
    }

    /// Records a problem with one named parameter.
    pub fn add_with(
        &mut self,
        field: impl Into<String>,
        code: &'static str,
        key: &'static str,
        value: impl ToString,
    ) {
        self.add(field, code).params.insert(key, value.to_string());
    }

    /// True when nothing was recorded.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `Ok(())` when empty, otherwise [`Error::Invalid`].
    pub fn into_result(self) -> Result<()> {
        if self.is_empty() {
            Ok(())
        } else {
            Err(Error::Invalid(self))
        }
    }
}

/// Every failure a dulieu operation can report. The web layer maps each variant to one HTTP status.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The input broke validation rules (HTTP 422).
    #[error("invalid input: {0:?}")]
    Invalid(FieldErrors),
    /// The request itself could not be read, e.g. malformed JSON (HTTP 400).
    #[error("bad request ({code}): {detail}")]
    BadRequest {
        /// Stable code, e.g. `malformed_json`.
        code: &'static str,
        /// What is wrong and where (line, column, part).
        detail: String,
    },
    /// No valid credentials were given (HTTP 401).
    #[error("authentication required")]
    Unauthenticated,
    /// The credentials given are wrong, e.g. an invalid token or password (HTTP 401).
    #[error("bad credentials ({code})")]
    BadCredentials {
        /// `invalid_token` or `invalid_credentials`.
        code: &'static str,
    },
    /// The caller is known but may not do this (HTTP 403).
    #[error("forbidden: {action}")]
    Forbidden {
        /// The action that was refused, e.g. `dataset.update`.
        action: &'static str,
    },
    /// The thing does not exist or is not visible to the caller (HTTP 404).
    #[error("{entity} not found: {key}")]
    NotFound {
        /// `dataset`, `organization`, ...
        entity: &'static str,
        /// The id or slug that was asked for.
        key: String,
    },
    /// The change clashes with existing state, e.g. a taken slug (HTTP 409).
    #[error("conflict ({code}) on {field}: {value}")]
    Conflict {
        /// Stable code, e.g. `slug_taken`.
        code: &'static str,
        /// The field that clashes.
        field: &'static str,
        /// The clashing value.
        value: String,
    },
    /// An upload was larger than the configured limit; nothing was stored (HTTP 413).
    #[error("payload larger than {limit} bytes")]
    TooLarge {
        /// The limit in bytes.
        limit: u64,
    },
    /// A byte range that cannot be served (HTTP 416).
    #[error("range not satisfiable for {size} bytes")]
    RangeNotSatisfiable {
        /// The size of the stored object.
        size: u64,
    },
    /// Too many failed sign-in attempts; try again later (HTTP 429 with `Retry-After`).
    #[error("too many attempts, retry after {retry_after} s")]
    TooManyAttempts {
        /// Seconds until an attempt is counted again.
        retry_after: u64,
    },
    /// A fault of the server or a backing service (HTTP 500; details are logged, never shown).
    #[error("internal error: {0}")]
    Internal(String),
}

impl Error {
    /// The stable machine code of this error, as sent to API clients.
    pub fn code(&self) -> &'static str {
        match self {
            Error::Invalid(_) => "invalid_input",
            Error::BadRequest { code, .. } => code,
            Error::Unauthenticated => "unauthenticated",
            Error::BadCredentials { code } => code,
            Error::Forbidden { .. } => "forbidden",
            Error::NotFound { .. } => "not_found",
            Error::Conflict { code, .. } => code,
            Error::TooLarge { .. } => "payload_too_large",
            Error::RangeNotSatisfiable { .. } => "range_not_satisfiable",
            Error::TooManyAttempts { .. } => "too_many_attempts",
            Error::Internal(_) => "internal",
        }
    }

    /// Shorthand for [`Error::NotFound`].
    pub fn not_found(entity: &'static str, key: impl ToString) -> Self {
        Error::NotFound {
            entity,
            key: key.to_string(),
        }
    }

    /// Shorthand for an [`Error::Invalid`] with one field problem.
    pub fn invalid(field: impl Into<String>, code: &'static str) -> Self {
        let mut errors = FieldErrors::new();
        errors.add(field, code);
        Error::Invalid(errors)
    }

    /// Wraps any fault as [`Error::Internal`].
    pub fn internal(err: impl std::fmt::Display) -> Self {
        Error::Internal(err.to_string())
    }
}

impl From<FieldErrors> for Error {
    fn from(errors: FieldErrors) -> Self {
        Error::Invalid(errors)
    }
}
