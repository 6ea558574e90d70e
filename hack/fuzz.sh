#!/usr/bin/env bash
# Runs every native Go fuzz target in the module, one at a time, each for
# FUZZTIME (default 60s), and prints a summary table.
#
#   hack/fuzz.sh                 # every target
#   hack/fuzz.sh 'ParseError'    # targets whose name matches the regex
#   FUZZTIME=5m hack/fuzz.sh FuzzDiff
#
# Environment: FUZZTIME (go test -fuzztime, e.g. 30s, 10000x), FUZZ_PARALLEL
# (workers per target; default GOMAXPROCS), FUZZMINIMIZETIME (go test
# -fuzzminimizetime, default 5s: go's 60s default lets the minimising of each
# new corpus entry stall short runs), FUZZ_LOG_DIR (where each target's output
# goes; default a new temporary directory).
#
# A failing input is written by go test to the package's
# testdata/fuzz/<Target>/ directory, where it becomes part of the seed corpus
# that `go test ./...` runs. Exit status: 0 all passed, 1 some target failed,
# 2 no target matched.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

filter="${1:-.}"
fuzztime="${FUZZTIME:-60s}"
minimize="${FUZZMINIMIZETIME:-5s}"
logdir="${FUZZ_LOG_DIR:-$(mktemp -d -t fuzz.XXXXXX)}"
mkdir -p "$logdir"
parallel=()
if [[ -n "${FUZZ_PARALLEL:-}" ]]; then
	parallel=(-parallel="$FUZZ_PARALLEL")
fi

# Packages whose tests declare a fuzz target; go test -list is authoritative
# for the names (build tags, generated files).
mapfile -t dirs < <(grep -rl --include='*_test.go' -E '^func Fuzz[A-Z0-9_]' . |
	grep -v '/vendor/' | xargs -r -n1 dirname | sort -u)

targets=() # "name pkg" pairs
for dir in "${dirs[@]}"; do
	pkg="./${dir#./}"
	while read -r name; do
		if [[ "$name" =~ ^Fuzz ]] && grep -Eq -- "$filter" <<<"$name"; then
			targets+=("$name $pkg")
		fi
	done < <(go test -list '^Fuzz' "$pkg" | grep -E '^Fuzz' || true)
done

if ((${#targets[@]} == 0)); then
	echo "fuzz.sh: no fuzz target matches '$filter'" >&2
	exit 2
fi

echo "fuzz.sh: ${#targets[@]} target(s), ${fuzztime} each, logs in $logdir"
results=()
failed=0
for t in "${targets[@]}"; do
	read -r name pkg <<<"$t"
	log="$logdir/${pkg//\//_}.$name.log"
	echo "=== $name ($pkg)"
	start=$SECONDS
	if go test "$pkg" -run='^$' -fuzz="^${name}\$" -fuzztime="$fuzztime" \
		-fuzzminimizetime="$minimize" "${parallel[@]}" >"$log" 2>&1; then
		result=PASS
	else
		result=FAIL
		failed=1
		grep -E -- '--- FAIL|Failing input|\.go:[0-9]+:|panic:' "$log" | head -20 || true
	fi
	execs="$(grep -Eo 'execs: [0-9]+' "$log" | tail -1 | awk '{print $2}' || true)"
	results+=("$(printf '%-34s %-44s %-5s %8s %6ss' "$name" "$pkg" "$result" "${execs:--}" "$((SECONDS - start))")")
done

echo
printf '%-34s %-44s %-5s %8s %7s\n' TARGET PACKAGE RESULT EXECS TIME
printf '%s\n' "${results[@]}"
exit "$failed"
