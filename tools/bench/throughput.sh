#!/usr/bin/env bash
# Event throughput of the tracer (root), builds compared in interleaved rounds:
#
#   bash tools/bench/throughput.sh [-r ROUNDS] [-n N] [-k "1 2 4 8"] [-w W] [LABEL=OUTPUT_DIR ...]
#
# The bootstraps of §4 of BENCHMARKS.md (tools/bench/writes.c): polls-N-tK makes N
# recv(MSG_DONTWAIT) calls on the Runtime API socket from K threads, each one event;
# writes-W posts a W-byte response one byte per write() (each one event with a
# one-byte capture). Rate = N / handler phase (kernel marks). Every run is
# `profiler benchmark -b BOOTSTRAP -n 1 -t 300 -m 10240`; per round, each
# bootstrap runs once per build, in the order given. Prints the median rate with its
# min–max over the rounds, and the events dropped summed over the rounds.
# Raw results stay in $THROUGHPUT_DATA (default /tmp/profiler-throughput.XXXXXX).
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
ROUNDS=5 N=300000 KS="1 2 4 8" W=100000
while [ $# -gt 0 ]; do
	case $1 in
	-r) ROUNDS=$2; shift 2 ;;
	-n) N=$2; shift 2 ;;
	-k) KS=$2; shift 2 ;;
	-w) W=$2; shift 2 ;;
	*) break ;;
	esac
done
[ $# -gt 0 ] || set -- "this=$TOP/.output"
[ "$(id -u)" -eq 0 ] || { echo "throughput.sh: needs root (BPF)" >&2; exit 1; }
DATA=${THROUGHPUT_DATA:-$(mktemp -d /tmp/profiler-throughput.XXXXXX)}
mkdir -p "$DATA"
D=$(mktemp -d /tmp/profiler-throughput-bs.XXXXXX)
chmod 755 "$D"
trap 'rm -rf "$D"' EXIT
labels=()
for spec in "$@"; do
	label=${spec%%=*} out=${spec#*=}
	for f in profiler bench/writes; do
		[ -x "$out/$f" ] || { echo "throughput.sh: missing $out/$f: run 'make bench-build' there" >&2; exit 1; }
	done
	labels+=("$label")
	eval "out_$label=\$out"
done
boots=()
for k in $KS; do boots+=("polls-$N-t$k"); done
[ "$W" -gt 0 ] && boots+=("writes-$W")
for b in "${boots[@]}"; do
	for label in "${labels[@]}"; do
		eval "out=\$out_$label"
		cp "$out/bench/writes" "$D/$b-$label.x" && chmod 755 "$D/$b-$label.x"
		# the bootstrap reads its parameters from its name: a folder per build
		mkdir -p "$D/$label" && chmod 755 "$D/$label" && mv "$D/$b-$label.x" "$D/$label/$b"
	done
done

for ((r = 1; r <= ROUNDS; r++)); do
	for b in "${boots[@]}"; do
		for label in "${labels[@]}"; do
			eval "out=\$out_$label"
			"$out/profiler" benchmark -b "$D/$label/$b" -n 1 -t 300 -m 10240 \
				-o "$DATA/$label-$b-$r.json" >/dev/null 2>"$DATA/$label-$b-$r.err"
		done
	done
done

# rate FILE EVENTS: events per second over the handler phase
rate() {
	jq -r --argjson n "$2" '.measurements[0].handler_ms // empty | $n / (. / 1000)' "$1" 2>/dev/null
}
med() {
	sort -g | awk '{ v[n++] = $1 } END {
		if (!n) { print "n/a"; exit }
		m = n % 2 ? v[(n - 1) / 2] : (v[n / 2 - 1] + v[n / 2]) / 2
		printf "%.2f (%.2f–%.2f)\n", m / 1e6, v[0] / 1e6, v[n - 1] / 1e6
	}'
}
echo "Throughput, $ROUNDS interleaved rounds: M events/s, median (min–max); dropped = summed over the rounds."
echo "Kernel $(uname -r), $(nproc) CPUs."
echo
printf '| bootstrap |'; for l in "${labels[@]}"; do printf ' %s | dropped |' "$l"; done; echo
printf '|---|'; for l in "${labels[@]}"; do printf -- '---|---|'; done; echo
all=()
for b in "${boots[@]}"; do
	n=$N
	case $b in writes-*) n=$W ;; esac
	printf '| %s |' "$b"
	for label in "${labels[@]}"; do
		vals=$(for ((r = 1; r <= ROUNDS; r++)); do rate "$DATA/$label-$b-$r.json" "$n"; done)
		drops=$(for ((r = 1; r <= ROUNDS; r++)); do jq -r '.events_dropped // 0' "$DATA/$label-$b-$r.json" 2>/dev/null; done |
			awk '{ s += $1 } END { print s + 0 }')
		printf ' %s | %s |' "$(med <<<"$vals")" "$drops"
		case $b in polls-*) printf '%s\n' $vals >>"$DATA/all-$label.txt" ;; esac
	done
	echo
done
printf '| all polls runs (1–8 threads) |'
for label in "${labels[@]}"; do printf ' %s | |' "$(med <"$DATA/all-$label.txt")"; done
echo
echo
echo "Raw data: $DATA"
