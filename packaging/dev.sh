#!/usr/bin/env bash
# dev.sh: the two commands of the README, and what they need.
#   packaging/dev.sh demo [--windowed]   build and run the demo (embedded content, no config, no network)
#   packaging/dev.sh test                run every test (unit, golden images, end to end under Xvfb, the .deb)
#   packaging/dev.sh deps [build|test]   only install what is missing
# Debian/Ubuntu packages are installed when missing (with sudo when not root).
set -euo pipefail
cd "$(dirname "$0")/.."

# Build needs: a C compiler and the X11/GL headers Fyne's desktop driver links against.
BUILD_PKGS=(gcc pkg-config libgl1-mesa-dev libxcursor-dev libxrandr-dev libxinerama-dev libxi-dev
  libxxf86vm-dev libxkbcommon-dev)
# Test needs: a real X server and screenshots, a real browser for the admin page,
# systemd-analyze for the unit file, dpkg-deb for the package (test-deb.sh
# installs the rest of what it needs itself).
TEST_PKGS=(xvfb x11-utils xauth imagemagick chromium systemd dpkg-dev fonts-dejavu-core fonts-noto-core fonts-noto-cjk)

say() { printf '==> %s\n' "$*" >&2; }
# shellcheck source=packaging/fynepatch.sh
. packaging/fynepatch.sh

need_pkgs() {
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  ((${#missing[@]})) || return 0
  say "installing Debian packages: ${missing[*]}"
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

need_go() {
  if ! command -v go >/dev/null 2>&1; then
    [ -x /usr/local/go/bin/go ] && export PATH="/usr/local/go/bin:$PATH"
  fi
  if ! command -v go >/dev/null 2>&1; then
    say "Go is missing: install Go 1.26 or newer (https://go.dev/doc/install) and run this again"
    exit 1
  fi
  # go.mod names the toolchain it needs; an older Go fetches it as a module.
  export GOTOOLCHAIN="${GOTOOLCHAIN:-auto}"
  go mod download
}

deps() {
  case "${1:-all}" in
    build) need_pkgs "${BUILD_PKGS[@]}" ;;
    test) need_pkgs "${BUILD_PKGS[@]}" "${TEST_PKGS[@]}" ;;
    *) need_pkgs "${BUILD_PKGS[@]}" "${TEST_PKGS[@]}" ;;
  esac
  need_go
}

demo() {
  deps build
  mkdir -p packaging/dist
  use_fyne_patch
  say "building lobbykiosk (the first build compiles Fyne's GL driver: about 3 minutes)"
  go build -o packaging/dist/lobbykiosk ./cmd/lobbykiosk
  if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
    say "no display: set DISPLAY (or run under Xvfb: xvfb-run -s '-screen 0 1920x1080x24' $0 demo)"
    exit 1
  fi
  exec packaging/dist/lobbykiosk demo "$@"
}

test_all() {
  deps test
  # Everything below, the end-to-end tests' builds of the binary and the
  # .deb included, is built with Fyne patched as the shipped binary is.
  use_fyne_patch
  say "gofmt"
  # The checkout's Go files, new ones not yet added included (outside git: all of them).
  local gofiles=() f bad
  while IFS= read -r f; do
    if [ -f "$f" ]; then gofiles+=("$f"); fi
  done < <(git ls-files --cached --others --exclude-standard -- '*.go' 2>/dev/null || find . -name '*.go' -not -path './.git/*')
  bad=$(gofmt -l "${gofiles[@]}")
  if [ -n "$bad" ]; then printf 'gofmt wants to change:\n%s\n' "$bad"; exit 1; fi
  say "go vet"
  go vet ./...
  say "go test (unit, golden images, fuzz seeds, end to end under Xvfb)"
  # LOBBYKIOSK_E2E=1 makes end-to-end tests fail instead of skip when Xvfb or chromium is missing.
  LOBBYKIOSK_E2E=1 go test -count=1 -timeout 20m ./...
  say "headless build without cgo (-tags ci)"
  CGO_ENABLED=0 go build -tags ci -o /dev/null ./cmd/lobbykiosk
  say "package: build the amd64 .deb, check it, install, purge"
  # It installs and purges the package on this machine; its last line says
  # "N passed, M failed", and it exits non-zero when anything failed.
  if ! bash packaging/test-deb.sh; then
    say "package: test-deb.sh failed (see the FAIL lines above)"
    exit 1
  fi
}

case "${1:-}" in
  demo) shift; demo "$@" ;;
  test) test_all ;;
  deps) shift; deps "${1:-all}" ;;
  *) sed -n '2,7p' "$0"; exit 2 ;;
esac
