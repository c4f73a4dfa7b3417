#!/usr/bin/env bash
# fuzz.sh: run every go test -fuzz target in the repository, one after the
# other, for DURATION each (default 5m), with one worker, so it can share a
# small machine. Targets are found by looking for `func FuzzXxx(` in
# *_test.go files; nothing needs listing here when one is added.
#
#   bash packaging/fuzz.sh [DURATION]      DURATION as for -fuzztime: 60s, 5m, 100000x
#
# One line per target: "FuzzName ./package: ok (N execs)" or what failed.
# FUZZ_MINIMIZE (default 10s) is -fuzzminimizetime: go test also minimizes
# every new interesting input, by default for up to 60s each, and with our
# larger seeds (whole feeds and configs) that left a 60s run fuzzing for a
# few seconds only.
# A failing input is saved by go test under the package's
# testdata/fuzz/FuzzName/, where it becomes a regression seed that every
# `go test` runs (CI runs the seeds that way, without -fuzz). Exits 1 if any
# target failed.
set -euo pipefail

duration=${1:-5m}
minimize=${FUZZ_MINIMIZE:-10s}
cd "$(dirname "$0")/.."

logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT

# "path/to/file_test.go:func FuzzName(" -> "path/to FuzzName", sorted.
mapfile -t targets < <(
	grep -rEo --include='*_test.go' --exclude-dir=testdata --exclude-dir=vendor --exclude-dir=.git \
		'^func Fuzz[A-Za-z0-9_]*\(' . |
		sed -E 's#^\./##; s#/[^/]*:func (Fuzz[A-Za-z0-9_]*)\($# \1#; s#^[^/ ]*:func (Fuzz[A-Za-z0-9_]*)\($#. \1#' |
		sort -u
)
if [ "${#targets[@]}" -eq 0 ]; then
	echo "fuzz.sh: no fuzz targets found" >&2
	exit 1
fi

failed=0
for t in "${targets[@]}"; do
	dir=${t% *}
	name=${t#* }
	pkg=./$dir
	[ "$dir" = . ] && pkg=.
	log=$logs/$name-${dir//\//_}.log
	rc=0
	go test -run '^$' -fuzz "^${name}\$" -fuzztime "$duration" -fuzzminimizetime "$minimize" \
		-parallel 1 "$pkg" >"$log" 2>&1 || rc=$?
	# The last progress line holds the total: "fuzz: elapsed: 5m0s, execs: 1234 (4/sec), ...".
	execs=$(sed -nE 's/^fuzz: elapsed: .*, execs: ([0-9]+) .*/\1/p' "$log" | tail -n 1)
	if [ "$rc" -eq 0 ]; then
		echo "$name $pkg: ok (${execs:-?} execs)"
	elif grep -q '^    context deadline exceeded$' "$log" && ! grep -q 'Failing input written' "$log"; then
		# Go 1.26's fuzzing coordinator can fail a run as -fuzztime ends,
		# without any failing input (golang/go#75804, fixed in Go 1.27).
		echo "$name $pkg: ok (${execs:-?} execs; go test then reported its fuzztime deadline race, golang/go#75804, with no failing input)"
	else
		failed=1
		echo "$name $pkg: FAILED"
		# What failed and where the input was saved; the whole log if neither is said.
		if grep -qE -- '--- FAIL|Failing input written|panic:' "$log"; then
			grep -E -A3 -- '--- FAIL|Failing input written|panic:' "$log" |
				sed "s#written to testdata/#written to $dir/testdata/#; s/^/    /" | head -n 40
		else
			sed 's/^/    /' "$log" | tail -n 20
		fi
	fi
done
exit "$failed"
