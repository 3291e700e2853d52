use std::{ffi::OsString, path::Path, process::ExitCode};

use agora::{
    cli::{Cli, Command},
    config::Config,
    database::DatabaseTarget,
    migrate, project, serve, telemetry,
};
use anyhow::Context;
use clap::Parser;

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
    let status = std::process::Command::new(program)
        .args(args)
        .env("DATABASE_URL", target.url())
        .status()
        .with_context(|| format!("running {}", program.to_string_lossy()))?;
    Ok(ExitCode::from(
        status
            .code()
            .and_then(|c| u8::try_from(c).ok())
            .unwrap_or(1),
    ))
}
