//! The commands that open the catalog: serve, worker, migrate, reindex, admin, demo, readiness.

use std::io::Read;

use anyhow::Context;
use dulieu_app::App;
use dulieu_config::Config;
use dulieu_core::account::{Actor, NewUser};
use dulieu_i18n::Locale;
use tokio::sync::watch;

use crate::StateArgs;

/// Loads the configuration: defaults < file < environment < these flags.
pub fn load_config(state: &StateArgs) -> anyhow::Result<Config> {
    let mut config = Config::load(
        state.config.as_deref(),
        state.data_dir.as_deref(),
        std::env::vars(),
    )?;
    if let Some(url) = &state.database_url {
        config.database_url = url.clone();
    }
    config.check()?;
    Ok(config)
}

fn init_logging(config: &Config) {
    let filter = tracing_subscriber::EnvFilter::try_new(&config.log)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}

/// The language of command-line messages: `DULIEU_LANG`, else the locale (`LC_ALL`, `LANG`),
/// Vietnamese by default.
pub fn cli_locale() -> Locale {
    ["DULIEU_LANG", "LC_ALL", "LANG"]
        .iter()
        .filter_map(|name| std::env::var(name).ok())
        .find(|value| !value.is_empty())
        .and_then(|value| Locale::parse(value.get(..2).unwrap_or("")))
        .unwrap_or_default()
}

/// A command-line message in the operator's language.
pub fn say(key: &str, params: &[(&str, &str)]) -> String {
    dulieu_i18n::message(cli_locale(), key, params)
}

pub(crate) async fn open(config: &Config) -> anyhow::Result<App> {
    App::open(config).await.with_context(|| {
        say(
            "cli.cannot_open",
            &[("dir", &config.data_dir.display().to_string())],
        )
    })
}

/// Opens the search index of `app` (only `serve` and `reindex` do: one process per index).
async fn start_search(app: &App, config: &Config) -> anyhow::Result<()> {
    app.start_search()
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))
        .with_context(|| {
            say(
                "cli.cannot_open_search",
                &[("dir", &config.effective_search_dir().display().to_string())],
            )
        })
}

/// Resolves when the process is asked to stop (Ctrl-C or SIGTERM).
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {}
        _ = term => {}
    }
}

/// `dulieu serve`.
pub async fn serve(
    state: StateArgs,
    listen: Option<String>,
    public_url: Option<String>,
    demo: bool,
    no_worker: bool,
) -> anyhow::Result<()> {
    let mut config = load_config(&state)?;
    if let Some(listen) = listen {
        config.listen = listen;
    }
    if let Some(url) = public_url {
        config.public_url = url;
    }
    if no_worker {
        config.worker.in_process = false;
    }
    init_logging(&config);
    let listener = tokio::net::TcpListener::bind(&config.listen)
        .await
        .with_context(|| say("cli.cannot_listen", &[("address", &config.listen)]))?;
    let address = listener.local_addr()?;
    if config.public_url.is_empty() {
        config.public_url = format!("http://{address}");
    }
    let app = open(&config).await?;
    start_search(&app, &config).await?;
    if demo {
        let report = dulieu_demo::load(&app)
            .await
            .with_context(|| say("cli.cannot_load_demo", &[]))?;
        tracing::info!(?report, "demo catalog loaded");
    }
    let (stop, stopped) = watch::channel(false);
    let worker = config.worker.in_process.then(|| {
        let app = app.clone();
        tokio::spawn(async move { app.run_worker(stopped).await })
    });
    let follower = {
        let app = app.clone();
        let stopped = stop.subscribe();
        let interval = std::time::Duration::from_millis(config.cache.follow_interval_ms.max(10));
        tokio::spawn(async move { app.follow_events(interval, stopped).await })
    };
    // Catches up (or builds the index) in the background: the listener does not wait for it.
    let search = {
        let app = app.clone();
        let stopped = stop.subscribe();
        let interval = std::time::Duration::from_millis(config.search.follow_interval_ms.max(10));
        tokio::spawn(async move { app.follow_search(interval, stopped).await })
    };
    println!(
        "{}",
        say("cli.listening", &[("url", &format!("http://{address}"))])
    );
    dulieu_web::serve(listener, dulieu_web::router(app.clone()), shutdown_signal()).await?;
    let _ = stop.send(true);
    if let Some(worker) = worker {
        let _ = worker.await;
    }
    let _ = follower.await;
    let _ = search.await;
    app.store().close().await;
    Ok(())
}

/// `dulieu worker`.
pub async fn worker(state: StateArgs) -> anyhow::Result<()> {
    let config = load_config(&state)?;
    init_logging(&config);
    let app = open(&config).await?;
    let (stop, stopped) = watch::channel(false);
    let task = tokio::spawn({
        let app = app.clone();
        async move { app.run_worker(stopped).await }
    });
    tracing::info!("worker running");
    shutdown_signal().await;
    let _ = stop.send(true);
    let _ = task.await;
    app.store().close().await;
    Ok(())
}

/// `dulieu migrate`.
pub async fn migrate(state: StateArgs) -> anyhow::Result<()> {
    let config = load_config(&state)?;
    let app = open(&config).await?;
    let url = config.effective_database_url();
    let shown = url.split('@').next_back().unwrap_or(&url);
    println!("{}", say("cli.migrated", &[("database", shown)]));
    app.store().close().await;
    Ok(())
}

/// `dulieu reindex`: rebuilds the search index from the store, with a progress bar on stderr.
pub async fn reindex(state: StateArgs) -> anyhow::Result<()> {
    let config = load_config(&state)?;
    let app = open(&config).await?;
    start_search(&app, &config).await?;
    let bar = crate::progress::bar("{bar:40} {pos}/{len} {per_sec} {eta}", 0);
    let indexed = app
        .rebuild_search(|done, total| {
            bar.set_length(total);
            bar.set_position(done);
        })
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    bar.finish_and_clear();
    let dir = config.effective_search_dir().display().to_string();
    println!(
        "{}",
        say(
            "cli.reindexed",
            &[("datasets", &indexed.to_string()), ("dir", &dir)]
        )
    );
    app.store().close().await;
    Ok(())
}

/// `dulieu admin create-user`.
pub async fn create_user(
    state: StateArgs,
    email: String,
    sysadmin: bool,
    display_name: Option<String>,
) -> anyhow::Result<()> {
    let mut password = String::new();
    std::io::stdin()
        .read_to_string(&mut password)
        .with_context(|| say("cli.cannot_read_password", &[]))?;
    let password = password.trim_end_matches(['\r', '\n']).to_string();
    let config = load_config(&state)?;
    let app = open(&config).await?;
    let user = app
        .create_user(
            &Actor::system(),
            NewUser {
                email,
                display_name,
                password,
            },
            sysadmin,
        )
        .await
        .map_err(describe)?;
    let key = if sysadmin {
        "cli.sysadmin_created"
    } else {
        "cli.user_created"
    };
    let id = user.id.to_string();
    println!("{}", say(key, &[("email", &user.email), ("id", &id)]));
    app.store().close().await;
    Ok(())
}

/// `dulieu admin create-token`.
pub async fn create_token(state: StateArgs, email: String, name: String) -> anyhow::Result<()> {
    let config = load_config(&state)?;
    let app = open(&config).await?;
    let user = app.user_by_email(&email).await.map_err(describe)?;
    let token = app
        .issue_token(&Actor::system(), user.id, Some(name))
        .await
        .map_err(describe)?;
    let id = token.token.id.to_string();
    eprintln!(
        "{}",
        say("cli.token_created", &[("id", &id), ("email", &user.email)])
    );
    println!("{}", token.token_secret);
    app.store().close().await;
    Ok(())
}

/// `dulieu demo load`.
pub async fn demo_load(state: StateArgs) -> anyhow::Result<()> {
    let config = load_config(&state)?;
    let app = open(&config).await?;
    let report = dulieu_demo::load(&app).await.map_err(describe)?;
    let counts = [
        report.organizations.to_string(),
        report.datasets.to_string(),
        report.distributions.to_string(),
    ];
    println!(
        "{}",
        say(
            "cli.demo_loaded",
            &[
                ("organizations", &counts[0]),
                ("datasets", &counts[1]),
                ("distributions", &counts[2]),
            ],
        )
    );
    print_readiness_import(report.assessments, report.action_plans);
    let tables = report.tables.to_string();
    println!("{}", say("cli.demo_tables_loaded", &[("tables", &tables)]));
    let tickets = [
        report.accounts.to_string(),
        report.requests.to_string(),
        report.feedback.to_string(),
    ];
    println!(
        "{}",
        say(
            "cli.demo_tickets_loaded",
            &[
                ("accounts", &tickets[0]),
                ("requests", &tickets[1]),
                ("feedback", &tickets[2]),
            ],
        )
    );
    app.store().close().await;
    Ok(())
}

fn print_readiness_import(assessments: usize, plans: usize) {
    println!(
        "{}",
        say(
            "cli.readiness_imported",
            &[
                ("assessments", &assessments.to_string()),
                ("plans", &plans.to_string()),
            ],
        )
    );
}

/// `dulieu admin grant-odtf` and `dulieu admin revoke-odtf`.
pub async fn set_odtf(state: StateArgs, email: String, member: bool) -> anyhow::Result<()> {
    let config = load_config(&state)?;
    let app = open(&config).await?;
    let user = app
        .set_portal_team(&Actor::system(), &email, member)
        .await
        .map_err(describe)?;
    let key = if member {
        "cli.odtf_granted"
    } else {
        "cli.odtf_revoked"
    };
    println!("{}", say(key, &[("email", &user.email)]));
    app.store().close().await;
    Ok(())
}

/// `dulieu readiness import`.
pub async fn readiness_import(state: StateArgs) -> anyhow::Result<()> {
    let config = load_config(&state)?;
    let app = open(&config).await?;
    let report = app
        .import_vietnam_2019(&Actor::system())
        .await
        .map_err(describe)?;
    print_readiness_import(report.assessments, report.plans);
    app.store().close().await;
    Ok(())
}

/// `dulieu publish --dataset D --file F`: pushes the file as the system (the operator on the
/// server); remote scripts use `PUT /api/1/datasets/{key}/files/{name}` with a token.
pub async fn publish(
    state: StateArgs,
    dataset: String,
    file: std::path::PathBuf,
) -> anyhow::Result<()> {
    let name = file
        .file_name()
        .and_then(|n| n.to_str())
        .map(str::to_string)
        .with_context(|| {
            say(
                "cli.publish_bad_path",
                &[("path", &file.display().to_string())],
            )
        })?;
    let opened = tokio::fs::File::open(&file).await.with_context(|| {
        say(
            "cli.publish_bad_path",
            &[("path", &file.display().to_string())],
        )
    })?;
    let config = load_config(&state)?;
    let app = open(&config).await?;
    let (outcome, distribution) = app
        .push_file(&Actor::system(), &dataset, &name, file_chunks(opened))
        .await
        .map_err(describe)?;
    let version = distribution.version.to_string();
    println!(
        "{}",
        say(
            &format!("cli.published.{}", outcome.as_str()),
            &[
                ("file", &name),
                ("dataset", &dataset),
                ("version", &version)
            ],
        )
    );
    app.store().close().await;
    Ok(())
}

/// The bytes of `file`, 256 KiB at a time.
fn file_chunks(
    file: tokio::fs::File,
) -> impl futures::Stream<Item = std::io::Result<bytes::Bytes>> + Send {
    futures::stream::try_unfold(file, |mut file| async move {
        use tokio::io::AsyncReadExt;
        let mut buffer = vec![0_u8; 256 * 1024];
        let read = file.read(&mut buffer).await?;
        if read == 0 {
            return Ok(None);
        }
        buffer.truncate(read);
        Ok(Some((bytes::Bytes::from(buffer), file)))
    })
}

/// `dulieu readiness refresh`.
pub async fn readiness_refresh(state: StateArgs) -> anyhow::Result<()> {
    let config = load_config(&state)?;
    let app = open(&config).await?;
    let count = app
        .refresh_all_live_evidence(&Actor::system())
        .await
        .map_err(describe)?;
    println!(
        "{}",
        say("cli.figures_refreshed", &[("count", &count.to_string())])
    );
    app.store().close().await;
    Ok(())
}

/// Turns a domain error into the same localised message an API client gets, with its fields.
pub(crate) fn describe(err: dulieu_core::Error) -> anyhow::Error {
    let body = dulieu_web::error::body_of(&err, cli_locale()).error;
    let fields: Vec<String> = body
        .fields
        .iter()
        .flat_map(|(field, problems)| {
            problems
                .iter()
                .map(move |p| format!("{field}: {}", p.message))
        })
        .collect();
    if fields.is_empty() {
        anyhow::anyhow!(body.message)
    } else {
        anyhow::anyhow!(say("cli.invalid_input", &[("details", &fields.join("; "))]))
    }
}
