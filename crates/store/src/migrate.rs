//! Numbered schema migrations, embedded in the binary, one list per backend with identical numbers
//! and names (a test checks the lists and the files on disk agree).

use dulieu_core::{Error, Result};
use sqlx::{Executor, Row};

use crate::{Backend, Conn, db_error};

/// One migration: number, name, SQL.
#[derive(Debug, Clone, Copy)]
pub struct Migration {
    /// Number, from 1, without gaps.
    pub version: i64,
    /// Short name (the file name without number and extension).
    pub name: &'static str,
    /// The SQL script.
    pub sql: &'static str,
}

/// SQLite migrations.
pub const SQLITE: &[Migration] = &[
    Migration {
        version: 1,
        name: "core",
        sql: include_str!("../migrations/sqlite/0001_core.sql"),
    },
    Migration {
        version: 2,
        name: "sessions",
        sql: include_str!("../migrations/sqlite/0002_sessions.sql"),
    },
    Migration {
        version: 3,
        name: "usage",
        sql: include_str!("../migrations/sqlite/0003_usage.sql"),
    },
    Migration {
        version: 4,
        name: "readiness",
        sql: include_str!("../migrations/sqlite/0004_readiness.sql"),
    },
    Migration {
        version: 5,
        name: "tickets",
        sql: include_str!("../migrations/sqlite/0005_tickets.sql"),
    },
    Migration {
        version: 6,
        name: "tables",
        sql: include_str!("../migrations/sqlite/0006_tables.sql"),
    },
    Migration {
        version: 7,
        name: "quality",
        sql: include_str!("../migrations/sqlite/0007_quality.sql"),
    },
    Migration {
        version: 8,
        name: "inventory",
        sql: include_str!("../migrations/sqlite/0008_inventory.sql"),
    },
    Migration {
        version: 9,
        name: "pull",
        sql: include_str!("../migrations/sqlite/0009_pull.sql"),
    },
    Migration {
        version: 10,
        name: "harvest",
        sql: include_str!("../migrations/sqlite/0010_harvest.sql"),
    },
];

/// PostgreSQL migrations.
pub const POSTGRES: &[Migration] = &[
    Migration {
        version: 1,
        name: "core",
        sql: include_str!("../migrations/postgres/0001_core.sql"),
    },
    Migration {
        version: 2,
        name: "sessions",
        sql: include_str!("../migrations/postgres/0002_sessions.sql"),
    },
    Migration {
        version: 3,
        name: "usage",
        sql: include_str!("../migrations/postgres/0003_usage.sql"),
    },
    Migration {
        version: 4,
        name: "readiness",
        sql: include_str!("../migrations/postgres/0004_readiness.sql"),
    },
    Migration {
        version: 5,
        name: "tickets",
        sql: include_str!("../migrations/postgres/0005_tickets.sql"),
    },
    Migration {
        version: 6,
        name: "tables",
        sql: include_str!("../migrations/postgres/0006_tables.sql"),
    },
    Migration {
        version: 7,
        name: "quality",
        sql: include_str!("../migrations/postgres/0007_quality.sql"),
    },
    Migration {
        version: 8,
        name: "inventory",
        sql: include_str!("../migrations/postgres/0008_inventory.sql"),
    },
    Migration {
        version: 9,
        name: "pull",
        sql: include_str!("../migrations/postgres/0009_pull.sql"),
    },
    Migration {
        version: 10,
        name: "harvest",
        sql: include_str!("../migrations/postgres/0010_harvest.sql"),
    },
];

/// The migrations of a backend.
pub fn migrations(backend: Backend) -> &'static [Migration] {
    match backend {
        Backend::Sqlite => SQLITE,
        Backend::Postgres => POSTGRES,
    }
}

/// FNV-1a 64 of the script, to detect a migration edited after it was applied.
fn checksum(sql: &str) -> String {
    let mut hash: u64 = 0xcbf29ce484222325;
    for byte in sql.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x100000001b3);
    }
    format!("{hash:016x}")
}

/// Applies pending migrations in one transaction (serialised against concurrent runs).
pub async fn run(conn: &mut Conn, backend: Backend) -> Result<Vec<i64>> {
    let begin = match backend {
        Backend::Sqlite => "BEGIN IMMEDIATE",
        Backend::Postgres => "BEGIN",
    };
    conn.execute(sqlx::raw_sql(begin)).await.map_err(db_error)?;
    let result = apply_pending(conn, backend).await;
    let end = if result.is_ok() { "COMMIT" } else { "ROLLBACK" };
    conn.execute(sqlx::raw_sql(end)).await.map_err(db_error)?;
    result
}

async fn apply_pending(conn: &mut Conn, backend: Backend) -> Result<Vec<i64>> {
    // The lock (PostgreSQL) or the write transaction (SQLite) comes before anything else, so
    // concurrent first runs on an empty database cannot collide creating the table.
    if backend == Backend::Postgres {
        conn.execute(sqlx::raw_sql("SELECT pg_advisory_xact_lock(7355608)"))
            .await
            .map_err(db_error)?;
    }
    conn.execute(sqlx::raw_sql(
        "CREATE TABLE IF NOT EXISTS dulieu_migrations (
            version BIGINT PRIMARY KEY,
            name TEXT NOT NULL,
            checksum TEXT NOT NULL,
            applied_at TEXT NOT NULL
        )",
    ))
    .await
    .map_err(db_error)?;
    let applied = sqlx::query("SELECT version, checksum FROM dulieu_migrations ORDER BY version")
        .fetch_all(&mut *conn)
        .await
        .map_err(db_error)?;
    let mut done = Vec::new();
    for row in &applied {
        let version: i64 = row.try_get("version").map_err(db_error)?;
        let sum: String = row.try_get("checksum").map_err(db_error)?;
        let known = migrations(backend).iter().find(|m| m.version == version);
        match known {
            Some(m) if checksum(m.sql) == sum => done.push(version),
            Some(m) => {
                return Err(Error::Internal(format!(
                    "migration {} ({}) changed after it was applied",
                    m.version, m.name
                )));
            }
            None => {
                return Err(Error::Internal(format!(
                    "the database has migration {version}, unknown to this dulieu (a newer version?)"
                )));
            }
        }
    }
    let mut applied_now = Vec::new();
    for migration in migrations(backend) {
        if done.contains(&migration.version) {
            continue;
        }
        conn.execute(sqlx::raw_sql(migration.sql))
            .await
            .map_err(|e| Error::Internal(format!("migration {}: {e}", migration.version)))?;
        sqlx::query(
            "INSERT INTO dulieu_migrations (version, name, checksum, applied_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(migration.version)
        .bind(migration.name)
        .bind(checksum(migration.sql))
        .bind(crate::codec::ts(chrono::Utc::now()))
        .execute(&mut *conn)
        .await
        .map_err(db_error)?;
        applied_now.push(migration.version);
    }
    Ok(applied_now)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn listing(dir: &str) -> Vec<String> {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("migrations")
            .join(dir);
        let mut names: Vec<String> = std::fs::read_dir(path)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    fn embedded(list: &[Migration]) -> Vec<String> {
        list.iter()
            .map(|m| format!("{:04}_{}.sql", m.version, m.name))
            .collect()
    }

    #[test]
    fn both_backends_have_the_same_migrations() {
        assert_eq!(embedded(SQLITE), embedded(POSTGRES));
        assert_eq!(listing("sqlite"), listing("postgres"));
        assert_eq!(
            listing("sqlite"),
            embedded(SQLITE),
            "every file is embedded"
        );
        for (i, m) in SQLITE.iter().enumerate() {
            assert_eq!(m.version, i as i64 + 1, "numbers have no gaps");
        }
    }

    #[test]
    fn checksum_detects_edits() {
        assert_ne!(checksum("a"), checksum("b"));
        assert_eq!(checksum("abc"), checksum("abc"));
    }
}
