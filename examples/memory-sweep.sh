#!/usr/bin/env bash
# The guide's Workflow 2 (multi-configuration testing), for this tool: one
# 'profiler benchmark' command runs every memory size (a sweep), each cold start
# in a cgroup with Lambda's memory limit and CPU share for that size; then a
# summary of the results files with jq, and one lambda-perf file for all sizes.
#
#   examples/memory-sweep.sh
#   BOOTSTRAP=build/bootstrap MEMORY_SIZES=128,512,1769 N=20 examples/memory-sweep.sh
#
# Environment (all optional):
#   PROFILER      the profiler (default: profiler on PATH, else this tree's .output/profiler)
#   BOOTSTRAP     the bootstrap executable (default: ./bootstrap)
#   MEMORY_SIZES  comma-separated sizes in MB, 128..10240 (default: 128,256,512,1024)
#   N             cold starts per size (default: 10)
#   OUT_DIR       where the files go (default: .)
#   RUNTIME       runtime name in the results (default: the bootstrap's folder name)
#   BENCH_ARGS    more 'benchmark' options, e.g. "--cold-cache"
#
# 'profiler benchmark' needs root (BPF): when this script is not run as root it
# calls it through sudo, and the bootstrap then runs as you.
#
# Writes $OUT_DIR/results-<MB>mb.json for each size and $OUT_DIR/lambda-perf-sweep.json.
# Exit status: 0 every cold start succeeded; 1 some failed (a bootstrap that needs
# more than the smallest size fails there as out_of_memory; the summary shows it);
# 2 bad input; 3 tracing unavailable.
set -euo pipefail

TOP=$(cd "$(dirname "$0")/.." && pwd)
PROFILER=${PROFILER:-$(command -v profiler || echo "$TOP/.output/profiler")}
BOOTSTRAP=${BOOTSTRAP:-./bootstrap}
MEMORY_SIZES=${MEMORY_SIZES:-128,256,512,1024}
N=${N:-10}
OUT_DIR=${OUT_DIR:-.}
read -r -a extra <<< "${BENCH_ARGS:-}"
[ -z "${RUNTIME:-}" ] || extra+=(--runtime "$RUNTIME")
SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo
mkdir -p "$OUT_DIR"

echo "== Benchmark: $N cold starts at each of ${MEMORY_SIZES} MB"
rc=0
# {mem} in -o is replaced by each size; the profiler prints its own table at the end
$SUDO "$PROFILER" benchmark -b "$BOOTSTRAP" -n "$N" -m "$MEMORY_SIZES" \
	-o "$OUT_DIR/results-{mem}mb.json" "${extra[@]}" || rc=$?
[ $rc -le 1 ] || exit $rc

echo
echo "== Results summary"
with_data=()
IFS=, read -r -a sizes <<< "$MEMORY_SIZES"
for mem in "${sizes[@]}"; do
	f="$OUT_DIR/results-${mem}mb.json"
	echo "  ${mem}MB:"
	jq -r 'if .stats.n > 0 then
		"    Avg: \(.stats.avg_ms)ms, P99: \(.stats.p99_ms)ms, init: \(.stats.init.avg_ms)ms, " +
		"peak RSS: \([.measurements[].memory_kb] | max) KB, " +
		"CPU: \(.limits.vcpus // "not limited") vCPU, " +
		"cold starts: \(.invocations.succeeded)/\(.invocations.requested)"
	else
		"    no successful cold start: " +
		([.failures[] | .outcome] | unique | join(", "))
	end' "$f"
	if [ "$(jq '.stats.n' "$f")" -gt 0 ]; then
		with_data+=(-i "$f")
	fi
done

if [ ${#with_data[@]} -gt 0 ]; then
	echo
	echo "== lambda-perf report"
	"$PROFILER" report "${with_data[@]}" -o "$OUT_DIR/lambda-perf-sweep.json"
fi
exit $rc
