//! Running the server programs as a user they accept: initdb and pg_ctl refuse
//! to run as root, so as root they run as the `postgres` system user.

use std::path::Path;
use std::process::{Command, Output, Stdio};

use super::LocalPgError;

const SYSTEM_USER: &str = "postgres";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Runner {
    /// This process's own user, who owns the data directory.
    CurrentUser,
    /// We are root: every server program goes through `runuser -u postgres`.
    SystemUser,
}

impl Runner {
    pub(crate) fn detect() -> Result<Self, LocalPgError> {
        if !is_root() {
            return Ok(Self::CurrentUser);
        }
        let user_exists = Command::new("id")
            .args(["-u", SYSTEM_USER])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|status| status.success());
        if user_exists {
            Ok(Self::SystemUser)
        } else {
            Err(LocalPgError::NoSystemUser)
        }
    }

    /// A command running `program` as the right user.
    pub(crate) fn command(self, program: &Path) -> Command {
        let mut command = match self.prefix().split_first() {
            Some((first, rest)) => {
                let mut command = Command::new(first);
                command.args(rest).arg(program);
                command
            }
            None => Command::new(program),
        };
        // The server programs look up the working directory, which the
        // postgres user may not be allowed to enter (a root shell in /root).
        command.current_dir("/");
        command
    }

    /// The words put in front of a program to run it as the right user.
    pub(crate) fn prefix(self) -> &'static [&'static str] {
        match self {
            Self::CurrentUser => &[],
            Self::SystemUser => &["runuser", "-u", SYSTEM_USER, "--"],
        }
    }

    /// Gives `path` (recursively) to the user the server runs as.
    pub(crate) fn hand_over(self, path: &Path) -> Result<(), LocalPgError> {
        if self == Self::CurrentUser {
            return Ok(());
        }
        let mut chown = Command::new("chown");
        chown
            .arg("-R")
            .arg(format!("{SYSTEM_USER}:{SYSTEM_USER}"))
            .arg(path);
        let output = output_of(&mut chown, "chown")?;
        if output.status.success() {
            Ok(())
        } else {
            Err(LocalPgError::Io {
                action: "give to the postgres user",
                path: path.to_owned(),
                reason: std::io::Error::other(last_line(&output)),
            })
        }
    }

    /// Whether the server's user can walk into `dir`: it needs search
    /// permission on `dir` and on every directory above it.
    pub(crate) fn can_enter(self, dir: &Path) -> bool {
        let mut test = self.command(Path::new("test"));
        test.arg("-x")
            .arg(dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        dir.is_dir() && test.status().is_ok_and(|status| status.success())
    }
}

/// Runs `command` to completion, capturing its output.
pub(crate) fn output_of(command: &mut Command, program: &str) -> Result<Output, LocalPgError> {
    command
        .stdin(Stdio::null())
        .output()
        .map_err(|reason| LocalPgError::Spawn {
            program: program.to_owned(),
            reason,
        })
}

/// The last non-empty line a command printed, preferring stderr: where
/// PostgreSQL's tools say what went wrong.
pub(crate) fn last_line(output: &Output) -> String {
    [&output.stderr, &output.stdout]
        .iter()
        .find_map(|bytes| {
            String::from_utf8_lossy(bytes)
                .lines()
                .map(str::trim)
                .rfind(|line| !line.is_empty())
                .map(str::to_owned)
        })
        .unwrap_or_else(|| format!("exited with {}", output.status))
}

/// The effective uid is the third field of `Uid:` in /proc/self/status; `id -u`
/// covers systems without /proc. Reading it needs no unsafe libc call.
fn is_root() -> bool {
    let from_proc = std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find_map(|line| line.strip_prefix("Uid:"))
                .and_then(|ids| ids.split_whitespace().nth(1).map(str::to_owned))
        });
    let euid = from_proc.or_else(|| {
        Command::new("id")
            .arg("-u")
            .output()
            .ok()
            .map(|out| String::from_utf8_lossy(&out.stdout).trim().to_owned())
    });
    euid.as_deref() == Some("0")
}
