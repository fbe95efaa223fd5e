//! Inventory use cases: each organization's list of the data it holds (items that may exist long
//! before any dataset), kept by its editors one by one or from a spreadsheet, shown to the public
//! except for state secrets, with the demand from linked data requests, the publication plan and
//! the value/effort prioritisation.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, NaiveDate, Utc};
use dulieu_core::account::Actor;
use dulieu_core::catalog::Organization;
use dulieu_core::event::NewEvent;
use dulieu_core::text::fold_diacritics;
use dulieu_core::{Error, Result};
use dulieu_inventory::plan::{self, Quadrant, Standing, Timeliness};
use dulieu_inventory::sheet::{self, RowError, SheetFormat, SheetRow};
use dulieu_inventory::{Demand, Item, ItemInput, ItemStatus, Priority, Sensitivity};
use dulieu_readiness::indicators::{InventoryFact, PortalFacts};
pub use dulieu_store::inventory::ItemOrder;
use dulieu_store::inventory::{self as store, ItemFilter, ItemViewer, StoredItem};
use dulieu_store::{Conn, Tx, datasets, events, organizations, requests};
use serde::Serialize;
use uuid::Uuid;

use crate::catalog::patched;
use crate::{App, Page, PageRequest, Subject, deny, snapshot};

/// The event log's name for inventory items.
pub const ITEM_ENTITY: &str = "inventory_item";
/// Most items one export or prioritisation reads.
pub const MAX_EXPORT: i64 = 50_000;

/// What an inventory list is filtered and sorted by.
#[derive(Debug, Clone, Default)]
pub struct InventoryQuery {
    /// Only this organization's items (slug or id).
    pub organization: Option<String>,
    /// Only items with this status.
    pub status: Option<ItemStatus>,
    /// Only items of this priority class.
    pub priority: Option<Priority>,
    /// Only items of this sensitivity.
    pub sensitivity: Option<Sensitivity>,
    /// Only items whose titles, descriptions, unit, system or responsible person contain this
    /// (accents ignored).
    pub q: Option<String>,
    /// Only items past their target date and not published.
    pub overdue: bool,
    /// The order.
    pub order: ItemOrder,
}

/// The filters of an inventory list as a query string sends them; blank means no filter.
#[derive(Debug, Clone, Copy, Default)]
pub struct FilterText<'a> {
    /// Organization slug or id.
    pub organization: &'a str,
    /// Status (wire name).
    pub status: &'a str,
    /// Priority class (wire name).
    pub priority: &'a str,
    /// Sensitivity (wire name).
    pub sensitivity: &'a str,
    /// Words.
    pub q: &'a str,
}

impl InventoryQuery {
    /// Reads filters sent as text: 422 `invalid_value` on a value outside its vocabulary, naming
    /// the accepted ones.
    pub fn from_text(filters: FilterText<'_>, overdue: bool, order: ItemOrder) -> Result<Self> {
        let text = |t: &str| Some(t.trim().to_string()).filter(|t| !t.is_empty());
        Ok(Self {
            organization: text(filters.organization),
            status: vocabulary(
                "status",
                filters.status,
                ItemStatus::parse,
                ItemStatus::ALL,
                ItemStatus::as_str,
            )?,
            priority: vocabulary(
                "priority",
                filters.priority,
                Priority::parse,
                Priority::ALL,
                Priority::as_str,
            )?,
            sensitivity: vocabulary(
                "sensitivity",
                filters.sensitivity,
                Sensitivity::parse,
                Sensitivity::ALL,
                Sensitivity::as_str,
            )?,
            q: text(filters.q),
            overdue,
            order,
        })
    }
}

/// An optional vocabulary value sent as text.
fn vocabulary<T: Copy>(
    field: &'static str,
    raw: &str,
    parse: fn(&str) -> Option<T>,
    all: &[T],
    wire: fn(T) -> &'static str,
) -> Result<Option<T>> {
    match raw.trim() {
        "" => Ok(None),
        text => parse(text).map(Some).ok_or_else(|| {
            let accepted: Vec<&str> = all.iter().map(|v| wire(*v)).collect();
            let mut errors = dulieu_core::FieldErrors::new();
            errors.add_with(field, "invalid_value", "detail", accepted.join(", "));
            Error::Invalid(errors)
        }),
    }
}

/// A data request linked to an item, as its page lists it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LinkedRequest {
    /// The request.
    pub id: Uuid,
    /// Its title.
    pub title: String,
    /// Its state (wire name).
    pub state: String,
    /// Its votes.
    pub votes: i64,
}

/// One item with the requests linked to it and what the caller may do.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ItemView {
    /// The item.
    pub item: Item,
    /// The data requests linked to it that the caller may see.
    pub requests: Vec<LinkedRequest>,
    /// The caller may edit it.
    pub can_edit: bool,
}

/// What an import did.
#[derive(Debug, Clone, Default, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportReport {
    /// Items created.
    pub created: usize,
    /// Items changed.
    pub updated: usize,
    /// Rows identical to the item they name.
    pub unchanged: usize,
    /// One entry per problem; the rows with problems were not imported.
    pub errors: Vec<RowError>,
    /// Headers not recognised (their columns were ignored).
    pub ignored_columns: Vec<String>,
}

/// An item with its place on the value/effort matrix.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RankedItem {
    /// The item.
    pub item: Item,
    /// Its value (priority weight plus demand).
    pub value: u32,
    /// Its quadrant.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub quadrant: Quadrant,
}

/// The prioritisation of the items still to publish (of one organization or all).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Priorities {
    /// Items still to publish, most valuable and least effort first.
    pub items: Vec<RankedItem>,
    /// How many fall in each quadrant.
    pub quadrants: BTreeMap<String, usize>,
    /// How the items keep to their target dates.
    pub timeliness: Timeliness,
}

/// An organization's publication plan: its dated items in target-date order.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PublicationPlan {
    /// The organization.
    pub organization: Organization,
    /// Items with a target date, earliest first.
    pub items: Vec<Item>,
    /// Items without a target date.
    pub undated: i64,
    /// How the items keep to their target dates.
    pub timeliness: Timeliness,
}

/// The watchdog rule an overdue inventory item violates (on its organization's scorecard).
pub const OVERDUE_RULE: &str = "inventory.overdue";

/// An organization's inventory against its publication plan.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InventoryStanding {
    /// Items in the inventory (that the caller may see).
    pub items: i64,
    /// How they keep to their target dates.
    pub timeliness: Timeliness,
    /// The overdue ones, most overdue first: each a violation of `inventory.overdue`.
    pub overdue: Vec<OverdueItem>,
}

/// An item past its target date and not published.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OverdueItem {
    /// The item.
    pub id: Uuid,
    /// Its title.
    pub title: dulieu_core::text::LangText,
    /// Its target date.
    pub target_date: Option<NaiveDate>,
    /// Days since then.
    pub days_late: i64,
}

/// Today's date (UTC), the day overdue items are counted on.
fn today() -> NaiveDate {
    Utc::now().date_naive()
}

impl App {
    /// A page of the inventory items the caller may see (every item but state secrets, plus all
    /// of the caller's organizations' items).
    pub async fn list_inventory(
        &self,
        actor: &Actor,
        query: &InventoryQuery,
        page: PageRequest,
    ) -> Result<Page<Item>> {
        let mut conn = self.store().conn().await?;
        let filter = self.item_filter(&mut conn, query).await?;
        let (stored, total) = store::list(
            &mut conn,
            &viewer(actor),
            &filter,
            query.order,
            page.offset(),
            page.page_size,
        )
        .await?;
        let results = items_of(&mut conn, stored).await?;
        Ok(Page::new(results, total, page))
    }

    /// One item with its linked requests (404 for state secrets the caller may not see).
    pub async fn inventory_item(&self, actor: &Actor, id: Uuid) -> Result<ItemView> {
        let mut conn = self.store().conn().await?;
        let stored = visible_item(&mut conn, actor, id).await?;
        let can_edit = actor.can_edit_datasets_of(stored.organization_id);
        let item = items_of(&mut conn, vec![stored]).await?.remove(0);
        let mut linked = Vec::new();
        for request_id in store::requests_of(&mut conn, id).await? {
            let Some(request) = requests::get(&mut conn, request_id).await? else {
                continue;
            };
            let sees = request.is_public
                || actor.can_manage_portal()
                || request
                    .requester_id
                    .is_some_and(|r| Some(r) == actor.user_id)
                || request
                    .organization_id
                    .is_some_and(|o| actor.can_see_private_of(o));
            if sees {
                linked.push(LinkedRequest {
                    id: request.id,
                    title: request.title,
                    state: request.state.as_str().to_string(),
                    votes: request.votes,
                });
            }
        }
        Ok(ItemView {
            item,
            requests: linked,
            can_edit,
        })
    }

    /// Records an item of `organization` (its editors and admins).
    pub async fn create_inventory_item(
        &self,
        actor: &Actor,
        organization: &str,
        input: ItemInput,
    ) -> Result<Item> {
        let mut tx = self.store().begin().await?;
        let org = organization_of(&mut tx, organization).await?;
        if !actor.can_edit_datasets_of(org.id) {
            return Err(deny(actor, "inventory.create"));
        }
        let input = input.normalized()?;
        let dataset_id = dataset_of(&mut tx, &input, org.id).await?;
        let now = crate::accounts::dulieu_store_now();
        let stored = stored_item(Uuid::now_v7(), &org, &input, dataset_id, None, now, now)?;
        store::save(&mut tx, &stored).await?;
        let item = to_item(stored, Demand::default(), today())?;
        self.commit_change(
            tx,
            actor,
            Subject::new(ITEM_ENTITY, item.id, Some(org.id)),
            "created",
            None,
            snapshot(&item.fields),
        )
        .await?;
        Ok(item)
    }

    /// Replaces the writable fields of an item (its organization's editors and admins).
    pub async fn update_inventory_item(
        &self,
        actor: &Actor,
        id: Uuid,
        input: ItemInput,
    ) -> Result<Item> {
        let mut tx = self.store().begin().await?;
        let before = editable_item(&mut tx, actor, id, "inventory.update").await?;
        self.write_item(tx, actor, before, input).await
    }

    /// Applies a JSON merge patch to an item's writable fields.
    pub async fn patch_inventory_item(
        &self,
        actor: &Actor,
        id: Uuid,
        patch: &serde_json::Value,
    ) -> Result<Item> {
        let mut tx = self.store().begin().await?;
        let before = editable_item(&mut tx, actor, id, "inventory.update").await?;
        let current = fields_of(&before)?;
        let input: ItemInput = patched(&current, patch, &[])?;
        self.write_item(tx, actor, before, input).await
    }

    async fn write_item(
        &self,
        mut tx: Tx,
        actor: &Actor,
        before: StoredItem,
        input: ItemInput,
    ) -> Result<Item> {
        let input = input.normalized()?;
        let org = organization_of(&mut tx, &before.organization_id.to_string()).await?;
        let dataset_id = dataset_of(&mut tx, &input, org.id).await?;
        let previous = fields_of(&before)?;
        let demand = store::demand(&mut tx, &[before.id]).await?;
        if previous == input && dataset_id == before.dataset_id {
            let id = before.id;
            return to_item(before, demand_of(&demand, id), today());
        }
        let now = crate::accounts::dulieu_store_now();
        let stored = stored_item(
            before.id,
            &org,
            &input,
            dataset_id,
            Some(&before),
            before.created,
            now,
        )?;
        store::save(&mut tx, &stored).await?;
        let item = to_item(stored, demand_of(&demand, before.id), today())?;
        self.commit_change(
            tx,
            actor,
            Subject::new(ITEM_ENTITY, item.id, Some(org.id)),
            "updated",
            snapshot(&previous),
            snapshot(&item.fields),
        )
        .await?;
        Ok(item)
    }

    /// Deletes an item (its organization's admins).
    pub async fn delete_inventory_item(&self, actor: &Actor, id: Uuid) -> Result<()> {
        let mut tx = self.store().begin().await?;
        let before = visible_item(&mut tx, actor, id).await?;
        if !actor.can_admin(before.organization_id) {
            return Err(deny(actor, "inventory.delete"));
        }
        store::delete(&mut tx, id).await?;
        self.commit_change(
            tx,
            actor,
            Subject::new(ITEM_ENTITY, id, Some(before.organization_id)),
            "deleted",
            snapshot(&fields_of(&before)?),
            None,
        )
        .await
    }

    /// Links a data request to an item as demand for it (the item's editors and admins).
    pub async fn link_inventory_request(
        &self,
        actor: &Actor,
        id: Uuid,
        request: Uuid,
        linked: bool,
    ) -> Result<ItemView> {
        let mut tx = self.store().begin().await?;
        let item = editable_item(&mut tx, actor, id, "inventory.update").await?;
        if requests::get(&mut tx, request).await?.is_none() {
            return Err(Error::invalid("request", "unknown_request"));
        }
        let changed = if linked {
            store::link_request(&mut tx, id, request, Utc::now()).await?;
            true
        } else {
            store::unlink_request(&mut tx, id, request).await?
        };
        if changed {
            let action = if linked {
                "request_linked"
            } else {
                "request_unlinked"
            };
            self.commit_change(
                tx,
                actor,
                Subject::new(ITEM_ENTITY, id, Some(item.organization_id)),
                action,
                None,
                Some(serde_json::json!({ "request": request })),
            )
            .await?;
        }
        self.inventory_item(actor, id).await
    }

    /// Imports an organization's inventory spreadsheet (CSV or XLSX): rows naming an id of the
    /// organization update that item, other rows create one; every bad row is reported and the
    /// rest imported, all in one transaction.
    pub async fn import_inventory(
        &self,
        actor: &Actor,
        organization: &str,
        bytes: &[u8],
        file_name: Option<&str>,
    ) -> Result<ImportReport> {
        let format = sheet::detect(bytes, file_name).ok_or(Error::BadRequest {
            code: "sheet_unsupported_format",
            detail: "the file is neither CSV nor XLSX".into(),
        })?;
        let mut tx = self.store().begin().await?;
        let org = organization_of(&mut tx, organization).await?;
        if !actor.can_edit_datasets_of(org.id) {
            return Err(deny(actor, "inventory.import"));
        }
        let parsed = sheet::read(bytes, format)?;
        let mut report = ImportReport {
            errors: parsed.errors,
            ignored_columns: parsed.ignored_columns,
            ..ImportReport::default()
        };
        let ids: Vec<Uuid> = parsed.rows.iter().filter_map(|r| r.id).collect();
        let existing = store::by_ids(&mut tx, &ids).await?;
        let now = crate::accounts::dulieu_store_now();
        for row in parsed.rows {
            match self
                .import_row(&mut tx, actor, &org, &existing, row, now)
                .await?
            {
                RowOutcome::Created => report.created += 1,
                RowOutcome::Updated => report.updated += 1,
                RowOutcome::Unchanged => report.unchanged += 1,
                RowOutcome::Refused(error) => report.errors.push(error),
            }
        }
        report.errors.sort_by_key(|e| e.row);
        tx.commit().await.map_err(Error::internal)?;
        Ok(report)
    }

    async fn import_row(
        &self,
        tx: &mut Tx,
        actor: &Actor,
        org: &Organization,
        existing: &HashMap<Uuid, StoredItem>,
        row: SheetRow,
        now: DateTime<Utc>,
    ) -> Result<RowOutcome> {
        let refuse = |column: &str, code: &str, value: Option<String>| {
            Ok(RowOutcome::Refused(RowError {
                row: row.row,
                column: column.to_string(),
                code: code.to_string(),
                value,
            }))
        };
        if let Some(named) = &row.organization
            && !names_organization(named, org)
        {
            return refuse("organization", "organization_mismatch", Some(named.clone()));
        }
        let before = row.id.and_then(|id| existing.get(&id));
        if before.is_some_and(|b| b.organization_id != org.id) {
            return refuse(
                "id",
                "id_of_other_organization",
                row.id.map(|i| i.to_string()),
            );
        }
        let dataset_id = match dataset_of(tx, &row.item, org.id).await {
            Ok(found) => found,
            Err(Error::Invalid(_)) => {
                return refuse("dataset", "unknown_dataset", row.item.dataset.clone());
            }
            Err(other) => return Err(other),
        };
        let (id, action, before_fields, outcome) = match before {
            Some(b) => {
                let previous = fields_of(b)?;
                if previous == row.item && dataset_id == b.dataset_id {
                    return Ok(RowOutcome::Unchanged);
                }
                let stored =
                    stored_item(b.id, org, &row.item, dataset_id, Some(b), b.created, now)?;
                store::save(tx, &stored).await?;
                (b.id, "updated", snapshot(&previous), RowOutcome::Updated)
            }
            None => {
                let id = row.id.unwrap_or_else(Uuid::now_v7);
                let stored = stored_item(id, org, &row.item, dataset_id, None, now, now)?;
                store::save(tx, &stored).await?;
                (id, "created", None, RowOutcome::Created)
            }
        };
        events::append(
            tx,
            &NewEvent {
                actor_id: actor.user_id,
                entity_type: ITEM_ENTITY,
                entity_id: id,
                parent_id: Some(org.id),
                action,
                before: before_fields,
                after: snapshot(&row.item),
            },
        )
        .await?;
        Ok(outcome)
    }

    /// Every item the caller may see that matches `query`, as a spreadsheet (at most
    /// [`MAX_EXPORT`] items).
    pub async fn export_inventory(
        &self,
        actor: &Actor,
        query: &InventoryQuery,
        format: SheetFormat,
        lang: &str,
    ) -> Result<Vec<u8>> {
        let items = self.all_inventory(actor, query).await?;
        match format {
            SheetFormat::Csv => Ok(sheet::write_csv(&items)),
            SheetFormat::Xlsx => sheet::write_xlsx(&items, lang),
        }
    }

    /// The value/effort prioritisation of the items still to publish that match `query`.
    pub async fn inventory_priorities(
        &self,
        actor: &Actor,
        query: &InventoryQuery,
    ) -> Result<Priorities> {
        let items = self.all_inventory(actor, query).await?;
        let timeliness = plan::timeliness(&items, today());
        let mut quadrants: BTreeMap<String, usize> = Quadrant::ALL
            .iter()
            .map(|q| (q.as_str().to_string(), 0))
            .collect();
        let ranked: Vec<RankedItem> = plan::ranked(&items)
            .into_iter()
            .map(|item| {
                let quadrant = plan::quadrant_of(item);
                *quadrants.entry(quadrant.as_str().to_string()).or_default() += 1;
                RankedItem {
                    value: plan::value_of(item),
                    quadrant,
                    item: item.clone(),
                }
            })
            .collect();
        Ok(Priorities {
            items: ranked,
            quadrants,
            timeliness,
        })
    }

    /// An organization's publication plan: its dated items (that the caller may see) in
    /// target-date order, with how they keep to their dates.
    pub async fn publication_plan(
        &self,
        actor: &Actor,
        organization: &str,
    ) -> Result<PublicationPlan> {
        let organization = {
            let mut conn = self.store().conn().await?;
            organization_of(&mut conn, organization).await?
        };
        let query = InventoryQuery {
            organization: Some(organization.id.to_string()),
            order: ItemOrder::TargetDate,
            ..InventoryQuery::default()
        };
        let items = self.all_inventory(actor, &query).await?;
        let timeliness = plan::timeliness(&items, today());
        let (dated, undated): (Vec<Item>, Vec<Item>) = items
            .into_iter()
            .partition(|i| i.fields.target_date.is_some());
        Ok(PublicationPlan {
            organization,
            items: dated,
            undated: undated.len() as i64,
            timeliness,
        })
    }

    /// How an organization's inventory keeps to its publication plan, for its scorecard: each
    /// overdue item is a violation of [`OVERDUE_RULE`]. Only the items the caller may see.
    pub async fn inventory_standing(
        &self,
        actor: &Actor,
        organization_id: Uuid,
    ) -> Result<InventoryStanding> {
        let query = InventoryQuery {
            organization: Some(organization_id.to_string()),
            order: ItemOrder::TargetDate,
            ..InventoryQuery::default()
        };
        let items = self.all_inventory(actor, &query).await?;
        let today = today();
        Ok(InventoryStanding {
            items: items.len() as i64,
            timeliness: plan::timeliness(&items, today),
            overdue: items
                .into_iter()
                .filter(|i| i.overdue)
                .map(|i| OverdueItem {
                    days_late: i
                        .fields
                        .target_date
                        .map_or(0, |target| (today - target).num_days()),
                    id: i.id,
                    title: i.fields.title.clone(),
                    target_date: i.fields.target_date,
                })
                .collect(),
        })
    }

    async fn all_inventory(&self, actor: &Actor, query: &InventoryQuery) -> Result<Vec<Item>> {
        let mut conn = self.store().conn().await?;
        let filter = self.item_filter(&mut conn, query).await?;
        let (stored, _) = store::list(
            &mut conn,
            &viewer(actor),
            &filter,
            query.order,
            0,
            MAX_EXPORT,
        )
        .await?;
        items_of(&mut conn, stored).await
    }

    async fn item_filter(&self, conn: &mut Conn, query: &InventoryQuery) -> Result<ItemFilter> {
        let organization_id = match &query.organization {
            Some(key) => Some(organization_of(conn, key).await?.id),
            None => None,
        };
        let text = query
            .q
            .as_deref()
            .map(|q| fold_diacritics(q.trim()).to_lowercase())
            .filter(|q| !q.is_empty());
        Ok(ItemFilter {
            organization_id,
            status: query.status.map(|s| s.as_str().to_string()),
            priority: query.priority.map(|p| p.as_str().to_string()),
            sensitivity: query.sensitivity.map(|s| s.as_str().to_string()),
            text,
            overdue_on: query.overdue.then(today),
            final_statuses: [
                ItemStatus::Published.as_str().to_string(),
                ItemStatus::WillNotPublish.as_str().to_string(),
            ],
        })
    }
}

enum RowOutcome {
    Created,
    Updated,
    Unchanged,
    Refused(RowError),
}

fn viewer(actor: &Actor) -> ItemViewer {
    ItemViewer {
        sees_all: actor.is_sysadmin,
        user_id: actor.user_id,
        hidden_sensitivity: Sensitivity::StateSecret.as_str().to_string(),
    }
}

fn demand_of(demand: &HashMap<Uuid, (i64, i64)>, id: Uuid) -> Demand {
    demand
        .get(&id)
        .map(|&(requests, votes)| Demand { requests, votes })
        .unwrap_or_default()
}

/// True when a spreadsheet's organization cell names `org`: its slug, or its name in either
/// language (case and accents ignored).
fn names_organization(cell: &str, org: &Organization) -> bool {
    let folded = |text: &str| fold_diacritics(text.trim()).to_lowercase();
    let cell = folded(cell);
    cell == org.slug
        || [&org.name.vi, &org.name.en]
            .into_iter()
            .flatten()
            .any(|name| folded(name) == cell)
}

/// The organization named by slug or id (404 when unknown).
async fn organization_of(conn: &mut Conn, key: &str) -> Result<Organization> {
    let found = match Uuid::parse_str(key) {
        Ok(id) => organizations::get(conn, id).await?,
        Err(_) => organizations::get_by_slug(conn, key).await?,
    };
    found.ok_or_else(|| Error::not_found("organization", key))
}

/// The item, when the caller may see it (state secrets only to the holder's members and
/// sysadmins; others get 404).
async fn visible_item(conn: &mut Conn, actor: &Actor, id: Uuid) -> Result<StoredItem> {
    let item = store::get(conn, id)
        .await?
        .ok_or_else(|| Error::not_found("inventory_item", id))?;
    let hidden = item.sensitivity == Sensitivity::StateSecret.as_str()
        && !actor.can_see_private_of(item.organization_id);
    if hidden {
        return Err(Error::not_found("inventory_item", id));
    }
    Ok(item)
}

/// The item a new data request asks for (`inventory_item` of the request; 422 when the caller
/// may not see it).
pub(crate) async fn requested_item(conn: &mut Conn, actor: &Actor, id: Uuid) -> Result<StoredItem> {
    visible_item(conn, actor, id)
        .await
        .map_err(|_| Error::invalid("inventory_item", "unknown_inventory_item"))
}

/// The item, when the caller may edit it.
async fn editable_item(
    conn: &mut Conn,
    actor: &Actor,
    id: Uuid,
    action: &'static str,
) -> Result<StoredItem> {
    let item = visible_item(conn, actor, id).await?;
    if !actor.can_edit_datasets_of(item.organization_id) {
        return Err(deny(actor, action));
    }
    Ok(item)
}

/// The dataset an item names: it must exist and be published by the item's organization.
async fn dataset_of(conn: &mut Conn, input: &ItemInput, org: Uuid) -> Result<Option<Uuid>> {
    let Some(key) = &input.dataset else {
        return Ok(None);
    };
    match datasets::get(conn, key).await? {
        Some(dataset) if dataset.publisher_id == org => Ok(Some(dataset.id)),
        _ => Err(Error::invalid("dataset", "unknown_dataset")),
    }
}

/// The stored form of an item. `published_on` is kept from `before` while the item stays
/// published, set to today when it becomes published, cleared otherwise.
fn stored_item(
    id: Uuid,
    org: &Organization,
    input: &ItemInput,
    dataset_id: Option<Uuid>,
    before: Option<&StoredItem>,
    created: DateTime<Utc>,
    modified: DateTime<Utc>,
) -> Result<StoredItem> {
    let published_on = match input.status {
        ItemStatus::Published => before
            .and_then(|b| b.published_on)
            .or(Some(modified.date_naive())),
        _ => None,
    };
    let searchable = [
        input.title.vi.as_deref(),
        input.title.en.as_deref(),
        input.description.vi.as_deref(),
        input.description.en.as_deref(),
        input.owning_unit.as_deref(),
        input.system_of_record.as_deref(),
        input.responsible.as_deref(),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" ");
    Ok(StoredItem {
        id,
        organization_id: org.id,
        organization: org.slug.clone(),
        fields: serde_json::to_string(input).map_err(Error::internal)?,
        sort_title: input.title_in("vi").to_lowercase(),
        search_text: fold_diacritics(&searchable).to_lowercase(),
        sensitivity: input.sensitivity.as_str().to_string(),
        priority: input.priority.as_str().to_string(),
        effort: input.effort.map(|e| e.as_str().to_string()),
        status: input.status.as_str().to_string(),
        target_date: input.target_date,
        dataset_id,
        dataset_slug: None,
        published_on,
        created,
        modified,
    })
}

/// The writable fields of a stored item, with the linked dataset's current slug.
fn fields_of(stored: &StoredItem) -> Result<ItemInput> {
    let mut fields: ItemInput = serde_json::from_str(&stored.fields).map_err(|e| {
        Error::Internal(format!("bad inventory item {} in database: {e}", stored.id))
    })?;
    if let Some(slug) = &stored.dataset_slug {
        fields.dataset = Some(slug.clone());
    }
    Ok(fields)
}

fn to_item(stored: StoredItem, demand: Demand, today: NaiveDate) -> Result<Item> {
    let fields = fields_of(&stored)?;
    let overdue = plan::standing(
        fields.status,
        fields.target_date,
        stored.published_on,
        today,
    ) == Standing::Overdue;
    Ok(Item {
        id: stored.id,
        organization: stored.organization,
        organization_id: stored.organization_id,
        fields,
        dataset_id: stored.dataset_id,
        published_on: stored.published_on,
        demand,
        overdue,
        created: stored.created,
        modified: stored.modified,
    })
}

/// Items with their demand (one query for all of them).
async fn items_of(conn: &mut Conn, stored: Vec<StoredItem>) -> Result<Vec<Item>> {
    let ids: Vec<Uuid> = stored.iter().map(|s| s.id).collect();
    let demand = store::demand(conn, &ids).await?;
    let today = today();
    stored
        .into_iter()
        .map(|s| {
            let d = demand_of(&demand, s.id);
            to_item(s, d, today)
        })
        .collect()
}

/// What the live indicators are computed from: the store's snapshot plus the inventory items
/// due on `now`'s day, each on time or not.
pub(crate) async fn portal_facts(conn: &mut Conn, now: DateTime<Utc>) -> Result<PortalFacts> {
    let mut facts = dulieu_store::readiness::portal_facts(conn, now).await?;
    let day = now.date_naive();
    for item in store::dated(conn).await? {
        let Some(status) = ItemStatus::parse(&item.status) else {
            continue;
        };
        let standing = plan::standing(status, Some(item.target_date), item.published_on, day);
        if standing != Standing::NotDue {
            facts.due_inventory.push(InventoryFact {
                organization: item.organization,
                organization_name: item.organization_name,
                on_time: standing == Standing::OnTime,
            });
        }
    }
    Ok(facts)
}
