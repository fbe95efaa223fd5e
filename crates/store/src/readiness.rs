//! Readiness assessments (with their dimensions, questions and evidence), action plans (with
//! their items and progress notes), and the facts the live indicators are computed from.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use dulieu_core::text::LangText;
use dulieu_core::{Error, Result};
use dulieu_readiness::assessment::{
    Assessment, AssessmentHeader, AssessmentMeta, DimensionAssessment, Evidence, Judgement,
    LiveFigure, Passage, QuestionAssessment,
};
use dulieu_readiness::indicators::{AnsweredRequestFact, DatasetFact, Figure, PortalFacts};
use dulieu_readiness::plan::{ActionItem, ActionPlan, Cost, PlanHeader, ProgressNote};
use dulieu_readiness::{ContentLang, ItemStatus, PublicationStatus, Term};
use sqlx::any::AnyRow;
use uuid::Uuid;

use crate::codec::{RowExt, date, json_text, ts, vocab};
use crate::datasets::is_public_sql;
use crate::organizations::slug_conflict;
use crate::{Conn, db_error};

/// A passage from a text column and its language column.
fn passage(row: &AnyRow, text: &str, lang: &str) -> Result<Option<Passage>> {
    match row.opt_text(text)? {
        None => Ok(None),
        Some(text) => {
            let lang = row.opt_text(lang)?.unwrap_or_else(|| "en".into());
            Ok(Some(Passage {
                text,
                lang: vocab(ContentLang::parse, "language", &lang)?,
            }))
        }
    }
}

fn int(value: u32) -> i64 {
    i64::from(value)
}

fn month(row: &AnyRow, col: &str) -> Result<u32> {
    u32::try_from(row.int(col)?).map_err(|e| Error::Internal(format!("column {col}: {e}")))
}

// --------------------------------------------------------------------------- assessments --

const ASSESSMENT_COLUMNS: &str =
    "a.id, a.slug, a.framework, a.framework_version, a.title_vi, a.title_en, a.subject,
    a.status, a.started_on, a.finished_on, a.published_on, a.assessors, a.source, a.based_on,
    a.created_at, a.updated_at";

fn meta_from_row(row: &AnyRow) -> Result<AssessmentMeta> {
    Ok(AssessmentMeta {
        title: LangText {
            vi: row.opt_text("title_vi")?,
            en: row.opt_text("title_en")?,
        },
        subject: row.text("subject")?,
        status: vocab(PublicationStatus::parse, "status", &row.text("status")?)?,
        started_on: row.opt_date("started_on")?,
        finished_on: row.opt_date("finished_on")?,
        published_on: row.opt_date("published_on")?,
        assessors: row.json("assessors")?,
        source: row.opt_text("source")?,
    })
}

/// Stores a whole assessment: its row, dimensions, questions and evidence (`slug_taken` when
/// the slug is in use).
pub async fn insert_assessment(conn: &mut Conn, a: &Assessment) -> Result<()> {
    sqlx::query(
        "INSERT INTO assessments (id, slug, framework, framework_version, title_vi, title_en, subject,
         status, started_on, finished_on, published_on, assessors, source, based_on, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)",
    )
    .bind(a.id.to_string())
    .bind(&a.slug)
    .bind(&a.framework)
    .bind(&a.framework_version)
    .bind(a.meta.title.vi.clone())
    .bind(a.meta.title.en.clone())
    .bind(&a.meta.subject)
    .bind(a.meta.status.as_str())
    .bind(date(a.meta.started_on))
    .bind(date(a.meta.finished_on))
    .bind(date(a.meta.published_on))
    .bind(json_text(&a.meta.assessors)?)
    .bind(a.meta.source.clone())
    .bind(a.based_on.map(|id| id.to_string()))
    .bind(ts(a.created_at))
    .bind(ts(a.updated_at))
    .execute(&mut *conn)
    .await
    .map_err(|e| slug_conflict(e, &a.slug))?;
    for (d, dimension) in a.dimensions.iter().enumerate() {
        sqlx::query(
            "INSERT INTO assessment_dimensions (assessment_id, dimension_id, position, importance,
             rating, commentary, commentary_lang) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(a.id.to_string())
        .bind(&dimension.id)
        .bind(d as i64)
        .bind(dimension.importance.clone())
        .bind(dimension.rating.clone())
        .bind(dimension.commentary.as_ref().map(|c| c.text.clone()))
        .bind(dimension.commentary.as_ref().map(|c| c.lang.as_str()))
        .execute(&mut *conn)
        .await
        .map_err(db_error)?;
        for (q, question) in dimension.questions.iter().enumerate() {
            sqlx::query(
                "INSERT INTO assessment_questions (assessment_id, question_id, dimension_id, position,
                 wording, wording_lang, importance, rating, commentary, commentary_lang)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
            )
            .bind(a.id.to_string())
            .bind(&question.id)
            .bind(&dimension.id)
            .bind(q as i64)
            .bind(question.wording.as_ref().map(|w| w.text.clone()))
            .bind(question.wording.as_ref().map(|w| w.lang.as_str()))
            .bind(question.importance.clone())
            .bind(question.rating.clone())
            .bind(question.commentary.as_ref().map(|c| c.text.clone()))
            .bind(question.commentary.as_ref().map(|c| c.lang.as_str()))
            .execute(&mut *conn)
            .await
            .map_err(db_error)?;
            for (e, evidence) in question.evidence.iter().enumerate() {
                insert_evidence_at(conn, a.id, &question.id, e as i64, evidence, a.updated_at)
                    .await?;
            }
        }
    }
    Ok(())
}

async fn insert_evidence_at(
    conn: &mut Conn,
    assessment: Uuid,
    question: &str,
    position: i64,
    e: &Evidence,
    at: DateTime<Utc>,
) -> Result<()> {
    let figure = e.live.as_ref().map(|l| json_text(&l.figure)).transpose()?;
    sqlx::query(
        "INSERT INTO assessment_evidence (id, assessment_id, question_id, position, sign, body, lang,
         source, url, observed_on, indicator, figure, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
    )
    .bind(e.id.to_string())
    .bind(assessment.to_string())
    .bind(question)
    .bind(position)
    .bind(&e.sign)
    .bind(&e.text)
    .bind(e.lang.as_str())
    .bind(e.source.clone())
    .bind(e.url.clone())
    .bind(date(e.observed_on))
    .bind(e.live.as_ref().map(|l| l.indicator.clone()))
    .bind(figure)
    .bind(ts(at))
    .execute(&mut *conn)
    .await
    .map_err(db_error)?;
    Ok(())
}

/// An assessment by id or slug, whole.
pub async fn assessment(conn: &mut Conn, id_or_slug: &str) -> Result<Option<Assessment>> {
    let row = match Uuid::parse_str(id_or_slug) {
        Ok(id) => {
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "SELECT {ASSESSMENT_COLUMNS} FROM assessments a WHERE a.id = $1"
            )))
            .bind(id.to_string())
            .fetch_optional(&mut *conn)
            .await
        }
        Err(_) => {
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "SELECT {ASSESSMENT_COLUMNS} FROM assessments a WHERE a.slug = $1"
            )))
            .bind(id_or_slug)
            .fetch_optional(&mut *conn)
            .await
        }
    }
    .map_err(db_error)?;
    let Some(row) = row else { return Ok(None) };
    let id = row.uuid("id")?;
    let dimension_rows = sqlx::query(
        "SELECT dimension_id, importance, rating, commentary, commentary_lang
         FROM assessment_dimensions WHERE assessment_id = $1 ORDER BY position",
    )
    .bind(id.to_string())
    .fetch_all(&mut *conn)
    .await
    .map_err(db_error)?;
    let question_rows = sqlx::query(
        "SELECT question_id, dimension_id, wording, wording_lang, importance, rating, commentary,
         commentary_lang FROM assessment_questions WHERE assessment_id = $1 ORDER BY position",
    )
    .bind(id.to_string())
    .fetch_all(&mut *conn)
    .await
    .map_err(db_error)?;
    let evidence_rows = sqlx::query(
        "SELECT id, question_id, sign, body, lang, source, url, observed_on, indicator, figure
         FROM assessment_evidence WHERE assessment_id = $1 ORDER BY position, created_at, id",
    )
    .bind(id.to_string())
    .fetch_all(&mut *conn)
    .await
    .map_err(db_error)?;
    let mut evidence: HashMap<String, Vec<Evidence>> = HashMap::new();
    for row in &evidence_rows {
        let live = match row.opt_text("indicator")? {
            None => None,
            Some(indicator) => Some(LiveFigure {
                indicator,
                figure: row.json::<Figure>("figure")?,
            }),
        };
        evidence
            .entry(row.text("question_id")?)
            .or_default()
            .push(Evidence {
                id: row.uuid("id")?,
                sign: row.text("sign")?,
                text: row.text("body")?,
                lang: vocab(ContentLang::parse, "language", &row.text("lang")?)?,
                source: row.opt_text("source")?,
                url: row.opt_text("url")?,
                observed_on: row.opt_date("observed_on")?,
                live,
            });
    }
    let mut questions: HashMap<String, Vec<QuestionAssessment>> = HashMap::new();
    for row in &question_rows {
        let question_id = row.text("question_id")?;
        questions
            .entry(row.text("dimension_id")?)
            .or_default()
            .push(QuestionAssessment {
                evidence: evidence.remove(&question_id).unwrap_or_default(),
                id: question_id,
                wording: passage(row, "wording", "wording_lang")?,
                importance: row.opt_text("importance")?,
                rating: row.opt_text("rating")?,
                commentary: passage(row, "commentary", "commentary_lang")?,
            });
    }
    let dimensions = dimension_rows
        .iter()
        .map(|row| {
            let dimension_id = row.text("dimension_id")?;
            Ok(DimensionAssessment {
                questions: questions.remove(&dimension_id).unwrap_or_default(),
                id: dimension_id,
                importance: row.opt_text("importance")?,
                rating: row.opt_text("rating")?,
                commentary: passage(row, "commentary", "commentary_lang")?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(Some(Assessment {
        id,
        slug: row.text("slug")?,
        framework: row.text("framework")?,
        framework_version: row.text("framework_version")?,
        meta: meta_from_row(&row)?,
        based_on: row.opt_uuid("based_on")?,
        dimensions,
        created_at: row.time("created_at")?,
        updated_at: row.time("updated_at")?,
    }))
}

/// Every assessment (drafts only when `include_drafts`), newest report first, with the counts
/// of its questions, rated questions and evidence items.
pub async fn assessments(conn: &mut Conn, include_drafts: bool) -> Result<Vec<AssessmentHeader>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {ASSESSMENT_COLUMNS},
            (SELECT COUNT(*) FROM assessment_questions q WHERE q.assessment_id = a.id) AS questions,
            (SELECT COUNT(*) FROM assessment_questions q WHERE q.assessment_id = a.id AND q.rating IS NOT NULL) AS rated,
            (SELECT COUNT(*) FROM assessment_evidence e WHERE e.assessment_id = a.id) AS evidence
         FROM assessments a
         WHERE $1 = 1 OR a.status = 'published'
         ORDER BY a.created_at DESC, a.slug"
    )))
    .bind(i64::from(include_drafts))
    .fetch_all(&mut *conn)
    .await
    .map_err(db_error)?;
    let count = |row: &AnyRow, col: &str| -> Result<u64> {
        u64::try_from(row.int(col)?).map_err(|e| Error::Internal(format!("column {col}: {e}")))
    };
    rows.iter()
        .map(|row| {
            Ok(AssessmentHeader {
                id: row.uuid("id")?,
                slug: row.text("slug")?,
                framework: row.text("framework")?,
                framework_version: row.text("framework_version")?,
                meta: meta_from_row(row)?,
                based_on: row.opt_uuid("based_on")?,
                questions: count(row, "questions")?,
                rated: count(row, "rated")?,
                evidence: count(row, "evidence")?,
                created_at: row.time("created_at")?,
                updated_at: row.time("updated_at")?,
            })
        })
        .collect()
}

/// Replaces what describes an assessment.
pub async fn update_assessment_meta(
    conn: &mut Conn,
    id: Uuid,
    meta: &AssessmentMeta,
    at: DateTime<Utc>,
) -> Result<()> {
    sqlx::query(
        "UPDATE assessments SET title_vi = $2, title_en = $3, subject = $4, status = $5,
         started_on = $6, finished_on = $7, published_on = $8, assessors = $9, source = $10,
         updated_at = $11 WHERE id = $1",
    )
    .bind(id.to_string())
    .bind(meta.title.vi.clone())
    .bind(meta.title.en.clone())
    .bind(&meta.subject)
    .bind(meta.status.as_str())
    .bind(date(meta.started_on))
    .bind(date(meta.finished_on))
    .bind(date(meta.published_on))
    .bind(json_text(&meta.assessors)?)
    .bind(meta.source.clone())
    .bind(ts(at))
    .execute(&mut *conn)
    .await
    .map_err(db_error)?;
    Ok(())
}

/// Marks an assessment changed at `at`.
pub async fn touch_assessment(conn: &mut Conn, id: Uuid, at: DateTime<Utc>) -> Result<()> {
    sqlx::query("UPDATE assessments SET updated_at = $2 WHERE id = $1")
        .bind(id.to_string())
        .bind(ts(at))
        .execute(&mut *conn)
        .await
        .map_err(db_error)?;
    Ok(())
}

/// Sets the rating, importance and commentary of a question; false when the assessment has no
/// such question.
pub async fn set_question(
    conn: &mut Conn,
    assessment: Uuid,
    question: &str,
    judgement: &Judgement,
    at: DateTime<Utc>,
) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE assessment_questions SET rating = $3, importance = $4, commentary = $5,
         commentary_lang = $6 WHERE assessment_id = $1 AND question_id = $2",
    )
    .bind(assessment.to_string())
    .bind(question)
    .bind(judgement.rating.clone())
    .bind(judgement.importance.clone())
    .bind(judgement.commentary.as_ref().map(|c| c.text.clone()))
    .bind(judgement.commentary.as_ref().map(|c| c.lang.as_str()))
    .execute(&mut *conn)
    .await
    .map_err(db_error)?;
    touch_assessment(conn, assessment, at).await?;
    Ok(done.rows_affected() > 0)
}

/// Sets the rating, importance and commentary of a dimension; false when there is no such
/// dimension.
pub async fn set_dimension(
    conn: &mut Conn,
    assessment: Uuid,
    dimension: &str,
    judgement: &Judgement,
    at: DateTime<Utc>,
) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE assessment_dimensions SET rating = $3, importance = $4, commentary = $5,
         commentary_lang = $6 WHERE assessment_id = $1 AND dimension_id = $2",
    )
    .bind(assessment.to_string())
    .bind(dimension)
    .bind(judgement.rating.clone())
    .bind(judgement.importance.clone())
    .bind(judgement.commentary.as_ref().map(|c| c.text.clone()))
    .bind(judgement.commentary.as_ref().map(|c| c.lang.as_str()))
    .execute(&mut *conn)
    .await
    .map_err(db_error)?;
    touch_assessment(conn, assessment, at).await?;
    Ok(done.rows_affected() > 0)
}

/// Adds an evidence item after the question's last one.
pub async fn add_evidence(
    conn: &mut Conn,
    assessment: Uuid,
    question: &str,
    evidence: &Evidence,
    at: DateTime<Utc>,
) -> Result<()> {
    let last: Option<i64> = sqlx::query_scalar(
        "SELECT MAX(position) FROM assessment_evidence WHERE assessment_id = $1 AND question_id = $2",
    )
    .bind(assessment.to_string())
    .bind(question)
    .fetch_one(&mut *conn)
    .await
    .map_err(db_error)?;
    insert_evidence_at(
        conn,
        assessment,
        question,
        last.map_or(0, |p| p + 1),
        evidence,
        at,
    )
    .await?;
    touch_assessment(conn, assessment, at).await
}

/// Removes an evidence item of an assessment; false when it has no such item.
pub async fn delete_evidence(
    conn: &mut Conn,
    assessment: Uuid,
    evidence: Uuid,
    at: DateTime<Utc>,
) -> Result<bool> {
    let done = sqlx::query("DELETE FROM assessment_evidence WHERE assessment_id = $1 AND id = $2")
        .bind(assessment.to_string())
        .bind(evidence.to_string())
        .execute(&mut *conn)
        .await
        .map_err(db_error)?;
    touch_assessment(conn, assessment, at).await?;
    Ok(done.rows_affected() > 0)
}

/// Ids of the assessments with at least one live evidence item, oldest first.
pub async fn assessments_with_live_evidence(conn: &mut Conn) -> Result<Vec<Uuid>> {
    let rows = sqlx::query(
        "SELECT a.id FROM assessments a WHERE EXISTS
         (SELECT 1 FROM assessment_evidence e WHERE e.assessment_id = a.id AND e.indicator IS NOT NULL)
         ORDER BY a.created_at, a.id",
    )
    .fetch_all(&mut *conn)
    .await
    .map_err(db_error)?;
    rows.iter().map(|row| row.uuid("id")).collect()
}

/// Replaces the figure of a live evidence item.
pub async fn set_figure(conn: &mut Conn, evidence: Uuid, figure: &Figure) -> Result<()> {
    sqlx::query(
        "UPDATE assessment_evidence SET figure = $2 WHERE id = $1 AND indicator IS NOT NULL",
    )
    .bind(evidence.to_string())
    .bind(json_text(figure)?)
    .execute(&mut *conn)
    .await
    .map_err(db_error)?;
    Ok(())
}

// -------------------------------------------------------------------------- action plans --

const PLAN_COLUMNS: &str =
    "p.id, p.slug, p.title_vi, p.title_en, p.framework, p.assessment_id, p.starts_on,
    p.status, p.source, p.created_at, p.updated_at";

fn starts_on(row: &AnyRow) -> Result<NaiveDate> {
    row.opt_date("starts_on")?
        .ok_or_else(|| Error::Internal("action plan without a start".into()))
}

/// Stores a whole action plan with its items and their notes (`slug_taken` when the slug is in
/// use).
pub async fn insert_plan(conn: &mut Conn, plan: &ActionPlan) -> Result<()> {
    sqlx::query(
        "INSERT INTO action_plans (id, slug, title_vi, title_en, framework, assessment_id, starts_on,
         status, source, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(plan.id.to_string())
    .bind(&plan.slug)
    .bind(plan.title.vi.clone())
    .bind(plan.title.en.clone())
    .bind(&plan.framework)
    .bind(plan.assessment.map(|id| id.to_string()))
    .bind(date(Some(plan.starts_on)))
    .bind(plan.status.as_str())
    .bind(plan.source.clone())
    .bind(ts(plan.created_at))
    .bind(ts(plan.updated_at))
    .execute(&mut *conn)
    .await
    .map_err(|e| slug_conflict(e, &plan.slug))?;
    for (position, item) in plan.items.iter().enumerate() {
        insert_item(conn, plan.id, position, item).await?;
    }
    Ok(())
}

/// Stores one item of plan `plan` at `position` (0 first), with its notes.
pub async fn insert_item(
    conn: &mut Conn,
    plan: Uuid,
    position: usize,
    item: &ActionItem,
) -> Result<()> {
    let cost = |n: Option<u64>| n.map(|n| i64::try_from(n).unwrap_or(i64::MAX));
    sqlx::query(
        "INSERT INTO action_items (id, plan_id, position, dimension_id, term, title, description,
         lang, responsible, prerequisites, prerequisite_note, start_month, end_month,
         schedule_note, cost_min, cost_max, cost_currency, cost_per, cost_note, refs, status,
         updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17,
         $18, $19, $20, $21, $22)",
    )
    .bind(item.id.to_string())
    .bind(plan.to_string())
    .bind(position as i64)
    .bind(&item.dimension)
    .bind(item.term.map(|t| t.as_str()))
    .bind(&item.title)
    .bind(item.description.clone())
    .bind(item.lang.as_str())
    .bind(json_text(&item.responsible)?)
    .bind(json_text(&item.prerequisites)?)
    .bind(item.prerequisite_note.clone())
    .bind(int(item.start_month))
    .bind(int(item.end_month))
    .bind(item.schedule_note.clone())
    .bind(cost(item.cost.min))
    .bind(cost(item.cost.max))
    .bind(item.cost.currency.clone())
    .bind(item.cost.per.clone())
    .bind(item.cost.note.clone())
    .bind(json_text(&item.references)?)
    .bind(item.status.as_str())
    .bind(ts(item.updated_at))
    .execute(&mut *conn)
    .await
    .map_err(db_error)?;
    for note in &item.notes {
        add_note(conn, item.id, note, None).await?;
    }
    Ok(())
}

/// Removes an item (its notes go with it) and takes it out of the prerequisites of the other
/// items of its plan; false when the plan has no such item.
pub async fn delete_item(conn: &mut Conn, plan: Uuid, item: Uuid) -> Result<bool> {
    let removed = sqlx::query("DELETE FROM action_items WHERE plan_id = $1 AND id = $2")
        .bind(plan.to_string())
        .bind(item.to_string())
        .execute(&mut *conn)
        .await
        .map_err(db_error)?;
    if removed.rows_affected() == 0 {
        return Ok(false);
    }
    let rows = sqlx::query("SELECT id, prerequisites FROM action_items WHERE plan_id = $1")
        .bind(plan.to_string())
        .fetch_all(&mut *conn)
        .await
        .map_err(db_error)?;
    for row in &rows {
        let mut prerequisites: Vec<Uuid> = row.json("prerequisites")?;
        if !prerequisites.contains(&item) {
            continue;
        }
        prerequisites.retain(|p| *p != item);
        sqlx::query("UPDATE action_items SET prerequisites = $2 WHERE id = $1")
            .bind(row.text("id")?)
            .bind(json_text(&prerequisites)?)
            .execute(&mut *conn)
            .await
            .map_err(db_error)?;
    }
    Ok(true)
}

/// The position after the last item of `plan` (0 when it has none).
pub async fn next_item_position(conn: &mut Conn, plan: Uuid) -> Result<usize> {
    let row = sqlx::query(
        "SELECT COALESCE(MAX(position) + 1, 0) AS next FROM action_items WHERE plan_id = $1",
    )
    .bind(plan.to_string())
    .fetch_one(&mut *conn)
    .await
    .map_err(db_error)?;
    usize::try_from(row.int("next")?).map_err(|e| Error::Internal(format!("item position: {e}")))
}

fn item_from_row(row: &AnyRow) -> Result<ActionItem> {
    let cost = |col: &str| -> Result<Option<u64>> {
        row.opt_int(col)?
            .map(|n| u64::try_from(n).map_err(|e| Error::Internal(format!("column {col}: {e}"))))
            .transpose()
    };
    Ok(ActionItem {
        id: row.uuid("id")?,
        dimension: row.text("dimension_id")?,
        term: row
            .opt_text("term")?
            .map(|t| vocab(Term::parse, "term", &t))
            .transpose()?,
        title: row.text("title")?,
        description: row.opt_text("description")?,
        lang: vocab(ContentLang::parse, "language", &row.text("lang")?)?,
        responsible: row.json("responsible")?,
        prerequisites: row.json("prerequisites")?,
        prerequisite_note: row.opt_text("prerequisite_note")?,
        start_month: month(row, "start_month")?,
        end_month: month(row, "end_month")?,
        schedule_note: row.opt_text("schedule_note")?,
        cost: Cost {
            min: cost("cost_min")?,
            max: cost("cost_max")?,
            currency: row.opt_text("cost_currency")?,
            per: row.opt_text("cost_per")?,
            note: row.opt_text("cost_note")?,
        },
        references: row.json("refs")?,
        status: vocab(ItemStatus::parse, "item status", &row.text("status")?)?,
        notes: Vec::new(),
        updated_at: row.time("updated_at")?,
    })
}

/// An action plan by id or slug, with its items and their notes.
pub async fn plan(conn: &mut Conn, id_or_slug: &str) -> Result<Option<ActionPlan>> {
    let row = match Uuid::parse_str(id_or_slug) {
        Ok(id) => {
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "SELECT {PLAN_COLUMNS} FROM action_plans p WHERE p.id = $1"
            )))
            .bind(id.to_string())
            .fetch_optional(&mut *conn)
            .await
        }
        Err(_) => {
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "SELECT {PLAN_COLUMNS} FROM action_plans p WHERE p.slug = $1"
            )))
            .bind(id_or_slug)
            .fetch_optional(&mut *conn)
            .await
        }
    }
    .map_err(db_error)?;
    let Some(row) = row else { return Ok(None) };
    let id = row.uuid("id")?;
    let item_rows = sqlx::query(
        "SELECT id, dimension_id, term, title, description, lang, responsible, prerequisites,
         prerequisite_note, start_month, end_month, schedule_note, cost_min, cost_max,
         cost_currency, cost_per, cost_note, refs, status, updated_at
         FROM action_items WHERE plan_id = $1 ORDER BY position",
    )
    .bind(id.to_string())
    .fetch_all(&mut *conn)
    .await
    .map_err(db_error)?;
    let mut items = item_rows
        .iter()
        .map(item_from_row)
        .collect::<Result<Vec<_>>>()?;
    let note_rows = sqlx::query(
        "SELECT n.id, n.item_id, n.at, n.author_name, n.status, n.body
         FROM action_item_notes n JOIN action_items i ON i.id = n.item_id
         WHERE i.plan_id = $1 ORDER BY n.at, n.id",
    )
    .bind(id.to_string())
    .fetch_all(&mut *conn)
    .await
    .map_err(db_error)?;
    for row in &note_rows {
        let item_id = row.uuid("item_id")?;
        if let Some(item) = items.iter_mut().find(|i| i.id == item_id) {
            item.notes.push(ProgressNote {
                id: row.uuid("id")?,
                at: row.time("at")?,
                author: row.opt_text("author_name")?,
                status: vocab(ItemStatus::parse, "item status", &row.text("status")?)?,
                text: row.opt_text("body")?,
            });
        }
    }
    Ok(Some(ActionPlan {
        id,
        slug: row.text("slug")?,
        title: LangText {
            vi: row.opt_text("title_vi")?,
            en: row.opt_text("title_en")?,
        },
        framework: row.text("framework")?,
        assessment: row.opt_uuid("assessment_id")?,
        starts_on: starts_on(&row)?,
        status: vocab(PublicationStatus::parse, "status", &row.text("status")?)?,
        source: row.opt_text("source")?,
        items,
        created_at: row.time("created_at")?,
        updated_at: row.time("updated_at")?,
    }))
}

/// Every action plan (drafts only when `include_drafts`), newest first, with item counts.
pub async fn plans(conn: &mut Conn, include_drafts: bool) -> Result<Vec<PlanHeader>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {PLAN_COLUMNS},
            (SELECT COUNT(*) FROM action_items i WHERE i.plan_id = p.id) AS items,
            (SELECT COUNT(*) FROM action_items i WHERE i.plan_id = p.id AND i.status = 'done') AS done
         FROM action_plans p
         WHERE $1 = 1 OR p.status = 'published'
         ORDER BY p.created_at DESC, p.slug"
    )))
    .bind(i64::from(include_drafts))
    .fetch_all(&mut *conn)
    .await
    .map_err(db_error)?;
    rows.iter()
        .map(|row| {
            let count = |col: &str| -> Result<u64> {
                u64::try_from(row.int(col)?)
                    .map_err(|e| Error::Internal(format!("column {col}: {e}")))
            };
            Ok(PlanHeader {
                id: row.uuid("id")?,
                slug: row.text("slug")?,
                title: LangText {
                    vi: row.opt_text("title_vi")?,
                    en: row.opt_text("title_en")?,
                },
                framework: row.text("framework")?,
                assessment: row.opt_uuid("assessment_id")?,
                starts_on: starts_on(row)?,
                status: vocab(PublicationStatus::parse, "status", &row.text("status")?)?,
                items: count("items")?,
                done: count("done")?,
                updated_at: row.time("updated_at")?,
            })
        })
        .collect()
}

/// Stores the status and months of an item (as changed in `item`) and marks the plan changed;
/// false when the plan has no such item.
pub async fn update_item(
    conn: &mut Conn,
    plan: Uuid,
    item: &ActionItem,
    at: DateTime<Utc>,
) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE action_items SET status = $3, start_month = $4, end_month = $5,
             prerequisites = $6, updated_at = $7
         WHERE plan_id = $1 AND id = $2",
    )
    .bind(plan.to_string())
    .bind(item.id.to_string())
    .bind(item.status.as_str())
    .bind(int(item.start_month))
    .bind(int(item.end_month))
    .bind(json_text(&item.prerequisites)?)
    .bind(ts(at))
    .execute(&mut *conn)
    .await
    .map_err(db_error)?;
    touch_plan(conn, plan, at).await?;
    Ok(done.rows_affected() > 0)
}

/// Adds a progress note to an item, by `author_id` when a user wrote it.
pub async fn add_note(
    conn: &mut Conn,
    item: Uuid,
    note: &ProgressNote,
    author_id: Option<Uuid>,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO action_item_notes (id, item_id, at, author_id, author_name, status, body)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(note.id.to_string())
    .bind(item.to_string())
    .bind(ts(note.at))
    .bind(author_id.map(|id| id.to_string()))
    .bind(note.author.clone())
    .bind(note.status.as_str())
    .bind(note.text.clone())
    .execute(&mut *conn)
    .await
    .map_err(db_error)?;
    Ok(())
}

/// Sets the status and start of a plan.
pub async fn update_plan(
    conn: &mut Conn,
    plan: Uuid,
    status: PublicationStatus,
    starts_on: NaiveDate,
    at: DateTime<Utc>,
) -> Result<()> {
    sqlx::query(
        "UPDATE action_plans SET status = $2, starts_on = $3, updated_at = $4 WHERE id = $1",
    )
    .bind(plan.to_string())
    .bind(status.as_str())
    .bind(date(Some(starts_on)))
    .bind(ts(at))
    .execute(&mut *conn)
    .await
    .map_err(db_error)?;
    Ok(())
}

/// Marks a plan changed at `at`.
pub async fn touch_plan(conn: &mut Conn, plan: Uuid, at: DateTime<Utc>) -> Result<()> {
    sqlx::query("UPDATE action_plans SET updated_at = $2 WHERE id = $1")
        .bind(plan.to_string())
        .bind(ts(at))
        .execute(&mut *conn)
        .await
        .map_err(db_error)?;
    Ok(())
}

// -------------------------------------------------------------------------------- facts --

/// What the live indicators are computed from: every public dataset with its publisher, whether
/// its license is open, the formats of its distributions and its 5-star level; and every
/// answered data request; dated `now`. `due_inventory` is left empty: which items are due is the
/// inventory's rule, applied by the application.
pub async fn portal_facts(conn: &mut Conn, now: DateTime<Utc>) -> Result<PortalFacts> {
    let rows = sqlx::query(concat!(
        "SELECT d.id, o.slug, o.name_vi, o.name_en, l.is_open, q.stars FROM datasets d
         JOIN organizations o ON o.id = d.publisher_id JOIN licenses l ON l.id = d.license_id
         LEFT JOIN quality_results q ON q.dataset_id = d.id
         WHERE ",
        is_public_sql!(),
        " ORDER BY d.id"
    ))
    .fetch_all(&mut *conn)
    .await
    .map_err(db_error)?;
    let format_rows = sqlx::query(concat!(
        "SELECT x.dataset_id, x.format FROM distributions x JOIN datasets d ON d.id = x.dataset_id
         WHERE x.format IS NOT NULL AND ",
        is_public_sql!()
    ))
    .fetch_all(&mut *conn)
    .await
    .map_err(db_error)?;
    let mut formats: HashMap<String, Vec<String>> = HashMap::new();
    for row in &format_rows {
        formats
            .entry(row.text("dataset_id")?)
            .or_default()
            .push(row.text("format")?);
    }
    let datasets = rows
        .iter()
        .map(|row| {
            let id = row.text("id")?;
            Ok(DatasetFact {
                publisher: row.text("slug")?,
                publisher_name: LangText {
                    vi: row.opt_text("name_vi")?,
                    en: row.opt_text("name_en")?,
                },
                license_open: row.flag("is_open")?,
                formats: formats.remove(&id).unwrap_or_default(),
                stars: row.opt_int("stars")?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let answered = sqlx::query(
        "SELECT o.slug, o.name_vi, o.name_en, r.answer_working_days,
                CASE WHEN r.answered_at < r.answer_due_at THEN 1 ELSE 0 END AS on_time
         FROM data_requests r JOIN organizations o ON o.id = r.organization_id
         WHERE r.answered_at IS NOT NULL AND r.answer_due_at IS NOT NULL
           AND r.answer_working_days IS NOT NULL
         ORDER BY r.id",
    )
    .fetch_all(&mut *conn)
    .await
    .map_err(db_error)?;
    let answered_requests = answered
        .iter()
        .map(|row| {
            Ok(AnsweredRequestFact {
                organization: row.text("slug")?,
                organization_name: LangText {
                    vi: row.opt_text("name_vi")?,
                    en: row.opt_text("name_en")?,
                },
                working_days: row.int("answer_working_days")?,
                on_time: row.flag("on_time")?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(PortalFacts {
        as_of: now,
        datasets,
        answered_requests,
        due_inventory: Vec::new(),
    })
}
