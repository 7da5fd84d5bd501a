#!/usr/bin/env bash
# Load test: N cold starts (default 1000) of the sample bootstrap in one run.
# Samples the profiler's own RSS and open descriptors while it runs, then checks
# that no zombie is left and that every invocation is accounted for. Prints a
# Markdown section (for BENCHMARKS.md) on stdout; exit status 1 if a check fails.
#
#   sudo tools/load-test.sh [N]
set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
OUT=${OUTPUT:-$TOP/.output}
N=${1:-1000}
TMP=$(mktemp -d /tmp/profiler-load.XXXXXX)
trap 'rm -rf "$TMP"' EXIT

count_zombies() { ps -eo stat= | grep -c '^Z'; }
zombies_before=$(count_zombies)
"$OUT/profiler" benchmark -b "$OUT/sample/bootstrap" -n "$N" --run-as-root -o "$TMP/r.json" \
	--log-dir "$TMP/logs" >"$TMP/out" 2>"$TMP/err" &
pid=$!
: >"$TMP/samples"
while kill -0 $pid 2>/dev/null; do
	rss=$(awk '/^VmRSS:/ { print $2 }' /proc/$pid/status 2>/dev/null)
	fds=$(ls /proc/$pid/fd 2>/dev/null | wc -l)
	done_n=$(grep -c '^  Invocation ' "$TMP/out" 2>/dev/null)
	[ -n "$rss" ] && echo "$done_n $rss $fds" >>"$TMP/samples"
	sleep 0.5
done
wait $pid
rc=$?
# new zombies on the host since the run started (others' are not ours to count)
zombies=$(( $(count_zombies) - zombies_before ))
[ $zombies -lt 0 ] && zombies=0
acc=$(jq '(.measurements | length) + (.failures | length)' "$TMP/r.json" 2>/dev/null || echo 0)
req=$(jq '.invocations.requested' "$TMP/r.json" 2>/dev/null || echo 0)
# the largest values sampled in the first and in the last 10 % of the run (descriptors
# come and go within one cold start: pipe, log, cgroup files)
read -r e_rss e_fd l_rss l_fd max_rss max_fd < <(awk -v n="$N" '
	{ if ($1 <= n / 10) { if ($2 > er) er = $2; if ($3 > ef) ef = $3 }
	  if ($1 >= n - n / 10) { if ($2 > lr) lr = $2; if ($3 > lf) lf = $3 }
	  if ($2 > mr) mr = $2; if ($3 > mf) mf = $3 }
	END { print er + 0, ef + 0, lr + 0, lf + 0, mr + 0, mf + 0 }' "$TMP/samples")
fail=0
cat <<EOF2
## Load: $N cold starts in one run

Command: \`sudo tools/load-test.sh $N\` (runs \`profiler benchmark -b .output/sample/bootstrap -n $N\`
and samples the profiler's /proc/PID/status VmRSS and /proc/PID/fd every 0.5 s).

| | first 10 % of the run (max) | last 10 % (max) | whole run (max) |
|---|---|---|---|
| profiler RSS (KB) | $e_rss | $l_rss | $max_rss |
| profiler open fds | $e_fd | $l_fd | $max_fd |

- exit status: $rc; invocations requested: $req; accounted for (measurements + failures): $acc
- zombie processes left (new on the host since the run began): $zombies
- samples: $(wc -l <"$TMP/samples")
- the RSS rise is the results held in memory (one record per cold start, about 1.7 KB each, kept
  for the results file); the descriptors are those of one cold start in flight

EOF2
[ "$rc" -eq 0 ] || fail=1
[ "$acc" -eq "$N" ] && [ "$req" -eq "$N" ] || fail=1
[ "$zombies" -eq 0 ] || fail=1
[ "$l_fd" -le "$e_fd" ] || fail=1
# flat: late RSS within 10 % (or 2 MB) of the early one
awk -v e="$e_rss" -v l="$l_rss" 'BEGIN { exit !(l <= e * 1.10 || l - e <= 2048) }' || fail=1
if [ $fail -ne 0 ]; then
	echo "load test: a check failed (see above: flat RSS and fds, no zombie, all accounted for)" >&2
	exit 1
fi
