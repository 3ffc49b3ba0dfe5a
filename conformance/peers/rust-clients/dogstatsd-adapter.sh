#!/bin/sh
# Adapter-protocol entry point for the crates.io client `dogstatsd` (mcasper) (encode only; see ../README.md).
# Built by conformance/peers/install.sh into rust-clients/build/.
bin="$(dirname "$0")/build/release/statsd-peer-clients"
if [ ! -x "$bin" ]; then
  echo "dogstatsd adapter not built: run bash conformance/peers/install.sh dogstatsd" >&2
  exit 75
fi
exec "$bin" --impl dogstatsd "$@"
