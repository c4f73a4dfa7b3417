#!/usr/bin/env bash
# build-deb.sh: build the lobbykiosk .deb for one architecture.
#   packaging/build-deb.sh amd64|arm64 [OUTDIR]   writes OUTDIR/lobbykiosk_VERSION_ARCH.deb (default OUTDIR: packaging/dist)
# The other architecture is cross-compiled with cgo through Debian multiarch.
# What is missing is installed: the C compiler and X11/GL headers (apt, with sudo
# when not root; for a foreign architecture after `dpkg --add-architecture`) and
# nfpm, pinned, into a temporary GOBIN. VERSION=1.2.3 overrides the version from git.
set -euo pipefail
cd "$(dirname "$0")/.."

# nfpm v2.46 and later need a module that cannot be fetched on every build
# machine; v2.45.0 has everything the .deb uses.
NFPM_VERSION=v2.45.0
# Where the package puts the demo content the shipped config reads.
DEMO_DIR=/usr/share/lobbykiosk/demo

say() { printf '==> %s\n' "$*" >&2; }
die() { printf 'build-deb.sh: %s\n' "$*" >&2; exit 1; }
# shellcheck source=packaging/fynepatch.sh
. packaging/fynepatch.sh

arch=${1:-}
case "$arch" in
  amd64) triplet=x86_64-linux-gnu; file_says="x86-64" ;;
  arm64) triplet=aarch64-linux-gnu; file_says="ARM aarch64" ;;
  *) sed -n '2,7p' "$0" >&2; exit 2 ;;
esac
outdir=${2:-packaging/dist}
mkdir -p "$outdir"
outdir=$(cd "$outdir" && pwd)

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"

need_pkgs() {
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  ((${#missing[@]})) || return 0
  say "installing Debian packages: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# ---------------------------------------------------------------- toolchain
host_arch=$(dpkg --print-architecture)
libs=(libgl-dev libx11-dev libxcursor-dev libxrandr-dev libxinerama-dev libxi-dev libxxf86vm-dev libxkbcommon-dev)
tools=(pkg-config file dpkg-dev)
if [ "$arch" = "$host_arch" ]; then
  cc=gcc
  need_pkgs gcc "${tools[@]}" "${libs[@]}"
  cross_env=()
else
  cc=$triplet-gcc
  if ! dpkg --print-foreign-architectures | grep -qx "$arch"; then
    say "adding the $arch architecture to dpkg (Debian multiarch) for its libraries"
    $sudo dpkg --add-architecture "$arch"
  fi
  # libc6-dev:ARCH: the cross gcc only recommends C library headers, and
  # --no-install-recommends would leave it without them.
  need_pkgs "gcc-${triplet//_/-}" "${tools[@]}" "libc6-dev:$arch" "${libs[@]/%/:$arch}"
  # pkg-config must find the target's .pc files, never the host's.
  cross_env=(PKG_CONFIG_LIBDIR="/usr/lib/$triplet/pkgconfig:/usr/share/pkgconfig")
fi

if ! command -v go >/dev/null 2>&1 && [ -x /usr/local/go/bin/go ]; then
  export PATH="/usr/local/go/bin:$PATH"
fi
command -v go >/dev/null 2>&1 || die "Go is missing: install Go 1.26 or newer (https://go.dev/doc/install)"
export GOTOOLCHAIN="${GOTOOLCHAIN:-auto}"

# ---------------------------------------------------------------- version
# A tag v1.2.3 gives 1.2.3, three commits later 1.2.3+3.gabc1234 (sorts after
# 1.2.3); without a tag the commit id alone is no version: 0.1.0+gabc1234.
if [ -z "${VERSION:-}" ]; then
  if d=$(git describe --tags --always 2>/dev/null) && [ -n "$d" ]; then
    if [[ $d =~ ^v?[0-9]+(\.[0-9]+)+ ]]; then
      VERSION=$(printf '%s' "${d#v}" | sed -E 's/-([0-9]+)-(g[0-9a-f]+)$/+\1.\2/')
    else
      VERSION="0.1.0+g$d"
    fi
  else
    VERSION=0.1.0
  fi
fi
dpkg --validate-version "$VERSION" 2>/dev/null || die "VERSION $VERSION is not a Debian version (digits first: 1.2.3)"

stage=$(mktemp -d "${TMPDIR:-/tmp}/lobbykiosk-deb-XXXXXX")
trap 'rm -rf "$stage"' EXIT

# ---------------------------------------------------------------- binary
use_fyne_patch || die "Fyne patch: see the message above"
say "building lobbykiosk $VERSION for $arch (with cgo; a first build compiles Fyne's GL driver: minutes)"
env "${cross_env[@]}" CGO_ENABLED=1 GOOS=linux GOARCH="$arch" CC="$cc" \
  go build -trimpath -ldflags "-s -w -X main.version=$VERSION" -o "$stage/lobbykiosk" ./cmd/lobbykiosk
file -b "$stage/lobbykiosk" | grep -q "$file_says" || die "the binary is not $arch: $(file -b "$stage/lobbykiosk")"

# Depends in nfpm.yaml must cover every library the binary links:
# dpkg-shlibdeps reads the binary's NEEDED entries and maps them to packages.
mkdir -p "$stage/shlibs/debian"
printf 'Source: lobbykiosk\n\nPackage: lobbykiosk\nArchitecture: any\n' >"$stage/shlibs/debian/control"
shlibs=$(cd "$stage/shlibs" && DEB_HOST_ARCH=$arch dpkg-shlibdeps -O -e ../lobbykiosk 2>/dev/null) ||
  die "dpkg-shlibdeps could not read the binary's libraries"
declared=$(sed -n '/^depends:/,/^[a-z]/s/^  - \([a-z0-9.+-]*\).*/\1/p' packaging/nfpm.yaml)
missing=()
for p in $(printf '%s' "${shlibs#shlibs:Depends=}" | tr ',' '\n' | sed -E 's/^ *([a-z0-9.+-]+).*/\1/'); do
  grep -qx "$p" <<<"$declared" || missing+=("$p")
done
# GLFW loads its X extension libraries (Wayland ones in a -tags wayland
# build) with dlopen: their names are strings in the binary.
dlopened=$(strings "$stage/lobbykiosk" | grep -E '^lib(Xcursor|Xi|Xinerama|Xrandr|Xxf86vm|xkbcommon|wayland-client|wayland-cursor|wayland-egl)\.so\.[0-9]+$' | sort -u)
for so in $dlopened; do
  p=$(dpkg -S "/usr/lib/$triplet/$so" 2>/dev/null | head -n1 | cut -d: -f1) || true
  [ -n "$p" ] || die "no installed package holds /usr/lib/$triplet/$so, which the binary loads"
  grep -qx "$p" <<<"$declared" || missing+=("$p")
done
((${#missing[@]} == 0)) || die "the binary needs ${missing[*]}, missing from depends: in packaging/nfpm.yaml (dpkg-shlibdeps: ${shlibs#shlibs:Depends=}; dlopen: ${dlopened//$'\n'/ })"
say "binary links: ${shlibs#shlibs:Depends=}; loads: ${dlopened//$'\n'/ }"

# ---------------------------------------------------------------- content
# The demo content goes in as it is: its feeds name pictures and avatars by
# paths relative to the file naming them, so it works wherever it lies.
# Its kiosk.toml is the `lobbykiosk demo` command's own config, not the
# package's (that is the example config, below).
cp -R assets/demo "$stage/demo"
rm -f "$stage/demo/kiosk.toml"
find "$stage/demo" -type d -exec chmod 0755 {} + && find "$stage/demo" -type f -exec chmod 0644 {} +

# /etc/lobbykiosk/kiosk.toml: the example config, reading the installed demo.
sed -e "s#\"\.\./assets/demo/#\"$DEMO_DIR/#g" \
  -e "s#^\# As shipped, the sources read the demo content next to this file, so#\# As installed, the sources read the demo content in $DEMO_DIR:#" \
  -e "s#^\# \`lobbykiosk content --config packaging/kiosk.example.toml\` works from a checkout.#\# replace them with your feeds, then: sudo lobbykiosk check \&\& sudo systemctl restart lobbykiosk#" \
  packaging/kiosk.example.toml >"$stage/kiosk.toml"
# Relative paths are resolved against /etc/lobbykiosk: every path the packaged
# config sets must be absolute.
if grep -nE '^[^#]*"\.\./|^[[:space:]]*(path|state_dir|logo|font)[[:space:]]*=[[:space:]]*["'"'"'][^/]' "$stage/kiosk.toml" >&2; then
  die "the packaged config above still has a relative path"
fi

grep -qx 'ExecStart=/usr/bin/lobbykiosk run --config /etc/lobbykiosk/kiosk.toml' packaging/lobbykiosk.service ||
  die "packaging/lobbykiosk.service does not run /usr/bin/lobbykiosk: regenerate it (see cmd/lobbykiosk/service_test.go)"
[ -f assets/brand/icon.png ] || die "assets/brand/icon.png is missing"
cp packaging/nfpm.yaml packaging/lobbykiosk.service packaging/lobbykiosk-hub.service packaging/hub.example.toml \
  packaging/lobbykiosk.desktop packaging/README.md \
  packaging/postinst packaging/prerm packaging/postrm "$stage/"
cp assets/brand/icon.png "$stage/icon.png"

# ---------------------------------------------------------------- package
say "installing nfpm $NFPM_VERSION into a temporary GOBIN"
GOBIN="$stage/bin" go install "github.com/goreleaser/nfpm/v2/cmd/nfpm@$NFPM_VERSION"
deb="$outdir/lobbykiosk_${VERSION}_${arch}.deb"
(cd "$stage" && ARCH=$arch VERSION=$VERSION bin/nfpm package --config nfpm.yaml --packager deb --target "$deb" >&2)
say "wrote $deb ($(du -h "$deb" | cut -f1))"
echo "$deb"
