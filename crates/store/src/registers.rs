//! The license and theme registers.

use dulieu_core::Result;
use dulieu_core::catalog::{License, Theme};
use dulieu_core::text::LangText;

use crate::codec::RowExt;
use crate::{Conn, db_error};

/// Every license, by id.
pub async fn licenses(conn: &mut Conn) -> Result<Vec<License>> {
    let rows = sqlx::query("SELECT id, title_vi, title_en, url, is_open FROM licenses ORDER BY id")
        .fetch_all(&mut *conn)
        .await
        .map_err(db_error)?;
    rows.iter()
        .map(|row| {
            Ok(License {
                id: row.text("id")?,
                title: LangText {
                    vi: row.opt_text("title_vi")?,
                    en: row.opt_text("title_en")?,
                },
                url: row.opt_text("url")?,
                is_open: row.flag("is_open")?,
            })
        })
        .collect()
}

/// Every theme, by code.
pub async fn themes(conn: &mut Conn) -> Result<Vec<Theme>> {
    let rows = sqlx::query("SELECT code, label_vi, label_en, is_eu FROM themes ORDER BY code")
        .fetch_all(&mut *conn)
        .await
        .map_err(db_error)?;
    rows.iter()
        .map(|row| {
            Ok(Theme {
                code: row.text("code")?,
                label: LangText {
                    vi: row.opt_text("label_vi")?,
                    en: row.opt_text("label_en")?,
                },
                is_eu: row.flag("is_eu")?,
            })
        })
        .collect()
}

/// Adds a license to the register (`already_exists` when the id is taken).
pub async fn insert_license(conn: &mut Conn, license: &License) -> Result<()> {
    sqlx::query(
        "INSERT INTO licenses (id, title_vi, title_en, url, is_open) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(&license.id)
    .bind(license.title.vi.clone().unwrap_or_default())
    .bind(license.title.en.clone().unwrap_or_default())
    .bind(license.url.clone())
    .bind(i64::from(license.is_open))
    .execute(&mut *conn)
    .await
    .map_err(db_error)?;
    Ok(())
}

/// Adds a local theme to the register (`already_exists` when the code is taken).
pub async fn insert_theme(conn: &mut Conn, theme: &Theme) -> Result<()> {
    sqlx::query("INSERT INTO themes (code, label_vi, label_en, is_eu) VALUES ($1, $2, $3, $4)")
        .bind(&theme.code)
        .bind(theme.label.vi.clone().unwrap_or_default())
        .bind(theme.label.en.clone().unwrap_or_default())
        .bind(i64::from(theme.is_eu))
        .execute(&mut *conn)
        .await
        .map_err(db_error)?;
    Ok(())
}

/// True when the license register has `id`.
pub async fn license_exists(conn: &mut Conn, id: &str) -> Result<bool> {
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM licenses WHERE id = $1")
        .bind(id)
        .fetch_one(&mut *conn)
        .await
        .map_err(db_error)?;
    Ok(count > 0)
}

/// True when the theme register has `code`.
pub async fn theme_exists(conn: &mut Conn, code: &str) -> Result<bool> {
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM themes WHERE code = $1")
        .bind(code)
        .fetch_one(&mut *conn)
        .await
        .map_err(db_error)?;
    Ok(count > 0)
}
