#!/usr/bin/env bash
# A/B comparison of two builds of one bootstrap: build variant A and variant B of
# the same source, benchmark both on this machine, one after the other, and let
# 'profiler compare -i A -i B' say whether B is significantly slower (Welch's
# t-test on the cold start totals) by more than --max-regression percent.
#
#   examples/ab-compare.sh                         # the sample bootstrap, -O2 (A) vs -O0 (B)
#   SPIN_US_B=2000 examples/ab-compare.sh          # B also burns 2 ms of CPU before main()
#   SOURCE=src/bootstrap.c CFLAGS_A="-O2" CFLAGS_B="-O2 -flto" examples/ab-compare.sh
#
# Environment (all optional):
#   PROFILER        the profiler (default: profiler on PATH, else this tree's .output/profiler)
#   SOURCE          one C file, a complete bootstrap (default: tools/sample-bootstrap/bootstrap.c)
#   CC              the compiler (default: cc)
#   CFLAGS_A        flags of variant A (default: -O2)
#   CFLAGS_B        flags of variant B (default: -O0)
#   SPIN_US_B       when above 0, B gets a constructor that runs a CPU loop (no sleep) for
#                   this many microseconds of CPU time before main(): extra init work
#                   (default: 0)
#   N               cold starts per variant (default: 10)
#   MEMORY          memory size in MB (default: 128)
#   MAX_REGRESSION  how much slower B may be, in percent of A's mean total (default: 5)
#   OUT_DIR         where the files go (default: .)
#   BENCH_ARGS      more 'benchmark' options
#
# The two builds go to a new folder under ${TMPDIR:-/tmp} that every user can read:
# the bootstrap runs unprivileged (as nobody under a root shell, as you under sudo).
# 'profiler benchmark' needs root: when this script is not run as root it calls it
# through sudo.
#
# Writes $OUT_DIR/ab-a.json, $OUT_DIR/ab-b.json and $OUT_DIR/ab-compare.json
# (compare --json). Exit status: compare's: 0 no significant regression; 1 B is
# significantly slower than A by more than MAX_REGRESSION percent; 2 bad input
# (also: a build failed, or a variant had no successful cold start); 3 tracing
# unavailable.
set -euo pipefail

TOP=$(cd "$(dirname "$0")/.." && pwd)
PROFILER=${PROFILER:-$(command -v profiler || echo "$TOP/.output/profiler")}
SOURCE=${SOURCE:-$TOP/tools/sample-bootstrap/bootstrap.c}
CC=${CC:-cc}
CFLAGS_A=${CFLAGS_A:--O2}
CFLAGS_B=${CFLAGS_B:--O0}
SPIN_US_B=${SPIN_US_B:-0}
N=${N:-10}
MEMORY=${MEMORY:-128}
MAX_REGRESSION=${MAX_REGRESSION:-5}
OUT_DIR=${OUT_DIR:-.}
read -r -a extra <<< "${BENCH_ARGS:-}"
SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo
mkdir -p "$OUT_DIR"

case $SPIN_US_B in
'' | *[!0-9]*) echo "SPIN_US_B must be a whole number of microseconds, not '$SPIN_US_B'" >&2; exit 2 ;;
esac
[ -f "$SOURCE" ] || { echo "Source not found: $SOURCE" >&2; exit 2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/ab-compare.XXXXXX")
trap 'rm -rf "$work"' EXIT
chmod 755 "$work"
mkdir -m 755 "$work/A" "$work/B"

# The extra init work of B: CPU time, measured on the thread's own CPU clock.
cat > "$work/spin.c" <<'SPIN'
#include <time.h>

__attribute__((constructor)) static void ab_spin(void)
{
	struct timespec a, b;
	long ns;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &a);
	do {
		clock_gettime(CLOCK_THREAD_CPUTIME_ID, &b);
		ns = (b.tv_sec - a.tv_sec) * 1000000000L + (b.tv_nsec - a.tv_nsec);
	} while (ns < SPIN_US * 1000L);
}
SPIN

read -r -a flags_a <<< "$CFLAGS_A"
read -r -a flags_b <<< "$CFLAGS_B"
spin=()
[ "$SPIN_US_B" -eq 0 ] || spin=("-DSPIN_US=$SPIN_US_B" "$work/spin.c")
label_b="$CFLAGS_B"
[ "$SPIN_US_B" -eq 0 ] || label_b="$CFLAGS_B + ${SPIN_US_B} us CPU loop"

echo "== Building A ($CFLAGS_A) and B ($label_b) from $SOURCE"
"$CC" "${flags_a[@]}" -o "$work/A/bootstrap" "$SOURCE" || exit 2
"$CC" "${flags_b[@]}" -o "$work/B/bootstrap" "$SOURCE" "${spin[@]}" || exit 2
chmod 755 "$work/A/bootstrap" "$work/B/bootstrap"

for v in A B; do
	lc=$(echo "$v" | tr AB ab)
	echo
	echo "== Benchmark $v: $N cold starts at ${MEMORY} MB"
	rc=0
	$SUDO "$PROFILER" benchmark -b "$work/$v/bootstrap" -n "$N" -m "$MEMORY" \
		--runtime "$v" -o "$OUT_DIR/ab-$lc.json" "${extra[@]}" || rc=$?
	# 1: some cold starts failed; compare uses the successful ones, or says there are none
	[ $rc -le 1 ] || exit $rc
done

echo
echo "== A ($CFLAGS_A) vs B ($label_b)"
crc=0
"$PROFILER" compare -i "$OUT_DIR/ab-a.json" -i "$OUT_DIR/ab-b.json" \
	--max-regression "$MAX_REGRESSION" || crc=$?
"$PROFILER" compare -i "$OUT_DIR/ab-a.json" -i "$OUT_DIR/ab-b.json" \
	--max-regression "$MAX_REGRESSION" --json > "$OUT_DIR/ab-compare.json" || true
exit $crc
