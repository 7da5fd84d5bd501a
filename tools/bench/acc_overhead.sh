#!/usr/bin/env bash
# Accuracy and default-mode overhead of builds compared (root), in interleaved rounds:
# §1 and §2 (a)/(b) of BENCHMARKS.md, for what a change to the tracer does to them.
#
#   bash tools/bench/acc_overhead.sh [-r ROUNDS] [LABEL=OUTPUT_DIR ...]
#
# Per round and build (the builds' order reversed every other round):
#   - accuracy: `nice -n -10 profiler benchmark -b clockcheck -n 25 -m 10240`; each cold
#     start's init, handler and total against the probe's own clock readings, as §1;
#   - overhead: `profiler benchmark -b sample -n 10` and the same with --no-bpf, then
#     syscall_heavy-2000 -n 3 both ways, at the default -m 128, as §2 (a) and (b).
# Prints, per build: the p99 of the absolute errors (µs) of init, handler and total with
# their median signed error, over every cold start of every round; and the overhead: p50
# total traced / p50 total untraced − 1 over all rounds, with the range of per-round
# ratios. ACC_SKIP=1: the overhead runs only. Raw results stay in $ACC_DATA (default
# /tmp/profiler-acc.XXXXXX).
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
ROUNDS=4
if [ "${1:-}" = -r ]; then ROUNDS=$2; shift 2; fi
[ $# -gt 0 ] || set -- "this=$TOP/.output"
[ "$(id -u)" -eq 0 ] || { echo "acc_overhead.sh: needs root (BPF)" >&2; exit 1; }
DATA=${ACC_DATA:-$(mktemp -d /tmp/profiler-acc.XXXXXX)}
mkdir -p "$DATA"
D=$(mktemp -d /tmp/profiler-acc-bs.XXXXXX)
chmod 755 "$D"
trap 'rm -rf "$D"' EXIT
labels=()
for spec in "$@"; do
	label=${spec%%=*} out=${spec#*=}
	for f in profiler bootstraps/clockcheck sample/bootstrap bench/syscall_heavy; do
		[ -x "$out/$f" ] || { echo "acc_overhead.sh: missing $out/$f: run 'make bench-build' there" >&2; exit 1; }
	done
	mkdir -p "$D/$label" && chmod 755 "$D/$label"
	cp "$out/bootstraps/clockcheck" "$D/$label/clockcheck"
	cp "$out/sample/bootstrap" "$D/$label/sample"
	cp "$out/bench/syscall_heavy" "$D/$label/syscall_heavy-2000"
	chmod 755 "$D/$label"/*
	labels+=("$label")
	eval "out_$label=\$out"
done

run() {	# run LABEL ID ARGS...
	local label=$1 id=$2 out
	shift 2
	eval "out=\$out_$label"
	"$out/profiler" benchmark -o "$DATA/$label-$id.json" "$@" >/dev/null 2>"$DATA/$label-$id.err"
}
for ((r = 1; r <= ROUNDS; r++)); do
	order=("${labels[@]}")
	if [ $((r % 2)) = 0 ]; then
		order=()
		for ((i = ${#labels[@]} - 1; i >= 0; i--)); do order+=("${labels[$i]}"); done
	fi
	for label in "${order[@]}"; do
		eval "out=\$out_$label"
		[ "${ACC_SKIP:-0}" = 1 ] ||
			nice -n -10 "$out/profiler" benchmark -o "$DATA/$label-acc-$r.json" -b "$D/$label/clockcheck" \
				-n 25 -m 10240 >/dev/null 2>"$DATA/$label-acc-$r.err"
		run "$label" ov-sample-b-$r -b "$D/$label/sample" -n 10
		run "$label" ov-sample-a-$r -b "$D/$label/sample" -n 10 --no-bpf
		run "$label" ov-heavy-b-$r -b "$D/$label/syscall_heavy-2000" -n 3
		run "$label" ov-heavy-a-$r -b "$D/$label/syscall_heavy-2000" -n 3 --no-bpf
	done
done

# pct P: the P-quantile of numbers on stdin (linear interpolation, as run.sh)
pct() {
	sort -g | awk -v p="$1" '{ v[n++] = $1 } END {
		if (!n) { print "nan"; exit }
		h = (n - 1) * p; lo = int(h)
		printf "%.3f\n", lo + 1 < n ? v[lo] + (h - lo) * (v[lo + 1] - v[lo]) : v[lo]
	}'
}
echo "Accuracy and overhead, $ROUNDS interleaved rounds. Kernel $(uname -r), $(nproc) CPUs."
echo
echo "| build | figure | n | median error (µs) | p99 abs error (µs) |"
echo "|---|---|---|---|---|"
for label in "${labels[@]}"; do
	for r in $(seq "$ROUNDS"); do
		jq -r '.measurements[] | [.root_pid, .spawn_ns, .init_ms, .handler_ms, .total_ms] | @tsv' \
			"$DATA/$label-acc-$r.json" 2>/dev/null
	done | while IFS=$'\t' read -r pid sp init handler total; do
		line=$(tr -d '\0' <"/tmp/clockcheck-$pid.probe" 2>/dev/null | grep -am1 '^CLOCKCHECK')
		rm -f "/tmp/clockcheck-$pid.probe"
		[[ "$line" =~ next_write_begin=([0-9]+).*event_read_end=([0-9]+).*handler_end=([0-9]+)$ ]] || continue
		awk -v sp="$sp" -v i="$init" -v h="$handler" -v t="$total" -v nwb="${BASH_REMATCH[1]}" \
			-v ere="${BASH_REMATCH[2]}" -v he="${BASH_REMATCH[3]}" 'BEGIN {
			printf "init %.3f\nhandler %.3f\ntotal %.3f\n", i * 1000 - (nwb - sp) / 1000,
				h * 1000 - (he - ere) / 1000, t * 1000 - (he - sp) / 1000 }'
	done >"$DATA/$label-acc-errors.txt"
	for fig in init handler total; do
		vals=$(awk -v f=$fig '$1 == f { print $2 }' "$DATA/$label-acc-errors.txt")
		n=$(grep -c . <<<"$vals")
		med=$(pct 0.5 <<<"$vals")
		p99=$(awk '{ print ($1 < 0 ? -$1 : $1) }' <<<"$vals" | pct 0.99)
		echo "| $label | $fig | $n | $med | $p99 |"
	done
done
echo
echo "| build | bootstrap | cold starts traced / untraced | p50 total traced (ms) | p50 untraced (ms) | overhead | per-round range |"
echo "|---|---|---|---|---|---|---|"
tot() { jq -r '.measurements[] | (.emulator_ns.response_received - .spawn_ns) / 1e6' "$@" 2>/dev/null; }
for label in "${labels[@]}"; do
	for bs in sample heavy; do
		b=$(for r in $(seq "$ROUNDS"); do tot "$DATA/$label-ov-$bs-b-$r.json"; done)
		a=$(for r in $(seq "$ROUNDS"); do tot "$DATA/$label-ov-$bs-a-$r.json"; done)
		pb=$(pct 0.5 <<<"$b") pa=$(pct 0.5 <<<"$a")
		range=$(for r in $(seq "$ROUNDS"); do
			x=$(tot "$DATA/$label-ov-$bs-b-$r.json" | pct 0.5) y=$(tot "$DATA/$label-ov-$bs-a-$r.json" | pct 0.5)
			awk -v x="$x" -v y="$y" 'BEGIN { if (y > 0) printf "%.4f\n", (x / y - 1) * 100 }'
		done | sort -g | awk 'NR == 1 { lo = $1 } { hi = $1 } END { printf "%.1f – %.1f %%", lo, hi }')
		name=$([ $bs = sample ] && echo sample || echo syscall_heavy-2000)
		echo "| $label | $name | $(grep -c . <<<"$b") / $(grep -c . <<<"$a") | $pb | $pa |" \
			"$(awk -v x="$pb" -v y="$pa" 'BEGIN { printf "%+.1f %%", (x / y - 1) * 100 }') | $range |"
	done
done
echo
echo "Raw data: $DATA"
