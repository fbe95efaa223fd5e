//! `dulieu`: the one binary of the portal — serve, worker, migrate, reindex, admin, demo,
//! readiness, config, ingest, check, bench.

mod bench;
mod bench_checks;
mod bench_interop;
mod bench_search;
mod bench_tables;
mod check;
mod commands;
mod ingest;
mod progress;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

/// mimalloc keeps the resident memory of a long-running multi-threaded server lower and steadier
/// than glibc's per-thread arenas.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// dulieu — open government data portal.
#[derive(Parser, Debug)]
#[command(name = "dulieu", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// Where the state lives; shared by every command that opens the catalog.
#[derive(Args, Debug, Clone, Default)]
pub struct StateArgs {
    /// Data directory (SQLite database, local blobs). [env: DULIEU_DATA_DIR]
    #[arg(long)]
    pub data_dir: Option<PathBuf>,
    /// Database URL (sqlite://… or postgres://…); SQLite in the data directory when absent. [env: DULIEU_DATABASE_URL]
    #[arg(long)]
    pub database_url: Option<String>,
    /// Configuration file (default: DATA_DIR/dulieu.toml when it exists).
    #[arg(long)]
    pub config: Option<PathBuf>,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Run the web server (and, unless disabled, the background worker).
    Serve {
        #[command(flatten)]
        state: StateArgs,
        /// Address to listen on, e.g. 127.0.0.1:8080. [env: DULIEU_LISTEN]
        #[arg(long)]
        listen: Option<String>,
        /// Public base URL used in links. [env: DULIEU_PUBLIC_URL]
        #[arg(long)]
        public_url: Option<String>,
        /// Load the demo catalog before serving.
        #[arg(long)]
        demo: bool,
        /// Do not run the background worker in this process.
        #[arg(long)]
        no_worker: bool,
    },
    /// Run only the background worker (for scale-out next to `serve --no-worker`).
    Worker {
        #[command(flatten)]
        state: StateArgs,
    },
    /// Apply pending database migrations and exit.
    Migrate {
        #[command(flatten)]
        state: StateArgs,
    },
    /// Rebuild the search index from the catalog (stop `serve` on this data directory first).
    Reindex {
        #[command(flatten)]
        state: StateArgs,
    },
    /// Administration.
    Admin {
        #[command(subcommand)]
        command: AdminCommand,
    },
    /// Demo data.
    Demo {
        #[command(subcommand)]
        command: DemoCommand,
    },
    /// Readiness assessments and action plans.
    Readiness {
        #[command(subcommand)]
        command: ReadinessCommand,
    },
    /// Configuration.
    Config {
        #[command(subcommand)]
        command: ConfigCommand,
    },
    /// Ingest a local tabular file to Parquet (no server, no database) and print the report.
    Ingest(ingest::IngestArgs),
    /// Run the watchdog's checks now: the whole catalog, or one dataset with its findings.
    Check(check::CheckArgs),
    /// Publish a file to a dataset (automatic publication from an agency's system): a new
    /// version of its file of the same name, or a new file; the same bytes again change nothing.
    Publish {
        #[command(flatten)]
        state: StateArgs,
        /// The dataset (slug or id).
        #[arg(long)]
        dataset: String,
        /// The file to publish.
        #[arg(long)]
        file: PathBuf,
    },
    /// Benchmarks (JSON on standard output).
    Bench {
        #[command(subcommand)]
        command: BenchCommand,
    },
}

#[derive(Subcommand, Debug)]
enum AdminCommand {
    /// Create a user; the password is read from standard input.
    CreateUser {
        #[command(flatten)]
        state: StateArgs,
        /// E-mail address.
        #[arg(long)]
        email: String,
        /// Read the password from standard input (required: passwords never go on the command line).
        #[arg(long, required = true)]
        password_stdin: bool,
        /// Make the user a site administrator.
        #[arg(long)]
        sysadmin: bool,
        /// Display name.
        #[arg(long)]
        display_name: Option<String>,
    },
    /// Create an API token for a user; prints the token alone on the last line.
    CreateToken {
        #[command(flatten)]
        state: StateArgs,
        /// E-mail of the user.
        #[arg(long)]
        email: String,
        /// Name of the token.
        #[arg(long, default_value = "cli")]
        name: String,
    },
    /// Put a user in the portal team (`odtf`), who edit readiness assessments and action plans.
    GrantOdtf {
        #[command(flatten)]
        state: StateArgs,
        /// E-mail of the user.
        #[arg(long)]
        email: String,
    },
    /// Take a user out of the portal team (`odtf`).
    RevokeOdtf {
        #[command(flatten)]
        state: StateArgs,
        /// E-mail of the user.
        #[arg(long)]
        email: String,
    },
}

#[derive(Subcommand, Debug)]
enum ReadinessCommand {
    /// Import the Vietnam 2019 DGRA and ODRA with both action plans, and the OD4B (idempotent).
    Import {
        #[command(flatten)]
        state: StateArgs,
    },
    /// Recompute the live figures attached as evidence to every assessment.
    Refresh {
        #[command(flatten)]
        state: StateArgs,
    },
}

#[derive(Subcommand, Debug)]
enum DemoCommand {
    /// Load the demo catalog (idempotent).
    Load {
        #[command(flatten)]
        state: StateArgs,
    },
}

#[derive(Subcommand, Debug)]
enum ConfigCommand {
    /// Print a commented dulieu.toml with every setting at its default.
    Example,
}

#[derive(Subcommand, Debug)]
enum BenchCommand {
    /// Catalog benchmark: create rate through the app layer, then GET /api/1/datasets/{slug} over HTTP.
    Catalog(bench::CatalogArgs),
    /// Search benchmark: synthetic catalog, index build rate, query latency and throughput.
    Search(bench_search::SearchArgs),
    /// Tables benchmark: ingest rate, query latency and memory on a synthetic CSV, compared
    /// with sqlite-utils and Datasette.
    Tables(bench_tables::TablesArgs),
    /// Watchdog benchmark: synthetic catalog, time of a first and a steady full sweep.
    Checks(bench_checks::ChecksArgs),
    /// Interoperability benchmark: DCAT-AP Turtle export of the whole catalog, and a second
    /// instance harvesting it all through the CKAN Action API.
    Interop(bench_interop::InteropArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            let detail = format!("{e:#}");
            eprintln!("{}", commands::say("cli.error", &[("detail", &detail)]));
            ExitCode::from(ingest::exit_code(&e))
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Serve {
            state,
            listen,
            public_url,
            demo,
            no_worker,
        } => commands::serve(state, listen, public_url, demo, no_worker).await,
        Command::Worker { state } => commands::worker(state).await,
        Command::Migrate { state } => commands::migrate(state).await,
        Command::Reindex { state } => commands::reindex(state).await,
        Command::Admin { command } => match command {
            AdminCommand::CreateUser {
                state,
                email,
                password_stdin: _,
                sysadmin,
                display_name,
            } => commands::create_user(state, email, sysadmin, display_name).await,
            AdminCommand::CreateToken { state, email, name } => {
                commands::create_token(state, email, name).await
            }
            AdminCommand::GrantOdtf { state, email } => {
                commands::set_odtf(state, email, true).await
            }
            AdminCommand::RevokeOdtf { state, email } => {
                commands::set_odtf(state, email, false).await
            }
        },
        Command::Readiness { command } => match command {
            ReadinessCommand::Import { state } => commands::readiness_import(state).await,
            ReadinessCommand::Refresh { state } => commands::readiness_refresh(state).await,
        },
        Command::Demo {
            command: DemoCommand::Load { state },
        } => commands::demo_load(state).await,
        Command::Config {
            command: ConfigCommand::Example,
        } => {
            print!("{}", dulieu_config::Config::example());
            Ok(())
        }
        Command::Bench {
            command: BenchCommand::Catalog(args),
        } => bench::catalog(args).await,
        Command::Bench {
            command: BenchCommand::Search(args),
        } => tokio::task::spawn_blocking(move || bench_search::search(args)).await?,
        Command::Bench {
            command: BenchCommand::Tables(args),
        } => bench_tables::tables(args).await,
        Command::Bench {
            command: BenchCommand::Checks(args),
        } => bench_checks::checks(args).await,
        Command::Bench {
            command: BenchCommand::Interop(args),
        } => bench_interop::interop(args).await,
        Command::Check(args) => check::check(args).await,
        Command::Publish {
            state,
            dataset,
            file,
        } => commands::publish(state, dataset, file).await,
        Command::Ingest(args) => tokio::task::spawn_blocking(move || ingest::ingest(args)).await?,
    }
}
