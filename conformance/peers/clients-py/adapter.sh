#!/bin/sh
# Adapter-protocol entry point for the PyPI StatsD clients (datadog, statsd):
#   adapter.sh --impl datadog|pystatsd capabilities|encode|batch --dialect D
# The venv is created by: bash conformance/peers/install.sh datadog pystatsd
d="$(cd "$(dirname "$0")" && pwd)"
py="$d/.venv/bin/python"
if [ ! -x "$py" ]; then
  echo "clients-py peers not installed: run bash conformance/peers/install.sh datadog pystatsd" >&2
  exit 75
fi
exec "$py" -E -s "$d/adapter.py" "$@"
