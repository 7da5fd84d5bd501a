#!/usr/bin/env bash
# The tracer's start-up, step by step, and the profiler's start-up to the first
# spawn with its peak RSS (root). Builds are compared in interleaved rounds, so a
# change of the machine's load hits each alike:
#
#   bash tools/bench/startup.sh [-r ROUNDS] [LABEL=OUTPUT_DIR ...]
#
# Each LABEL=OUTPUT_DIR is a tree built with `make bench-build` (default: this
# tree's .output, labelled "this"). Per round and build, in this order:
#   - tracer_open        .output/bench/tracer_open: tracer_open's steps (µs) and
#                        the peak RSS it adds (VmHWM after minus before), benchmark mode;
#   - tracer_open -b     the same with --breakdown's programs;
#   - tracer_open -t     the same in trace mode (profiler trace);
#   - benchmark          `profiler benchmark -b sample -n 1` under runstat: start-up =
#                        the first spawn_ns minus runstat's t0 (right before execvp),
#                        and the run's peak RSS (ru_maxrss);
#   - benchmark --no-bpf the same without BPF.
# Prints one table: the median of each figure with its min–max over the rounds.
# Raw lines stay in $STARTUP_DATA (default /tmp/profiler-startup.XXXXXX).
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
ROUNDS=10
if [ "${1:-}" = -r ]; then ROUNDS=$2; shift 2; fi
[ $# -gt 0 ] || set -- "this=$TOP/.output"
[ "$(id -u)" -eq 0 ] || { echo "startup.sh: needs root (BPF)" >&2; exit 1; }
DATA=${STARTUP_DATA:-$(mktemp -d /tmp/profiler-startup.XXXXXX)}
mkdir -p "$DATA"
D=$(mktemp -d /tmp/profiler-startup-bs.XXXXXX)
chmod 755 "$D"
trap 'rm -rf "$D"' EXIT
labels=()
for spec in "$@"; do
	label=${spec%%=*} out=${spec#*=}
	for f in profiler bench/tracer_open bench/runstat sample/bootstrap; do
		[ -x "$out/$f" ] || { echo "startup.sh: missing $out/$f: run 'make bench-build' there" >&2; exit 1; }
	done
	cp "$out/sample/bootstrap" "$D/sample-$label" && chmod 755 "$D/sample-$label"
	labels+=("$label")
	eval "out_$label=\$out"
	: >"$DATA/$label.to" ; : >"$DATA/$label.to-b"; : >"$DATA/$label.to-t"
	: >"$DATA/$label.rs"; : >"$DATA/$label.rs-user"; : >"$DATA/$label.spawn"; : >"$DATA/$label.spawn-user"
done

for ((r = 1; r <= ROUNDS; r++)); do
	for label in "${labels[@]}"; do
		eval "out=\$out_$label"
		"$out/bench/tracer_open" >>"$DATA/$label.to"
		"$out/bench/tracer_open" -b >>"$DATA/$label.to-b"
		"$out/bench/tracer_open" -t >>"$DATA/$label.to-t"
		for m in ebpf user; do
			sfx=; args=()
			[ $m = user ] && sfx=-user args=(--no-bpf)
			rm -f "$DATA/r.json"
			"$out/bench/runstat" "$DATA/$label.rs$sfx" "$out/profiler" benchmark -b "$D/sample-$label" -n 1 \
				-o "$DATA/r.json" "${args[@]}" >/dev/null 2>"$DATA/err"
			jq -r '.measurements[0].spawn_ns // empty' "$DATA/r.json" >>"$DATA/$label.spawn$sfx"
		done
	done
done

# med FILE KEY: "median (min–max)" of KEY=value over the lines of FILE
med() {
	sed -n "s/.*\\b$2=\\([-0-9.]*\\).*/\\1/p" "$1" | sort -g | awk -v d="${3:-1}" '{ v[n++] = $1 }
	END {
		if (!n) { print "n/a"; exit }
		m = n % 2 ? v[(n - 1) / 2] : (v[n / 2 - 1] + v[n / 2]) / 2
		printf "%.*f (%.*f–%.*f)\n", d, m, d, v[0], d, v[n - 1]
	}'
}
# startup LABEL SUFFIX: ms from runstat's t0 to the first spawn
startup() {
	paste -d' ' <(sed -n 's/.*\bt0_ns=\([0-9]*\).*/\1/p' "$DATA/$1.rs$2") "$DATA/$1.spawn$2" |
		awk 'NF == 2 { printf "v=%.3f\n", ($2 - $1) / 1e6 }' >"$DATA/$1.su$2"
	med "$DATA/$1.su$2" v 1
}
kb2mib() { sed -n "s/.*\\b$2=\\([0-9]*\\).*/v=\\1/p" "$1" | awk -F= '{ printf "v=%.2f\n", $2 / 1024 }'; }

echo "Start-up, $ROUNDS interleaved rounds: median (min–max). Kernel $(uname -r), $(nproc) CPUs."
echo
printf '| figure |'; for l in "${labels[@]}"; do printf ' %s |' "$l"; done; echo
printf '|---|'; for l in "${labels[@]}"; do printf -- '---|'; done; echo
row() {
	local name=$1 file=$2 key=$3 digits=${4:-1} l
	printf '| %s |' "$name"
	for l in "${labels[@]}"; do printf ' %s |' "$(med "$DATA/$l.$file" "$key" "$digits")"; done
	echo
}
for k in open_us btf_us load_us prog_us map_us libbpf_us attach_us ring_us total_us; do
	row "tracer_open: $k" to $k 0
done
for l in "${labels[@]}"; do kb2mib "$DATA/$l.to" hwm_kb >"$DATA/$l.to-hwm"; done
row "tracer_open: peak RSS added (MiB)" to-hwm v 2
for k in total_us prog_us libbpf_us; do row "tracer_open -b: $k" to-b $k 0; done
for k in total_us prog_us libbpf_us; do row "tracer_open -t: $k" to-t $k 0; done
printf '| benchmark -n 1: start-up to the first spawn (ms) |'
for l in "${labels[@]}"; do printf ' %s |' "$(startup "$l" "")"; done; echo
printf '| benchmark -n 1 --no-bpf: start-up (ms) |'
for l in "${labels[@]}"; do printf ' %s |' "$(startup "$l" -user)"; done; echo
for l in "${labels[@]}"; do kb2mib "$DATA/$l.rs" maxrss_kb >"$DATA/$l.rss"; kb2mib "$DATA/$l.rs-user" maxrss_kb >"$DATA/$l.rss-user"; done
row "benchmark -n 1: peak RSS (MiB)" rss v 2
row "benchmark -n 1 --no-bpf: peak RSS (MiB)" rss-user v 2
echo
echo "Raw data: $DATA"
