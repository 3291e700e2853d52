//! A child process that stops the server when its owner goes away, however it
//! goes: a normal exit, a panic with `panic=abort`, SIGKILL, or a test binary
//! whose statics are never dropped.
//!
//! The owner holds the write end of the watchdog's stdin. The kernel closes it
//! when the owner dies, so the watchdog's `read` returns at once; no polling,
//! and no window in which a server outlives its owner by more than its
//! shutdown. A normal [`Watchdog::stop_now`] writes "fast" first.

use std::io::Write;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};

use super::LocalPgError;
use super::cluster::Cluster;

/// `$1` postmaster pid (or `any`), `$2` data dir, `$3` directory to delete
/// afterwards (or empty), `$4` the dev cluster's users lock (or empty), then
/// the command that runs pg_ctl. The pid check keeps a late watchdog from
/// stopping a newer server started on the same data directory by another
/// process; `any` is for a throwaway directory, where every server is its
/// owner's, restarted ones included. When the owner died, another process
/// of the project may still use the dev server (it holds the users lock
/// shared): then the server stays, and that process stops it when it is done.
const SCRIPT: &str = r#"
read -r mode || mode=immediate
case "$mode" in leave) exit 0 ;; fast) ;; *) mode=immediate ;; esac
pid=$1 data=$2 remove=$3 users=$4
shift 4
unless_used() {
    if [ "$mode" = immediate ] && [ -n "$users" ] && command -v flock >/dev/null; then
        flock -n -x "$users" "$@"
    else
        "$@"
    fi
}
if [ "$pid" = any ] || [ "$(head -n 1 "$data/postmaster.pid" 2>/dev/null)" = "$pid" ]; then
    unless_used "$@" -D "$data" -m "$mode" -w stop >/dev/null 2>&1
fi
[ -z "$remove" ] || rm -rf -- "$remove"
"#;

#[derive(Debug)]
pub(crate) struct Watchdog {
    child: Child,
    stdin: Option<ChildStdin>,
}

impl Watchdog {
    pub(crate) fn spawn(
        cluster: &Cluster,
        postmaster_pid: Option<u32>,
        remove_afterwards: Option<&Path>,
        users_lock: Option<&Path>,
    ) -> Result<Self, LocalPgError> {
        let mut command = Command::new("sh");
        command
            .arg("-c")
            .arg(SCRIPT)
            .arg("agora-pg-watchdog")
            .arg(postmaster_pid.map_or_else(|| "any".to_owned(), |pid| pid.to_string()))
            .arg(&cluster.data_dir)
            .arg(remove_afterwards.unwrap_or(Path::new("")))
            .arg(users_lock.unwrap_or(Path::new("")))
            .args(cluster.runner.prefix())
            .arg(&cluster.binaries.pg_ctl)
            .current_dir("/")
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            // Its own process group: a Ctrl-C meant for the owner must not
            // kill the watchdog before it has done its job.
            .process_group(0);
        let mut child = command.spawn().map_err(|reason| LocalPgError::Spawn {
            program: "sh (the PostgreSQL watchdog)".to_owned(),
            reason,
        })?;
        let stdin = child.stdin.take();
        Ok(Self { child, stdin })
    }

    /// Has the watchdog stop the server in fast mode and waits until it has;
    /// false if the watchdog was gone already.
    pub(crate) fn stop_now(self) -> bool {
        self.tell(b"fast\n")
    }

    /// Sends the watchdog away without stopping the server, which another
    /// process of the project still uses.
    pub(crate) fn leave(self) -> bool {
        self.tell(b"leave\n")
    }

    fn tell(mut self, order: &[u8]) -> bool {
        let told = self
            .stdin
            .take()
            .is_some_and(|mut stdin| stdin.write_all(order).is_ok());
        let finished = self.child.wait().is_ok_and(|status| status.success());
        told && finished
    }
}
