//! Direct SQLite reads for the hottest reads: a dataset by id or slug, and the public catalog an
//! id range at a time for the whole-catalog exports.
//!
//! sqlx runs every SQLite statement on a per-connection worker thread, so each query costs two
//! thread hand-offs; under load those wake-ups, not SQLite, dominate. For bulk reads it also copies
//! every value three times (duplicated on the worker, converted to an `Any` value, decoded). This
//! reader keeps a few connections of its own and runs its prepared statements on the calling
//! thread (a point lookup in the page cache takes microseconds), copying each value once. It only
//! reads; every write still goes through sqlx. In WAL mode readers never wait for the writer and
//! see every committed transaction.

use std::ffi::{CStr, CString, c_char, c_int};
use std::path::Path;
use std::ptr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use dulieu_core::catalog::Dataset;
use dulieu_core::{Error, Result};
use libsqlite3_sys as ffi;

use uuid::Uuid;

use crate::codec::RowExt;

/// One column value of a row read here.
#[derive(Debug, Clone)]
enum Cell {
    Null,
    Int(i64),
    Text(String),
}

/// A row read here, with the column names of its statement (shared by its rows).
#[derive(Debug, Clone)]
pub(crate) struct OwnedRow {
    names: Arc<[String]>,
    cells: Vec<Cell>,
}

impl OwnedRow {
    fn cell(&self, col: &str) -> Result<&Cell> {
        self.names
            .iter()
            .position(|name| name == col)
            .and_then(|i| self.cells.get(i))
            .ok_or_else(|| Error::Internal(format!("column {col} missing")))
    }
}

impl RowExt for OwnedRow {
    fn text(&self, col: &str) -> Result<String> {
        self.opt_text(col)?
            .ok_or_else(|| Error::Internal(format!("column {col} is NULL")))
    }

    fn opt_text(&self, col: &str) -> Result<Option<String>> {
        match self.cell(col)? {
            Cell::Null => Ok(None),
            Cell::Text(text) => Ok(Some(text.clone())),
            Cell::Int(i) => Ok(Some(i.to_string())),
        }
    }

    fn int(&self, col: &str) -> Result<i64> {
        self.opt_int(col)?
            .ok_or_else(|| Error::Internal(format!("column {col} is NULL")))
    }

    fn opt_int(&self, col: &str) -> Result<Option<i64>> {
        match self.cell(col)? {
            Cell::Null => Ok(None),
            Cell::Int(i) => Ok(Some(*i)),
            Cell::Text(text) => text
                .parse()
                .map(Some)
                .map_err(|_| Error::Internal(format!("column {col} is not an integer"))),
        }
    }
}

/// One connection and its prepared statements. Used by one thread at a time (behind a mutex).
struct Connection {
    db: *mut ffi::sqlite3,
    by_id: *mut ffi::sqlite3_stmt,
    by_slug: *mut ffi::sqlite3_stmt,
    public_from: *mut ffi::sqlite3_stmt,
    public_between: *mut ffi::sqlite3_stmt,
}

// SAFETY: the connection is opened with SQLITE_OPEN_NOMUTEX ("multi-thread" mode): it may move
// between threads as long as no two threads use it at once, which the enclosing Mutex guarantees.
unsafe impl Send for Connection {}

impl Drop for Connection {
    fn drop(&mut self) {
        // SAFETY: the pointers came from sqlite3_prepare_v2/sqlite3_open_v2 and are finalised
        // and closed exactly once, here; finalize and close accept NULL.
        unsafe {
            ffi::sqlite3_finalize(self.by_id);
            ffi::sqlite3_finalize(self.by_slug);
            ffi::sqlite3_finalize(self.public_from);
            ffi::sqlite3_finalize(self.public_between);
            ffi::sqlite3_close(self.db);
        }
    }
}

fn sqlite_error(db: *mut ffi::sqlite3, what: &str) -> Error {
    // SAFETY: sqlite3_errmsg returns a NUL-terminated string owned by the connection, valid until
    // the next call on it; it is copied at once. A NULL db yields a static "out of memory" text.
    let message = unsafe { CStr::from_ptr(ffi::sqlite3_errmsg(db)) }
        .to_string_lossy()
        .into_owned();
    Error::Internal(format!("sqlite {what}: {message}"))
}

impl Connection {
    fn open(path: &CStr) -> Result<Self> {
        let mut db = ptr::null_mut();
        let flags = ffi::SQLITE_OPEN_READWRITE | ffi::SQLITE_OPEN_NOMUTEX;
        // SAFETY: path is NUL-terminated; db receives a handle (closed by Drop, also on error).
        let rc = unsafe { ffi::sqlite3_open_v2(path.as_ptr(), &mut db, flags, ptr::null()) };
        let mut conn = Connection {
            db,
            by_id: ptr::null_mut(),
            by_slug: ptr::null_mut(),
            public_from: ptr::null_mut(),
            public_between: ptr::null_mut(),
        };
        if rc != ffi::SQLITE_OK {
            return Err(sqlite_error(db, "open"));
        }
        conn.execute(c"PRAGMA query_only = ON; PRAGMA busy_timeout = 10000;")?;
        conn.by_id = conn.prepare(crate::datasets::SELECT_WITH_DISTRIBUTIONS_BY_ID)?;
        conn.by_slug = conn.prepare(crate::datasets::SELECT_WITH_DISTRIBUTIONS_BY_SLUG)?;
        conn.public_from = conn.prepare(crate::export::PUBLIC_FROM)?;
        conn.public_between = conn.prepare(crate::export::PUBLIC_BETWEEN)?;
        Ok(conn)
    }

    fn execute(&mut self, sql: &CStr) -> Result<()> {
        // SAFETY: sql is NUL-terminated; no callback, no error-message out-pointer.
        let rc = unsafe {
            ffi::sqlite3_exec(
                self.db,
                sql.as_ptr(),
                None,
                ptr::null_mut(),
                ptr::null_mut(),
            )
        };
        if rc == ffi::SQLITE_OK {
            Ok(())
        } else {
            Err(sqlite_error(self.db, "exec"))
        }
    }

    fn prepare(&mut self, sql: &str) -> Result<*mut ffi::sqlite3_stmt> {
        let sql = CString::new(sql).map_err(Error::internal)?;
        let mut stmt = ptr::null_mut();
        // SAFETY: sql is NUL-terminated (length -1); stmt receives a statement finalised in Drop.
        let rc = unsafe {
            ffi::sqlite3_prepare_v2(self.db, sql.as_ptr(), -1, &mut stmt, ptr::null_mut())
        };
        if rc == ffi::SQLITE_OK {
            Ok(stmt)
        } else {
            Err(sqlite_error(self.db, "prepare"))
        }
    }

    /// Runs `stmt` with its text parameters (`$1`, `$2`, … in order) and returns every row.
    fn query(&mut self, stmt: *mut ffi::sqlite3_stmt, params: &[&str]) -> Result<Vec<OwnedRow>> {
        let result = self
            .bind(stmt, params)
            .and_then(|()| self.collect_rows(stmt));
        // SAFETY: stmt is valid; resetting makes it reusable and releases its read transaction.
        unsafe {
            ffi::sqlite3_reset(stmt);
            ffi::sqlite3_clear_bindings(stmt);
        }
        result
    }

    fn bind(&mut self, stmt: *mut ffi::sqlite3_stmt, params: &[&str]) -> Result<()> {
        for (i, param) in params.iter().enumerate() {
            let index = c_int::try_from(i + 1).map_err(Error::internal)?;
            let length = c_int::try_from(param.len()).map_err(Error::internal)?;
            // SAFETY: stmt belongs to this connection; SQLITE_TRANSIENT makes SQLite copy the
            // bytes, so `param` need not outlive the call. The caller resets and clears bindings.
            let rc = unsafe {
                ffi::sqlite3_bind_text(
                    stmt,
                    index,
                    param.as_ptr() as *const c_char,
                    length,
                    ffi::SQLITE_TRANSIENT(),
                )
            };
            if rc != ffi::SQLITE_OK {
                return Err(sqlite_error(self.db, "bind"));
            }
        }
        Ok(())
    }

    fn collect_rows(&mut self, stmt: *mut ffi::sqlite3_stmt) -> Result<Vec<OwnedRow>> {
        let names = Self::column_names(stmt);
        let mut rows = Vec::new();
        loop {
            // SAFETY: stmt is a valid prepared statement with its parameters bound.
            match unsafe { ffi::sqlite3_step(stmt) } {
                ffi::SQLITE_ROW => rows.push(Self::read_row(stmt, &names)),
                ffi::SQLITE_DONE => return Ok(rows),
                _ => return Err(sqlite_error(self.db, "step")),
            }
        }
    }

    fn column_names(stmt: *mut ffi::sqlite3_stmt) -> Arc<[String]> {
        // SAFETY: stmt is a valid prepared statement; column names are NUL-terminated strings
        // owned by it, copied at once.
        unsafe {
            (0..ffi::sqlite3_column_count(stmt))
                .map(|i| {
                    CStr::from_ptr(ffi::sqlite3_column_name(stmt, i))
                        .to_string_lossy()
                        .into_owned()
                })
                .collect()
        }
    }

    fn read_row(stmt: *mut ffi::sqlite3_stmt, names: &Arc<[String]>) -> OwnedRow {
        // SAFETY: called right after SQLITE_ROW; column indexes are below the column count; text
        // pointers are valid until the next step/reset and are copied at once, with their length.
        unsafe {
            let count = ffi::sqlite3_column_count(stmt);
            let mut cells = Vec::with_capacity(usize::try_from(count).unwrap_or(0));
            for i in 0..count {
                let cell = match ffi::sqlite3_column_type(stmt, i) {
                    ffi::SQLITE_NULL => Cell::Null,
                    ffi::SQLITE_INTEGER => Cell::Int(ffi::sqlite3_column_int64(stmt, i)),
                    _ => {
                        let text = ffi::sqlite3_column_text(stmt, i);
                        let length =
                            usize::try_from(ffi::sqlite3_column_bytes(stmt, i)).unwrap_or(0);
                        if text.is_null() {
                            Cell::Null
                        } else {
                            let bytes = std::slice::from_raw_parts(text, length);
                            Cell::Text(String::from_utf8_lossy(bytes).into_owned())
                        }
                    }
                };
                cells.push(cell);
            }
            OwnedRow {
                names: names.clone(),
                cells,
            }
        }
    }
}

/// A few direct read connections to one SQLite database file.
pub struct SqliteReader {
    connections: Vec<Mutex<Connection>>,
    next: AtomicUsize,
}

impl std::fmt::Debug for SqliteReader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteReader")
            .field("connections", &self.connections.len())
            .finish()
    }
}

impl SqliteReader {
    /// Opens `count` connections to the (already migrated) database at `path`.
    pub fn open(path: &Path, count: usize) -> Result<Self> {
        let path = CString::new(path.to_string_lossy().as_bytes()).map_err(Error::internal)?;
        let connections = (0..count.max(1))
            .map(|_| Connection::open(&path).map(Mutex::new))
            .collect::<Result<Vec<_>>>()?;
        Ok(Self {
            connections,
            next: AtomicUsize::new(0),
        })
    }

    /// The file path of a `sqlite:` URL, if it names a file.
    pub fn path_of(url: &str) -> Option<std::path::PathBuf> {
        let rest = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))?;
        let path = rest.split('?').next().unwrap_or(rest);
        (!path.is_empty() && path != ":memory:").then(|| std::path::PathBuf::from(path))
    }

    /// A dataset with its distributions, by id or slug.
    pub fn dataset(&self, id_or_slug: &str) -> Result<Option<Dataset>> {
        let mut guard = self.connection()?;
        let conn = &mut *guard;
        let stmt = if uuid::Uuid::parse_str(id_or_slug).is_ok() {
            conn.by_id
        } else {
            conn.by_slug
        };
        let rows = conn.query(stmt, &[id_or_slug])?;
        crate::datasets::from_rows(&rows)
    }

    /// The public datasets with ids from `from` (included; the first when `None`) to `to` (left
    /// out; the last when `None`), in id order, with their distributions: what
    /// [`crate::export::public_between`] reads, in one statement on the calling thread.
    pub fn public_between(&self, from: Option<Uuid>, to: Option<Uuid>) -> Result<Vec<Dataset>> {
        let mut guard = self.connection()?;
        let conn = &mut *guard;
        let from = crate::codec::lower_id(from);
        let rows = match to {
            Some(to) => conn.query(conn.public_between, &[&from, &to.to_string()])?,
            None => conn.query(conn.public_from, &[&from])?,
        };
        crate::datasets::group_rows(&rows)
    }

    /// The first free connection, else the next one in turn once it is free.
    fn connection(&self) -> Result<MutexGuard<'_, Connection>> {
        let start = self.next.fetch_add(1, Ordering::Relaxed);
        let count = self.connections.len();
        (0..count)
            .find_map(|i| self.connections[(start + i) % count].try_lock().ok())
            .map(Ok)
            .unwrap_or_else(|| self.connections[start % count].lock())
            .map_err(|_| Error::Internal("sqlite reader poisoned".into()))
    }
}
