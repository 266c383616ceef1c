# Pinned versions of the real-cluster toolchain, built from the Go module proxy by build.sh and
# cached by version. Sourced by the build and cluster scripts; one place to bump a version.
# shellcheck disable=SC2034
KUBERNETES_VERSION=v1.37.2
ETCD_VERSION=v3.7.3
KWOK_VERSION=v0.8.0
# The CLI matches the lockfile's @pulumi/pulumi (checked by build.sh).
PULUMI_VERSION=v3.248.0
# The last Node.js language host inside the sdk/v3 module; newer ones live in a nested module
# the proxy does not serve.
PULUMI_NODEJS_HOST_VERSION=v3.67.0
# The only pulumi-kubernetes provider module version the proxy serves (= tag v4.25.0).
PULUMI_KUBERNETES_MODULE_VERSION=v4.0.0-20260115033456-f47bc2d6f199
PULUMI_KUBERNETES_VERSION=v4.25.0
GATEWAY_API_VERSION=v1.6.3
PROMETHEUS_OPERATOR_VERSION=v0.85.0
# Today's Prometheus and Alertmanager generation, tested beside Debian's 2.42 / 0.25. Prometheus
# 3.x is published as Go module v0.3MM.P (= v3.MM.P).
PROMETHEUS_VERSION=v3.16.0
PROMETHEUS_MODULE_VERSION=v0.316.0
ALERTMANAGER_VERSION=v0.35.0

TOOLCHAIN_DIR="${AGENT_FLEET_TOOLCHAIN_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/agent-fleet/toolchain}"
