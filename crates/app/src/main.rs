use std::{ffi::OsString, path::Path, process::ExitCode};

use agora::{
    cli::{Cli, Command},
    config::Config,
    database::DatabaseTarget,
    migrate, project, serve, telemetry,
};
use anyhow::Context;
use clap::Parser;

/// glibc's malloc took a fifth of a page's CPU: rows are allocated on the
/// database threads and freed on the async workers, which glibc pays for
/// in arena locks and consolidations once its small per-thread cache is
/// full. jemalloc frees into the freeing thread's cache and hands chunks
/// back to their arena in batches (docs/performance.md, finding 32).
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(code) => code,
        Err(error) => {
            // One line per problem, the whole cause chain, no backtrace:
            // start-up errors say what to fix.
            for line in format!("{error:#}").lines() {
                eprintln!("agora: error: {line}");
            }
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let project_dir = project::dir()?;
    let mut config = Config::load(&project_dir)?;
    let filter = tracing_subscriber::EnvFilter::try_new(&config.settings.rust_log);
    telemetry::init(config.check("RUST_LOG", filter));
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve::run(config, &project_dir)?,
        Command::Migrate { action } => migrate::run(action, &mut config, &project_dir)?,
        Command::WithDb { command } => return with_database(&mut config, &project_dir, &command),
    }
    Ok(ExitCode::SUCCESS)
}

/// Runs a command against the migrated database and passes on its exit code.
fn with_database(
    config: &mut Config,
    project_dir: &Path,
    command: &[OsString],
) -> anyhow::Result<ExitCode> {
    let database = config.database();
    config.finish()?;
    let target = DatabaseTarget::resolve(database, project_dir)?;
    target.ensure_schema_current()?;
    let (program, args) = command.split_first().context("no command given")?;
    let url = target.url();
    let status = std::process::Command::new(program)
        .args(args)
        .envs(libpq_variables(&url))
        .env("DATABASE_URL", url)
        .status()
        .with_context(|| format!("running {}", program.to_string_lossy()))?;
    Ok(ExitCode::from(
        status
            .code()
            .and_then(|c| u8::try_from(c).ok())
            .unwrap_or(1),
    ))
}

/// PGHOST, PGPORT, PGUSER, PGPASSWORD and PGDATABASE for `url`: psql,
/// pg_dump and the like then need no arguments, and no shell to expand
/// `$DATABASE_URL` after agora has set it.
fn libpq_variables(url: &str) -> Vec<(&'static str, String)> {
    let Ok(url) = url::Url::parse(url) else {
        return Vec::new();
    };
    let decode = |part: &str| {
        percent_encoding::percent_decode_str(part)
            .decode_utf8_lossy()
            .into_owned()
    };
    let host = url
        .host_str()
        .map(|h| decode(h.trim_start_matches('[').trim_end_matches(']')));
    [
        ("PGHOST", host),
        ("PGPORT", url.port().map(|port| port.to_string())),
        (
            "PGUSER",
            Some(decode(url.username())).filter(|user| !user.is_empty()),
        ),
        ("PGPASSWORD", url.password().map(decode)),
        (
            "PGDATABASE",
            Some(decode(url.path().trim_start_matches('/'))).filter(|db| !db.is_empty()),
        ),
    ]
    .into_iter()
    .filter_map(|(name, value)| Some((name, value?)))
    .collect()
}
