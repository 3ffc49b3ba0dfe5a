#!/bin/sh
# Adapter-protocol entry point for the PyPI package statsdmetrics (see ../README.md).
# The venv is created by: bash conformance/peers/install.sh
d="$(cd "$(dirname "$0")" && pwd)"
py="$d/.venv/bin/python"
if [ ! -x "$py" ]; then
  echo "statsdmetrics peer not installed: run bash conformance/peers/install.sh" >&2
  exit 75
fi
# -E: ignore PYTHON* variables (PYTHONOPTIMIZE would disable the library's
# assert-based validation); -s: no user site-packages.
exec "$py" -E -s "$d/adapter.py" "$@"
