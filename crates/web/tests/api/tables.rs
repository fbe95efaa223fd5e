//! Tables: an uploaded tabular file is read by the worker into a typed table with a Table
//! Schema and a profile; rows, aggregates, SQL, exports and data packages over it; schema
//! edits; failures stored with what and where; visibility follows the dataset.

use axum::http::Method;

use crate::support::*;

/// A semicolon CSV with Vietnamese thousands and decimal separators.
const POPULATION: &str = "tinh;nam;dan_so;ty_le_tang\n\
Hà Nội;2020;8.246.600;1,5\n\
Hà Nội;2021;8.330.800;1,0\n\
Đà Nẵng;2020;1.169.500;2,1\n\
Đà Nẵng;2021;1.195.500;2,2\n\
Cần Thơ;2021;1.240.700;0,4\n";

/// Creates a public dataset with the population CSV, runs the worker; returns the id.
async fn population_table(w: &World, slug: &str, access: &str) -> String {
    w.dataset(slug, "published", access).await;
    let distribution = w.upload(slug, "dan-so.csv", POPULATION.as_bytes()).await;
    let id = uuid_of(&distribution["id"]);
    let queued = ok(
        &w.t.get(&format!("/api/1/tables/{id}"), w.editor.auth())
            .await,
        200,
    );
    assert_eq!(queued["status"], "queued", "{queued}");
    assert!(w.t.run_jobs().await >= 1);
    id
}

fn rows_of(value: &Value) -> Vec<Vec<Value>> {
    serde_json::from_value(value["rows"].clone()).expect("rows")
}

#[tokio::test]
async fn an_uploaded_csv_becomes_a_typed_table_with_schema_and_profile() {
    let w = World::new().await;
    let id = population_table(&w, "dan-so-tinh", "public").await;
    let table = ok(&w.t.get(&format!("/api/1/tables/{id}"), None).await, 200);
    assert_eq!(table["status"], "done", "{table}");
    assert_eq!(table["format"], "csv");
    assert_eq!(table["delimiter"], ";");
    assert_eq!(table["row_count"], 5);
    assert_eq!(table["table"], id);
    let fields = table["schema"]["fields"].as_array().expect("fields");
    let named: Vec<(String, String)> = fields
        .iter()
        .map(|f| {
            (
                f["name"].as_str().unwrap().to_owned(),
                f["type"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        named,
        [
            ("tinh", "string"),
            ("nam", "integer"),
            ("dan_so", "integer"),
            ("ty_le_tang", "number")
        ]
        .map(|(n, t)| (n.to_owned(), t.to_owned()))
    );
    assert!(
        table["profile"].is_object() || table["profile"].is_array(),
        "{table}"
    );
    assert_eq!(table["tables"].as_array().map(Vec::len), Some(1));
    assert!(table["error"].is_null());
}

#[tokio::test]
async fn rows_filter_sort_search_and_page_with_a_cursor() {
    let w = World::new().await;
    let id = population_table(&w, "dan-so-loc", "public").await;
    let base = format!("/api/1/tables/{id}/rows");

    let hanoi = ok(
        &w.t.get(
            &format!("{base}?filters=tinh:eq:H%C3%A0%20N%E1%BB%99i&sort=-nam"),
            None,
        )
        .await,
        200,
    );
    assert_eq!(hanoi["total"], 2);
    let rows = rows_of(&hanoi);
    assert_eq!(rows[0][1], 2021, "sorted by year, newest first: {hanoi}");
    assert_eq!(
        rows[0][2], 8_330_800,
        "Vietnamese thousands read as a number"
    );

    // Words without diacritics find the accented text; ranges on numbers.
    let folded = ok(
        &w.t.get(
            &format!("{base}?q=da%20nang&filters=dan_so:gte:1180000"),
            None,
        )
        .await,
        200,
    );
    assert_eq!(folded["total"], 1, "{folded}");

    // IN and projection.
    let some = ok(
        &w.t.get(
            &format!("{base}?filters=nam:in:2020&fields=tinh,dan_so&sort=tinh"),
            None,
        )
        .await,
        200,
    );
    assert_eq!(some["columns"].as_array().map(Vec::len), Some(2));
    assert_eq!(some["total"], 2);

    // Cursor paging walks every row exactly once.
    let mut seen = Vec::new();
    let mut url = format!("{base}?limit=2&sort=dan_so");
    loop {
        let page = ok(&w.t.get(&url, None).await, 200);
        assert_eq!(page["total"], 5);
        for row in rows_of(&page) {
            seen.push(row[2].as_i64().unwrap());
        }
        match page["next_cursor"].as_str() {
            Some(cursor) => url = format!("{base}?limit=2&sort=dan_so&cursor={cursor}"),
            None => break,
        }
    }
    let mut sorted = seen.clone();
    sorted.sort_unstable();
    assert_eq!(seen, sorted);
    assert_eq!(seen.len(), 5);
}

#[tokio::test]
async fn aggregates_group_and_sum() {
    let w = World::new().await;
    let id = population_table(&w, "dan-so-tong", "public").await;
    let result = ok(
        &w.t.get(
            &format!("/api/1/tables/{id}/aggregate?group_by=nam&metrics=count,sum:dan_so"),
            None,
        )
        .await,
        200,
    );
    let rows = rows_of(&result);
    assert_eq!(rows.len(), 2, "{result}");
    assert_eq!(rows[0][0], 2020);
    assert_eq!(rows[0][1], 2);
    assert_eq!(rows[0][2], 8_246_600 + 1_169_500);
    assert_eq!(rows[1][2], 8_330_800 + 1_195_500 + 1_240_700);
}

#[tokio::test]
async fn the_sql_sandbox_reads_portal_tables_only() {
    let w = World::new().await;
    let id = population_table(&w, "dan-so-sql", "public").await;
    let sql =
        format!("SELECT tinh, dan_so FROM \"{id}\" WHERE nam = 2021 ORDER BY dan_so DESC LIMIT 2");
    let by_get = ok(
        &w.t.get(
            &format!(
                "/api/1/sql?q={}",
                url::form_urlencoded::byte_serialize(sql.as_bytes()).collect::<String>()
            ),
            None,
        )
        .await,
        200,
    );
    let rows = rows_of(&by_get);
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0][0], "Hà Nội");
    let by_post = ok(
        &w.t.post("/api/1/sql", None, json!({ "sql": sql })).await,
        200,
    );
    assert_eq!(by_post["rows"], by_get["rows"]);

    for (statement, code) in [
        (format!("DROP TABLE \"{id}\""), "sql_not_select"),
        (format!("DELETE FROM \"{id}\""), "sql_not_select"),
        ("SELECT 1; SELECT 2".to_owned(), "sql_multiple_statements"),
        (format!("SELEC tinh FROM \"{id}\""), "sql_syntax"),
        (
            "SELECT * FROM '/etc/passwd'".to_owned(),
            "sql_unknown_table",
        ),
        (
            "SELECT * FROM information_schema.tables".to_owned(),
            "sql_unknown_table",
        ),
        (
            format!("SELECT khong_co FROM \"{id}\""),
            "sql_unknown_column",
        ),
    ] {
        let response =
            w.t.post("/api/1/sql", None, json!({ "sql": statement }))
                .await;
        assert_eq!(
            response.error_code(),
            code,
            "{statement}: {}",
            text(&response)
        );
        assert_eq!(code_of_class(&response), 400, "{statement}");
    }
    error(&w.t.get("/api/1/sql", None).await, 400, "missing_parameter");
    error(
        &w.t.post("/api/1/sql", None, json!({ "sql": "SELECT 1", "extra": 1 }))
            .await,
        422,
        "invalid_input",
    );
}

fn code_of_class(response: &TestResponse) -> u16 {
    code(response) / 100 * 100
}

#[tokio::test]
async fn bad_parameters_are_400_with_the_parameter_named() {
    let w = World::new().await;
    let id = population_table(&w, "dan-so-sai", "public").await;
    let base = format!("/api/1/tables/{id}");
    for (query, code) in [
        ("rows?filters=khong_co:eq:1", "unknown_field"),
        ("rows?filters=nam:like:2020", "unknown_operator"),
        ("rows?filters=nam:eq:hai-nghin", "invalid_value"),
        ("rows?limit=40000", "invalid_limit"),
        ("rows?offset=muoi", "invalid_parameter"),
        ("rows?cursor=abc", "invalid_cursor"),
        ("rows?format=pdf", "invalid_parameter"),
        ("aggregate?metrics=median:dan_so", "unknown_metric"),
        ("aggregate?metrics=sum:tinh", "metric_type"),
    ] {
        let response = w.t.get(&format!("{base}/{query}"), None).await;
        let body = error(&response, 400, code);
        assert!(
            !body["error"]["message"]
                .as_str()
                .unwrap_or_default()
                .is_empty(),
            "{query}"
        );
    }
    let unknown_sheet =
        w.t.get(&format!("{base}/rows?sheet=Kh%C3%B4ng"), None)
            .await;
    error(&unknown_sheet, 404, "not_found");
    error(
        &w.t.get("/api/1/tables/00000000-0000-0000-0000-000000000000", None)
            .await,
        404,
        "not_found",
    );
}

#[tokio::test]
async fn exports_stream_every_format() {
    let w = World::new().await;
    let id = population_table(&w, "dan-so-xuat", "public").await;
    let csv =
        w.t.get(
            &format!("/api/1/tables/{id}/rows?format=csv&sort=dan_so"),
            None,
        )
        .await;
    status(&csv, 200);
    assert_eq!(
        csv.header("content-type").as_deref(),
        Some("text/csv; charset=utf-8")
    );
    let body = text(&csv);
    assert!(body.starts_with("tinh,nam,dan_so,ty_le_tang"), "{body}");
    assert_eq!(body.lines().count(), 6);
    assert!(
        csv.header("content-disposition")
            .unwrap_or_default()
            .contains(".csv")
    );
    for (format, magic) in [("xlsx", &b"PK"[..]), ("parquet", &b"PAR1"[..])] {
        let file =
            w.t.get(&format!("/api/1/tables/{id}/rows?format={format}"), None)
                .await;
        status(&file, 200);
        assert!(file.body.starts_with(magic), "{format}");
    }
    let json_export =
        w.t.get(
            &format!("/api/1/tables/{id}/aggregate?group_by=tinh&format=json"),
            None,
        )
        .await;
    status(&json_export, 200);
    let sql_csv =
        w.t.post(
            "/api/1/sql",
            None,
            json!({"sql": format!("SELECT count(*) AS n FROM \"{id}\""), "format": "csv"}),
        )
        .await;
    assert_eq!(text(&sql_csv).trim(), "n\r\n5", "CSV rows end with CRLF");
}

#[tokio::test]
async fn a_dataset_downloads_as_a_data_package() {
    let w = World::new().await;
    population_table(&w, "goi-du-lieu", "public").await;
    let package =
        w.t.get("/api/1/datasets/goi-du-lieu/datapackage.zip", None)
            .await;
    status(&package, 200);
    assert_eq!(
        package.header("content-type").as_deref(),
        Some("application/zip")
    );
    assert!(package.body.starts_with(b"PK"));
    let names = String::from_utf8_lossy(&package.body).to_string();
    assert!(names.contains("datapackage.json"));
    w.dataset("khong-bang", "published", "public").await;
    error(
        &w.t.get("/api/1/datasets/khong-bang/datapackage.zip", None)
            .await,
        404,
        "not_found",
    );
}

#[tokio::test]
async fn tables_of_private_datasets_are_hidden_everywhere() {
    let w = World::new().await;
    let id = population_table(&w, "dan-so-rieng", "non-public").await;
    for path in [
        format!("/api/1/tables/{id}"),
        format!("/api/1/tables/{id}/rows"),
        format!("/api/1/tables/{id}/aggregate"),
    ] {
        error(&w.t.get(&path, None).await, 404, "not_found");
        error(&w.t.get(&path, w.outsider.auth()).await, 404, "not_found");
        status(&w.t.get(&path, w.member.auth()).await, 200);
    }
    let sql = json!({ "sql": format!("SELECT count(*) FROM \"{id}\"") });
    let hidden = w.t.post("/api/1/sql", w.outsider.auth(), sql.clone()).await;
    assert_eq!(
        hidden.error_code(),
        "sql_unknown_table",
        "{}",
        text(&hidden)
    );
    status(&w.t.post("/api/1/sql", w.editor.auth(), sql).await, 200);
}

#[tokio::test]
async fn a_file_that_is_not_a_table_fails_with_what_and_where_and_stays_downloadable() {
    let w = World::new().await;
    w.dataset("tep-hong", "published", "public").await;
    let binary: Vec<u8> = (0..4096u32).map(|i| (i * 7 % 256) as u8).collect();
    let distribution = w.upload("tep-hong", "bang.csv", &binary).await;
    let id = uuid_of(&distribution["id"]);
    w.t.run_jobs().await;
    let table = ok(&w.t.get(&format!("/api/1/tables/{id}"), None).await, 200);
    assert_eq!(table["status"], "failed", "{table}");
    assert_eq!(table["error"]["code"], "binary_file", "{table}");
    assert!(table["error"]["location"].is_object());
    assert_eq!(table["tables"], json!([]));
    error(
        &w.t.get(&format!("/api/1/tables/{id}/rows"), None).await,
        404,
        "not_found",
    );
    let original =
        w.t.get(&format!("/api/1/distributions/{id}/download"), None)
            .await;
    status(&original, 200);
    assert_eq!(original.body.as_ref(), binary.as_slice());
}

#[tokio::test]
async fn the_publisher_edits_the_schema_and_the_file_is_read_again() {
    let w = World::new().await;
    let id = population_table(&w, "sua-luoc-do", "public").await;
    let table = ok(&w.t.get(&format!("/api/1/tables/{id}"), None).await, 200);
    let mut schema = table["schema"].clone();
    schema["fields"][1]["type"] = json!("string");
    schema["fields"][1]["format"] = json!("default");
    let path = format!("/api/1/tables/{id}/schema");
    let edit = json!({ "schema": schema });

    error(
        &w.t.send(Method::PUT, &path, None, Some(edit.clone())).await,
        401,
        "unauthenticated",
    );
    error(
        &w.t.send(Method::PUT, &path, w.member.auth(), Some(edit.clone()))
            .await,
        403,
        "forbidden",
    );
    let mut short = schema.clone();
    short["fields"].as_array_mut().unwrap().pop();
    invalid(
        &w.t.send(
            Method::PUT,
            &path,
            w.editor.auth(),
            Some(json!({ "schema": short })),
        )
        .await,
        &[("schema.fields", "field_count_mismatch")],
    );
    let accepted =
        w.t.send(Method::PUT, &path, w.editor.auth(), Some(edit))
            .await;
    let queued = ok(&accepted, 202);
    assert_eq!(queued["status"], "queued");
    w.t.run_jobs().await;
    let after = ok(&w.t.get(&format!("/api/1/tables/{id}"), None).await, 200);
    assert_eq!(after["status"], "done", "{after}");
    assert_eq!(after["schema"]["fields"][1]["type"], "string");

    let again =
        w.t.post(
            &format!("/api/1/tables/{id}/ingest"),
            w.editor.auth(),
            json!({}),
        )
        .await;
    assert_eq!(ok(&again, 202)["status"], "queued");
    w.t.run_jobs().await;
    let reread = ok(&w.t.get(&format!("/api/1/tables/{id}"), None).await, 200);
    assert_eq!(
        reread["schema"]["fields"][1]["type"], "string",
        "the edit stays"
    );

    let reset = w.t.delete(&path, w.editor.auth()).await;
    assert_eq!(ok(&reset, 202)["status"], "queued");
    w.t.run_jobs().await;
    let inferred = ok(&w.t.get(&format!("/api/1/tables/{id}"), None).await, 200);
    assert_eq!(inferred["schema"]["fields"][1]["type"], "integer");
    assert_eq!(
        ok(&w.t.delete(&path, w.editor.auth()).await, 200)["status"],
        "done"
    );
}

#[tokio::test]
async fn a_new_file_version_is_read_and_a_deleted_distribution_leaves_no_tables() {
    let w = World::new().await;
    let id = population_table(&w, "phien-ban-moi", "public").await;
    let next = "tinh;nam;dan_so;ty_le_tang\nHuế;2021;1.160.200;0,7\n";
    let replaced =
        w.t.upload(
            &format!("/api/1/distributions/{id}/versions"),
            w.editor.auth(),
            "dan-so-2.csv",
            next.as_bytes(),
            &[],
        )
        .await;
    status(&replaced, 201);
    w.t.run_jobs().await;
    let table = ok(&w.t.get(&format!("/api/1/tables/{id}"), None).await, 200);
    assert_eq!(table["row_count"], 1, "{table}");
    let tables_dir = w.t.data_dir().join("tables").join(&id);
    assert_eq!(
        std::fs::read_dir(&tables_dir).unwrap().count(),
        1,
        "the older version's tables are removed"
    );
    status(
        &w.t.delete(&format!("/api/1/distributions/{id}"), w.editor.auth())
            .await,
        204,
    );
    assert!(!tables_dir.exists());
}

#[tokio::test]
async fn tables_missing_from_the_folder_are_read_again_when_the_worker_starts() {
    let w = World::new().await;
    let id = population_table(&w, "doc-lai", "public").await;
    assert_eq!(w.t.app.requeue_missing_tables().await.unwrap(), 0);
    std::fs::remove_dir_all(w.t.data_dir().join("tables").join(&id)).unwrap();
    assert_eq!(w.t.app.requeue_missing_tables().await.unwrap(), 1);
    w.t.run_jobs().await;
    let rows = ok(
        &w.t.get(&format!("/api/1/tables/{id}/rows"), None).await,
        200,
    );
    assert_eq!(rows["total"], 5);
}
