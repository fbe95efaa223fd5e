//! Page requests and pages of results.

use dulieu_core::{FieldErrors, Result};
use serde::Serialize;

/// Largest page size accepted.
pub const MAX_PAGE_SIZE: i64 = 1000;
/// Page size when none is asked for.
pub const DEFAULT_PAGE_SIZE: i64 = 20;

/// A requested page: 1-based number and size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    /// Page number, from 1.
    pub page: i64,
    /// Items per page.
    pub page_size: i64,
}

impl Default for PageRequest {
    fn default() -> Self {
        Self {
            page: 1,
            page_size: DEFAULT_PAGE_SIZE,
        }
    }
}

impl PageRequest {
    /// Checks raw numbers, naming the offending parameter.
    pub fn new(page: Option<i64>, page_size: Option<i64>) -> Result<Self> {
        let mut errors = FieldErrors::new();
        let page = page.unwrap_or(1);
        let page_size = page_size.unwrap_or(DEFAULT_PAGE_SIZE);
        if !(1..=1_000_000).contains(&page) {
            errors.add("page", "invalid_page");
        }
        if !(1..=MAX_PAGE_SIZE).contains(&page_size) {
            errors.add_with("page_size", "invalid_page_size", "max", MAX_PAGE_SIZE);
        }
        errors.into_result()?;
        Ok(Self { page, page_size })
    }

    /// Rows to skip.
    pub fn offset(&self) -> i64 {
        (self.page - 1) * self.page_size
    }
}

/// One page of results: `{"results": [...], "total": N, "page": P, "page_size": S}`.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Page<T> {
    /// The items.
    pub results: Vec<T>,
    /// Items in all pages.
    pub total: i64,
    /// This page's number.
    pub page: i64,
    /// Items per page.
    pub page_size: i64,
}

impl<T> Page<T> {
    /// Wraps results of `request`.
    pub fn new(results: Vec<T>, total: i64, request: PageRequest) -> Self {
        Self {
            results,
            total,
            page: request.page,
            page_size: request.page_size,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds() {
        assert_eq!(
            PageRequest::new(None, None).unwrap(),
            PageRequest::default()
        );
        assert_eq!(PageRequest::new(Some(3), Some(10)).unwrap().offset(), 20);
        assert!(PageRequest::new(Some(0), None).is_err());
        assert!(PageRequest::new(None, Some(MAX_PAGE_SIZE + 1)).is_err());
    }
}
