//! Conformance checks of `dulieu_store::tables`: an ingest's life (queued, running with
//! progress, done with its tables or failed with its error, queued again), the ingests of a
//! dataset in the distributions' order, and the schemas publishers edited.

use dulieu_core::tables::{IngestStatus, IngestedTable, TableIngest};
use dulieu_store::tables;

use super::*;

fn table(name: &str, rows: i64) -> IngestedTable {
    IngestedTable {
        table: name.into(),
        name: name.into(),
        title: Some("Dân số trung bình".into()),
        notes: vec!["Nguồn: Tổng cục Thống kê".into()],
        row_count: rows,
        schema: json!({"fields": [{"name": "tinh", "type": "string"}]}),
        profile: json!({"columns": []}),
        warnings: json!({"items": [], "totals": {}}),
    }
}

pub async fn check_tables_ingest_life(store: &Store) {
    let mut c = conn(store).await;
    let org = add_org(&mut c, "gso", OrgKind::National, None).await;
    let dataset = add_public_dataset(&mut c, "dan-so", org).await;
    let first = add_dist(&mut c, dataset, &upload_input(None), base()).await;
    let second = add_dist(&mut c, dataset, &upload_input(None), base()).await;

    assert!(tables::get(&mut c, first).await.unwrap().is_none());
    assert!(
        !tables::start(&mut c, first, base()).await.unwrap(),
        "nothing to start before it is queued"
    );
    tables::queue(&mut c, first, base()).await.unwrap();
    let queued = tables::get(&mut c, first).await.unwrap().unwrap();
    assert_eq!(queued.status, IngestStatus::Queued);
    assert_eq!(queued.queued_at, base());
    assert!(queued.tables.is_empty() && queued.error.is_none());

    assert!(tables::start(&mut c, first, later(1)).await.unwrap());
    tables::progress(&mut c, first, 1200, 65_536, 131_072)
        .await
        .unwrap();
    let running = tables::get(&mut c, first).await.unwrap().unwrap();
    assert_eq!(running.status, IngestStatus::Running);
    assert_eq!((running.rows_done, running.bytes_done), (1200, 65_536));
    assert_eq!(running.source_bytes, Some(131_072));
    assert_eq!(running.started_at, Some(later(1)));

    let done = TableIngest {
        status: IngestStatus::Done,
        source_sha256: Some(sha('a')),
        format: Some("xlsx".into()),
        encoding: None,
        delimiter: None,
        source_bytes: Some(131_072),
        rows_done: 2400,
        bytes_done: 131_072,
        error: None,
        warnings: json!({"items": [{"code": "title_rows_skipped"}], "totals": {}}),
        tables: vec![table("Dân số", 2000), table("Lao động", 400)],
        ..running.clone()
    };
    tables::finish(&mut c, &done, later(2)).await.unwrap();
    let stored = tables::get(&mut c, first).await.unwrap().unwrap();
    assert_eq!(stored.finished_at, Some(later(2)));
    assert_eq!(
        stored.queued_at,
        base(),
        "finishing keeps when it was asked for"
    );
    assert_eq!(
        TableIngest {
            finished_at: None,
            ..stored.clone()
        },
        done
    );
    assert_eq!(stored.table(Some("Lao động")).unwrap().row_count, 400);
    assert_eq!(stored.table(None).unwrap().name, "Dân số");

    assert_eq!(
        tables::done_sources(&mut c).await.unwrap(),
        [(first, sha('a'))]
    );

    // Queued again: progress and error cleared, the last tables kept until replaced.
    tables::queue(&mut c, first, later(3)).await.unwrap();
    let again = tables::get(&mut c, first).await.unwrap().unwrap();
    assert_eq!(again.status, IngestStatus::Queued);
    assert_eq!((again.rows_done, again.finished_at), (0, None));
    assert_eq!(again.tables.len(), 2);
    assert_eq!(again.source_sha256, Some(sha('a')));

    // Failed: the error as stored JSON.
    tables::start(&mut c, first, later(4)).await.unwrap();
    let failed = TableIngest {
        status: IngestStatus::Failed,
        error: Some(json!({"code": "binary_file", "location": {"offset": 12}, "params": {}})),
        tables: Vec::new(),
        ..again
    };
    tables::finish(&mut c, &failed, later(5)).await.unwrap();
    let stored = tables::get(&mut c, first).await.unwrap().unwrap();
    assert_eq!(stored.status, IngestStatus::Failed);
    assert_eq!(stored.error.unwrap()["location"]["offset"], 12);

    // The dataset's ingests in the distributions' order; deleting a distribution drops its own.
    tables::queue(&mut c, second, later(6)).await.unwrap();
    let listed = tables::list_for_dataset(&mut c, dataset).await.unwrap();
    assert_eq!(
        listed.iter().map(|i| i.distribution_id).collect::<Vec<_>>(),
        [first, second]
    );
    distributions::delete(&mut c, second).await.unwrap();
    assert!(tables::get(&mut c, second).await.unwrap().is_none());
}

pub async fn check_tables_schema_edits(store: &Store) {
    let mut c = conn(store).await;
    let org = add_org(&mut c, "gso", OrgKind::National, None).await;
    let dataset = add_public_dataset(&mut c, "lao-dong", org).await;
    let dist = add_dist(&mut c, dataset, &upload_input(None), base()).await;
    let editor = add_user(&mut c, "bientap@gso.test").await;
    assert!(tables::schema_edits(&mut c, dist).await.unwrap().is_empty());

    let schema = json!({"fields": [{"name": "nam", "type": "string"}]});
    tables::save_schema_edit(&mut c, dist, "Dân số", &schema, Some(editor.id), base())
        .await
        .unwrap();
    let changed = json!({"fields": [{"name": "nam", "type": "integer"}]});
    tables::save_schema_edit(&mut c, dist, "Dân số", &changed, None, later(1))
        .await
        .unwrap();
    tables::save_schema_edit(&mut c, dist, "data", &schema, None, later(1))
        .await
        .unwrap();
    let edits = tables::schema_edits(&mut c, dist).await.unwrap();
    assert_eq!(edits.len(), 2);
    assert_eq!(edits["Dân số"], changed, "a second edit replaces the first");

    assert!(
        tables::delete_schema_edit(&mut c, dist, "data")
            .await
            .unwrap()
    );
    assert!(
        !tables::delete_schema_edit(&mut c, dist, "data")
            .await
            .unwrap()
    );
    assert_eq!(tables::schema_edits(&mut c, dist).await.unwrap().len(), 1);
}
