#!/usr/bin/env bash
# Installs the providers' SDKs the interop suite drives, at the pinned versions, inside the
# checkout (ignored by git): a Python virtualenv in .cache/interop/venv and Node modules in
# tests/interop/node/node_modules. Fails, saying so, when a registry cannot be reached.
set -euo pipefail
cd "$(dirname "$0")/../.."

venv=.cache/interop/venv
if [ ! -x "$venv/bin/python" ] || ! cmp -s tests/interop/python/requirements.txt "$venv/requirements.txt"; then
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r tests/interop/python/requirements.txt ||
    { echo "interop: cannot install the Python SDKs from PyPI" >&2; exit 1; }
  cp tests/interop/python/requirements.txt "$venv/requirements.txt"
fi

node=tests/interop/node
if [ ! -d "$node/node_modules" ] || ! cmp -s "$node/package-lock.json" "$node/node_modules/.package-lock.json.installed"; then
  (cd "$node" && npm ci --silent --no-audit --no-fund) ||
    { echo "interop: cannot install the Node SDKs from npm" >&2; exit 1; }
  cp "$node/package-lock.json" "$node/node_modules/.package-lock.json.installed"
fi
