#!/usr/bin/env bash
# make test's runner: every suite runs, whatever an earlier one gave; each is reported
# with its own count, and the exit status is 1 when any suite failed.
#
#   bash tests/run-suites.sh SUITE...     each SUITE is a make target (unit, integration, ...)
#
# Counts come from each suite's own closing lines: "N passed, N failed" (the shell
# suites) or cmocka's "[  PASSED  ] N test(s)." / "[  FAILED  ] N test(s)" (the unit
# binaries). A suite that fails without saying how many of its checks failed (a crash,
# a build error) counts as one failure, so it can never pass unnoticed.
set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
LOGS=${OUTPUT:-$TOP/.output}/test-logs
mkdir -p "$LOGS"
names=() states=() passes=() fails=()
total_pass=0 total_fail=0 any_failed=0

for suite in "$@"; do
	log=$LOGS/$suite.log
	echo "== suite $suite (log: $log)"
	make -C "$TOP" --no-print-directory "$suite" 2>&1 | tee "$log"
	rc=${PIPESTATUS[0]}
	read -r p f < <(awk '
		/^[0-9]+ passed, [0-9]+ failed/ { p += $1; f += $3 }
		/^\[  PASSED  \] [0-9]+ test/ { p += $4 }
		/^\[  FAILED  \] [0-9]+ test/ { f += $4 }
		END { printf "%d %d\n", p, f }' "$log")
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1
	fi
	names+=("$suite") passes+=("$p") fails+=("$f")
	if [ "$rc" -eq 0 ] && [ "$f" -eq 0 ]; then
		states+=("ok")
	else
		states+=("FAIL")
		any_failed=1
	fi
	total_pass=$((total_pass + p))
	total_fail=$((total_fail + f))
done

echo "== summary"
for i in "${!names[@]}"; do
	printf '  %-5s %-14s %5d passed, %d failed\n' "${states[$i]}" "${names[$i]}" "${passes[$i]}" "${fails[$i]}"
done
echo "total: $total_pass passed, $total_fail failed"
exit $any_failed
