#!/usr/bin/env bash
# The guide's Workflow 1 (local development testing), for this tool: check the
# bootstrap's size, run N cold starts at one memory size, compare the result with
# lambda-perf's published figures and a target, and write a lambda-perf file.
#
#   examples/local-benchmark.sh                            # ./bootstrap, 10 cold starts
#   BOOTSTRAP=build/bootstrap N=20 examples/local-benchmark.sh
#
# Environment (all optional):
#   PROFILER    the profiler (default: profiler on PATH, else this tree's .output/profiler)
#   BOOTSTRAP   the bootstrap executable (default: ./bootstrap)
#   BUILD       a shell command that builds the bootstrap first (default: none)
#   N           cold starts (default: 10, lambda-perf's count)
#   MEMORY      memory size in MB, 128..10240 (default: 128)
#   TARGET      average cold start target in ms, for 'compare --target' (default: 8)
#   OUT_DIR     where the files go (default: .)
#   RUNTIME     runtime name in the results (default: the bootstrap's folder name)
#   BENCH_ARGS  more 'benchmark' options, e.g. "--cold-cache" or "--user NAME"
#
# 'profiler benchmark' needs root (BPF): when this script is not run as root it
# calls it through sudo, and the bootstrap then runs as you.
#
# Writes $OUT_DIR/benchmark-results.json and $OUT_DIR/lambda-perf-report.json.
# Exit status: 0 target met; 1 target not met, or a cold start failed; 2 bad
# input; 3 tracing unavailable (BPF not permitted, no BTF).
set -euo pipefail

TOP=$(cd "$(dirname "$0")/.." && pwd)
PROFILER=${PROFILER:-$(command -v profiler || echo "$TOP/.output/profiler")}
BOOTSTRAP=${BOOTSTRAP:-./bootstrap}
N=${N:-10}
MEMORY=${MEMORY:-128}
TARGET=${TARGET:-8}
OUT_DIR=${OUT_DIR:-.}
read -r -a extra <<< "${BENCH_ARGS:-}"
[ -z "${RUNTIME:-}" ] || extra+=(--runtime "$RUNTIME")
SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo

results=$OUT_DIR/benchmark-results.json
report=$OUT_DIR/lambda-perf-report.json
mkdir -p "$OUT_DIR"

if [ -n "${BUILD:-}" ]; then
	echo "== Building the bootstrap: $BUILD"
	bash -c "$BUILD"
fi

echo "== Size of what a cold start loads"
# exit status 1 only means "over the size target": worth knowing, not a reason to stop
mrc=0
"$PROFILER" memory -b "$BOOTSTRAP" || mrc=$?
[ $mrc -le 1 ] || exit $mrc

echo
echo "== Benchmark: $N cold starts at ${MEMORY} MB"
rc=0
$SUDO "$PROFILER" benchmark -b "$BOOTSTRAP" -n "$N" -m "$MEMORY" -o "$results" "${extra[@]}" || rc=$?
if [ $rc -ne 0 ]; then
	if [ $rc -eq 1 ] && [ -f "$results" ]; then
		echo "Some cold starts failed:" >&2
		jq -r '.failures[] | "  cold start \(.invocation): \(.outcome): \(.reason)"' "$results" >&2
	fi
	exit $rc
fi

echo
echo "== Compared with lambda-perf's figures, target < ${TARGET} ms"
crc=0
"$PROFILER" compare -i "$results" --target "$TARGET" || crc=$?
[ $crc -le 1 ] || exit $crc

echo
echo "== lambda-perf report"
"$PROFILER" report -i "$results" -o "$report"

echo
echo "Files: $results $report"
exit $crc
