#!/bin/sh
# Installs the rollout controller's runtime packages into <out-dir>/node_modules, exactly as
# package-lock.json pins them (see controller-lock.mjs). The image's build stage runs this, and so
# does the test that starts the controller from the image's file layout.
#
#   sh scripts/image/controller-deps.sh <package-lock.json> <out-dir> [npm ci flag ...]
set -eu
lock="$1" out="$2"
shift 2
node "$(dirname "$0")/controller-lock.mjs" "$lock" "$out"
cd "$out"
npm ci --omit=dev --ignore-scripts --no-audit --no-fund "$@"
