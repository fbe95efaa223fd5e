//! Readiness use cases: assessments and action plans, read by everyone when published and by the
//! portal team (`odtf`) and sysadmins when drafts; written only by them (the rule is
//! `Actor::can_manage_portal`). A draft the caller may not see answers 404, as datasets do. Every
//! change is one transaction with its event (`assessment` or `action_plan`).

use chrono::{Datelike, NaiveDate, Utc};
use dulieu_core::account::{Actor, User};
use dulieu_core::{Error, FieldErrors, Result};
use dulieu_readiness::PublicationStatus;
use dulieu_readiness::assessment::{
    Assessment, AssessmentHeader, AssessmentMeta, CopyRequest, Evidence, EvidenceInput, Judgement,
    NewAssessment, choose_slug,
};
use dulieu_readiness::compare::{Comparison, compare};
use dulieu_readiness::framework::{Framework, Frameworks};
use dulieu_readiness::import;
use dulieu_readiness::indicators::{self, Figure, INDICATORS, Indicator, PortalFacts};
use dulieu_readiness::plan::{ActionItem, ActionPlan, ItemUpdate, PlanHeader, ProgressNote};
use dulieu_readiness::plan_input::{NewItem, NewPlan};
use dulieu_store::{Conn, Tx, accounts, readiness};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::accounts::dulieu_store_now;
use crate::catalog::patched;
use crate::{App, Subject, deny, snapshot};

/// What an import of the Vietnam 2019 assessment created (nothing when it was there already).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ImportReport {
    /// Assessments created now.
    pub assessments: usize,
    /// Action plans created now.
    pub plans: usize,
}

/// A live indicator with its figure now.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IndicatorFigure {
    /// Indicator id.
    pub id: &'static str,
    /// Title in Vietnamese.
    pub title_vi: &'static str,
    /// Title in English.
    pub title_en: &'static str,
    /// The questions it speaks to, as `framework:question`.
    pub questions: Vec<String>,
    /// The figure.
    pub figure: Figure,
}

/// The writable fields of an action plan (what `PATCH` changes).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PlanFields {
    /// Shown to the public, or a draft.
    pub status: PublicationStatus,
    /// First day of month 1 (set to the first of its month).
    pub starts_on: NaiveDate,
}

/// Who may see an assessment or a plan in this status.
fn visible(actor: &Actor, status: PublicationStatus) -> bool {
    status == PublicationStatus::Published || actor.can_manage_portal()
}

/// Refuses callers outside the portal team.
fn require_team(actor: &Actor, action: &'static str) -> Result<()> {
    if actor.can_manage_portal() {
        Ok(())
    } else {
        Err(deny(actor, action))
    }
}

impl App {
    /// The frameworks this installation knows.
    pub fn frameworks(&self) -> &Frameworks {
        &self.inner.frameworks
    }

    /// The framework of an assessment or a plan.
    fn framework_of(&self, id: &str, version: &str) -> Result<&Framework> {
        self.frameworks()
            .get(id, version)
            .ok_or_else(|| Error::Internal(format!("framework {id}@{version} is not installed")))
    }

    /// The framework a new assessment or plan names (the newest version when `version` is
    /// absent); an `invalid_value` of `framework` when it is not installed.
    fn framework_named(&self, id: &str, version: Option<&str>) -> Result<&Framework> {
        match version {
            Some(version) => self.frameworks().get(id, version),
            None => self.frameworks().latest(id),
        }
        .ok_or_else(|| {
            let known = Framework::codes(self.frameworks().all(), |f| &f.id);
            let mut errors = FieldErrors::new();
            errors.add_with(
                "framework",
                "invalid_value",
                "detail",
                format!("{id} ({known})"),
            );
            Error::Invalid(errors)
        })
    }

    /// The framework of a plan's dimensions.
    fn plan_framework(&self, plan: &ActionPlan) -> Result<&Framework> {
        self.frameworks().latest(&plan.framework).ok_or_else(|| {
            Error::Internal(format!("framework {} is not installed", plan.framework))
        })
    }

    /// Assessments the caller may see (drafts for the portal team), newest first.
    pub async fn list_assessments(&self, actor: &Actor) -> Result<Vec<AssessmentHeader>> {
        let mut conn = self.store().conn().await?;
        readiness::assessments(&mut conn, actor.can_manage_portal()).await
    }

    /// An assessment the caller may see, with its framework.
    pub async fn get_assessment(
        &self,
        actor: &Actor,
        id_or_slug: &str,
    ) -> Result<(Assessment, &Framework)> {
        let mut conn = self.store().conn().await?;
        let assessment = visible_assessment(&mut conn, actor, id_or_slug).await?;
        let framework = self.framework_of(&assessment.framework, &assessment.framework_version)?;
        Ok((assessment, framework))
    }

    /// Starts a blank assessment of a framework (the portal team).
    pub async fn create_assessment(
        &self,
        actor: &Actor,
        input: NewAssessment,
    ) -> Result<Assessment> {
        require_team(actor, "assessment.create")?;
        let framework = self.framework_named(&input.framework, input.version.as_deref())?;
        let meta = AssessmentMeta {
            title: input.title,
            subject: input.subject,
            status: PublicationStatus::Draft,
            started_on: input.started_on,
            finished_on: None,
            published_on: None,
            assessors: input.assessors,
            source: None,
        }
        .validate()?;
        let slug = choose_slug(input.slug.as_deref(), &meta)?;
        let assessment = Assessment::start(framework, slug, meta, dulieu_store_now());
        self.store_new_assessment(actor, assessment, "created")
            .await
    }

    /// Starts a re-assessment: a draft copy of an assessment with its ratings and evidence.
    pub async fn copy_assessment(
        &self,
        actor: &Actor,
        id_or_slug: &str,
        input: CopyRequest,
    ) -> Result<Assessment> {
        let (original, _) = self.get_assessment(actor, id_or_slug).await?;
        require_team(actor, "assessment.create")?;
        let meta = AssessmentMeta {
            title: input.title,
            status: PublicationStatus::Draft,
            started_on: input.started_on,
            finished_on: None,
            published_on: None,
            assessors: input
                .assessors
                .unwrap_or_else(|| original.meta.assessors.clone()),
            ..original.meta.clone()
        }
        .validate()?;
        let slug = choose_slug(input.slug.as_deref(), &meta)?;
        let copy = original.copy_as(slug, meta, dulieu_store_now());
        self.store_new_assessment(actor, copy, "copied").await
    }

    async fn store_new_assessment(
        &self,
        actor: &Actor,
        assessment: Assessment,
        action: &'static str,
    ) -> Result<Assessment> {
        let mut tx = self.store().begin().await?;
        readiness::insert_assessment(&mut tx, &assessment).await?;
        let after = serde_json::json!({
            "slug": assessment.slug,
            "framework": assessment.framework,
            "framework_version": assessment.framework_version,
            "based_on": assessment.based_on,
            "title": assessment.meta.title,
        });
        self.commit_change(
            tx,
            actor,
            Subject::new("assessment", assessment.id, None),
            action,
            None,
            Some(after),
        )
        .await?;
        let mut conn = self.store().conn().await?;
        readiness::assessment(&mut conn, &assessment.id.to_string())
            .await?
            .ok_or_else(|| Error::Internal("assessment vanished".into()))
    }

    /// Changes what describes an assessment (JSON merge patch of title, subject, status, dates,
    /// assessors, source; the portal team). Publishing sets the publication date when absent.
    pub async fn update_assessment(
        &self,
        actor: &Actor,
        id_or_slug: &str,
        patch: &serde_json::Value,
    ) -> Result<Assessment> {
        let mut tx = self.store().begin().await?;
        let before = team_assessment(&mut tx, actor, id_or_slug, "assessment.update").await?;
        let mut meta = patched(&before.meta, patch, &[])?.validate()?;
        if meta.status == PublicationStatus::Published && meta.published_on.is_none() {
            meta.published_on = Some(Utc::now().date_naive());
        }
        readiness::update_assessment_meta(&mut tx, before.id, &meta, dulieu_store_now()).await?;
        self.commit_change(
            tx,
            actor,
            Subject::new("assessment", before.id, None),
            "updated",
            snapshot(&before.meta),
            snapshot(&meta),
        )
        .await?;
        self.reread_assessment(before.id).await
    }

    async fn reread_assessment(&self, id: Uuid) -> Result<Assessment> {
        let mut conn = self.store().conn().await?;
        readiness::assessment(&mut conn, &id.to_string())
            .await?
            .ok_or_else(|| Error::not_found("assessment", id))
    }

    /// Rates a question, sets its importance or commentary (JSON merge patch of `rating`,
    /// `importance`, `commentary`; the portal team).
    pub async fn judge_question(
        &self,
        actor: &Actor,
        id_or_slug: &str,
        question: &str,
        patch: &serde_json::Value,
    ) -> Result<Assessment> {
        let mut tx = self.store().begin().await?;
        let before = team_assessment(&mut tx, actor, id_or_slug, "assessment.update").await?;
        let framework = self.framework_of(&before.framework, &before.framework_version)?;
        let current = before
            .question(question)
            .ok_or_else(|| Error::not_found("question", question))?;
        let old = Judgement {
            rating: current.rating.clone(),
            importance: current.importance.clone(),
            commentary: current.commentary.clone(),
        };
        let new = patched(&old, patch, &[])?.validate(framework)?;
        readiness::set_question(&mut tx, before.id, question, &new, dulieu_store_now()).await?;
        let (before_json, after_json) = judged(question, &old, &new);
        self.commit_change(
            tx,
            actor,
            Subject::new("assessment", before.id, None),
            "question_judged",
            before_json,
            after_json,
        )
        .await?;
        self.reread_assessment(before.id).await
    }

    /// Rates a dimension, sets its importance or commentary (as [`App::judge_question`]).
    pub async fn judge_dimension(
        &self,
        actor: &Actor,
        id_or_slug: &str,
        dimension: &str,
        patch: &serde_json::Value,
    ) -> Result<Assessment> {
        let mut tx = self.store().begin().await?;
        let before = team_assessment(&mut tx, actor, id_or_slug, "assessment.update").await?;
        let framework = self.framework_of(&before.framework, &before.framework_version)?;
        let current = before
            .dimension(dimension)
            .ok_or_else(|| Error::not_found("dimension", dimension))?;
        let old = Judgement {
            rating: current.rating.clone(),
            importance: current.importance.clone(),
            commentary: current.commentary.clone(),
        };
        let new = patched(&old, patch, &[])?.validate(framework)?;
        readiness::set_dimension(&mut tx, before.id, dimension, &new, dulieu_store_now()).await?;
        let (before_json, after_json) = judged(dimension, &old, &new);
        self.commit_change(
            tx,
            actor,
            Subject::new("assessment", before.id, None),
            "dimension_judged",
            before_json,
            after_json,
        )
        .await?;
        self.reread_assessment(before.id).await
    }

    /// Adds an evidence item to a question (the portal team); with an `indicator`, its figure is
    /// computed now.
    pub async fn add_evidence(
        &self,
        actor: &Actor,
        id_or_slug: &str,
        question: &str,
        input: EvidenceInput,
    ) -> Result<Evidence> {
        let mut tx = self.store().begin().await?;
        let assessment = team_assessment(&mut tx, actor, id_or_slug, "assessment.update").await?;
        let framework = self.framework_of(&assessment.framework, &assessment.framework_version)?;
        if assessment.question(question).is_none() {
            return Err(Error::not_found("question", question));
        }
        let facts = match &input.indicator {
            Some(_) => Some(crate::inventory::portal_facts(&mut tx, dulieu_store_now()).await?),
            None => None,
        };
        let evidence = input.validate(framework, |id| {
            let facts = facts.as_ref()?;
            indicators::find(id).map(|i| i.figure(facts))
        })?;
        readiness::add_evidence(
            &mut tx,
            assessment.id,
            question,
            &evidence,
            dulieu_store_now(),
        )
        .await?;
        let after = serde_json::json!({"question": question, "evidence": evidence});
        self.commit_change(
            tx,
            actor,
            Subject::new("assessment", assessment.id, None),
            "evidence_added",
            None,
            Some(after),
        )
        .await?;
        Ok(evidence)
    }

    /// Removes an evidence item (the portal team).
    pub async fn remove_evidence(
        &self,
        actor: &Actor,
        id_or_slug: &str,
        evidence: Uuid,
    ) -> Result<()> {
        let mut tx = self.store().begin().await?;
        let assessment = team_assessment(&mut tx, actor, id_or_slug, "assessment.update").await?;
        let (question, item) = assessment
            .evidence(evidence)
            .ok_or_else(|| Error::not_found("evidence", evidence))?;
        let before = serde_json::json!({"question": question.id, "evidence": item});
        readiness::delete_evidence(&mut tx, assessment.id, evidence, dulieu_store_now()).await?;
        self.commit_change(
            tx,
            actor,
            Subject::new("assessment", assessment.id, None),
            "evidence_removed",
            Some(before),
            None,
        )
        .await
    }

    /// Recomputes every live figure of an assessment (the portal team); the number refreshed.
    pub async fn refresh_live_evidence(&self, actor: &Actor, id_or_slug: &str) -> Result<usize> {
        let mut tx = self.store().begin().await?;
        let assessment = team_assessment(&mut tx, actor, id_or_slug, "assessment.update").await?;
        let facts = crate::inventory::portal_facts(&mut tx, dulieu_store_now()).await?;
        self.store_fresh_figures(tx, actor, &assessment, &facts)
            .await
    }

    /// Recomputes the live figures of every assessment that has some, drafts included, from one
    /// snapshot of the portal, each assessment in its own transaction (the CLI, the worker's
    /// schedule); the number refreshed. Every figure carries the date of the snapshot.
    pub async fn refresh_all_live_evidence(&self, actor: &Actor) -> Result<usize> {
        require_team(actor, "assessment.update")?;
        let (facts, ids) = {
            let mut conn = self.store().conn().await?;
            let facts = crate::inventory::portal_facts(&mut conn, dulieu_store_now()).await?;
            (
                facts,
                readiness::assessments_with_live_evidence(&mut conn).await?,
            )
        };
        let mut total = 0;
        for id in ids {
            let mut tx = self.store().begin().await?;
            // Read again inside the transaction: it may have changed since the list was taken.
            let Some(assessment) = readiness::assessment(&mut tx, &id.to_string()).await? else {
                continue;
            };
            total += self
                .store_fresh_figures(tx, actor, &assessment, &facts)
                .await?;
        }
        Ok(total)
    }

    /// The worker's scheduled refresh of every live figure (`readiness.refresh_interval_minutes`);
    /// failures are logged and retried at the next turn.
    pub async fn refresh_live_evidence_on_schedule(&self) {
        match self.refresh_all_live_evidence(&Actor::system()).await {
            Ok(0) => {}
            Ok(figures) => tracing::info!(figures, "live figures refreshed"),
            Err(e) => tracing::warn!(error = %e, "live figures could not be refreshed"),
        }
    }

    /// Stores a figure from `facts` for every live evidence item of `assessment` and commits
    /// with the event; nothing when it has none.
    async fn store_fresh_figures(
        &self,
        mut tx: Tx,
        actor: &Actor,
        assessment: &Assessment,
        facts: &PortalFacts,
    ) -> Result<usize> {
        let refreshed = refresh_figures(&mut tx, assessment, facts).await?;
        if refreshed == 0 {
            return Ok(0);
        }
        readiness::touch_assessment(&mut tx, assessment.id, facts.as_of).await?;
        self.commit_change(
            tx,
            actor,
            Subject::new("assessment", assessment.id, None),
            "figures_refreshed",
            None,
            Some(serde_json::json!({"figures": refreshed, "as_of": facts.as_of})),
        )
        .await?;
        Ok(refreshed)
    }

    /// The live indicators with their figures now.
    pub async fn indicator_figures(&self) -> Result<Vec<IndicatorFigure>> {
        let mut conn = self.store().conn().await?;
        let facts = crate::inventory::portal_facts(&mut conn, dulieu_store_now()).await?;
        Ok(INDICATORS
            .iter()
            .map(|i| indicator_figure(i, &facts))
            .collect())
    }

    /// What changed from `with` (by default the assessment this one was copied from) to this
    /// assessment; both must be visible to the caller and of the same framework.
    pub async fn compare_assessments(
        &self,
        actor: &Actor,
        id_or_slug: &str,
        with: Option<&str>,
    ) -> Result<(Assessment, Assessment, Comparison)> {
        let (later, _) = self.get_assessment(actor, id_or_slug).await?;
        let with = match with.map(str::trim).filter(|w| !w.is_empty()) {
            Some(with) => with.to_string(),
            None => later
                .based_on
                .ok_or_else(|| Error::invalid("with", "required"))?
                .to_string(),
        };
        let (earlier, _) = self
            .get_assessment(actor, &with)
            .await
            .map_err(|e| match e {
                Error::NotFound { .. } => Error::invalid("with", "unknown_assessment"),
                other => other,
            })?;
        let comparison = compare(&earlier, &later)?;
        Ok((earlier, later, comparison))
    }

    /// Imports the Vietnam 2019 DGRA and ODRA and their action plans (the portal team), leaving
    /// what already exists (by slug) as it is.
    pub async fn import_vietnam_2019(&self, actor: &Actor) -> Result<ImportReport> {
        require_team(actor, "assessment.create")?;
        let imported = import::vietnam_2019(self.frameworks(), dulieu_store_now())?;
        let mut report = ImportReport::default();
        let mut stored_ids: Vec<(Uuid, Uuid)> = Vec::new();
        for assessment in imported.assessments {
            let mut conn = self.store().conn().await?;
            if let Some(existing) = readiness::assessment(&mut conn, &assessment.slug).await? {
                stored_ids.push((assessment.id, existing.id));
                continue;
            }
            drop(conn);
            let id = assessment.id;
            self.store_new_assessment(actor, assessment, "imported")
                .await?;
            stored_ids.push((id, id));
            report.assessments += 1;
        }
        for mut plan in imported.plans {
            let mut conn = self.store().conn().await?;
            if readiness::plan(&mut conn, &plan.slug).await?.is_some() {
                continue;
            }
            drop(conn);
            plan.assessment = plan.assessment.and_then(|id| {
                stored_ids
                    .iter()
                    .find(|(new, _)| *new == id)
                    .map(|(_, stored)| *stored)
            });
            let mut tx = self.store().begin().await?;
            readiness::insert_plan(&mut tx, &plan).await?;
            let after = serde_json::json!({"slug": plan.slug, "framework": plan.framework, "items": plan.items.len()});
            self.commit_change(
                tx,
                actor,
                Subject::new("action_plan", plan.id, plan.assessment),
                "imported",
                None,
                Some(after),
            )
            .await?;
            report.plans += 1;
        }
        Ok(report)
    }

    /// Action plans the caller may see, newest first.
    pub async fn list_plans(&self, actor: &Actor) -> Result<Vec<PlanHeader>> {
        let mut conn = self.store().conn().await?;
        readiness::plans(&mut conn, actor.can_manage_portal()).await
    }

    /// An action plan the caller may see, with the framework of its dimensions.
    pub async fn get_plan(
        &self,
        actor: &Actor,
        id_or_slug: &str,
    ) -> Result<(ActionPlan, &Framework)> {
        let mut conn = self.store().conn().await?;
        let plan = visible_plan(&mut conn, actor, id_or_slug).await?;
        let framework = self.plan_framework(&plan)?;
        Ok((plan, framework))
    }

    /// Starts an empty action plan of a framework, as a draft (the portal team); it may name the
    /// assessment it answers, which must be of the same framework.
    pub async fn create_plan(&self, actor: &Actor, input: NewPlan) -> Result<ActionPlan> {
        require_team(actor, "action_plan.create")?;
        let framework = self.framework_named(&input.framework, None)?;
        let mut tx = self.store().begin().await?;
        // Problems with the assessment are reported with those of the other fields.
        let mut errors = FieldErrors::new();
        let assessment = match input.assessment.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(key) => match visible_assessment(&mut tx, actor, key).await {
                Ok(a) if a.framework == framework.id => Some(a.id),
                Ok(_) => {
                    errors.add("assessment", "framework_mismatch");
                    None
                }
                Err(Error::NotFound { .. }) => {
                    errors.add("assessment", "unknown_assessment");
                    None
                }
                Err(other) => return Err(other),
            },
        };
        let plan = match input.validate(framework, assessment, dulieu_store_now()) {
            Ok(plan) if errors.is_empty() => plan,
            Ok(_) => return Err(Error::Invalid(errors)),
            Err(mut more) => {
                more.0.append(&mut errors.0);
                return Err(Error::Invalid(more));
            }
        };
        readiness::insert_plan(&mut tx, &plan).await?;
        let after = serde_json::json!({"slug": plan.slug, "title": plan.title, "framework": plan.framework, "starts_on": plan.starts_on});
        self.commit_change(
            tx,
            actor,
            Subject::new("action_plan", plan.id, plan.assessment),
            "created",
            None,
            Some(after),
        )
        .await?;
        Ok(plan)
    }

    /// Adds an item at the end of a plan (the portal team); its prerequisites must be items of
    /// the same plan.
    pub async fn add_action_item(
        &self,
        actor: &Actor,
        plan: &str,
        input: NewItem,
    ) -> Result<ActionItem> {
        let mut tx = self.store().begin().await?;
        let plan = visible_plan(&mut tx, actor, plan).await?;
        require_team(actor, "action_plan.update")?;
        let item = input.validate(&plan, self.plan_framework(&plan)?, dulieu_store_now())?;
        let position = readiness::next_item_position(&mut tx, plan.id).await?;
        readiness::insert_item(&mut tx, plan.id, position, &item).await?;
        readiness::touch_plan(&mut tx, plan.id, item.updated_at).await?;
        self.commit_change(
            tx,
            actor,
            Subject::new("action_plan", plan.id, plan.assessment),
            "item_added",
            None,
            Some(serde_json::json!({ "item": item })),
        )
        .await?;
        Ok(item)
    }

    /// Removes an item of a plan with its progress notes (the portal team); the items that
    /// named it as a prerequisite no longer do.
    pub async fn remove_action_item(&self, actor: &Actor, plan: &str, item: Uuid) -> Result<()> {
        let mut tx = self.store().begin().await?;
        let plan = visible_plan(&mut tx, actor, plan).await?;
        require_team(actor, "action_plan.update")?;
        let removed = plan
            .item(item)
            .ok_or_else(|| Error::not_found("action_item", item))?;
        let prerequisite_of: Vec<Uuid> = plan
            .items
            .iter()
            .filter(|i| i.prerequisites.contains(&item))
            .map(|i| i.id)
            .collect();
        let before = serde_json::json!({"item": removed, "prerequisite_of": prerequisite_of});
        readiness::delete_item(&mut tx, plan.id, item).await?;
        readiness::touch_plan(&mut tx, plan.id, dulieu_store_now()).await?;
        self.commit_change(
            tx,
            actor,
            Subject::new("action_plan", plan.id, plan.assessment),
            "item_removed",
            Some(before),
            None,
        )
        .await
    }

    /// Sets the status of an action item and/or adds a progress note, or moves its months (the
    /// portal team). A note records the status after it and its author.
    pub async fn update_action_item(
        &self,
        actor: &Actor,
        plan: &str,
        item: Uuid,
        update: ItemUpdate,
    ) -> Result<ActionItem> {
        let mut tx = self.store().begin().await?;
        let plan = visible_plan(&mut tx, actor, plan).await?;
        require_team(actor, "action_plan.update")?;
        let before = plan
            .item(item)
            .ok_or_else(|| Error::not_found("action_item", item))?
            .clone();
        let update = update.validate(&plan, &before)?;
        let now = dulieu_store_now();
        let mut after = before.clone();
        after.status = update.status.unwrap_or(before.status);
        after.start_month = update.start_month.unwrap_or(before.start_month);
        after.end_month = update.end_month.unwrap_or(before.end_month);
        if let Some(prerequisites) = update.prerequisites {
            after.prerequisites = prerequisites;
        }
        readiness::update_item(&mut tx, plan.id, &after, now).await?;
        if update.note.is_some() || after.status != before.status {
            let author = match actor.user_id {
                Some(id) => accounts::user(&mut tx, id).await?.map(|u: User| {
                    if u.display_name.trim().is_empty() {
                        u.email
                    } else {
                        u.display_name
                    }
                }),
                None => None,
            };
            let note = ProgressNote {
                id: Uuid::now_v7(),
                at: now,
                author,
                status: after.status,
                text: update.note.clone(),
            };
            readiness::add_note(&mut tx, item, &note, actor.user_id).await?;
        }
        let summary = |i: &ActionItem| serde_json::json!({"status": i.status, "start_month": i.start_month, "end_month": i.end_month});
        let mut after_json = summary(&after);
        after_json["item"] = serde_json::json!(item);
        after_json["note"] = serde_json::json!(update.note);
        self.commit_change(
            tx,
            actor,
            Subject::new("action_plan", plan.id, plan.assessment),
            "item_updated",
            Some(summary(&before)),
            Some(after_json),
        )
        .await?;
        let mut conn = self.store().conn().await?;
        readiness::plan(&mut conn, &plan.id.to_string())
            .await?
            .and_then(|p| p.items.into_iter().find(|i| i.id == item))
            .ok_or_else(|| Error::not_found("action_item", item))
    }

    /// Publishes or withdraws a plan, or moves its start (JSON merge patch of `status` and
    /// `starts_on`; the portal team).
    pub async fn update_plan(
        &self,
        actor: &Actor,
        id_or_slug: &str,
        patch: &serde_json::Value,
    ) -> Result<ActionPlan> {
        let mut tx = self.store().begin().await?;
        let plan = visible_plan(&mut tx, actor, id_or_slug).await?;
        require_team(actor, "action_plan.update")?;
        let before = PlanFields {
            status: plan.status,
            starts_on: plan.starts_on,
        };
        let mut after: PlanFields = patched(&before, patch, &[])?;
        after.starts_on = after.starts_on.with_day(1).unwrap_or(after.starts_on);
        readiness::update_plan(
            &mut tx,
            plan.id,
            after.status,
            after.starts_on,
            dulieu_store_now(),
        )
        .await?;
        self.commit_change(
            tx,
            actor,
            Subject::new("action_plan", plan.id, plan.assessment),
            "updated",
            snapshot(&before),
            snapshot(&after),
        )
        .await?;
        let mut conn = self.store().conn().await?;
        readiness::plan(&mut conn, &plan.id.to_string())
            .await?
            .ok_or_else(|| Error::not_found("action_plan", plan.id))
    }

    /// Grants or withdraws the portal team role (`odtf`) of the user with `email` (sysadmins and
    /// the CLI).
    pub async fn set_portal_team(&self, actor: &Actor, email: &str, member: bool) -> Result<User> {
        if !actor.is_sysadmin {
            return Err(deny(actor, "user.portal_team"));
        }
        let mut tx = self.store().begin().await?;
        let (user, _) = accounts::user_by_email(&mut tx, &email.trim().to_lowercase())
            .await?
            .ok_or_else(|| Error::not_found("user", email))?;
        accounts::set_odtf(&mut tx, user.id, member).await?;
        let after = User {
            is_odtf: member,
            ..user.clone()
        };
        self.commit_change(
            tx,
            actor,
            Subject::new("user", user.id, None),
            "portal_team_changed",
            Some(serde_json::json!({"is_odtf": user.is_odtf})),
            Some(serde_json::json!({"is_odtf": member})),
        )
        .await?;
        Ok(after)
    }
}

/// The before/after of a judgement, for the event log.
fn judged(
    id: &str,
    old: &Judgement,
    new: &Judgement,
) -> (Option<serde_json::Value>, Option<serde_json::Value>) {
    (
        Some(serde_json::json!({"id": id, "judgement": old})),
        Some(serde_json::json!({"id": id, "judgement": new})),
    )
}

fn indicator_figure(indicator: &Indicator, facts: &PortalFacts) -> IndicatorFigure {
    IndicatorFigure {
        id: indicator.id,
        title_vi: indicator.title_vi,
        title_en: indicator.title_en,
        questions: indicator
            .questions
            .iter()
            .map(|(f, q)| format!("{f}:{q}"))
            .collect(),
        figure: indicator.figure(facts),
    }
}

/// Stores a fresh figure for every live evidence item of `assessment`; the number stored.
async fn refresh_figures(
    conn: &mut Conn,
    assessment: &Assessment,
    facts: &PortalFacts,
) -> Result<usize> {
    let mut refreshed = 0;
    for question in assessment.questions() {
        for evidence in &question.evidence {
            let Some(live) = &evidence.live else { continue };
            // An indicator withdrawn from the code keeps its last figure.
            if let Some(indicator) = indicators::find(&live.indicator) {
                readiness::set_figure(conn, evidence.id, &indicator.figure(facts)).await?;
                refreshed += 1;
            }
        }
    }
    Ok(refreshed)
}

/// The assessment `id_or_slug` if the caller may see it (404 otherwise).
async fn visible_assessment(
    conn: &mut Conn,
    actor: &Actor,
    id_or_slug: &str,
) -> Result<Assessment> {
    readiness::assessment(conn, id_or_slug)
        .await?
        .filter(|a| visible(actor, a.meta.status))
        .ok_or_else(|| Error::not_found("assessment", id_or_slug))
}

/// The assessment `id_or_slug` if the caller may change it: 404 when they may not see it, 403
/// (401 anonymous) when they may see but not change it.
async fn team_assessment(
    conn: &mut Conn,
    actor: &Actor,
    id_or_slug: &str,
    action: &'static str,
) -> Result<Assessment> {
    let assessment = visible_assessment(conn, actor, id_or_slug).await?;
    require_team(actor, action)?;
    Ok(assessment)
}

/// The plan `id_or_slug` if the caller may see it (404 otherwise).
async fn visible_plan(conn: &mut Conn, actor: &Actor, id_or_slug: &str) -> Result<ActionPlan> {
    readiness::plan(conn, id_or_slug)
        .await?
        .filter(|p| visible(actor, p.status))
        .ok_or_else(|| Error::not_found("action_plan", id_or_slug))
}
