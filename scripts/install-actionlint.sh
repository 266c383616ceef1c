#!/usr/bin/env bash
# Installs actionlint, the GitHub Actions workflow linter the workflow tests run, through the Go
# module proxy into $(go env GOPATH)/bin (where test/workflows looks for it). Idempotent.
set -euo pipefail

VERSION="v1.7.12"

if ! command -v go >/dev/null 2>&1; then
  echo "install-actionlint: Go is required (actionlint is installed with \`go install\`)" >&2
  exit 1
fi

bin="$(go env GOPATH)/bin/actionlint"
if [ -x "$bin" ] && [ "$("$bin" -version | head -n 1)" = "$VERSION" ]; then
  exit 0
fi

echo "installing actionlint $VERSION into $(dirname "$bin")" >&2
go install "github.com/rhysd/actionlint/cmd/actionlint@${VERSION}"
"$bin" -version | head -n 1 >&2
