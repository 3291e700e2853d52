# Sourced by the scripts that install what they use from Debian, or run
# what cargo built.

# Installs Debian packages: as root directly, otherwise through sudo. Waits
# for the dpkg lock (another install may hold it), and refreshes the package
# lists once when the first try fails (a fresh machine may have none).
apt_install() {
  local apt=(apt-get -o DPkg::Lock::Timeout=600 -y -q --no-install-recommends)
  [ "$(id -u)" -eq 0 ] || apt=(sudo "${apt[@]}")
  "${apt[@]}" install "$@" >&2 || { "${apt[@]}" update >&2 && "${apt[@]}" install "$@" >&2; }
}

# Where cargo puts what it builds: CARGO_TARGET_DIR, or the workspace's target/.
target_dir() {
  cargo metadata --format-version 1 --no-deps |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])'
}
