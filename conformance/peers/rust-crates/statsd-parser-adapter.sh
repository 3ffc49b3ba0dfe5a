#!/bin/sh
# Adapter-protocol entry point for the crates.io crate `statsd-parser` (see ../README.md).
# Built by conformance/peers/install.sh into rust-crates/build/.
bin="$(dirname "$0")/build/release/statsd-peer-crates"
if [ ! -x "$bin" ]; then
  echo "statsd-parser adapter not built: run bash conformance/peers/install.sh" >&2
  exit 69
fi
exec "$bin" --impl statsd-parser "$@"
