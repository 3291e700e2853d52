use std::{fs, path::Path};

use anyhow::{Context, bail};
use infra::migrations;

use crate::{cli::MigrateAction, config::Config, database::DatabaseTarget};

pub fn run(action: MigrateAction, config: &mut Config, project_dir: &Path) -> anyhow::Result<()> {
    let database = config.database();
    config.finish()?;
    let on_database = |work: &dyn Fn(&str) -> anyhow::Result<()>| {
        let target = DatabaseTarget::resolve(database.clone(), project_dir)?;
        work(&target.url()).with_context(|| target.blame())
    };
    match action {
        MigrateAction::New { name } => create(&project_dir.join("migrations"), &name),
        MigrateAction::Up => on_database(&|url| {
            let applied = migrations::run_pending(url)?;
            if applied.is_empty() {
                println!("no pending migrations");
            }
            applied.iter().for_each(|name| println!("applied  {name}"));
            Ok(())
        }),
        MigrateAction::Down => on_database(&|url| {
            match migrations::revert_last(url)? {
                Some(name) => println!("reverted {name}"),
                None => println!("no applied migration to revert"),
            }
            Ok(())
        }),
        MigrateAction::Redo => on_database(&|url| {
            let Some(name) = migrations::revert_last(url)? else {
                bail!("no applied migration to redo");
            };
            println!("reverted {name}");
            migrations::run_pending(url)?
                .iter()
                .for_each(|name| println!("applied  {name}"));
            Ok(())
        }),
        MigrateAction::Status => on_database(&|url| {
            for migration in migrations::status(url)? {
                let state = if migration.applied {
                    "applied"
                } else {
                    "pending"
                };
                println!("{state:8} {}", migration.name);
            }
            Ok(())
        }),
    }
}

/// Writes `migrations/<YYYY-MM-DD-HHMMSS>_<name>/{up,down}.sql`, diesel's layout.
fn create(dir: &Path, name: &str) -> anyhow::Result<()> {
    let valid = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if !valid {
        bail!("invalid migration name {name:?}: use snake_case letters, digits and underscores");
    }
    let stamp = chrono::Utc::now().format("%Y-%m-%d-%H%M%S");
    let folder = dir.join(format!("{stamp}_{name}"));
    fs::create_dir_all(&folder).with_context(|| format!("creating {}", folder.display()))?;
    fs::write(folder.join("up.sql"), format!("-- {name}: your SQL here\n"))?;
    fs::write(
        folder.join("down.sql"),
        format!("-- undo {name}: must exactly revert up.sql\n"),
    )?;
    println!("created {}", folder.display());
    Ok(())
}
