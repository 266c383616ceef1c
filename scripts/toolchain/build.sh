#!/usr/bin/env bash
# Builds the real-cluster toolchain from the Go module proxy only (no release downloads), pinned in
# versions.sh, into $TOOLCHAIN_DIR/<component>-<version>/bin. A component is rebuilt only when its
# version or this script changes, so a warm run takes seconds.
#
#   scripts/toolchain/build.sh [kubernetes|etcd|kwok|pulumi|pulumi-nodejs|pulumi-kubernetes|crds|
#                               prometheus|alertmanager ...]
#
# Prints the cache directory of each component on stdout, progress on stderr.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=versions.sh
source "$here/versions.sh"
export GOTOOLCHAIN=local GOFLAGS=-buildvcs=false CGO_ENABLED=0

log() { echo "toolchain: $*" >&2; }
# Runs a command silently; shows its output only when it fails.
quiet() { local out; out="$("$@" 2>&1)" || { echo "$out" >&2; return 1; }; }

# A builder's stamp: its text and the values of the versions.sh variables it names. Editing one
# builder or bumping one version rebuilds only the components that use it.
stamp_of() {
  local text var; text="$(declare -f "$1")"
  {
    echo "$text"
    for var in $(sed -n 's/^\([A-Z][A-Z0-9_]*\)=.*/\1/p' "$here/versions.sh"); do
      if [[ "$text" =~ (^|[^A-Z0-9_])${var}([^A-Z0-9_]|$) ]]; then echo "$var=${!var}"; fi
    done
  } | sha256sum | cut -c1-12
}

# Runs the build function $2 for component dir $1 unless its stamp matches.
cached() {
  local dir="$TOOLCHAIN_DIR/$1" fn="$2" script_hash
  script_hash="$(stamp_of "$fn")"
  if [ "$(cat "$dir/.built" 2>/dev/null)" = "$script_hash" ]; then
    log "$1: cached"
  else
    local started=$SECONDS
    log "$1: building"
    rm -rf "$dir" && mkdir -p "$dir/bin"
    local work status; work="$(mktemp -d)"
    # errexit is ignored inside `cmd || ...`, so the build runs as a plain statement.
    set +e
    ( set -e; cd "$work"; "$fn" "$dir" )
    status=$?
    set -e
    rm -rf "$work"
    if [ "$status" -ne 0 ]; then log "$1: build failed"; rm -rf "$dir"; return "$status"; fi
    echo "$script_hash" >"$dir/.built"
    log "$1: built in $((SECONDS - started)) s"
  fi
  echo "$dir"
}

# Path of a module in the module cache (downloads it).
module_dir() { go mod download -json "$1" | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p'; }

build_kubernetes() {
  local out="$1/bin" v="$KUBERNETES_VERSION" staging="v0${KUBERNETES_VERSION#v1}"
  quiet go mod init agentfleet.local/kubernetes-build
  local gomod; gomod="$(go mod download -json "k8s.io/kubernetes@$v" | sed -n 's/^\t"GoMod": "\(.*\)",$/\1/p')"
  # Upstream replaces every staging module with ./staging/...; replace each one it requires with
  # the published k8s.io/<name> module instead.
  go mod edit -json "$gomod" | node_json_staging | while read -r mod; do
    go mod edit -replace "$mod=$mod@$staging"
  done
  go mod edit -require "k8s.io/kubernetes@$v"
  printf 'package tools\n\nimport (\n\t_ "k8s.io/kubernetes/cmd/kube-apiserver"\n\t_ "k8s.io/kubernetes/cmd/kube-controller-manager"\n\t_ "k8s.io/kubernetes/cmd/kube-scheduler"\n\t_ "k8s.io/kubernetes/cmd/kubectl"\n)\n' >tools.go
  quiet go mod tidy
  local minor="${v#v1.}"; minor="${minor%%.*}" ldflags="-s -w"
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ldflags+=" -X $pkg.gitVersion=$v -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor -X $pkg.gitTreeState=clean"
  done
  for cmd in kube-apiserver kube-controller-manager kube-scheduler kubectl; do
    log "kubernetes: $cmd"
    go build -trimpath -ldflags="$ldflags" -o "$out/$cmd" "k8s.io/kubernetes/cmd/$cmd"
  done
}

# Reads `go mod edit -json` of upstream k8s.io/kubernetes; prints the staging modules it requires.
node_json_staging() {
  python3 -c '
import json, sys
m = json.load(sys.stdin)
required = {r["Path"] for r in m.get("Require") or []}
for r in m.get("Replace") or []:
    if r["New"]["Path"].startswith("./staging/") and r["Old"]["Path"] in required:
        print(r["Old"]["Path"])
'
}

build_etcd() {
  quiet go mod init agentfleet.local/etcd-build
  printf 'package main\n\nimport (\n\t"os"\n\n\t"go.etcd.io/etcd/server/v3/etcdmain"\n)\n\nfunc main() { etcdmain.Main(os.Args) }\n' >main.go
  quiet go get "go.etcd.io/etcd/server/v3@$ETCD_VERSION"
  quiet go mod tidy
  go build -trimpath -ldflags="-s -w" -o "$1/bin/etcd" .
}

build_kwok() {
  GOBIN="$1/bin" go install -trimpath -ldflags="-s -w" "sigs.k8s.io/kwok/cmd/kwok@$KWOK_VERSION"
  # kwok's module ships its default Stage configurations (pod and node lifecycles).
  local src; src="$(module_dir "sigs.k8s.io/kwok@$KWOK_VERSION")"
  mkdir -p "$1/stages" && cp -r "$src/kustomize/stage/." "$1/stages/" && chmod -R u+w "$1/stages"
}

build_pulumi() {
  local locked; locked="v$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["packages"]["node_modules/@pulumi/pulumi"]["version"])' "$here/../../package-lock.json")"
  if [ "$locked" != "$PULUMI_VERSION" ]; then
    log "pulumi: versions.sh pins $PULUMI_VERSION but package-lock.json has @pulumi/pulumi $locked: bump PULUMI_VERSION"
    return 1
  fi
  quiet go mod init agentfleet.local/pulumi-build
  quiet go get "github.com/pulumi/pulumi/pkg/v3@$PULUMI_VERSION"
  printf 'package tools\n\nimport _ "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"\n' >tools.go
  quiet go mod tidy
  go build -trimpath -ldflags="-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$PULUMI_VERSION" \
    -o "$1/bin/pulumi" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi
}

build_pulumi_nodejs() {
  # sdk/v3's go.mod has replace directives, so `go install pkg@version` refuses it: use a wrapper.
  quiet go mod init agentfleet.local/pulumi-nodejs-build
  quiet go get "github.com/pulumi/pulumi/sdk/v3@$PULUMI_NODEJS_HOST_VERSION"
  printf 'package tools\n\nimport _ "github.com/pulumi/pulumi/sdk/v3/nodejs/cmd/pulumi-language-nodejs"\n' >tools.go
  quiet go mod tidy
  mkdir -p "$1/libexec"
  go build -trimpath \
    -ldflags="-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$PULUMI_NODEJS_HOST_VERSION" \
    -o "$1/libexec/pulumi-language-nodejs" github.com/pulumi/pulumi/sdk/v3/nodejs/cmd/pulumi-language-nodejs
  # This host ignores the runtime options modern CLIs send over gRPC and reads them only as flags:
  # pass Pulumi.yaml's options (plain JS host, tsx loader for the ESM TypeScript program).
  cat >"$1/bin/pulumi-language-nodejs" <<'SH'
#!/bin/sh
exec "$(dirname "$0")/../libexec/pulumi-language-nodejs" -typescript=false -nodeargs="--import tsx" "$@"
SH
  chmod +x "$1/bin/pulumi-language-nodejs"
}

build_pulumi_kubernetes() {
  local src; src="$(module_dir "github.com/pulumi/pulumi-kubernetes/provider/v4@$PULUMI_KUBERNETES_MODULE_VERSION")"
  # main.go embeds two generated files that are not in the module zip: generate them from the
  # committed schema.json the way cmd/pulumi-resource-kubernetes/generate.go does.
  cp -r "$src" provider && chmod -R u+w provider
  ( cd provider && build_kubernetes_embeds )
  quiet go mod init agentfleet.local/pulumi-kubernetes-build
  go mod edit -require "github.com/pulumi/pulumi-kubernetes/provider/v4@$PULUMI_KUBERNETES_MODULE_VERSION" \
    -replace "github.com/pulumi/pulumi-kubernetes/provider/v4=./provider"
  printf 'package tools\n\nimport _ "github.com/pulumi/pulumi-kubernetes/provider/v4/cmd/pulumi-resource-kubernetes"\n' >tools.go
  quiet go mod tidy
  go build -trimpath \
    -ldflags="-s -w -X github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version.Version=$PULUMI_KUBERNETES_VERSION" \
    -o "$1/bin/pulumi-resource-kubernetes" github.com/pulumi/pulumi-kubernetes/provider/v4/cmd/pulumi-resource-kubernetes
}

build_kubernetes_embeds() {
  local cmd=cmd/pulumi-resource-kubernetes
  [ -f "$cmd/schema-embed.json" ] || python3 - "$cmd" <<'PY'
import json, sys, os
cmd = sys.argv[1]
schema = json.load(open(os.path.join(cmd, "schema.json")))
# generate.go: the embedded schema is the committed one with the version filled in, minified.
schema["version"] = os.environ.get("PULUMI_KUBERNETES_VERSION", "").lstrip("v")
json.dump(schema, open(os.path.join(cmd, "schema-embed.json"), "w"), separators=(",", ":"))
mapping = json.load(open(os.path.join(cmd, "terraform-mapping.json")))
json.dump(mapping, open(os.path.join(cmd, "terraform-mapping-embed.json"), "w"), separators=(",", ":"))
PY
}

# promtool and prometheus without the cloud service discoveries (static and file SD stay): the
# rule tests and the sandbox need neither, and they are most of the build. The web UI is not
# embedded (no `builtinassets` tag); the API is all the tests use.
build_prometheus() {
  quiet go mod init agentfleet.local/prometheus-build
  quiet go get "github.com/prometheus/prometheus@$PROMETHEUS_MODULE_VERSION"
  printf 'package tools\n\nimport (\n\t_ "github.com/prometheus/prometheus/cmd/prometheus"\n\t_ "github.com/prometheus/prometheus/cmd/promtool"\n)\n' >tools.go
  local ldflags="-s -w -X github.com/prometheus/common/version.Version=${PROMETHEUS_VERSION#v}"
  for cmd in prometheus promtool; do
    log "prometheus: $cmd"
    # -mod=mod instead of `go mod tidy`: tidy ignores build tags and would fetch every discovery.
    go build -mod=mod -tags remove_all_sd -trimpath -ldflags="$ldflags" -o "$1/bin/$cmd" "github.com/prometheus/prometheus/cmd/$cmd"
  done
}

# The module zip lacks the compiled UI that ui/web.go embeds (ui/app/dist, built by Elm in
# upstream's release): build from a copy with a one-page stand-in. amtool and the API need no UI.
build_alertmanager() {
  local src; src="$(module_dir "github.com/prometheus/alertmanager@$ALERTMANAGER_VERSION")"
  cp -r "$src" alertmanager && chmod -R u+w alertmanager
  mkdir -p alertmanager/ui/app/dist
  echo '<!doctype html><title>Alertmanager</title><p>UI not built; use the API or amtool.' >alertmanager/ui/app/dist/index.html
  quiet go mod init agentfleet.local/alertmanager-build
  go mod edit -require "github.com/prometheus/alertmanager@$ALERTMANAGER_VERSION" \
    -replace "github.com/prometheus/alertmanager=./alertmanager"
  printf 'package tools\n\nimport (\n\t_ "github.com/prometheus/alertmanager/cmd/alertmanager"\n\t_ "github.com/prometheus/alertmanager/cmd/amtool"\n)\n' >tools.go
  quiet go mod tidy
  local ldflags="-s -w -X github.com/prometheus/common/version.Version=${ALERTMANAGER_VERSION#v}"
  for cmd in alertmanager amtool; do
    log "alertmanager: $cmd"
    go build -trimpath -ldflags="$ldflags" -o "$1/bin/$cmd" "github.com/prometheus/alertmanager/cmd/$cmd"
  done
}

# Prerequisite CRDs from their Go module zips.
build_crds() {
  local gw pom
  gw="$(module_dir "sigs.k8s.io/gateway-api@$GATEWAY_API_VERSION")"
  pom="$(module_dir "github.com/prometheus-operator/prometheus-operator@$PROMETHEUS_OPERATOR_VERSION")"
  mkdir -p "$1/gateway-api" "$1/prometheus-operator"
  cp "$gw"/config/crd/standard/*.yaml "$1/gateway-api/"
  cp "$pom"/example/prometheus-operator-crd/*.yaml "$1/prometheus-operator/"
  chmod -R u+w "$1"
}

# The whole run is one function, parsed before it starts: editing this file mid-build is safe.
main() {
  export PULUMI_KUBERNETES_VERSION
  # One build at a time per cache (CI steps and test runs may call this concurrently).
  mkdir -p "$TOOLCHAIN_DIR"
  exec 9>"$TOOLCHAIN_DIR/.lock"
  flock 9
  declare -A builders=(
    [kubernetes]="kubernetes-$KUBERNETES_VERSION build_kubernetes"
    [etcd]="etcd-$ETCD_VERSION build_etcd"
    [kwok]="kwok-$KWOK_VERSION build_kwok"
    [pulumi]="pulumi-$PULUMI_VERSION build_pulumi"
    [pulumi-nodejs]="pulumi-language-nodejs-$PULUMI_NODEJS_HOST_VERSION build_pulumi_nodejs"
    [pulumi-kubernetes]="pulumi-resource-kubernetes-$PULUMI_KUBERNETES_VERSION build_pulumi_kubernetes"
    [crds]="crds-gateway-$GATEWAY_API_VERSION-pom-$PROMETHEUS_OPERATOR_VERSION build_crds"
    [prometheus]="prometheus-$PROMETHEUS_VERSION build_prometheus"
    [alertmanager]="alertmanager-$ALERTMANAGER_VERSION build_alertmanager"
  )
  components=("$@")
  [ ${#components[@]} -gt 0 ] || components=(crds etcd kwok kubernetes pulumi-nodejs pulumi pulumi-kubernetes prometheus alertmanager)
  for c in "${components[@]}"; do
    [ -n "${builders[$c]:-}" ] || { echo "toolchain: unknown component '$c' (one of: ${!builders[*]})" >&2; exit 2; }
    # shellcheck disable=SC2086
    cached ${builders[$c]}
  done
}

main "$@"
exit
