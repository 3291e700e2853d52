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
/// afterwards (or empty), then the command that runs pg_ctl. The pid check
/// keeps a late watchdog from stopping a newer server started on the same
/// data directory by another process; `any` is for a throwaway directory,
/// where every server is its owner's, restarted ones included.
const SCRIPT: &str = r#"
read -r mode || mode=immediate
[ "$mode" = fast ] || mode=immediate
pid=$1 data=$2 remove=$3
shift 3
if [ "$pid" = any ] || [ "$(head -n 1 "$data/postmaster.pid" 2>/dev/null)" = "$pid" ]; then
    "$@" -D "$data" -m "$mode" -w stop >/dev/null 2>&1
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
    ) -> Result<Self, LocalPgError> {
        let mut command = Command::new("sh");
        command
            .arg("-c")
            .arg(SCRIPT)
            .arg("agora-pg-watchdog")
            .arg(postmaster_pid.map_or_else(|| "any".to_owned(), |pid| pid.to_string()))
            .arg(&cluster.data_dir)
            .arg(remove_afterwards.unwrap_or(Path::new("")))
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
    pub(crate) fn stop_now(mut self) -> bool {
        let told = self
            .stdin
            .take()
            .is_some_and(|mut stdin| stdin.write_all(b"fast\n").is_ok());
        let finished = self.child.wait().is_ok_and(|status| status.success());
        told && finished
    }
}
