use std::{env, process::ExitCode};

use anyhow::Context;
use app::{
    cli::{Cli, Command},
    config::Settings,
    database::DatabaseTarget,
    migrate, serve, telemetry,
};
use clap::Parser;

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(code) => code,
        Err(error) => {
            // One line, the whole cause chain, no backtrace: start-up errors say what to fix.
            eprintln!("agora: error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let project_dir = env::current_dir().context("reading the current directory")?;
    let settings = Settings::load_from(&project_dir)?;
    telemetry::init(&settings.log_filter);
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve::run(settings, &project_dir)?,
        Command::Migrate { action } => migrate::run(action, &settings, &project_dir)?,
        Command::WithDb { command } => return with_database(&settings, &project_dir, &command),
    }
    Ok(ExitCode::SUCCESS)
}

/// Runs a command against the migrated database and passes on its exit code.
fn with_database(
    settings: &Settings,
    project_dir: &std::path::Path,
    command: &[std::ffi::OsString],
) -> anyhow::Result<ExitCode> {
    let target = DatabaseTarget::resolve(settings, project_dir)?;
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
