#!/usr/bin/env bash
# Regenerate the hashed lock files from pyproject.toml, keeping every version already pinned
# (uv reads the existing lock as its preferences; pass --upgrade to move versions on purpose).
#   requirements.lock        base + dev, wheels only: `pip install --only-binary=:all: --require-hashes`
#   requirements-aleph.lock  the same plus the optional Aleph extra (followthemoney builds pyicu from source)
set -euo pipefail
cd "$(dirname "$0")/.."
UV_VENV=${UV_VENV:-/tmp/storyline-lock-uv}
[ -x "$UV_VENV/bin/uv" ] || { python3 -m venv "$UV_VENV" && "$UV_VENV/bin/pip" install --quiet uv==0.13.8; }
UV="$UV_VENV/bin/uv"
common=(--python-version 3.11 --generate-hashes --no-header --no-annotate "$@")
"$UV" pip compile --quiet pyproject.toml --extra dev --only-binary :all: "${common[@]}" -o requirements.lock
# the Aleph lock starts from the base pins, so both locks agree on every shared package
seed=$(mktemp)
{ grep -E '^[A-Za-z]' requirements.lock | sed 's/ .*//'; grep -E '^[A-Za-z]' requirements-aleph.lock | sed 's/ .*//'; } > "$seed"
cp "$seed" requirements-aleph.lock && rm -f "$seed"
"$UV" pip compile --quiet pyproject.toml --extra dev --extra aleph "${common[@]}" -o requirements-aleph.lock
