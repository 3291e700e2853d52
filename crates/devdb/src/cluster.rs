//! One PostgreSQL data directory and the pg_ctl/initdb calls on it.

use std::fs::{DirBuilder, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::os::unix::fs::DirBuilderExt;
use std::path::{Path, PathBuf};
use std::process::Output;

use super::LocalPgError;
use super::binaries::PgBinaries;
use super::runner::{Runner, last_line, output_of};

/// A throwaway cluster trades durability for speed; a dev cluster keeps it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Durability {
    Durable,
    Throwaway,
}

const START_ATTEMPTS: usize = 3;
const START_TIMEOUT_SECONDS: &str = "30";

#[derive(Debug)]
pub(crate) struct Cluster {
    pub(crate) binaries: PgBinaries,
    pub(crate) runner: Runner,
    pub(crate) data_dir: PathBuf,
    pub(crate) log: PathBuf,
    pub(crate) durability: Durability,
}

pub(crate) enum StartFailure {
    PortTaken,
    Other(String),
}

impl Cluster {
    /// Creates the data directory and log file if absent, owned by the user
    /// the server runs as.
    pub(crate) fn prepare(&self) -> Result<(), LocalPgError> {
        DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(&self.data_dir)
            .map_err(|reason| io_error("create", &self.data_dir, reason))?;
        OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.log)
            .map_err(|reason| io_error("create", &self.log, reason))?;
        self.runner.hand_over(&self.data_dir)?;
        self.runner.hand_over(&self.log)
    }

    pub(crate) fn is_initialized(&self) -> bool {
        self.data_dir.join("PG_VERSION").is_file()
    }

    /// The major version the data directory was made by, e.g. "15".
    pub(crate) fn version(&self) -> String {
        std::fs::read_to_string(self.data_dir.join("PG_VERSION"))
            .map(|v| v.trim().to_owned())
            .unwrap_or_else(|_| "?".to_owned())
    }

    pub(crate) fn init(&self) -> Result<(), LocalPgError> {
        // C.UTF-8 sorts and compares like C but knows UTF-8 case mapping;
        // systems without that locale get plain C.
        let first = self.run_initdb("--locale=C.UTF-8")?;
        let output = if !first.status.success() && mentions_locale(&first) {
            self.run_initdb("--no-locale")?
        } else {
            first
        };
        if output.status.success() {
            return Ok(());
        }
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        let reason = text
            .lines()
            .find(|line| line.contains("error:"))
            .map(str::trim)
            .map_or_else(|| last_line(&output), str::to_owned);
        Err(LocalPgError::InitDb {
            data_dir: self.data_dir.clone(),
            reason,
            log: self.log.clone(),
        })
    }

    fn run_initdb(&self, locale: &str) -> Result<Output, LocalPgError> {
        let mut initdb = self.runner.command(&self.binaries.initdb);
        initdb.arg("-D").arg(&self.data_dir).args([
            "-U",
            "agora",
            "--auth=trust",
            "-E",
            "UTF8",
            locale,
        ]);
        if self.durability == Durability::Throwaway {
            initdb.arg("--no-sync");
        }
        let output = output_of(&mut initdb, "initdb")?;
        self.append_to_log(&output);
        Ok(output)
    }

    /// The port of a server already running on this data directory, as its
    /// `postmaster.pid` records it (fourth line).
    pub(crate) fn running_port(&self) -> Option<u16> {
        if !self.is_running() {
            return None;
        }
        let pid_file = std::fs::read_to_string(self.data_dir.join("postmaster.pid")).ok()?;
        pid_file.lines().nth(3)?.trim().parse().ok()
    }

    pub(crate) fn is_running(&self) -> bool {
        let mut status = self.pg_ctl();
        status.arg("status");
        output_of(&mut status, "pg_ctl").is_ok_and(|out| out.status.success())
    }

    /// The postmaster's process id, first line of `postmaster.pid`.
    pub(crate) fn postmaster_pid(&self) -> Option<u32> {
        let pid_file = std::fs::read_to_string(self.data_dir.join("postmaster.pid")).ok()?;
        pid_file.lines().next()?.trim().parse().ok()
    }

    /// Starts the server on a free port, trying another one when the one
    /// picked gets taken before the server binds it.
    pub(crate) fn start(&self) -> Result<u16, LocalPgError> {
        let mut last_port = 0;
        for _ in 0..START_ATTEMPTS {
            let port = free_port().map_err(|reason| LocalPgError::Spawn {
                program: "a TCP listener on 127.0.0.1 to find a free port".to_owned(),
                reason,
            })?;
            last_port = port;
            match self.start_on(port)? {
                Ok(()) => return Ok(port),
                Err(StartFailure::PortTaken) => continue,
                Err(StartFailure::Other(reason)) => {
                    return Err(LocalPgError::Start {
                        data_dir: self.data_dir.clone(),
                        reason,
                        log: self.log.clone(),
                    });
                }
            }
        }
        Err(LocalPgError::PortInUse {
            port: last_port,
            log: self.log.clone(),
        })
    }

    pub(crate) fn start_on(&self, port: u16) -> Result<Result<(), StartFailure>, LocalPgError> {
        let log_offset = std::fs::metadata(&self.log).map_or(0, |m| m.len());
        let mut options =
            format!("-p {port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=''");
        if self.durability == Durability::Throwaway {
            options.push_str(
                " -c fsync=off -c synchronous_commit=off -c full_page_writes=off \
                 -c max_connections=500",
            );
        }
        let mut start = self.pg_ctl();
        start.arg("-l").arg(&self.log).args([
            "-w",
            "-t",
            START_TIMEOUT_SECONDS,
            "-o",
            &options,
            "start",
        ]);
        let output = output_of(&mut start, "pg_ctl")?;
        if output.status.success() {
            return Ok(Ok(()));
        }
        // A server that is still starting after the timeout must not outlive us.
        self.stop("immediate");
        let server_said = self.log_since(log_offset);
        if server_said.contains("could not bind") || server_said.contains("already in use") {
            return Ok(Err(StartFailure::PortTaken));
        }
        let reason = summarize_fatal(&server_said).unwrap_or_else(|| last_line(&output));
        Ok(Err(StartFailure::Other(reason)))
    }

    /// Stops the server and waits for it; false if it was not running or
    /// would not stop.
    pub(crate) fn stop(&self, mode: &str) -> bool {
        let mut stop = self.pg_ctl();
        stop.args(["-m", mode, "-w", "stop"]);
        output_of(&mut stop, "pg_ctl").is_ok_and(|out| out.status.success())
    }

    fn pg_ctl(&self) -> std::process::Command {
        let mut pg_ctl = self.runner.command(&self.binaries.pg_ctl);
        pg_ctl.arg("-D").arg(&self.data_dir);
        pg_ctl
    }

    fn append_to_log(&self, output: &Output) {
        // The log is where error messages point; failing to write it must not
        // hide the error being reported.
        if let Ok(mut log) = OpenOptions::new().append(true).open(&self.log) {
            let _ = log.write_all(&output.stdout);
            let _ = log.write_all(&output.stderr);
        }
    }

    fn log_since(&self, offset: u64) -> String {
        let mut text = String::new();
        if let Ok(mut log) = std::fs::File::open(&self.log)
            && log.seek(SeekFrom::Start(offset)).is_ok()
        {
            let mut bytes = Vec::new();
            let _ = log.read_to_end(&mut bytes);
            text = String::from_utf8_lossy(&bytes).into_owned();
        }
        text
    }
}

pub(crate) fn io_error(action: &'static str, path: &Path, reason: std::io::Error) -> LocalPgError {
    LocalPgError::Io {
        action,
        path: path.to_owned(),
        reason,
    }
}

/// The server's FATAL message from its log, with the line before it when that
/// says more (an unrecognized setting precedes "configuration file contains
/// errors") and the DETAIL and HINT lines after it, as one line.
fn summarize_fatal(log: &str) -> Option<String> {
    let lines: Vec<&str> = log.lines().map(strip_log_prefix).collect();
    let fatal = lines.iter().position(|line| line.starts_with("FATAL:"))?;
    let before = fatal
        .checked_sub(1)
        .and_then(|i| lines.get(i))
        .filter(|line| line.starts_with("LOG:") || line.starts_with("ERROR:"));
    let after = lines[fatal + 1..]
        .iter()
        .take_while(|line| line.starts_with("DETAIL:") || line.starts_with("HINT:"));
    let parts: Vec<String> = before
        .into_iter()
        .chain(std::iter::once(&lines[fatal]))
        .chain(after)
        .map(|line| line.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect();
    Some(parts.join("; "))
}

/// Drops the default `log_line_prefix` ("2026-01-01 12:00:00.000 UTC [123] ").
fn strip_log_prefix(line: &str) -> &str {
    let line = line.trim();
    match line.split_once("] ") {
        Some((prefix, rest)) if prefix.contains(" [") => rest,
        _ => line,
    }
}

/// initdb's own report mentions the locale when all goes well, so only an
/// error line about it counts.
fn mentions_locale(output: &Output) -> bool {
    [&output.stderr, &output.stdout].iter().any(|bytes| {
        String::from_utf8_lossy(bytes)
            .lines()
            .any(|line| line.contains("error") && line.contains("locale"))
    })
}

/// A port nothing listens on right now. Another program may take it before
/// the server binds it, which [`Cluster::start`] survives by retrying.
fn free_port() -> std::io::Result<u16> {
    let listener = std::net::TcpListener::bind(("127.0.0.1", 0))?;
    Ok(listener.local_addr()?.port())
}

#[cfg(test)]
mod tests {
    use super::summarize_fatal;

    #[test]
    fn the_fatal_message_comes_with_its_cause_and_details() {
        let log = "2026-11-26 12:00:00.000 GMT [7] LOG:  unrecognized configuration parameter \"x\"\n\
                   2026-11-26 12:00:00.000 GMT [7] FATAL:  configuration file contains errors\n\
                   2026-11-26 12:00:00.000 GMT [7] DETAIL:  more\n\
                   2026-11-26 12:00:00.000 GMT [7] LOG:  database system is shut down\n";
        assert_eq!(
            summarize_fatal(log).unwrap(),
            "LOG: unrecognized configuration parameter \"x\"; \
             FATAL: configuration file contains errors; DETAIL: more"
        );
        assert_eq!(summarize_fatal("LOG: all is well\n"), None);
    }
}
