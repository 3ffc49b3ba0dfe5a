#!/usr/bin/env bash
# Install the conformance suite's "real peers": StatsD implementations that no
# one here wrote, from the package registries, plus the adapters (kept in this
# directory) that make the libraries speak the adapter protocol. The servers
# (etsy-statsd, collectd, netdata) need no adapter: daemon mode, profiles/.
#
#   bash conformance/peers/install.sh                 install every peer
#   bash conformance/peers/install.sh etsy-statsd ... install the named peers
#   bash conformance/peers/install.sh --check NAME    exit 0 iff NAME is installed
#   bash conformance/peers/install.sh --list          list the peers
#
# Idempotent: a peer that is already installed at the pinned version is left
# alone. A peer whose install fails is reported as unavailable and the script
# goes on with the next one. Exit status: 0 when every requested peer is
# available, 1 otherwise (the summary says which).
#
# Registries used: npm (etsy-statsd), crates.io (statsd-parser, statsdproto),
# PyPI (statsdmetrics), Debian apt (collectd; needs root, skipped when
# PEERS_SKIP_APT=1).
#
# Environment:
#   PEERS_JOBS=N      cargo build jobs (default 1: the build machine is shared)
#   PEERS_SKIP_APT=1  do not run apt-get (collectd is then only used if present)
set -u

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$HERE" || exit 1

ALL_PEERS=(etsy-statsd statsd-parser statsdproto statsdmetrics collectd)
# Daemon-mode peers (statsd-conformance daemon, profiles in profiles/).
ALL_PEERS+=(netdata)

ETSY_VERSION=0.9.0
STATSDMETRICS_VERSION=2.0.2
COLLECTD_DEB_VERSION=5.12.0-14
JOBS="${PEERS_JOBS:-1}"

say() { printf '[peers] %s\n' "$*" >&2; }

# ---------------------------------------------------------------- checks

check_etsy-statsd() {
  command -v node >/dev/null 2>&1 || return 1
  [ -f etsy-statsd/node_modules/statsd/stats.js ] || return 1
  local v
  v="$(node -p 'require("./etsy-statsd/node_modules/statsd/package.json").version' 2>/dev/null)" || return 1
  [ "$v" = "$ETSY_VERSION" ]
}

check_rust_crates() {
  [ -x rust-crates/build/release/statsd-peer-crates ]
}
check_statsd-parser() { check_rust_crates; }
check_statsdproto() { check_rust_crates; }

check_statsdmetrics() {
  [ -x statsdmetrics/.venv/bin/python ] || return 1
  statsdmetrics/.venv/bin/python -E -s -c \
    'import importlib.metadata as m, sys; sys.exit(m.version("statsdmetrics") != sys.argv[1])' \
    "$STATSDMETRICS_VERSION" 2>/dev/null
}

# collectd is graded in daemon mode (profiles/collectd.toml): the statsd
# plugin, write_graphite and types.db.
check_collectd() {
  local bin
  bin="$(command -v collectd 2>/dev/null || echo /usr/sbin/collectd)"
  [ -x "$bin" ] || return 1
  [ -f /usr/lib/collectd/statsd.so ] && [ -f /usr/lib/collectd/write_graphite.so ] \
    && [ -f /usr/share/collectd/types.db ]
}

# --------------------------------------------------------------- installs

install_etsy-statsd() {
  command -v node >/dev/null 2>&1 || { say "etsy-statsd: node is not installed (apt-get install nodejs npm)"; return 1; }
  command -v npm >/dev/null 2>&1 || { say "etsy-statsd: npm is not installed (apt-get install npm)"; return 1; }
  # npm ci: exactly what package-lock.json says (statsd $ETSY_VERSION and its
  # one dependency). Optional dependencies (modern-syslog, which needs a C++
  # build, hashring for the proxy) and install scripts are not needed.
  (cd etsy-statsd && npm ci --omit=optional --ignore-scripts --no-audit --no-fund --loglevel=error) >&2
}

install_rust_crates() {
  command -v cargo >/dev/null 2>&1 || { say "rust-crates: cargo is not installed (https://rustup.rs)"; return 1; }
  # Its own workspace and lock file; the build output stays in rust-crates/build.
  (cd rust-crates && CARGO_TARGET_DIR=build nice cargo build --release --locked -j "$JOBS") >&2
}
RUST_DONE=""
install_statsd-parser() { [ -n "$RUST_DONE" ] && return "$RUST_DONE"; install_rust_crates; RUST_DONE=$?; return "$RUST_DONE"; }
install_statsdproto() { install_statsd-parser; }

install_statsdmetrics() {
  local py
  py="$(command -v python3 2>/dev/null)" || { say "statsdmetrics: python3 is not installed"; return 1; }
  if [ ! -x statsdmetrics/.venv/bin/python ]; then
    "$py" -m venv statsdmetrics/.venv >&2 || { say "statsdmetrics: python3 -m venv failed (apt-get install python3-venv)"; rm -rf statsdmetrics/.venv; return 1; }
  fi
  statsdmetrics/.venv/bin/python -E -s -m pip install --quiet --disable-pip-version-check \
    --require-hashes -r statsdmetrics/requirements.txt >&2
}

install_collectd() {
  if [ "${PEERS_SKIP_APT:-}" = 1 ]; then
    say "collectd: PEERS_SKIP_APT=1, not running apt-get"
    return 1
  fi
  command -v apt-get >/dev/null 2>&1 || { say "collectd: no apt-get (Debian/Ubuntu only)"; return 1; }
  local SUDO=""
  if [ "$(id -u)" != 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then SUDO="sudo -n"; else
      say "collectd: apt-get needs root (run: sudo apt-get install --no-install-recommends collectd-core)"; return 1
    fi
  fi
  # collectd-core: the daemon and its plugins (the runner starts a private
  # daemon with its own config, profiles/collectd.toml; the package's service
  # is not used, and in a container without an init system it is not
  # started). collectd-core is pinned to Debian 12's version when apt offers
  # it, else apt's version is used.
  local pkgs=(collectd-core)
  if apt-cache show "collectd-core=$COLLECTD_DEB_VERSION" >/dev/null 2>&1; then
    pkgs=("collectd-core=$COLLECTD_DEB_VERSION")
  else
    say "collectd: collectd-core=$COLLECTD_DEB_VERSION not offered by apt; installing the available version"
  fi
  if ! DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${pkgs[@]}" >&2; then
    say "collectd: apt-get install failed; running apt-get update once and retrying"
    $SUDO apt-get update -q >&2 || return 1
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${pkgs[@]}" >&2 || return 1
  fi
}

# ------------------------------------------- client libraries (issue 13)
# npm (clients-node/: one package-lock.json for node-statsd-parser, hot-shots,
# statsd-client, lynx, node-statsd), PyPI (clients-py/: datadogpy, pystatsd,
# hash-pinned), crates.io (rust-clients/: cadence, dogstatsd-rs, own Cargo.lock).
ALL_PEERS+=(node-statsd-parser hot-shots statsd-client lynx node-statsd datadogpy pystatsd cadence dogstatsd-rs)

# npm package of each Node peer and its pinned version (as in clients-node/package-lock.json).
node_client_pkg() {
  case $1 in
    node-statsd-parser) echo "statsd-parser 0.0.4" ;;
    hot-shots) echo "hot-shots 18.0.0" ;;
    statsd-client) echo "statsd-client 0.4.7" ;;
    lynx) echo "lynx 0.2.0" ;;
    node-statsd) echo "node-statsd 0.1.1" ;;
  esac
}
check_node_client() {
  command -v node >/dev/null 2>&1 || return 1
  local pkg ver v
  read -r pkg ver <<<"$(node_client_pkg "$1")"
  v="$(node -p "require('./clients-node/node_modules/$pkg/package.json').version" 2>/dev/null)" || return 1
  [ "$v" = "$ver" ]
}
CLIENTS_NODE_DONE=""
install_node_client() {
  [ -n "$CLIENTS_NODE_DONE" ] && return "$CLIENTS_NODE_DONE"
  command -v npm >/dev/null 2>&1 || { say "$1: npm is not installed (apt-get install nodejs npm)"; CLIENTS_NODE_DONE=1; return 1; }
  # Exactly package-lock.json; hot-shots' optional unix-dgram (a native
  # addon for Unix domain sockets) and install scripts are not needed.
  (cd clients-node && npm ci --omit=optional --ignore-scripts --no-audit --no-fund --loglevel=error) >&2
  CLIENTS_NODE_DONE=$?
  return "$CLIENTS_NODE_DONE"
}
for p in node-statsd-parser hot-shots statsd-client lynx node-statsd; do
  eval "check_$p() { check_node_client $p; }; install_$p() { install_node_client $p; }"
done

check_py_client() {
  [ -x clients-py/.venv/bin/python ] || return 1
  clients-py/.venv/bin/python -E -s -c \
    'import importlib.metadata as m, sys; sys.exit(m.version(sys.argv[1]) != sys.argv[2])' "$1" "$2" 2>/dev/null
}
check_datadogpy() { check_py_client datadog 0.56.0; }
check_pystatsd() { check_py_client statsd 4.0.1; }
CLIENTS_PY_DONE=""
install_py_clients() {
  [ -n "$CLIENTS_PY_DONE" ] && return "$CLIENTS_PY_DONE"
  local py
  py="$(command -v python3 2>/dev/null)" || { say "clients-py: python3 is not installed"; CLIENTS_PY_DONE=1; return 1; }
  if [ ! -x clients-py/.venv/bin/python ]; then
    "$py" -m venv clients-py/.venv >&2 || { say "clients-py: python3 -m venv failed (apt-get install python3-venv)"; rm -rf clients-py/.venv; CLIENTS_PY_DONE=1; return 1; }
  fi
  clients-py/.venv/bin/python -E -s -m pip install --quiet --disable-pip-version-check \
    --no-deps --require-hashes -r clients-py/requirements.txt >&2
  CLIENTS_PY_DONE=$?
  return "$CLIENTS_PY_DONE"
}
install_datadogpy() { install_py_clients; }
install_pystatsd() { install_py_clients; }

check_rust_clients() { [ -x rust-clients/build/release/statsd-peer-clients ]; }
check_cadence() { check_rust_clients; }
check_dogstatsd-rs() { check_rust_clients; }
RUST_CLIENTS_DONE=""
install_cadence() {
  [ -n "$RUST_CLIENTS_DONE" ] && return "$RUST_CLIENTS_DONE"
  command -v cargo >/dev/null 2>&1 || { say "rust-clients: cargo is not installed (https://rustup.rs)"; RUST_CLIENTS_DONE=1; return 1; }
  (cd rust-clients && CARGO_TARGET_DIR=build nice cargo build --release --locked -j "$JOBS") >&2
  RUST_CLIENTS_DONE=$?
  return "$RUST_CLIENTS_DONE"
}
install_dogstatsd-rs() { install_cadence; }
# ------------------------------------------- end of client libraries

# ------------------------------------------------- netdata (daemon mode)
# netdata-core (Debian 12: 1.37.1) for `statsd-conformance daemon --profile
# profiles/netdata.toml`, which runs a private instance (its own config and
# directories in a temporary directory; the package's service is not used).
NETDATA_DEB_VERSION=1.37.1-2

check_netdata() {
  [ -x /usr/sbin/netdata ] && [ -d /usr/lib/netdata/conf.d ]
}

install_netdata() {
  if [ "${PEERS_SKIP_APT:-}" = 1 ]; then
    say "netdata: PEERS_SKIP_APT=1, not running apt-get"
    return 1
  fi
  command -v apt-get >/dev/null 2>&1 || { say "netdata: no apt-get (Debian/Ubuntu only)"; return 1; }
  local SUDO=""
  if [ "$(id -u)" != 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then SUDO="sudo -n"; else
      say "netdata: apt-get needs root (run: sudo apt-get install --no-install-recommends netdata-core)"; return 1
    fi
  fi
  # netdata-core is only in the package lists after an update on a fresh machine.
  $SUDO apt-get update -q >&2 || return 1
  local pkg=netdata-core
  if apt-cache show "netdata-core=$NETDATA_DEB_VERSION" >/dev/null 2>&1; then
    pkg="netdata-core=$NETDATA_DEB_VERSION"
  else
    say "netdata: netdata-core=$NETDATA_DEB_VERSION not offered by apt; installing the available version"
  fi
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "$pkg" >&2
}

# ------------------------------------------------------------------- main

known() { local p; for p in "${ALL_PEERS[@]}"; do [ "$p" = "$1" ] && return 0; done; return 1; }

case "${1:-}" in
  --check)
    [ $# -eq 2 ] && known "$2" || { say "usage: install.sh --check {${ALL_PEERS[*]}}"; exit 2; }
    "check_$2"; exit $? ;;
  --list)
    printf '%s\n' "${ALL_PEERS[@]}"; exit 0 ;;
  -h|--help)
    sed -n '2,24p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
esac

peers=("$@")
[ ${#peers[@]} -eq 0 ] && peers=("${ALL_PEERS[@]}")
for p in "${peers[@]}"; do known "$p" || { say "unknown peer '$p' (known: ${ALL_PEERS[*]})"; exit 2; }; done

ok=(); failed=()
for p in "${peers[@]}"; do
  # cargo decides itself whether the adapter binary is up to date (a no-op
  # build costs a fraction of a second), so the Rust peers always go through it.
  if [ "$p" != statsd-parser ] && [ "$p" != statsdproto ] && [ "$p" != cadence ] && [ "$p" != dogstatsd-rs ] && "check_$p"; then
    say "$p: already installed"
    ok+=("$p"); continue
  fi
  case "$p" in statsd-parser|statsdproto|cadence|dogstatsd-rs) say "$p: building the adapter (cargo; a no-op when up to date)";; *) say "$p: installing";; esac
  if "install_$p" && "check_$p"; then
    say "$p: installed"
    ok+=("$p")
  else
    say "$p: UNAVAILABLE (install failed; see the messages above)"
    failed+=("$p")
  fi
done

say "available:   ${ok[*]:-(none)}"
say "unavailable: ${failed[*]:-(none)}"
[ ${#failed[@]} -eq 0 ]
