//! Test helper: starts the dev server of the project directory given as the
//! only argument, prints `PORT=<port>` and holds it until killed. The
//! owner-killed test kills it with SIGKILL, so no destructor runs.

use std::process::ExitCode;

fn main() -> ExitCode {
    let Some(project) = std::env::args_os().nth(1) else {
        eprintln!("usage: hold-dev-database PROJECT_DIR");
        return ExitCode::FAILURE;
    };
    match agora_devdb::LocalPostgres::start_dev(std::path::Path::new(&project)) {
        Ok(server) => {
            println!("PORT={}", server.port());
            std::thread::sleep(std::time::Duration::from_secs(120));
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("hold-dev-database: {error}");
            ExitCode::FAILURE
        }
    }
}
