#!/bin/sh
# Adapter-protocol entry point for the crates.io client `cadence` (encode only; see ../README.md).
# Built by conformance/peers/install.sh into rust-clients/build/.
bin="$(dirname "$0")/build/release/statsd-peer-clients"
if [ ! -x "$bin" ]; then
  echo "cadence adapter not built: run bash conformance/peers/install.sh cadence" >&2
  exit 75
fi
exec "$bin" --impl cadence "$@"
