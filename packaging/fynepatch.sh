# fynepatch.sh, sourced by dev.sh and build-deb.sh: build with lobbykiosk's
# patch of Fyne (packaging/fynepatch; the README's "Fyne patch" says what it
# changes). use_fyne_patch writes Fyne with the patched files and a go.mod
# that uses it into packaging/dist/fyne, and points every later go command
# at that go.mod through GOFLAGS=-modfile=…, the end-to-end tests' own
# builds included. The repository's go.mod and go.sum stay as they are.
# LOBBYKIOSK_STOCK_FYNE=1 builds with Fyne as it is instead.
use_fyne_patch() {
  if [ -n "${LOBBYKIOSK_STOCK_FYNE:-}" ]; then
    printf '==> %s\n' "LOBBYKIOSK_STOCK_FYNE is set: building with Fyne as it is, without the patch" >&2
    return 0
  fi
  local modfile f flags=()
  # It fails, naming the file, when go.mod's Fyne is not the one the patch
  # was made for: a stale patch is never applied.
  modfile=$(GOFLAGS= go run ./packaging/fynepatch -o packaging/dist/fyne) || return 1
  for f in ${GOFLAGS:-}; do
    [[ $f == -modfile=* ]] || flags+=("$f")
  done
  flags+=("-modfile=$modfile")
  export GOFLAGS="${flags[*]}"
}
