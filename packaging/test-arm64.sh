#!/usr/bin/env bash
# test-arm64.sh: build the arm64 .deb on this (amd64) machine and run the
# binary in it under qemu user emulation. Slow (a cgo cross build, minutes),
# so CI may skip it. Installs what is missing (cross toolchain and arm64
# libraries via build-deb.sh, qemu-user-static). The last line says
# "N passed, M failed"; the exit status is non-zero when anything failed.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
passed=0
failed=0
pass() { passed=$((passed + 1)); printf 'ok    %s\n' "$1"; }
fail() {
  failed=$((failed + 1))
  printf 'FAIL  %s\n' "$1"
  [ -z "${2:-}" ] || printf '%s\n' "$2" | sed 's/^/      /'
}
finish() {
  echo "$passed passed, $failed failed"
  [ "$failed" -eq 0 ]
  exit
}

if ! command -v qemu-aarch64-static >/dev/null; then
  echo "==> installing qemu-user-static"
  if ! { $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends qemu-user-static >/dev/null; }; then
    fail "install qemu-user-static"
    finish
  fi
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/lobbykiosk-test-arm64-XXXXXX")
trap 'rm -rf "$tmp"' EXIT

echo "==> building the arm64 package (cross build with cgo)"
start=$SECONDS
if deb=$(bash packaging/build-deb.sh arm64 "$tmp/dist" 2>"$tmp/build.log" | tail -n1) && [ -f "$deb" ]; then
  pass "build-deb.sh arm64 wrote $(basename "$deb") in $((SECONDS - start)) s"
else
  fail "build-deb.sh arm64" "$(tail -n 30 "$tmp/build.log")"
  finish
fi
grep '^==> binary links' "$tmp/build.log" | sed 's/^==> /      /'

fields=$(dpkg-deb -f "$deb")
if grep -qx 'Architecture: arm64' <<<"$fields"; then pass "Architecture: arm64"; else fail "Architecture: arm64" "$fields"; fi
dpkg-deb -x "$deb" "$tmp/x"
bin=$tmp/x/usr/bin/lobbykiosk
what=$(file -b "$bin")
if grep -q 'ARM aarch64' <<<"$what"; then pass "file says: ${what%%,*}, ARM aarch64"; else fail "file says ARM aarch64" "$what"; fi

# -L: the arm64 loader and libraries, from the multiarch packages build-deb.sh
# installed (/lib/ld-linux-aarch64.so.1 and /usr/lib/aarch64-linux-gnu).
version=$(dpkg-deb -f "$deb" Version)
if out=$(qemu-aarch64-static -L / "$bin" version 2>&1) && [ "$out" = "lobbykiosk $version" ]; then
  pass "qemu-aarch64-static runs it: $out"
else
  fail "qemu-aarch64-static $bin version" "$out"
fi
if out=$(qemu-aarch64-static -L / "$bin" check --config "$tmp/x/etc/lobbykiosk/kiosk.toml" 2>&1); then
  pass "the arm64 binary checks the packaged config"
else
  # The packaged config names /usr/share/lobbykiosk/demo, not this folder:
  # only its syntax and keys are checked here.
  fail "the arm64 binary checks the packaged config" "$out"
fi
finish
