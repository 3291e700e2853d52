//! Finding the PostgreSQL server programs on this machine.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};

use super::LocalPgError;

/// Where Debian and Ubuntu install each major version's server programs,
/// which are not on PATH there.
pub(crate) const DEBIAN_ROOT: &str = "/usr/lib/postgresql";

/// The server programs of one PostgreSQL installation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PgBinaries {
    pub(crate) initdb: PathBuf,
    pub(crate) pg_ctl: PathBuf,
}

impl PgBinaries {
    /// The first PATH directory holding both `initdb` and `pg_ctl` (and
    /// `postgres`, which pg_ctl runs from its own directory), else the newest
    /// `<debian_root>/<version>/bin`.
    pub(crate) fn discover(path: Option<&OsStr>, debian_root: &Path) -> Result<Self, LocalPgError> {
        let on_path = path
            .map(|p| std::env::split_paths(p).collect::<Vec<_>>())
            .unwrap_or_default();
        on_path
            .iter()
            .chain(newest_versioned_bin(debian_root).iter())
            .find_map(|dir| Self::in_dir(dir))
            .ok_or(LocalPgError::BinariesNotFound)
    }

    fn in_dir(dir: &Path) -> Option<Self> {
        let all_there = ["initdb", "pg_ctl", "postgres"]
            .iter()
            .all(|name| is_executable(&dir.join(name)));
        all_there.then(|| Self {
            initdb: dir.join("initdb"),
            pg_ctl: dir.join("pg_ctl"),
        })
    }
}

fn newest_versioned_bin(root: &Path) -> Option<PathBuf> {
    let entries = std::fs::read_dir(root).ok()?;
    entries
        .filter_map(Result::ok)
        .filter_map(|entry| {
            let name = entry.file_name();
            let version = parse_version(name.to_str()?)?;
            let bin = entry.path().join("bin");
            bin.is_dir().then_some((version, bin))
        })
        .max_by(|a, b| a.0.cmp(&b.0))
        .map(|(_, bin)| bin)
}

/// "15" or "9.6" as comparable numbers, so 10 sorts above 9.6.
fn parse_version(name: &str) -> Option<Vec<u32>> {
    name.split('.').map(|part| part.parse().ok()).collect()
}

fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn fake_program(dir: &Path, name: &str) {
        std::fs::create_dir_all(dir).unwrap();
        let path = dir.join(name);
        std::fs::write(&path, "#!/bin/sh\n").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    }

    fn fake_install(dir: &Path) {
        for name in ["initdb", "pg_ctl", "postgres"] {
            fake_program(dir, name);
        }
    }

    #[test]
    fn missing_binaries_give_a_one_line_error_naming_the_fix() {
        let empty = tempfile::tempdir().unwrap();
        let path = std::env::join_paths([empty.path()]).unwrap();
        let err = PgBinaries::discover(Some(&path), &empty.path().join("nowhere")).unwrap_err();
        let message = err.to_string();
        assert!(!message.contains('\n'), "{message}");
        assert!(message.contains("initdb"), "{message}");
        assert!(message.contains("apt-get install postgresql"), "{message}");
        assert!(message.contains("PATH"), "{message}");
    }

    #[test]
    fn an_incomplete_directory_is_skipped() {
        let root = tempfile::tempdir().unwrap();
        let partial = root.path().join("partial");
        fake_program(&partial, "initdb");
        let full = root.path().join("full");
        fake_install(&full);
        let path = std::env::join_paths([&partial, &full]).unwrap();
        let found = PgBinaries::discover(Some(&path), root.path()).unwrap();
        assert_eq!(found.initdb, full.join("initdb"));
        assert_eq!(found.pg_ctl, full.join("pg_ctl"));
    }

    #[test]
    fn without_path_the_newest_debian_version_wins() {
        let root = tempfile::tempdir().unwrap();
        fake_install(&root.path().join("9.6/bin"));
        fake_install(&root.path().join("15/bin"));
        fake_install(&root.path().join("13/bin"));
        std::fs::create_dir_all(root.path().join("not-a-version/bin")).unwrap();
        let found = PgBinaries::discover(None, root.path()).unwrap();
        assert_eq!(found.pg_ctl, root.path().join("15/bin/pg_ctl"));
    }

    #[test]
    fn path_comes_before_the_debian_directories() {
        let root = tempfile::tempdir().unwrap();
        fake_install(&root.path().join("debian/16/bin"));
        let on_path = root.path().join("local/bin");
        fake_install(&on_path);
        let path = std::env::join_paths([&on_path]).unwrap();
        let found = PgBinaries::discover(Some(&path), &root.path().join("debian")).unwrap();
        assert_eq!(found.initdb, on_path.join("initdb"));
    }
}
