#!/usr/bin/env bash
# Integration tests: load the real BPF programs, trace real bootstraps of
# different shapes, and check what the results JSON says. Needs root.
#
#   bash tests/integration/run.sh [FILTER]     run the tests whose name contains FILTER
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
OUT=${OUTPUT:-$TOP/.output}
P=$OUT/profiler
B=$OUT/bootstraps
TB=$TOP/tests/bootstraps
FILTER=${1:-}
TMP=$(mktemp -d /tmp/profiler-it.XXXXXX)
# Bootstraps run as an unprivileged user (nobody, or the sudo caller): give
# them copies in a folder every user can reach, wherever this tree lives.
BD=$(mktemp -d /tmp/profiler-boot.XXXXXX)
trap 'rm -rf "$TMP" "$BD"' EXIT
chmod 755 "$BD"
cp -p "$B"/* "$BD"/ 2>/dev/null
cp -p "$TB"/*.sh "$BD"/
mkdir -p "$BD/sample" && cp -p "$OUT/sample/bootstrap" "$BD/sample/"
rm -f "$BD"/*.d
B=$BD
TB=$BD

pass=0
fail=0
failed_names=()

if [ "$(id -u)" -ne 0 ]; then
	echo "integration tests need root (BPF): run 'sudo make test'" >&2
	echo "0 passed, 1 failed"
	exit 1
fi
for tool in jq curl; do
	command -v $tool >/dev/null || { echo "missing $tool: run 'make deps'" >&2; exit 1; }
done

ok() { pass=$((pass + 1)); echo "  ok    $1"; }
nok() {
	fail=$((fail + 1))
	failed_names+=("$1")
	echo "  FAIL  $1"
	shift
	[ $# -gt 0 ] && printf '        %s\n' "$@"
}
# check NAME CMD...: passes when CMD succeeds
check() {
	local name=$1
	shift
	if "$@"; then ok "$name"; else nok "$name" "command: $*"; fi
}
# jqcheck NAME FILE EXPR: passes when jq -e EXPR is true on FILE
jqcheck() {
	if jq -e "$3" "$2" >/dev/null 2>&1; then
		ok "$1"
	else
		nok "$1" "jq -e '$3' $2" "got: $(jq -c "${4:-.measurements}" "$2" 2>&1 | head -c 600)"
	fi
}
no_process() { ! pgrep -f "$1" >/dev/null; }
selected() { [ -z "$FILTER" ] || [[ "$1" == *"$FILTER"* ]]; }

# bench NAME ARGS...: run profiler benchmark; sets $J (results), $RC, $ERR, $STDOUT
bench() {
	local name=$1
	shift
	J=$TMP/$name.json
	ERR=$TMP/$name.err
	STDOUT=$TMP/$name.out
	timeout 300 "$P" benchmark -o "$J" --log-dir "$TMP/logs-$name" "$@" >"$STDOUT" 2>"$ERR"
	RC=$?
}

# Every successful cold start: all phases present and positive, total = init + wait + handler.
PHASES_OK='(.measurements | length) > 0 and all(.measurements[];
	.init_ms > 0 and .handler_ms > 0 and .total_ms > 0 and .exec_ms > 0 and .wait_ms > 0
	and .connect_ms > 0 and .exec_ms < .init_ms
	and ((.total_ms - (.init_ms + .wait_ms + .handler_ms)) | fabs) < 0.004
	and .kernel_ns.exec_enter < .kernel_ns.exec_done and .kernel_ns.exec_done < .kernel_ns.next_sent
	and .kernel_ns.next_sent < .kernel_ns.event_received
	and .kernel_ns.event_received < .kernel_ns.response_sent)'

# shape_test NAME N DESCRIPTION JQ-EXPR [benchmark args...]: N cold starts of
# .output/bootstraps/NAME, the common checks, then one check of that shape's own.
shape_test() {
	local name=$1 n=$2 desc=$3 expr=$4
	shift 4
	selected "$name" || return 0
	echo "== $name"
	bench "$name" -b "$B/$name" -n "$n" "$@"
	check "$name: exit status 0" test "$RC" -eq 0
	jqcheck "$name: $n measurements, no failure, nothing dropped" "$J" \
		"(.measurements | length) == $n and (.failures | length) == 0 and .events_dropped == 0
		 and .timing_source == \"ebpf\" and .invocations.succeeded == $n"
	jqcheck "$name: phases present, ordered and adding up" "$J" "$PHASES_OK"
	jqcheck "$name: peak RSS and page faults measured" "$J" \
		'all(.measurements[]; .memory_kb > 0 and .page_faults.minor > 0)'
	jqcheck "$name: $desc" "$J" "$expr"
}

# ---------------------------------------------------------------- shapes ---
# (a bootstrap may already have sent its next GET /next when it is killed, so
# requests are counted as "at least")
shape_test keepalive 3 "one connection, next and response on it" \
	'all(.measurements[]; .connections == 1 and .requests >= 2 and .processes == 1)'
shape_test per_request 3 "a connection per request" \
	'all(.measurements[]; .connections >= 2 and .requests >= 2)'
if ip -6 addr show lo 2>/dev/null | grep -q '::1'; then
	shape_test ipv6 2 "traffic to [::1] traced" 'all(.measurements[]; .connections >= 2)'
else
	echo "== ipv6: skipped, no ::1 on lo"
fi
shape_test threaded 3 "threads of the process counted" \
	'all(.measurements[]; .threads >= 5 and .processes == 1)'
shape_test chunked 3 "requests classified across 100-continue and chunks" \
	'all(.measurements[]; .requests >= 2 and .connections == 1)'

if selected curl_script; then
	echo "== curl_script"
	bench curl_script -b "$TB/curl_script.sh" -n 3
	check "curl_script: exit status 0" test "$RC" -eq 0
	jqcheck "curl_script: 3 measurements" "$J" '(.measurements | length) == 3 and (.failures | length) == 0'
	jqcheck "curl_script: phases present, ordered and adding up" "$J" "$PHASES_OK"
	jqcheck "curl_script: child curl processes followed" "$J" \
		'all(.measurements[]; .processes >= 3 and .connections >= 2)'
fi

# ------------------------------------------------------------ breakdown ---
# --breakdown's figures must add up. Tolerances come from rounding only: every
# figure in the JSON is rounded to 1 µs (3 decimals of ms), so a sum of k
# rounded figures may differ from a rounded total by up to (k + 1) × 0.5 µs.
BD_PHASE_NAMES='["exec","dynamic_loading","runtime_init","connect","request_next","wait_event","handler","write_response"]'
# the phases follow one another and sum to total (9 figures: 5 µs)
BD_SUMS='(.measurements | length) > 0 and all(.measurements[]; .breakdown as $b
	| ([$b.phases[].name] == '"$BD_PHASE_NAMES"')
	and (([$b.phases[].duration_ms] | add) - .total_ms | fabs) <= 0.005
	and ($b.window_ms - .total_ms | fabs) <= 0.001
	and ([range(1; 8) as $i | ($b.phases[$i].start_ms - $b.phases[$i-1].start_ms
		- $b.phases[$i-1].duration_ms) | fabs <= 0.002] | all)
	and ($b.phases[0].duration_ms - .exec_ms | fabs) <= 0.001
	and (([$b.phases[0:5][].duration_ms] | add) - .init_ms | fabs) <= 0.004
	and ($b.phases[5].duration_ms - .wait_ms | fabs) <= 0.001
	and (([$b.phases[6:8][].duration_ms] | add) - .handler_ms | fabs) <= 0.002)'
# one thread: in every phase it is on a CPU, waiting for one, or blocked (4 figures: 2 µs)
BD_ONE_THREAD='all(.measurements[]; .breakdown.threads_seen == 1 and all(.breakdown.phases[];
	(.on_cpu_ms + .runnable_ms + .blocked_ms - .duration_ms) | fabs <= 0.002))'
# several threads: their state time is at least the wall time of each phase
BD_THREADS='all(.measurements[]; all(.breakdown.phases[];
	.on_cpu_ms + .runnable_ms + .blocked_ms >= .duration_ms - 0.002))'
# the window's figures are the sums of the phases'
BD_TREE='all(.measurements[]; .breakdown as $b | all(["on_cpu_ms","runnable_ms","blocked_ms","syscall_ms"][];
	. as $k | (([$b.phases[][$k]] | add) - $b.tree[$k] | fabs) <= 0.005)
	and all(["min_flt","maj_flt","read_bytes","syscalls","api_bytes_sent","api_bytes_received",
		"processes_created","threads_created"][];
	. as $k | ([$b.phases[][$k]] | add) == $b.tree[$k]))'
if selected breakdown; then
	echo "== breakdown"
	bench breakdown -b "$B/sample/bootstrap" -n 5 -m 10240 --breakdown
	check "breakdown: exit status 0" test "$RC" -eq 0
	jqcheck "breakdown: 5 measurements, each with a breakdown, nothing dropped" "$J" \
		'(.measurements | length) == 5 and .events_dropped == 0 and all(.measurements[]; .breakdown != null)'
	jqcheck "breakdown: 8 phases in order, summing to total and to init, wait, handler" "$J" "$BD_SUMS"
	jqcheck "breakdown: single thread: on-CPU + runnable + blocked = each phase's duration" "$J" "$BD_ONE_THREAD"
	jqcheck "breakdown: the window's figures are the sums of the phases'" "$J" "$BD_TREE"
	jqcheck "breakdown: the entry point was probed and every dynamic loading phase measured" "$J" \
		'.breakdown.entry_point_probed and (.breakdown.entry_point | test("uprobe on the ELF entry point"))
		 and all(.measurements[]; .breakdown.phases[1].measured and .breakdown.phases[1].duration_ms > 0)'
	# a write's bytes count at its entry, a read's at its return; a moment on a boundary
	# opens the phase after it: the last write of GET /next opens wait_event, the read
	# of the event opens handler
	jqcheck "breakdown: execve counted in exec, the API bytes where they were handed over" "$J" \
		'all(.measurements[]; .bytes_sent as $out | .breakdown as $b
		 | (($b.phases[0].top_syscalls | map(select(.count == 1) | .name) | index("execve")) != null)
		 and ([$b.phases[0:5][].api_bytes_sent] | add) == 0 and $b.phases[5].api_bytes_sent > 0
		 and $b.phases[6].api_bytes_received > 0 and $b.phases[7].api_bytes_sent > 0
		 and ([$b.phases[0:6][].api_bytes_received] | add) == 0 and $b.tree.api_bytes_sent <= $out)'
	jqcheck "breakdown: a dynamic executable maps its libraries while loading" "$J" \
		'all(.measurements[]; (.breakdown.phases[1].top_syscalls | map(.name) | index("mmap")) != null
		 and .breakdown.phases[1].min_flt > 0)'
	jqcheck "breakdown: peak RSS and when it was reached" "$J" \
		'all(.measurements[]; .breakdown.peak_rss_kb > 0 and .breakdown.peak_rss_at_ms >= 0
		 and .breakdown.peak_rss_at_ms <= .total_ms and (.breakdown.peak_rss_phase | type) == "string")'
	jqcheck "breakdown: the median waterfall and the tracing cost, measured" "$J" \
		'.breakdown.cold_starts == 5 and ([.breakdown.median.phases[].name] == '"$BD_PHASE_NAMES"')
		 and .breakdown.tracing_cost.tree_bpf_run_time_ms > 0
		 and .breakdown.tracing_cost.tree_bpf_run_time_ms < ([.measurements[].total_ms] | max)
		 and .breakdown.tracing_cost.pct_of_median_total > 0
		 and all(.measurements[]; .breakdown.bpf_cost.tree_run_time_ms > 0)
		 and .breakdown.tracing_cost.median_breakdown_events > 0
		 and .breakdown.tracing_cost.median_breakdown_events < .breakdown.tracing_cost.median_events'
	check "breakdown: a waterfall per cold start and the median one printed" \
		test "$(grep -c '^  write_response' "$STDOUT")" -eq 6
	check "breakdown: the tracing cost printed" \
		grep -Eq '^Tracing cost of --breakdown \(medians per cold start\): [0-9.]+ ms of BPF program time on the tree' "$STDOUT"
	check "breakdown: the median waterfall titled" grep -q '^Median waterfall over 5 cold starts' "$STDOUT"

	bench breakdown_threads -b "$B/threaded" -n 3 -m 10240 --breakdown
	check "breakdown threaded: exit status 0" test "$RC" -eq 0
	jqcheck "breakdown threaded: phases sum to total" "$J" "$BD_SUMS"
	jqcheck "breakdown threaded: the threads' state time covers every phase" "$J" "$BD_THREADS"
	jqcheck "breakdown threaded: threads created and seen" "$J" \
		'all(.measurements[]; .breakdown.tree.threads_created >= 4 and .breakdown.threads_seen >= 5)'
	jqcheck "breakdown threaded: the window's figures are the sums of the phases'" "$J" "$BD_TREE"

	bench breakdown_script -b "$TB/curl_script.sh" -n 2 --breakdown
	check "breakdown script: exit status 0" test "$RC" -eq 0
	jqcheck "breakdown script: phases sum to total" "$J" "$BD_SUMS"
	jqcheck "breakdown script: curl processes created, the interpreter's entry probed" "$J" \
		'(.breakdown.entry_point | test("interpreter")) and
		 all(.measurements[]; .breakdown.tree.processes_created >= 2 and .breakdown.phases[1].measured)'

	rc=0
	"$P" benchmark -b "$B/sample/bootstrap" -n 1 --breakdown --no-bpf >/dev/null 2>"$TMP/bdnobpf.err" || rc=$?
	check "breakdown: --no-bpf refused (exit 2)" test "$rc" -eq 2
	check "... saying why" grep -q 'breakdown needs the eBPF tracer' "$TMP/bdnobpf.err"
fi

# ------------------------------------------------------------- accuracy ---
if selected clockcheck; then
	echo "== clockcheck (kernel marks against the bootstrap's own CLOCK_MONOTONIC)"
	# Orderings only, which no scheduling delay can break: each kernel mark must fall
	# on the right side of the bootstrap's own clock readings around that system call
	# (the same clock as bpf_ktime_get_ns). How close they are is an accuracy figure:
	# make bench measures it (BENCHMARKS.md), a test does not time it.
	# -m 10240: no CFS throttling in the 20 ms and 30 ms spins
	bench clockcheck -b "$B/clockcheck" -n 5 -m 10240
	check "clockcheck: exit status 0" test "$RC" -eq 0
	jqcheck "clockcheck: init and handler include the spins (20 ms, 30 ms)" "$J" \
		'(.measurements | length) == 5 and all(.measurements[]; .init_ms >= 20 and .handler_ms >= 30)'
	bad=()
	for i in 0 1 2 3 4; do
		pid=$(jq -r ".measurements[$i].root_pid" "$J")
		probe=/tmp/clockcheck-$pid.probe
		line=$(grep -am1 '^CLOCKCHECK' "$probe" 2>/dev/null | tr -d '\0')
		rm -f "$probe"
		if [[ ! "$line" =~ handler_end=[0-9]+$ ]]; then
			bad+=("invocation $((i + 1)): no complete CLOCKCHECK line in $probe")
			continue
		fi
		nwb=$(sed -n 's/.*next_write_begin=\([0-9]*\).*/\1/p' <<<"$line")
		nwe=$(sed -n 's/.*next_write_end=\([0-9]*\).*/\1/p' <<<"$line")
		ere=$(sed -n 's/.*event_read_end=\([0-9]*\).*/\1/p' <<<"$line")
		he=$(sed -n 's/.*handler_end=\([0-9]*\).*/\1/p' <<<"$line")
		# spawner's clock <= execve entry; the bootstrap's clock before its GET /next
		# write <= our entry mark of it <= its clock after the write; our mark of the
		# event read's return <= its clock after the read; its clock before the
		# response write <= our entry mark of that write
		if ! jq -e --argjson nwb "$nwb" --argjson nwe "$nwe" --argjson ere "$ere" --argjson he "$he" \
			".measurements[$i] | .spawn_ns <= .kernel_ns.exec_enter
			 and \$nwb <= .kernel_ns.next_sent and .kernel_ns.next_sent <= \$nwe
			 and .kernel_ns.event_received <= \$ere and \$he <= .kernel_ns.response_sent" \
			"$J" >/dev/null; then
			bad+=("invocation $((i + 1)): $(jq -c ".measurements[$i] | {spawn_ns, kernel_ns}" "$J")" \
				"  bootstrap: next_write_begin=$nwb next_write_end=$nwe event_read_end=$ere handler_end=$he")
		fi
	done
	if [ ${#bad[@]} -eq 0 ]; then ok "clockcheck: every kernel mark lies between the bootstrap's readings around its syscall"
	else nok "clockcheck: every kernel mark lies between the bootstrap's readings around its syscall" "${bad[@]}"; fi
fi

# ---------------------------------------------------------------- memory ---
if selected bigmem; then
	echo "== bigmem (peak RSS)"
	bench bigmem -b "$B/bigmem" -n 2
	check "bigmem: exit status 0" test "$RC" -eq 0
	jqcheck "bigmem: peak RSS covers the 64 MiB touched (and not much more)" "$J" \
		'all(.measurements[]; .memory_kb >= 65536 and .memory_kb < 65536 + 16384)'
	bench keepalive-rss -b "$B/keepalive" -n 2
	jqcheck "keepalive: peak RSS is the bootstrap's own, not the profiler's" "$J" \
		'all(.measurements[]; .memory_kb < 8192)'
fi

# -------------------------------------------------------------- sample ---
if selected sample; then
	echo "== sample bootstrap"
	bench sample -b "$BD/sample/bootstrap" -n 3
	check "sample: exit status 0" test "$RC" -eq 0
	jqcheck "sample: the guide's fields" "$J" \
		'(.runtime | type) == "string" and .memory_mb == 128 and (.arch | type) == "string"
		 and all(.measurements[]; (.init_ms, .handler_ms, .total_ms, .memory_kb, .timestamp) | type == "number")
		 and ([.stats.avg_ms, .stats.p50_ms, .stats.p99_ms, .stats.min_ms, .stats.max_ms, .stats.stddev_ms] | all(type == "number"))
		 and .binary.size_kb > 0 and (.binary.stripped | type) == "boolean" and (.binary.path | type) == "string"' .
	jqcheck "sample: stats agree with the measurements" "$J" \
		'([.measurements[].total_ms] | add / length) as $m | ((.stats.avg_ms - $m) | fabs) < 0.002
		 and .stats.min_ms == ([.measurements[].total_ms] | min) and .stats.max_ms == ([.measurements[].total_ms] | max)' .stats
	check "sample: per-invocation lines printed" grep -q '^  Invocation 3: [0-9.]*ms (init: [0-9.]*ms, handler: [0-9.]*ms)' "$STDOUT"
	check "sample: no results file left half-written" test -z "$(ls "$TMP"/*.tmp.* 2>/dev/null)"
fi

# ------------------------------------------------------------- failures ---
if selected failures; then
	echo "== failing bootstraps"
	bench exit3 -b "$TB/exit3.sh" -n 2
	check "exit3: exit status 1 when a cold start failed" test "$RC" -eq 1
	jqcheck "exit3: failures name the exit code" "$J" \
		'(.measurements | length) == 0 and (.failures | length) == 2 and
		 all(.failures[]; .outcome == "exited" and (.reason | test("exited with code 3")) and .exit.code == 3)' .failures
	bench never_next -b "$TB/never_next.sh" -n 1 --init-timeout 0.5
	check "never_next: exit status 1" test "$RC" -eq 1
	jqcheck "never_next: init timeout reported" "$J" \
		'.failures[0].outcome == "init_timeout" and .failures[0].exit.signal == "SIGKILL"' .failures
	check "never_next: no process left behind" no_process 'sleep 60'
	bench hang_handler -b "$TB/hang_handler.sh" -n 2 -t 0.5
	check "hang_handler: exit status 1" test "$RC" -eq 1
	jqcheck "hang_handler: invocation timeout reported, the run went on" "$J" \
		'(.failures | length) == 2 and all(.failures[]; .outcome == "timeout" and .init_ms > 0)' .failures
	check "hang_handler: no process left behind" no_process 'sleep 61'
fi

# ------------------------------------------------------ faulty bootstraps ---
if selected faulty; then
	echo "== faulty bootstraps (each a failure with its reason; the run goes on)"
	# failure_test NAME DESCRIPTION JQ-EXPR-ON-EACH-FAILURE [benchmark args...]
	# (tests/bootstraps/NAME.sh, or the bootstrap built from NAME.c)
	failure_test() {
		local name=$1 desc=$2 expr=$3 path
		shift 3
		path=$TB/$name.sh
		[ -e "$path" ] || path=$B/$name
		bench "$name" -b "$path" -n 2 "$@"
		check "$name: exit status 1" test "$RC" -eq 1
		jqcheck "$name: $desc" "$J" \
			"(.measurements | length) == 0 and (.failures | length) == 2 and .invocations.requested == 2
			 and all(.failures[]; $expr)" .failures
	}
	failure_test segv "killed by SIGSEGV, named" \
		'.outcome == "exited" and .exit.signal == "SIGSEGV" and (.reason | test("signal 11"))'
	failure_test post_error "function error with its type and message" \
		'.outcome == "function_error" and .error_type == "Function.TestFailure"
		 and (.reason | test("the handler failed on purpose")) and .handler_ms > 0'
	failure_test init_error "init error with its type" \
		'.outcome == "init_error" and .error_type == "Runtime.ConfigError" and (.reason | test("missing configuration"))'
	failure_test malformed "malformed HTTP: the bootstrap gives up, its exit code is kept" \
		'.outcome == "exited" and .exit.code == 4'
	failure_test big_response "10 MB response refused (413) as Lambda does" \
		'.outcome == "function_error" and .error_type == "Function.ResponseSizeTooLarge"'
	failure_test wrong_port "wrong port: exits without calling the API" \
		'.outcome == "exited" and .exit.code == 7 and (.reason | test("never called GET /next"))'
	bench daemon -b "$TB/daemon.sh" -n 2
	check "daemon: exit status 0" test "$RC" -eq 0
	jqcheck "daemon: measured, the daemon counted in the tree" "$J" \
		'(.measurements | length) == 2 and all(.measurements[]; .processes >= 4)'
	check "daemon: the daemon did not outlive the cold start" no_process 'sleep 62'
fi

# ----------------------------------------------------------- cold cache ---
if selected cold_cache; then
	echo "== --cold-cache"
	bench trace-out -b "$B/keepalive" -n 2 --trace-out "$TMP/bench.trace.json"
	jqcheck "benchmark --trace-out: a valid trace with a total slice per cold start" "$TMP/bench.trace.json" \
		'all(.traceEvents[]; (.name | type) == "string" and (.pid | type) == "number")
		 and ([.traceEvents[] | select(.ph == "X" and .cat == "phase" and .name == "total")] | length) == 2' .otherData
	bench warm-cache -b "$B/keepalive" -n 3
	jqcheck "default (warm page cache): no major fault once the files are cached" "$J" \
		'.page_cache == "warm" and all(.measurements[1:][]; .page_faults.major == 0 and .cold_cache == null)' \
		'[.measurements[] | .page_faults]'
	bench cold-cache -b "$B/keepalive" -n 3 --cold-cache
	jqcheck "--cold-cache: every cold start reads from storage (major faults, bytes read)" "$J" \
		'.page_cache == "cold" and all(.measurements[]; .page_faults.major > 0 and .block_read_bytes > 0
		 and .cold_cache.files > 0 and .cold_cache.pages > 0)' \
		'[.measurements[] | {f: .page_faults, b: .block_read_bytes, c: .cold_cache}]'
fi

# ----------------------------------------------------------------- warm ---
if selected warm; then
	echo "== --warm"
	bench warm -b "$BD/sample/bootstrap" -n 2 --warm 5
	check "--warm 5: exit status 0" test "$RC" -eq 0
	jqcheck "--warm 5: 5 warm handler measurements per cold start, with their own stats" "$J" \
		'.warm.per_cold_start == 5 and .warm.handler.n == 10 and (.warm.handler.avg_ms | type) == "number"
		 and all(.measurements[]; (.warm_handler_ms | length) == 5 and all(.warm_handler_ms[]; . > 0))' \
		'{warm, w: [.measurements[].warm_handler_ms]}'
	bench warm-freeze -b "$BD/keepalive" -n 1 --warm 3 --freeze 20
	jqcheck "--warm 3 --freeze 20: the process is frozen and thawed between, still measured" "$J" \
		'.warm.freeze_ms == 20 and (.measurements[0].warm_handler_ms | length) == 3
		 and all(.measurements[0].warm_handler_ms[]; . > 0)' '{warm, w: [.measurements[].warm_handler_ms]}'
fi

# ---------------------------------------------------------------- sweep ---
if selected sweep; then
	echo "== sweep (-m list)"
	mkdir -p "$TMP/sweep" "$TMP/sweep2"
	"$P" benchmark -b "$BD/sample/bootstrap" -n 2 -m 128,256,512 -o "$TMP/sweep/results-{mem}mb.json" \
		--log-dir "$TMP/logs-sweep" >"$TMP/sweep.out" 2>&1
	rc=$?
	check "sweep: exit status 0" test $rc -eq 0
	for m in 128 256 512; do
		jqcheck "sweep: results-${m}mb.json written with its memory size and limit" "$TMP/sweep/results-${m}mb.json" \
			".memory_mb == $m and .limits.memory_mb == $m and (.measurements | length) == 2" '{memory_mb, limits}'
	done
	check "sweep: a summary table with a row per size" \
		bash -c "grep -q '^=== Sweep summary' '$TMP/sweep.out' && [ \$(grep -cE '^(128|256|512)MB ' '$TMP/sweep.out') -eq 3 ]"
	"$P" report -i "$TMP/sweep/results-128mb.json" -i "$TMP/sweep/results-256mb.json" \
		-i "$TMP/sweep/results-512mb.json" -o "$TMP/sweep/lambda-perf.json" >/dev/null 2>&1
	jqcheck "sweep: report turns the files into one lambda-perf file" "$TMP/sweep/lambda-perf.json" \
		'[.runtimeData[].m] == [128, 256, 512]' .
	"$P" benchmark -b "$BD/sample/bootstrap" -n 1 -m 128,256 -o "$TMP/sweep2/r.json" \
		--log-dir "$TMP/logs-sweep2" >/dev/null 2>&1
	check "sweep: -o without {mem} becomes NAME-{mem}mb.json" \
		test -s "$TMP/sweep2/r-128mb.json" -a -s "$TMP/sweep2/r-256mb.json"
fi

# --------------------------------------------------------------- limits ---
if selected limits; then
	echo "== limits (-m: a cgroup per cold start)"
	bench hog-128 -b "$B/hog300" -n 1 -m 128
	check "hog300 at -m 128: exit status 1" test "$RC" -eq 1
	jqcheck "hog300 at -m 128: out of memory, as Lambda reports it" "$J" \
		'.limits_applied == true and .failures[0].outcome == "out_of_memory"
		 and .failures[0].error_type == "Runtime.OutOfMemory" and (.failures[0].reason | test("128 MB"))' .failures
	bench hog-512 -b "$B/hog300" -n 1 -m 512
	check "hog300 at -m 512: exit status 0" test "$RC" -eq 0
	jqcheck "hog300 at -m 512: succeeds, its 300 MiB in the peak RSS" "$J" \
		'(.measurements | length) == 1 and .measurements[0].memory_kb >= 307200 and .limits.memory_mb == 512'
	bench cpu-128 -b "$B/cpuinit" -n 2 -m 128
	slow=$(jq '[.measurements[].init_ms] | add / length' "$J")
	jqcheck "-m 128: 0.072 vCPU applied" "$J" '.limits.vcpus == 0.072 and .limits.cpu_quota_us == 7236'
	bench cpu-1769 -b "$B/cpuinit" -n 2 -m 1769
	fast=$(jq '[.measurements[].init_ms] | add / length' "$J")
	jqcheck "-m 1769: one vCPU applied" "$J" '.limits.vcpus == 1 and .limits.cpu_quota_us == 100000'
	if awk -v s="$slow" -v f="$fast" 'BEGIN { exit !(s > f && f > 0) }'; then
		ok "a CPU-bound init is slower at -m 128 than at -m 1769 (${slow} ms vs ${fast} ms)"
	else
		nok "a CPU-bound init is slower at -m 128 than at -m 1769" "128: $slow ms, 1769: $fast ms"
	fi
	bench whoami-cg -b "$TB/whoami.sh" -n 1 -m 256
	check "the bootstrap runs inside its own cgroup" \
		grep -q "^cgroup: .*/profiler-[0-9]*-1$" "$(jq -r '.measurements[0].log' "$J")"
	# (by name: other runs of the profiler may have cgroups of their own meanwhile)
	cgname=$(sed -n 's|^cgroup: .*/\(profiler-[0-9]*-1\)$|\1|p' "$(jq -r '.measurements[0].log' "$J")" | head -1)
	check "its cgroups are removed afterwards" \
		test -n "$cgname" -a -z "$(find /sys/fs/cgroup -maxdepth 5 -type d -name "$cgname" 2>/dev/null)"
fi

# ------------------------------------------------------- flood, SIGINT ---
if selected flood; then
	echo "== flood (96 MiB of output)"
	bench flood -b "$TB/flood.sh" -n 1 --log-limit 1
	check "flood: exit status 0" test "$RC" -eq 0
	jqcheck "flood: measured, log bounded, the rest counted" "$J" \
		'(.measurements | length) == 1 and .measurements[0].log_bytes >= 100663296
		 and .measurements[0].log_dropped_bytes == .measurements[0].log_bytes - 1048576'
	log=$(jq -r '.measurements[0].log' "$J")
	check "flood: the log file holds 1 MiB" test "$(stat -c %s "$log")" -eq 1048576
fi
if selected many_writes; then
	echo "== many_writes (a million writes on the API socket)"
	bench many_writes -b "$B/many_writes" -n 1 -t 120
	# either every event arrived and the phases stand, or the loss is counted
	# and the cold start is flagged: never a silently wrong figure
	jqcheck "many_writes: all events kept and classified, or the drop counted and flagged" "$J" \
		'(.events_dropped == 0 and (.measurements | length) == 1 and .measurements[0].bytes_sent > 1000000
		  and .measurements[0].requests >= 2 and .measurements[0].handler_ms > 0)
		 or (.events_dropped > 0 and .failures[0].outcome == "trace_incomplete"
		  and (.failures[0].reason | test("dropped")))' '{events_dropped, failures}'
fi
if selected interrupt; then
	echo "== interrupt"
	J=$TMP/interrupt.json
	"$P" benchmark -b "$TB/never_next.sh" -n 5 --init-timeout 30 -o "$J" --log-dir "$TMP/logs-int" \
		>"$TMP/interrupt.out" 2>&1 &
	pid=$!
	# interrupt once the first cold start runs (its 'sleep 60', a child of this profiler),
	# however busy the host
	for _ in $(seq 200); do pgrep -P $pid -f 'sleep 60' >/dev/null && break; sleep 0.05; done
	kill -INT $pid
	wait $pid
	rc=$?
	check "interrupt: exit status 130" test $rc -eq 130
	jqcheck "interrupt: partial results written, marked incomplete" "$J" \
		'.incomplete == true and .invocations.requested == 1 and .failures[0].outcome == "interrupted"' .
	check "interrupt: no process left behind" no_process 'sleep 60'
fi

# ----------------------------------------------------------- privileges ---
if selected privileges && command -v setpriv >/dev/null; then
	echo "== privileges"
	nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all "$@"; }
	nobody "$P" benchmark -b "$B/keepalive" -n 1 --require-bpf >"$TMP/nobody.out" 2>"$TMP/nobody.err"
	rc=$?
	if [ $rc -eq 3 ] && [ "$(wc -l <"$TMP/nobody.err")" -eq 1 ] && grep -q "BPF not permitted" "$TMP/nobody.err"; then
		ok "without privileges and --require-bpf: exit 3 and one line naming what is missing"
	else
		nok "without privileges and --require-bpf: exit 3 and one line naming what is missing" "rc=$rc" "$(head -c 400 "$TMP/nobody.err")"
	fi
	mkdir -p "$BD/out" && chmod 777 "$BD/out"
	nobody "$P" benchmark -b "$B/clockcheck" -n 2 -o "$BD/out/nobody.json" --log-dir "$BD/out/logs" \
		>"$TMP/nobody2.out" 2>"$TMP/nobody2.err"
	rc=$?
	check "without privileges: falls back to userspace timing, exit 0" test $rc -eq 0
	check "... with one warning line" test "$(grep -c 'warning: BPF not permitted' "$TMP/nobody2.err")" -eq 1
	jqcheck "... and says so in the JSON, with what it could measure" "$BD/out/nobody.json" \
		'.timing_source == "userspace" and (.measurements | length) == 2 and
		 all(.measurements[]; .init_ms >= 20 and .handler_ms >= 30 and .total_ms > .init_ms
		     and .exec_ms == null and .wait_ms == null and .memory_kb > 0)'
	rm -f /tmp/clockcheck-*.probe
fi
if selected no_bpf; then
	echo "== --no-bpf"
	bench no_bpf -b "$B/clockcheck" -n 2 --no-bpf
	check "--no-bpf: exit status 0" test "$RC" -eq 0
	jqcheck "--no-bpf: userspace timing, spins included, no kernel marks" "$J" \
		'.timing_source == "userspace" and all(.measurements[]; .init_ms >= 20 and .handler_ms >= 30
		 and .kernel_ns.exec_enter == null and .connect_ms == null)'
	rm -f /tmp/clockcheck-*.probe
fi
if selected privileges; then
	bench whoami -b "$TB/whoami.sh" -n 1
	jqcheck "the bootstrap runs as nobody by default when root started the profiler" "$J" \
		'.run_as.user == "nobody" and .run_as.uid == 65534' .run_as
	check "... and really is nobody" grep -q "^uid=65534 " "$(jq -r '.measurements[0].log' "$J")"
	SUDO_UID=4321 SUDO_GID=4322 bench whoami-sudo -b "$TB/whoami.sh" -n 1
	check "under sudo it runs as the caller" grep -q "^uid=4321 gid=4322" "$(jq -r '.measurements[0].log' "$J")"
	bench whoami-root -b "$TB/whoami.sh" -n 1 --run-as-root
	check "--run-as-root runs it as root" grep -q "^uid=0 " "$(jq -r '.measurements[0].log' "$J")"
	mkdir -p "$TMP/private" && chmod 700 "$TMP/private" && cp -p "$TB/whoami.sh" "$TMP/private/"
	"$P" benchmark -b "$TMP/private/whoami.sh" -n 1 >/dev/null 2>"$TMP/priv.err"
	rc=$?
	if [ $rc -eq 2 ] && grep -q "user nobody cannot execute" "$TMP/priv.err"; then
		ok "a bootstrap the user cannot reach: exit 2 before anything starts"
	else
		nok "a bootstrap the user cannot reach: exit 2 before anything starts" "rc=$rc" "$(cat "$TMP/priv.err")"
	fi
fi

# ------------------------------------- compare, report, memory on real runs ---
if selected commands; then
	echo "== compare, report, memory on real results"
	bench cmd-a -b "$B/keepalive" -n 10
	A=$J
	bench cmd-b -b "$B/cpuinit" -n 10 -m 1769
	Bj=$J
	"$P" compare -i "$A" >"$TMP/cmp1.out" 2>&1
	check "compare: the target is met by a ~1 ms cold start (exit 0)" test $? -eq 0
	check "compare: the indicative-comparison line is printed" grep -q "indicative" "$TMP/cmp1.out"
	check "compare: no hype, facts only" bash -c "! grep -qiE 'world record|🎉' '$TMP/cmp1.out'"
	"$P" compare -i "$A" --target 0.001 >/dev/null 2>&1
	check "compare --target 0.001: not met (exit 1)" test $? -eq 1
	"$P" compare -i "$A" -i "$Bj" --json >"$TMP/ab.json" 2>/dev/null
	check "compare A/B: a much slower B is a significant regression (exit 1)" test $? -eq 1
	jqcheck "compare A/B --json parses" "$TMP/ab.json" 'type == "object"' .
	"$P" compare -i "$A" -i "$A" >/dev/null 2>&1
	check "compare A/A: no regression (exit 0)" test $? -eq 0
	"$P" report -i "$A" -i "$Bj" -o "$TMP/lp.json" >/dev/null 2>&1
	check "report: exit 0" test $? -eq 0
	inits=$(jq -c '[.measurements[].init_ms]' "$A")
	jqcheck "report: lambda-perf format, one entry per input, i = the init durations" "$TMP/lp.json" \
		"(.metadata.generatedAt | type) == \"string\" and (.runtimeData | length) == 2
		 and .runtimeData[0].i == $inits and .runtimeData[0].m == 128 and .runtimeData[0].p == \"zip\"
		 and .runtimeData[1].m == 1769" .
	"$P" compare -i "$A" --baseline "$TMP/lp.json" >/dev/null 2>&1
	check "report's output is read back by compare --baseline" test $? -eq 0
	"$P" memory -b "$OUT/sample/bootstrap" --json >"$TMP/mem.json"
	check "memory: the sample is within 100 KB (exit 0)" test $? -eq 0
	jqcheck "memory --json: size and ELF facts" "$TMP/mem.json" \
		'.size_bytes > 0 and .within_target == true and .elf.type == "dynamic" and .deflated_bytes > 0' .
	"$P" memory -b "$OUT/sample/bootstrap" --target-kb 1 >/dev/null
	check "memory --target-kb 1: over (exit 1)" test $? -eq 1
	"$P" memory -b "$TMP/nope" >/dev/null 2>&1
	check "memory on a missing file: exit 2" test $? -eq 2
	echo '{"measurements": []}' >"$TMP/empty.json"
	"$P" compare -i "$TMP/empty.json" 2>"$TMP/empty.err"
	rc=$?
	check "compare on an empty results file: exit 2, the guide's message" \
		bash -c "[ $rc -eq 2 ] && grep -q 'No measurements found in results file' '$TMP/empty.err'"
fi

# ----------------------------------------------------- output conventions ---
if selected conventions; then
	echo "== output conventions (--json, -q, NO_COLOR)"
	"$P" benchmark -b "$BD/sample/bootstrap" -n 2 --json --log-dir "$TMP/logs-json" >"$TMP/j.out" 2>"$TMP/j.err"
	check "--json: exit 0" test $? -eq 0
	jqcheck "--json: stdout is the results JSON alone" "$TMP/j.out" '(.measurements | length) == 2 and .stats.n == 2' .
	check "--json: the report went to stderr" grep -q '^=== Benchmark Results ===' "$TMP/j.err"
	"$P" benchmark -b "$BD/sample/bootstrap" -n 2 -q --log-dir "$TMP/logs-q" -o "$TMP/q.json" >"$TMP/q.out" 2>"$TMP/q.err"
	check "-q: nothing on stdout or stderr, the results file written" \
		test ! -s "$TMP/q.out" -a ! -s "$TMP/q.err" -a -s "$TMP/q.json"
	for c in "" benchmark compare report memory trace; do
		if "$P" $c --help >"$TMP/help.out" 2>&1 && grep -q '^Examples:' "$TMP/help.out" && grep -q '^Usage: profiler' "$TMP/help.out"; then
			ok "profiler $c --help: usage and examples, exit 0"
		else
			nok "profiler $c --help: usage and examples, exit 0"
		fi
	done
	NO_COLOR=1 "$P" benchmark -b "$BD/sample/bootstrap" -n 1 --log-dir "$TMP/logs-nc" >"$TMP/nc.out" 2>&1
	check "no escape sequence in the output (no colour; NO_COLOR honoured)" \
		bash -c "! grep -q \$'\\033' '$TMP/nc.out'"
fi

# ---------------------------------------------------------------- trace ---
if selected trace; then
	echo "== trace (attach mode, with a Runtime API server of the test's own)"
	python3 "$TOP/tests/integration/rapi_stub.py" "$TMP/stubport" >/dev/null 2>&1 &
	stub=$!
	for _ in $(seq 100); do [ -s "$TMP/stubport" ] && break; sleep 0.05; done
	API=127.0.0.1:$(cat "$TMP/stubport")
	cp -p "$B/keepalive" "$BD/tracee"
	# start_trace NAME ARGS...: profiler trace in the background, once it is attached
	start_trace() {
		local name=$1
		shift
		"$P" trace "$@" -o "$TMP/$name.ndjson" --trace-out "$TMP/$name.trace.json" \
			>"$TMP/$name.out" 2>"$TMP/$name.err" &
		TP=$!
		for _ in $(seq 200); do grep -q '^Tracing cold starts' "$TMP/$name.err" && break; sleep 0.05; done
	}
	# end_trace: wait (bounded) for the tracer to stop by itself, then stop the bootstraps
	end_trace() {
		for _ in $(seq 200); do kill -0 $TP 2>/dev/null || break; sleep 0.05; done
		kill -INT $TP 2>/dev/null
		wait $TP
		TRC=$?
		pkill -f "$BD/tracee" 2>/dev/null
	}
	run_tracee() { AWS_LAMBDA_RUNTIME_API=$API "$BD/tracee" >/dev/null 2>&1 & }
	# ndcheck NAME FILE EXPR: EXPR on the NDJSON records as one array
	ndcheck() {
		if jq -e -s "$3" "$2" >/dev/null 2>&1; then ok "$1"
		else nok "$1" "jq -s '$3' $2" "got: $(head -c 600 "$2" 2>&1)"; fi
	}
	TRACE_OK='all(.[]; .init_ms > 0 and .handler_ms > 0 and .total_ms > .init_ms and .exec_ms > 0
		and .memory_kb > 0 and .connections == 1 and .kernel_ns.exec_enter < .kernel_ns.next_sent)'

	start_trace exe --exe "$BD/tracee" --count 3
	for i in 1 2 3; do run_tracee; sleep 0.2; done
	end_trace
	check "trace --exe: exit status 0" test "$TRC" -eq 0
	ndcheck "trace --exe: 3 NDJSON records with the benchmark's phases" "$TMP/exe.ndjson" \
		"length == 3 and (map(.root_pid) | unique | length) == 3 and $TRACE_OK"
	check "trace --exe: one line per cold start" test "$(grep -c '^  Cold start [0-9]: pid' "$TMP/exe.out")" -eq 3

	start_trace comm --comm tracee --count 4
	for i in 1 2 3 4; do run_tracee; done	# four cold starts at the same time
	end_trace
	ndcheck "trace --comm: four concurrent cold starts kept apart" "$TMP/comm.ndjson" \
		"length == 4 and (map(.root_pid) | unique | length) == 4 and $TRACE_OK"
	jqcheck "trace --trace-out: valid Trace Event Format" "$TMP/comm.trace.json" \
		'(.traceEvents | length) > 0 and all(.traceEvents[]; (.name | type) == "string" and (.ph | type) == "string"
		  and (.pid | type) == "number" and (.tid | type) == "number"
		  and (.ph == "M" or ((.ts | type) == "number" and .ts >= 0)) and (.ph != "X" or .dur >= 0))
		 and ([.traceEvents[] | select(.ph == "X")] | group_by([.pid, .tid]) | all(map(.ts) as $t | $t == ($t | sort)))
		 and ([.traceEvents[] | select(.ph == "X" and .cat == "phase" and .name == "total")] | length) == 4' .otherData

	mkfifo "$TMP/go"
	bash -c "read -r _ <'$TMP/go'; for i in 1 2; do AWS_LAMBDA_RUNTIME_API=$API '$BD/tracee' >/dev/null 2>&1 & done; wait" &
	spawner=$!
	start_trace pid --pid $spawner --count 2
	echo go >"$TMP/go"
	end_trace
	kill $spawner 2>/dev/null
	ndcheck "trace --pid: the processes it starts are traced" "$TMP/pid.ndjson" \
		"length == 2 and $TRACE_OK"

	v2=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)
	if [ -n "$v2" ] && mkdir "$v2/profiler-it-$$" 2>/dev/null; then
		mkfifo "$TMP/go2"
		bash -c "echo \$\$ >'$v2/profiler-it-$$/cgroup.procs'; read -r _ <'$TMP/go2';
			AWS_LAMBDA_RUNTIME_API=$API '$BD/tracee' >/dev/null 2>&1 & wait" &
		spawner=$!
		start_trace cgroup --cgroup "$v2/profiler-it-$$" --count 1
		echo go >"$TMP/go2"
		end_trace
		kill $spawner 2>/dev/null
		ndcheck "trace --cgroup: a process of that cgroup is traced" "$TMP/cgroup.ndjson" \
			"length == 1 and $TRACE_OK"
		sleep 0.2
		rmdir "$v2/profiler-it-$$" 2>/dev/null
	else
		echo "        (no writable cgroup v2 hierarchy: --cgroup not tested)"
	fi

	start_trace api --exe "$BD/tracee" --api "$API" --count 1
	run_tracee
	end_trace
	ndcheck "trace --api HOST:PORT: the given address is followed" "$TMP/api.ndjson" \
		"length == 1 and $TRACE_OK"

	"$P" trace --exe "$BD/tracee" --count 1 --json >"$TMP/tj.out" 2>"$TMP/tj.err" &
	TP=$!
	for _ in $(seq 200); do grep -q '^Tracing cold starts' "$TMP/tj.err" && break; sleep 0.05; done
	run_tracee
	end_trace
	ndcheck "trace --json: the NDJSON record alone on stdout" "$TMP/tj.out" "length == 1 and $TRACE_OK"
	check "trace --json: the lines for people on stderr" grep -q '^  Cold start 1: pid' "$TMP/tj.err"
	start_trace bd --exe "$BD/tracee" --count 2 --breakdown
	run_tracee; sleep 0.2; run_tracee
	end_trace
	check "trace --breakdown: exit status 0" test "$TRC" -eq 0
	ndcheck "trace --breakdown: the records carry breakdowns that sum up" "$TMP/bd.ndjson" \
		"length == 2 and $TRACE_OK and ({measurements: .} | $BD_SUMS)
		 and all(.[]; .breakdown.phases[1].measured and .breakdown.tree.syscalls > 0)"
	check "trace --breakdown: waterfalls, the median one and each cold start's cost printed" \
		test "$(grep -c '^  write_response' "$TMP/bd.out")" -eq 3 -a \
		"$(grep -c '^  tracing cost: [0-9.]* ms of BPF program time' "$TMP/bd.out")" -eq 3
	ndcheck "trace --breakdown: each record's tracing cost measured" "$TMP/bd.ndjson" \
		'all(.[]; .breakdown.bpf_cost.tree_run_time_ms > 0)' 
	start_trace dur --exe "$BD/tracee" --duration 0.5
	end_trace
	check "trace --duration: stops by itself, exit 0" test "$TRC" -eq 0
	"$P" trace --exe "$BD/tracee" --comm x >/dev/null 2>"$TMP/tr.err"
	check "trace with two selectors: exit 2" test $? -eq 2
	kill $stub 2>/dev/null
fi

# ------------------------------------------------------------- valgrind ---
if selected valgrind && command -v valgrind >/dev/null; then
	echo "== valgrind (a full benchmark under memcheck)"
	timeout 600 valgrind --suppressions="$TOP/tests/valgrind.supp" --error-exitcode=99 \
		--leak-check=full --errors-for-leak-kinds=definite,indirect -q \
		"$P" benchmark -b "$B/keepalive" -n 3 -o "$TMP/vg.json" --log-dir "$TMP/logs-vg" \
		>"$TMP/vg.out" 2>"$TMP/vg.err"
	rc=$?
	if [ $rc -eq 0 ] && jq -e '(.measurements | length) == 3' "$TMP/vg.json" >/dev/null; then
		ok "valgrind: no memory error, no leak, 3 cold starts measured"
	else
		nok "valgrind: no memory error, no leak, 3 cold starts measured" "rc=$rc" "$(grep -v WARNING "$TMP/vg.err" | head -20)"
	fi
fi

# ------------------------------------------------------------- log dir ---
# The bootstrap is untrusted and the profiler root: nothing it can do in (or to) the log
# folder may make root write elsewhere.
if selected logdir; then
	echo "== --log-dir (links planted in it, folders others can write)"
	# one_line_refusal NAME WORDS: the last bench refused with exit 2 and one line saying WORDS
	one_line_refusal() {
		if [ "$RC" -eq 2 ] && [ "$(wc -l <"$ERR")" -eq 1 ] && grep -q "$2" "$ERR"; then
			ok "$1: exit 2, one line saying '$2'"
		else
			nok "$1: exit 2, one line saying '$2'" "rc=$RC" "stderr: $(head -c 400 "$ERR")"
		fi
	}
	# a root-only file: the target of every link planted here, reset before each case
	reset_root() { printf 'ROOT-ORIGINAL\n' >"$TMP/rootfile" && chmod 600 "$TMP/rootfile"; }
	reset_root
	echo "$TMP/rootfile" >"$BD/plant_target"
	mkdir -p "$BD/logs-777" && chmod 777 "$BD/logs-777"
	bench logdir-777 -b "$TB/plant_log.sh" -n 2 --log-dir "$BD/logs-777"
	one_line_refusal "a log folder anyone can write" "writable by group or others"
	check "... and the link the bootstrap would plant there never gets root's writes" \
		grep -qx ROOT-ORIGINAL "$TMP/rootfile"
	mkdir -p "$BD/logs-1777" && chmod 1777 "$BD/logs-1777"
	bench logdir-1777 -b "$TB/plant_log.sh" -n 2 --log-dir "$BD/logs-1777"
	one_line_refusal "a sticky folder anyone can write (as /tmp)" "writable by group or others"

	reset_root
	mkdir -m 700 "$TMP/logs-pre" && ln -s "$TMP/rootfile" "$TMP/logs-pre/invocation-1.log"
	bench logdir-pre -b "$B/keepalive" -n 1 --log-dir "$TMP/logs-pre"
	check "a link planted before the run: the run goes on (exit 0)" test "$RC" -eq 0
	check "... the link is removed, not followed: a regular log in its place" \
		test -f "$TMP/logs-pre/invocation-1.log" -a ! -L "$TMP/logs-pre/invocation-1.log"
	check "... root's file untouched" grep -qx ROOT-ORIGINAL "$TMP/rootfile"

	ln -s "$TMP/logs-pre" "$TMP/logs-link"
	bench logdir-link -b "$B/keepalive" -n 1 --log-dir "$TMP/logs-link"
	one_line_refusal "a log folder that is a symbolic link" "symbolic link"
	: >"$TMP/logs-file"
	bench logdir-file -b "$B/keepalive" -n 1 --log-dir "$TMP/logs-file"
	one_line_refusal "a log folder that is a file" "not a directory"
	mkdir -m 700 "$TMP/logs-nobody" && chown 65534:65534 "$TMP/logs-nobody"
	bench logdir-nobody -b "$B/keepalive" -n 1 --log-dir "$TMP/logs-nobody"
	one_line_refusal "a log folder owned by another user" "owned by uid 65534"

	reset_root
	bench logdir-fresh -b "$TB/plant_log.sh" -n 2 --log-dir "$BD/logs-fresh"
	check "a folder the profiler creates: exit 0" test "$RC" -eq 0
	check "... root's own, mode 0700" test "$(stat -c '%u %a' "$BD/logs-fresh")" = "0 700"
	check "... the bootstrap could not plant a link in it" \
		grep -q "could not plant" "$BD/logs-fresh/invocation-1.log"
	check "... root's file untouched" grep -qx ROOT-ORIGINAL "$TMP/rootfile"
	check "... the logs are regular files, root's, mode 0600" \
		test "$(stat -c '%F %u %a' "$BD/logs-fresh/invocation-2.log")" = "regular file 0 600"
	"$P" benchmark -b "$B/keepalive" -n 1 -o "$TMP/deflog.json" >/dev/null 2>&1
	dl=$(jq -r .log_dir "$TMP/deflog.json")
	check "the default log folder: root's own, mode 0700" \
		test -n "$dl" -a "$(stat -c '%u %a' "$dl" 2>/dev/null)" = "0 700"
	[ -n "$dl" ] && rm -rf "$dl"
	bench logdir-sweep -b "$B/keepalive" -n 1 -m 128,256 --log-dir "$BD/logs-logdir-sweep"
	check "a sweep's folder per size: root's own, mode 0700" \
		test "$RC" -eq 0 -a "$(stat -c '%u %a' "$BD/logs-logdir-sweep/128mb" "$BD/logs-logdir-sweep/256mb" | sort -u)" = "0 700"
	mkdir -m 700 "$TMP/logs-logdir-sweepbad" && mkdir "$TMP/logs-logdir-sweepbad/256mb" && chmod 777 "$TMP/logs-logdir-sweepbad/256mb"
	bench logdir-sweepbad -b "$B/keepalive" -n 1 -m 128,256 --log-dir "$TMP/logs-logdir-sweepbad"
	one_line_refusal "a sweep whose folder for one size anyone can write" "writable by group or others"
	check "... refused before the first cold start" test ! -e "$TMP/logs-logdir-sweepbad/128mb/invocation-1.log"
	rm -f "$BD/plant_target"
fi

# ------------------------------------------------------ inherited fds ---
# A descriptor the profiler was started with (or one of its own) in the bootstrap would let
# untrusted code read or write what root opened.
if selected fds; then
	echo "== inherited file descriptors"
	printf 'ROOT-SECRET\n' >"$TMP/secret" && chmod 600 "$TMP/secret"
	: >"$TMP/rw" && chmod 600 "$TMP/rw"
	for mode in ebpf no-bpf; do
		args=()
		[ $mode = no-bpf ] && args=(--no-bpf)
		bench "fds-$mode" -b "$B/fds" -n 2 "${args[@]}" 9<"$TMP/secret" 8>>"$TMP/rw"
		check "fds ($mode): exit 0" test "$RC" -eq 0
		logs=$(jq -r '[.measurements[].log] | join(" ")' "$J")
		check "fds ($mode): each cold start begins with fds 0, 1 and 2 only, stdin /dev/null" \
			test "$(cat $logs | grep -cx -e 'fds: 0 1 2' -e 'fd 0 -> /dev/null')" -eq 4
		check "fds ($mode): root's file open on fd 9 cannot be read" \
			bash -c "[ \$(cat $logs | grep -cx 'fd 9: Bad file descriptor') -eq 2 ] && ! grep -q ROOT-SECRET $logs"
		check "fds ($mode): root's file open on fd 8 cannot be written" \
			bash -c "[ \$(cat $logs | grep -cx 'fd 8: Bad file descriptor') -eq 2 ] && [ ! -s '$TMP/rw' ]"
	done
fi

# ---------------------------------------------------------- run as root ---
# Root is never a default and never implied: --user naming root needs --run-as-root, as
# --run-as-root does, and then the run says the bootstrap runs as root.
if selected run_as_root; then
	echo "== running the bootstrap as root (only when asked, and said)"
	bench user-root -b "$TB/whoami.sh" -n 1 --user root
	if [ "$RC" -eq 2 ] && [ "$(wc -l <"$ERR")" -eq 1 ] && grep -q "add --run-as-root" "$ERR"; then
		ok "--user root alone: refused, exit 2, one line saying --run-as-root is needed"
	else
		nok "--user root alone: refused, exit 2, one line saying --run-as-root is needed" \
			"rc=$RC" "stderr: $(head -c 300 "$ERR")" "log: $(head -c 200 "$TMP/logs-user-root/invocation-1.log" 2>&1)"
	fi
	bench user-root-asked -b "$TB/whoami.sh" -n 1 --user root --run-as-root
	check "--user root --run-as-root: runs as root (exit 0)" \
		bash -c "[ $RC -eq 0 ] && grep -q '^uid=0 ' '$TMP/logs-user-root-asked/invocation-1.log'"
	check "... with a warning that the untrusted bootstrap runs as root" \
		grep -q "^profiler: warning: the bootstrap runs as root" "$ERR"
	bench run-as-root -b "$TB/whoami.sh" -n 1 --run-as-root
	check "--run-as-root: runs as root, with the same warning" \
		bash -c "[ $RC -eq 0 ] && grep -q '^uid=0 ' '$TMP/logs-run-as-root/invocation-1.log' &&
			 grep -q '^profiler: warning: the bootstrap runs as root' '$ERR'"
	bench user-nobody -b "$TB/whoami.sh" -n 1 --user nobody
	check "--user nobody: no warning" bash -c "[ $RC -eq 0 ] && ! grep -q 'runs as root' '$ERR'"
fi

# ------------------------------------------------------------- leftovers ---
# SIGKILL gives the profiler no chance to end the cold start: the bootstrap must die with it
# (PR_SET_PDEATHSIG), and the daemon it forked, left in the cold start's cgroup, must go at
# the next run, which says what it removed.
if selected leftovers; then
	echo "== a SIGKILLed profiler leaves nothing behind"
	cgfind() { find /sys/fs/cgroup -maxdepth 8 -type d -name "$1" 2>/dev/null; }
	running() { pgrep -f "$1" >/dev/null; }
	"$P" benchmark -b "$TB/orphan.sh" -n 1 --init-timeout 120 --log-dir "$TMP/logs-orphan" \
		>"$TMP/orphan.out" 2>&1 &
	pp=$!
	for _ in $(seq 200); do
		pgrep -f 'sleep 7301' >/dev/null && pgrep -f 'sleep 7302' >/dev/null && break
		sleep 0.05
	done
	check "the bootstrap and its daemon run" running 'sleep 730[12]'
	kill -KILL $pp
	wait $pp 2>/dev/null
	for _ in $(seq 100); do pgrep -f 'sleep 7302' >/dev/null || break; sleep 0.05; done
	check "the bootstrap died with the profiler" no_process 'sleep 7302'
	if [ -z "$(cgfind "profiler-$pp-1")" ]; then
		echo "        (no cold-start cgroups on this host: the sweep is not tested)"
	else
		check "its daemon lives on in the cold start's cgroup" running 'sleep 7301'
		bench leftovers-next -b "$B/keepalive" -n 1
		check "the next run: exit 0" test "$RC" -eq 0
		check "... says what it removed" grep -qx \
			"profiler: removed 1 stale cgroup of profiler $pp (no longer running): profiler-$pp-1" "$ERR"
		for _ in $(seq 100); do pgrep -f 'sleep 7301' >/dev/null || break; sleep 0.05; done
		check "... the daemon is gone" no_process 'sleep 7301'
		check "... and so is the cgroup, in every hierarchy" test -z "$(cgfind "profiler-$pp-*")"
	fi
	# what a failed check left behind
	pkill -KILL -f 'sleep 730[12]' 2>/dev/null
	cgfind "profiler-$pp-*" | xargs -r rmdir 2>/dev/null
fi

# ---------------------------------------------------------- unrunnable ---
# A bootstrap execve cannot run is refused before the first cold start with one line saying
# why (exit 2), instead of N cold starts failing with "No such file or directory" or "Exec
# format error"; memory says the same of what no host can run.
if selected unrunnable; then
	echo "== bootstraps that cannot run"
	# refused NAME FILE LINE: benchmark and (MEM=1) memory exit 2 with exactly LINE
	refused() {
		local name=$1 file=$2 line=$3 rc
		bench "unrunnable-$name" -b "$file" -n 3
		if [ "$RC" -eq 2 ] && [ "$(cat "$ERR")" = "$line" ] && [ ! -e "$TMP/logs-unrunnable-$name/invocation-1.log" ]; then
			ok "$name: refused before any cold start, exit 2, one line"
		else
			nok "$name: refused before any cold start, exit 2, one line" "rc=$RC" \
				"wanted: $line" "got:    $(head -c 400 "$ERR")"
		fi
		[ "${MEM:-0}" = 1 ] || return 0
		"$P" memory -b "$file" >"$TMP/unrunnable-mem.out" 2>"$TMP/unrunnable-mem.err"
		rc=$?
		if [ $rc -eq 2 ] && [ "$(cat "$TMP/unrunnable-mem.err")" = "$line" ] && [ ! -s "$TMP/unrunnable-mem.out" ]; then
			ok "$name: memory says the same, exit 2"
		else
			nok "$name: memory says the same, exit 2" "rc=$rc" "got: $(head -c 400 "$TMP/unrunnable-mem.err")"
		fi
	}
	printf '#!/bin/sh\r\necho hi\r\n' >"$BD/crlf.sh"
	printf '#!/usr/bin/env sh\r\necho hi\r\n' >"$BD/crlf-env.sh"
	printf 'echo hi\n' >"$BD/no-hashbang.sh"
	: >"$BD/empty"
	printf '#!/opt/no-such-runtime/bin/node\n' >"$BD/no-interp.sh"
	printf '#!%s\n' "$TMP/interp.sh" >"$BD/private-interp.sh"
	printf '#!/bin/sh\nexec %s\n' "$B/keepalive" >"$TMP/interp.sh"
	chmod 755 "$BD/crlf.sh" "$BD/crlf-env.sh" "$BD/no-hashbang.sh" "$BD/empty" "$BD/no-interp.sh" \
		"$BD/private-interp.sh" "$TMP/interp.sh"
	MEM=1 refused crlf "$BD/crlf.sh" \
		"profiler: $BD/crlf.sh: interpreter '/bin/sh\\r' not found: the script has CRLF line endings"
	MEM=1 refused crlf-env "$BD/crlf-env.sh" \
		"profiler: $BD/crlf-env.sh: its #! line ends in \\r: the script has CRLF line endings (interpreter '/usr/bin/env' would get the argument 'sh\\r')"
	MEM=1 refused no-hashbang "$BD/no-hashbang.sh" \
		"profiler: $BD/no-hashbang.sh: not an ELF executable and no #! line (execve would fail: Exec format error)"
	MEM=1 refused empty "$BD/empty" \
		"profiler: $BD/empty is empty: nothing to execute (no ELF header, no #! line)"
	refused no-interp "$BD/no-interp.sh" \
		"profiler: $BD/no-interp.sh: interpreter '/opt/no-such-runtime/bin/node' not found"
	"$P" memory -b "$BD/no-interp.sh" >"$TMP/unrunnable-mem.out" 2>&1
	check "no-interp: memory still reports on it, the interpreter missing" \
		grep -q '^Missing: 1 (the bootstrap would fail to start)' "$TMP/unrunnable-mem.out"
	refused private-interp "$BD/private-interp.sh" \
		"profiler: user nobody cannot execute $BD/private-interp.sh's interpreter $TMP/interp.sh (Permission denied): make it and its folders accessible, or choose --user NAME"
	# a dynamic executable whose loader this host lacks (linked against another C library)
	loader=$(readelf -l "$B/keepalive" 2>/dev/null | sed -n 's/.*Requesting program interpreter: \(.*\)]/\1/p')
	if [ -n "$loader" ]; then
		other=$(printf '%s' "$loader" | sed 's/.$/X/')
		LOADER="$loader" OTHER="$other" python3 -c '
import os, sys
b = open(sys.argv[1], "rb").read()
l, o = os.environ["LOADER"].encode(), os.environ["OTHER"].encode()
open(sys.argv[2], "wb").write(b.replace(l + b"\0", o + b"\0", 1))' "$B/keepalive" "$BD/no-loader"
		chmod 755 "$BD/no-loader"
		refused no-loader "$BD/no-loader" \
			"profiler: $BD/no-loader: dynamic loader (PT_INTERP) '$other' not found"
	fi
	bench unrunnable-ok -b "$TB/whoami.sh" -n 1
	check "a script that can run still runs (exit 0)" test "$RC" -eq 0
fi

# ------------------------------------------------- the function as deployed ---
# Zips and layers written by mkzip.py; every deployed run must leave nothing on the host.
MKZIP="python3 $TOP/tests/integration/mkzip.py"
leftovers() {
	! ls -d /tmp/profiler-task-* /tmp/profiler-sandbox-* >/dev/null 2>&1 &&
		! grep -q 'profiler-\(task\|sandbox\)-' /proc/self/mountinfo
}
# log_has NAME TEXT: the first cold start's log of the last bench has TEXT
log_has() {
	local log
	log=$(jq -r '(.measurements + .failures)[0].log' "$J" 2>/dev/null)
	if [ -f "$log" ] && grep -qF -- "$2" "$log"; then
		ok "$1"
	else
		nok "$1" "no '$2' in $log" "log: $(head -c 600 "$log" 2>/dev/null)"
	fi
}
# usage_err NAME TEXT ARGS...: benchmark exits 2 with one line on stderr that has TEXT
usage_err() {
	local name=$1 text=$2
	shift 2
	"$P" benchmark "$@" >"$TMP/u.out" 2>"$TMP/u.err"
	local rc=$?
	if [ $rc -eq 2 ] && [ "$(wc -l <"$TMP/u.err")" -eq 1 ] && grep -qF -- "$text" "$TMP/u.err"; then
		ok "$name"
	else
		nok "$name" "rc=$rc (want 2, one line with '$text')" "stderr: $(head -c 400 "$TMP/u.err")"
	fi
}

if selected node_ric; then
	echo "== node_ric: AWS's Node.js runtime interface client, unmodified, --handler"
	setup_out=$(bash "$TOP/tests/clients/setup-node-ric.sh" --task-root "$BD/node-fn" 2>"$TMP/ric.err")
	setup_rc=$?
	if [ $setup_rc -ne 0 ]; then
		# no silent skip: CI has the npm registry; exit 3 says it cannot be reached
		nok "node_ric: aws-lambda-ric installed from npm (setup-node-ric.sh exit $setup_rc)" \
			"$(tail -n 2 "$TMP/ric.err")"
	else
		ok "node_ric: aws-lambda-ric installed from npm"
		# Node starts many threads and JIT-compiles: below a vCPU (1769 MB) the CPU quota,
		# not the runtime, decides its init
		bench node_ric -b "$setup_out/bootstrap" --handler index.handler -n 2 -m 1769
		check "node_ric: exit status 0" test "$RC" -eq 0
		jqcheck "node_ric: 2 cold starts, init and handler measured" "$J" \
			'(.measurements | length) == 2 and (.failures | length) == 0 and .timing_source == "ebpf"
			 and all(.measurements[]; .init_ms > 0 and .handler_ms > 0 and .total_ms > .init_ms)'
		jqcheck "node_ric: the handler recorded, not a default" "$J" \
			'.function.handler == "index.handler" and .function.handler_default == false'
		bench node_ric_default -b "$setup_out/bootstrap" -n 1 -m 1769
		check "node_ric: without --handler: exit status 1" test "$RC" -eq 1
		jqcheck "node_ric: without --handler: Runtime.MalformedHandlerName at init" "$J" \
			'.failures[0].outcome == "init_error" and .failures[0].error_type == "Runtime.MalformedHandlerName"
			 and .function.handler == "handler" and .function.handler_default' .failures
		bench node_ric_sandbox -b "$setup_out/bootstrap" --handler index.handler --sandbox -n 2 -m 1769
		jqcheck "node_ric: in the sandbox as well (its folder is /var/task)" "$J" \
			'(.measurements | length) == 2 and .sandbox.used and all(.measurements[]; .init_ms > 0 and .handler_ms > 0)'
	fi
fi

if selected deployed_zip; then
	echo "== deployed_zip: a shell runtime from function.zip, two layers"
	mkdir -p "$TMP/fn" "$TMP/l1/lib" "$TMP/l2"
	cp "$TB/shell_runtime.sh" "$TMP/fn/bootstrap"
	cp "$TOP/tests/bootstraps/shell_fn/hello.sh" "$TMP/fn/"
	echo "from layer one" >"$TMP/l1/data.txt"
	echo "kept" >"$TMP/l1/lib/only-in-one"
	echo "from layer two" >"$TMP/l2/data.txt"
	$MKZIP "$TMP/function.zip" "$TMP/fn" && $MKZIP "$TMP/l1.zip" "$TMP/l1" && $MKZIP "$TMP/l2.zip" "$TMP/l2"
	bench deployed_zip -b "$TMP/function.zip" --layer "$TMP/l1.zip" --layer "$TMP/l2.zip" \
		--handler hello.handler -n 2
	check "deployed_zip: exit status 0" test "$RC" -eq 0
	jqcheck "deployed_zip: 2 cold starts, every phase traced across the namespace" "$J" \
		"(.measurements | length) == 2 and (.failures | length) == 0 and .events_dropped == 0 and $PHASES_OK"
	log_has "deployed_zip: the handler is \${_HANDLER%%.*}.sh from /var/task" \
		"runtime: handler hello.handler -> /var/task/hello.sh, function handler"
	log_has "deployed_zip: /opt holds the layers, the later one's file winning" \
		"hello: /opt/data.txt says: from layer two"
	jqcheck "deployed_zip: the package, its layers and the sandbox in the results" "$J" \
		'.package.zip == "'"$TMP"'/function.zip" and .package.layers == ["'"$TMP"'/l1.zip","'"$TMP"'/l2.zip"]
		 and .package.bootstrap == "/var/task/bootstrap" and .package.entries == 6
		 and .package.unzipped_bytes > 0 and .package.max_unzipped_bytes == 262144000
		 and .sandbox.used and .sandbox.task_root == "/var/task" and .sandbox.layer_root == "/opt"
		 and .sandbox.ephemeral_storage_mb == 512 and .runtime == "function" and .binary.path == "/var/task/bootstrap"' .package
	check "deployed_zip: nothing left on the host (folders, mounts)" leftovers
	bench deployed_zip_nohandler -b "$TMP/function.zip" --layer "$TMP/l1.zip" --handler nope.handler -n 1
	jqcheck "deployed_zip: a handler with no script is the runtime's init error" "$J" \
		'.failures[0].outcome == "init_error" and .failures[0].error_type == "Runtime.HandlerNotFound"' .failures
	bench deployed_zip_host -b "$TMP/function.zip" --handler hello.handler --no-sandbox -n 1
	jqcheck "deployed_zip: --no-sandbox runs it from its unpacked folder on the host" "$J" \
		'(.measurements | length) == 1 and .sandbox.used == false and .package.zip != null'
	log_has "deployed_zip: ... where /opt is the host's" "hello: /opt/data.txt says: cat: /opt/data.txt"
	check "deployed_zip: nothing left after --no-sandbox either" leftovers

	# --breakdown: the entry-point uprobe is attached by inode, so it fires for /var/task/bootstrap
	mkdir -p "$TMP/fn-elf"
	cp "$B/sample/bootstrap" "$TMP/fn-elf/bootstrap"
	$MKZIP "$TMP/elf.zip" "$TMP/fn-elf"
	bench deployed_breakdown -b "$TMP/elf.zip" -n 2 --breakdown -m 1024
	jqcheck "deployed_zip: --breakdown's entry point probed in the sandbox, dynamic loading measured" "$J" \
		'(.measurements | length) == 2 and .sandbox.used and .breakdown.entry_point_probed
		 and all(.measurements[]; .breakdown.phases[1].name == "dynamic_loading"
			 and .breakdown.phases[1].measured and .breakdown.phases[1].duration_ms > 0)'

	echo "== deployed_zip: packages refused (exit 2, one line)"
	$MKZIP "$TMP/trav.zip" "$TMP/fn" --file "../escaped=gotcha"
	usage_err "deployed_zip: a '../' name" "entry '../escaped' has a '..' component" -b "$TMP/trav.zip"
	$MKZIP "$TMP/abs.zip" "$TMP/fn" --file "/tmp/profiler-escaped=gotcha"
	usage_err "deployed_zip: an absolute name" "entry '/tmp/profiler-escaped' has an absolute name" -b "$TMP/abs.zip"
	check "deployed_zip: ... nothing written outside" test ! -e /tmp/profiler-escaped
	$MKZIP "$TMP/linkout.zip" "$TMP/fn" --link "etc=/etc"
	usage_err "deployed_zip: a link out of the package" "points to the absolute path '/etc'" -b "$TMP/linkout.zip"
	$MKZIP "$TMP/through.zip" "$TMP/fn" --link "up=.." --file "up/x=1"
	usage_err "deployed_zip: a link up and a path through it" "symbolic link 'up' points to '..'" -b "$TMP/through.zip"
	$MKZIP "$TMP/nobs.zip" --file "index.js=x"
	usage_err "deployed_zip: no bootstrap" "has no bootstrap at its root" -b "$TMP/nobs.zip"
	usage_err "deployed_zip: six layers" "at most 5 layers" -b "$TMP/function.zip" \
		--layer "$TMP/l1.zip" --layer "$TMP/l1.zip" --layer "$TMP/l1.zip" --layer "$TMP/l1.zip" \
		--layer "$TMP/l1.zip" --layer "$TMP/l1.zip"
	# 251 MiB of zeros: a 250 KB zip, over Lambda's 262144000 bytes unzipped (with the layer)
	$MKZIP "$TMP/bomb.zip" "$TMP/fn" --zeros "zeros=263192576"
	usage_err "deployed_zip: a zip bomb, stopped at Lambda's 250 MB" "pass Lambda's limit of 262144000 bytes" \
		-b "$TMP/bomb.zip"
	check "deployed_zip: the bomb's zip is small" test "$(stat -c %s "$TMP/bomb.zip")" -lt 1000000
	check "deployed_zip: nothing left after the refusals" leftovers

	# a SIGKILLed profiler cannot remove its folders: the next run does
	mkdir -p "$TMP/fn-sleep"
	printf '#!/bin/sh\nexec sleep 7303\n' >"$TMP/fn-sleep/bootstrap"
	chmod 755 "$TMP/fn-sleep/bootstrap"
	$MKZIP "$TMP/sleep.zip" "$TMP/fn-sleep"
	"$P" benchmark -b "$TMP/sleep.zip" -n 1 --init-timeout 120 --log-dir "$TMP/logs-sleep" \
		>"$TMP/sleep.out" 2>&1 &
	pp=$!
	for _ in $(seq 200); do pgrep -f 'sleep 7303' >/dev/null && break; sleep 0.05; done
	kill -KILL $pp
	wait $pp 2>/dev/null
	for _ in $(seq 100); do pgrep -f 'sleep 7303' >/dev/null || break; sleep 0.05; done
	check "deployed_zip: SIGKILLed, its sandboxed bootstrap died with it" no_process 'sleep 7303'
	check "deployed_zip: ... its folder is left" bash -c "ls -d /tmp/profiler-task-$pp-* >/dev/null 2>&1"
	bench deployed_sweep -b "$TMP/function.zip" --handler hello.handler -n 1
	check "deployed_zip: the next run removes it and says so" \
		grep -q "^profiler: removed the folders of profilers that no longer run: profiler-task-$pp-" "$ERR"
	check "deployed_zip: ... nothing left" leftovers
fi

if selected sandbox_fs; then
	echo "== sandbox_fs: Lambda's filesystem seen from inside"
	touch "$BD/host-marker"	# a file the bootstrap's user can see on the host
	bench sandbox_rofs -b "$B/lambda_limits" --sandbox --env PROBE=rofs --env "MARKER=$BD/host-marker" -n 1
	jqcheck "sandbox_fs: every finding as expected (a response, not Probe.Unexpected)" "$J" \
		'(.measurements | length) == 1 and .sandbox.used' .failures
	log_has "sandbox_fs: a write to /var/task fails with EROFS" "probe: write /var/task/probe: EROFS"
	log_has "sandbox_fs: ... to /opt too" "probe: write /opt/probe: EROFS"
	log_has "sandbox_fs: ... and to the root and the host's /etc" "probe: write /etc/probe: EROFS"
	log_has "sandbox_fs: /tmp is writable" "probe: write /tmp/probe: written"
	log_has "sandbox_fs: the host's /tmp is out of reach" "probe: host file $BD/host-marker: ENOENT"
	log_has "sandbox_fs: /root and /home are not there" "probe: /home: ENOENT"
	log_has "sandbox_fs: cwd /var/task" "probe: cwd /var/task"
	log_has "sandbox_fs: LAMBDA_TASK_ROOT=/var/task" "probe: LAMBDA_TASK_ROOT /var/task"
	bench sandbox_tmpfull -b "$B/lambda_limits" --sandbox --ephemeral-storage 512 -m 1024 --env PROBE=tmpfull -n 1
	jqcheck "sandbox_fs: /tmp full: the cold start answered" "$J" '(.measurements | length) == 1' .failures
	log_has "sandbox_fs: /tmp fills at --ephemeral-storage 512 MB exactly (ENOSPC)" \
		"probe: /tmp full after $((512 << 20)) bytes: ENOSPC"
	bench sandbox_host -b "$B/lambda_limits" --env PROBE=rofs -n 1
	jqcheck "sandbox_fs: a loose executable without --sandbox keeps the host's filesystem" "$J" \
		'.sandbox.used == false and .failures[0].error_type == "Probe.Unexpected"' .failures
	check "sandbox_fs: nothing left on the host" leftovers
	usage_err "sandbox_fs: --ephemeral-storage below Lambda's 512" "--ephemeral-storage must be MB from 512 to 10240" \
		-b "$B/lambda_limits" --sandbox --ephemeral-storage 256
	usage_err "sandbox_fs: --ephemeral-storage without the sandbox" "it needs the sandbox" \
		-b "$B/lambda_limits" --ephemeral-storage 1024
fi

if selected process_limits; then
	echo "== process_limits: 1024 descriptors, 1024 processes and threads"
	bench limits_fds -b "$B/lambda_limits" --env PROBE=fds -n 1
	jqcheck "process_limits: fds: answered, RLIMIT_NOFILE 1024 in the results" "$J" \
		'(.measurements | length) == 1 and .process_limits.nofile == 1024 and .process_limits.nofile_hard' .failures
	log_has "process_limits: RLIMIT_NOFILE soft and hard 1024, not raisable" "probe: raising it to 4096: EPERM"
	log_has "process_limits: the 1025th descriptor fails with EMFILE" \
		"probe: descriptor 1023 opened, the next open: EMFILE"
	bench limits_threads -b "$B/lambda_limits" --env PROBE=threads -m 512 -n 1
	jqcheck "process_limits: threads: answered (a refused thread it handled is no failure)" "$J" \
		'(.measurements | length) == 1 and .process_limits.pids_applied and .process_limits.pids_max == 1024
		 and .measurements[0].process_limit_hits >= 1' .
	log_has "process_limits: the 1024th task (1025th with the main thread) fails with EAGAIN" \
		"probe: 1023 threads started, the next: EAGAIN"
	bench limits_forkbomb -b "$B/lambda_limits" --env PROBE=forkbomb --init-timeout 3 -m 512 -n 1
	check "process_limits: fork bomb: exit status 1" test "$RC" -eq 1
	jqcheck "process_limits: a fork bomb ends as process_limit, not out_of_memory" "$J" \
		'.failures[0].outcome == "process_limit" and .failures[0].process_limit_hits > 0
		 and (.failures[0].reason | test("process limit of 1024 processes and threads"))
		 and .failures[0].processes <= 1024' .failures
	check "process_limits: no process of the bomb left" no_process "$B/lambda_limits"
fi

if selected function_env; then
	echo "== function_env: --env, --env-file, Lambda's rules"
	mkdir -p "$BD/shellfn"
	cp "$TB/shell_runtime.sh" "$BD/shellfn/bootstrap"
	cp "$TOP/tests/bootstraps/shell_fn/hello.sh" "$BD/shellfn/"
	printf '# the function settings\nTABLE=orders\nSECRET_TOKEN=s3cr3t-not-for-results\n' >"$TMP/fn.env"
	bench function_env -b "$BD/shellfn/bootstrap" --handler hello.handler --env-file "$TMP/fn.env" \
		--env STAGE=it --env TZ=Europe/Paris -n 1
	check "function_env: exit status 0" test "$RC" -eq 0
	log_has "function_env: a variable of --env-file reaches the function" "hello: TABLE=orders TZ=Europe/Paris"
	jqcheck "function_env: the variables' names in the results, in order" "$J" \
		'.function.env == ["TABLE","SECRET_TOKEN","STAGE","TZ"] and .function.env_bytes > 0' .function
	check "function_env: no value in the results" bash -c "! grep -q s3cr3t-not-for-results '$J'"
	usage_err "function_env: a reserved variable, named" "AWS_REGION is reserved by Lambda" \
		-b "$B/keepalive" --env AWS_REGION=eu-west-1
	printf '{"LAMBDA_TASK_ROOT": "/elsewhere"}\n' >"$TMP/reserved.json"
	usage_err "function_env: a reserved variable in a JSON --env-file" "LAMBDA_TASK_ROOT is reserved by Lambda" \
		-b "$B/keepalive" --env-file "$TMP/reserved.json"
	python3 -c "print('BIG=' + 'v' * 4096)" >"$TMP/big.env"
	usage_err "function_env: over Lambda's 4 KB" "over Lambda's limit of 4096" -b "$B/keepalive" --env-file "$TMP/big.env"
	usage_err "function_env: a key Lambda would refuse" "'1ST' is not a valid variable name" -b "$B/keepalive" --env 1ST=x
fi

# ------------------------------------------------------- untrusted text ---
# What a bootstrap posts (its error type and message, inside a failure's reason) and what a
# results file says (its runtime name) are shown escaped: no escape sequence reaches the
# terminal, and no newline in them starts a line that looks like one of the report's own.
if selected untrusted; then
	echo "== untrusted text is shown escaped"
	ESC=$(printf '\033')
	# no_raw NAME FILE...: no ESC byte in any FILE
	no_raw() {
		local name=$1
		shift
		if ! cat "$@" | grep -q "$ESC"; then ok "$name"; else nok "$name" "$(cat "$@" | head -c 400 | od -c | head -5)"; fi
	}
	bench untrusted -b "$TB/hostile_error.sh" -n 2
	check "hostile error: both cold starts failed (exit 1)" test "$RC" -eq 1
	jqcheck "hostile error: the reason in the results keeps the bytes as posted (JSON is safe)" "$J" \
		'all(.failures[]; (.reason | contains("\u001b[2J")) and (.reason | contains("\n  Invocation 2: 0.1ms")))' .failures
	no_raw "hostile error: no raw ESC on stdout or stderr" "$STDOUT" "$ERR"
	check "hostile error: one line per cold start, no faked report line" \
		test "$(grep -c '^  Invocation ' "$STDOUT")" -eq 2 -a "$(grep -cE '^  Invocation [0-9]+: [0-9.]+ms' "$STDOUT")" -eq 0
	check "hostile error: the text is shown, escaped" grep -qF '\x1b[2J\x1b[31mwiped\x1b[0m\n  Invocation 2: 0.1ms' "$STDOUT"
	bench untrusted-ok -b "$B/keepalive" -n 2
	jq '.runtime = "evil\u001b[2J\u001b[31m\n  Invocation 2: 0.1ms (init: 0.1ms, handler: 0.1ms)"' "$J" >"$TMP/untrusted-runtime.json"
	"$P" compare -i "$TMP/untrusted-runtime.json" >"$TMP/untrusted-cmp.out" 2>"$TMP/untrusted-cmp.err"
	"$P" compare -i "$TMP/untrusted-runtime.json" -i "$TMP/untrusted-runtime.json" \
		>>"$TMP/untrusted-cmp.out" 2>>"$TMP/untrusted-cmp.err"
	check "compare: the runtime named (escaped)" grep -qF 'evil\x1b[2J\x1b[31m\n  Invocation 2' "$TMP/untrusted-cmp.out" "$TMP/untrusted-cmp.err"
	no_raw "compare: a runtime name with escapes: no raw ESC on stdout or stderr" \
		"$TMP/untrusted-cmp.out" "$TMP/untrusted-cmp.err"
	check "compare: no line of the runtime name's own" \
		bash -c "! grep -q '^  Invocation 2' '$TMP/untrusted-cmp.out' '$TMP/untrusted-cmp.err'"
fi

# ------------------------------------------------- the emulator's side ---
# A state folder next to the bootstraps that their user can write (conn_flood, foreign_wait).
emu_state() { rm -rf "$BD/state"; mkdir -p "$BD/state"; chmod 777 "$BD/state"; }

if selected connections; then
	echo "== connections: 1100 idle ones, then a normal cold start"
	emu_state
	bench connections -b "$B/conn_flood" -n 2 --init-timeout 20
	check "connections: exit status 1 (the flood failed)" test "$RC" -eq 1
	jqcheck "connections: the flood fails with its own outcome and reason" "$J" \
		'(.failures | length) == 1 and .failures[0].invocation == 1 and
		 .failures[0].outcome == "too_many_connections" and
		 (.failures[0].reason | test("more than 256 connections to the Runtime API at once"))' .failures
	jqcheck "connections: the next cold start starts clean and succeeds" "$J" \
		'(.measurements | length) == 1 and .measurements[0].invocation == 2 and
		 .measurements[0].connections_peak == 1 and .measurements[0].init_ms > 0' .
	jqcheck "connections: the flood was held at the limit (256 open at once)" "$J" \
		'.failures[0].connections_peak == 256' .failures
fi

if selected foreign; then
	echo "== foreign requests: another user, and a connection of no cold start"
	emu_state
	J=$TMP/foreign.json
	"$P" benchmark -b "$TB/foreign_wait.sh" -n 2 --no-bpf -o "$J" --log-dir "$TMP/logs-foreign" \
		>"$TMP/foreign.out" 2>"$TMP/foreign.err" &
	pid=$!
	for _ in $(seq 200); do ls "$BD/state"/api.* >/dev/null 2>&1 && break; sleep 0.05; done
	api=$(cat "$BD"/state/api.* 2>/dev/null | head -1)
	# from the host, as another user: nothing listens there
	setpriv --reuid=daemon --regid=daemon --clear-groups \
		curl -s -m 3 -o /dev/null "http://$api/2018-06-01/runtime/invocation/next"
	check "foreign: another user's curl gets connection refused (curl 7)" test $? -eq 7
	# from inside the namespace (what only root can reach: nsenter on the profiler's fd of it),
	# a connection made during cold start 1 and used once cold start 2 began
	nsfd=
	for f in /proc/$pid/fd/*; do
		case $(readlink "$f") in net:*) nsfd=$f ;; esac
	done
	check "foreign: the profiler holds its namespace open" test -n "$nsfd"
	nsenter --net="$nsfd" bash -c '
		exec 3<>/dev/tcp/${1%:*}/${1##*:} || exit 1
		for _ in $(seq 100); do [ "$(ls '"$BD"'/state/api.* | wc -l)" -ge 2 ] && break; sleep 0.05; done
		printf "GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\nHost: x\r\n\r\n" >&3
		timeout 3 head -c 12 <&3' _ "$api" >"$TMP/foreign.inject" 2>&1
	wait $pid
	rc=$?
	check "foreign: both cold starts succeed (exit 0)" test $rc -eq 0
	grep -q "HTTP/1.1 403" "$TMP/foreign.inject" && ok "foreign: the injected request is answered 403" ||
		nok "foreign: the injected request is answered 403" "$(cat "$TMP/foreign.inject")"
	jqcheck "foreign: counted in the second cold start, none in the first; isolated" "$J" \
		'.api_isolation == "netns" and (.measurements | length) == 2 and
		 .measurements[0].foreign_requests == 0 and .measurements[1].foreign_requests == 1' .
	grep -q "foreign requests refused (403): 1" "$TMP/foreign.out" && ok "foreign: said in the text report" ||
		nok "foreign: said in the text report" "$(cat "$TMP/foreign.out")"
	# where no namespace can be made (here: a profiler without CAP_SYS_ADMIN), one warning line
	# and the host's loopback, recorded as such
	nb=$(mktemp -d /tmp/profiler-nb.XXXXXX)
	chmod 777 "$nb"
	cp -p "$B/keepalive" "$nb/"
	setpriv --reuid=nobody --regid=nogroup --clear-groups "$P" benchmark --no-bpf -n 1 \
		-b "$nb/keepalive" -o "$nb/r.json" --log-dir "$nb/logs" >"$nb/out" 2>"$nb/err"
	check "foreign: unisolated run still succeeds (exit 0)" test $? -eq 0
	check "foreign: one warning line says it is not isolated" \
		test "$(grep -c "warning: the Runtime API is not isolated" "$nb/err")" -eq 1
	jqcheck "foreign: recorded as api_isolation none" "$nb/r.json" \
		'.api_isolation == "none" and .invocations.succeeded == 1' .
	rm -rf "$nb"
fi

if selected extensions; then
	echo "== extensions"
	bench ext_slow -b "$B/keepalive" -n 2 --extension "$TB/ext_slow.sh"
	check "ext_slow: exit status 0" test "$RC" -eq 0
	jqcheck "ext_slow: its own init reported (>= its 300 ms), the runtime's apart, init includes it" "$J" \
		'(.measurements | length) == 2 and all(.measurements[];
		 (.extensions | length) == 1 and .extensions[0].name == "ext_slow.sh" and
		 .extensions[0].outcome == "ok" and .extensions[0].init_ms >= 300 and
		 .extensions[0].events == ["INVOKE", "SHUTDOWN"] and .extensions[0].exit.code == 0 and
		 .runtime_init_ms < .extensions[0].init_ms and .init_ms >= .extensions[0].init_ms and
		 .post_runtime_ms >= 0 and .extensions[0].shutdown_ms >= 0 and
		 ((.total_ms - (.init_ms + .wait_ms + .handler_ms)) | fabs) < 0.004)' .
	grep -q "extension ext_slow.sh: init" "$STDOUT" && ok "ext_slow: in the text report" ||
		nok "ext_slow: in the text report" "$(cat "$STDOUT")"
	bench ext_trace -b "$B/keepalive" -n 1 --extension "$TB/ext_slow.sh" --breakdown \
		--trace-out "$TMP/ext-trace.json"
	check "ext_trace: exit status 0" test "$RC" -eq 0
	jqcheck "ext_trace: the extension's own track and init slice in --trace-out" "$TMP/ext-trace.json" \
		'[.traceEvents[] | select(.cat == "extension" and .name == "init")] | length == 1 and
		 .[0].dur >= 300000' .traceEvents
	grep -q "extension ext_slow.sh: init" "$STDOUT" && ok "ext_trace: its row with --breakdown" ||
		nok "ext_trace: its row with --breakdown" "$(cat "$STDOUT")"
	"$P" report -i "$J" --html "$TMP/ext.html" >/dev/null 2>&1
	grep -q '<section id="extensions">.*ext_slow.sh' "$TMP/ext.html" &&
		ok "ext_trace: its row in the HTML report" || nok "ext_trace: its row in the HTML report"

	# from a layer's extensions/ folder, in the function's sandbox (/opt/extensions), as Lambda
	mkdir -p "$TMP/xfn" "$TMP/xl/extensions"
	cp "$TB/shell_runtime.sh" "$TMP/xfn/bootstrap"
	cp "$TOP/tests/bootstraps/shell_fn/hello.sh" "$TMP/xfn/"
	cat >"$TMP/xl/extensions/layer_ext" <<'EXT'
#!/bin/sh
# A layer's extension: 300 ms of init, then its events until SHUTDOWN.
api="http://$AWS_LAMBDA_RUNTIME_API/2020-01-01/extension"
echo "layer_ext: running as $0"
sleep 0.3
id=$(curl -sS -f -D - -o /dev/null -X POST -H "Lambda-Extension-Name: layer_ext" \
	-d '{"events": ["INVOKE", "SHUTDOWN"]}' "$api/register" |
	tr -d '\r' | sed -n 's/^[Ll]ambda-[Ee]xtension-[Ii]dentifier: *//p')
while ev=$(curl -sS -f -H "Lambda-Extension-Identifier: $id" "$api/event/next"); do
	case $ev in *'"SHUTDOWN"'*) exit 0 ;; esac
done
exit 1
EXT
	chmod 755 "$TMP/xl/extensions/layer_ext"
	$MKZIP "$TMP/xfn.zip" "$TMP/xfn" && $MKZIP "$TMP/xl.zip" "$TMP/xl"
	bench ext_layer -b "$TMP/xfn.zip" --layer "$TMP/xl.zip" --handler hello.handler -n 2
	check "ext_layer: exit status 0" test "$RC" -eq 0
	jqcheck "ext_layer: the layer's extension ran in the sandbox, init and SHUTDOWN as Lambda's" "$J" \
		'.sandbox.used and (.measurements | length) == 2 and all(.measurements[];
		 .extensions[0].name == "layer_ext" and .extensions[0].outcome == "ok" and
		 .extensions[0].init_ms >= 300 and .init_ms >= .extensions[0].init_ms)' .
	log_has "ext_layer: it runs from /opt/extensions" "layer_ext: running as /opt/extensions/layer_ext"
	check "ext_layer: nothing left on the host (folders, mounts)" leftovers
	usage_err "ext_layer: --extension with the sandbox is refused, told where to put it" \
		"put it in a layer's extensions/ folder" -b "$TMP/xfn.zip" --extension "$TB/ext_slow.sh"

	bench ext_warm -b "$B/keepalive" -n 1 --warm 2 --extension "$TB/ext_slow.sh"
	check "ext_warm: exit status 0" test "$RC" -eq 0
	jqcheck "ext_warm: warm invocations go on with the extension, which exits at SHUTDOWN" "$J" \
		'(.measurements[0].warm_handler_ms | length) == 2 and all(.measurements[0].warm_handler_ms[]; . > 0)
		 and .measurements[0].extensions[0].outcome == "ok" and .measurements[0].post_runtime_ms >= 0' .

	bench ext_crash -b "$B/keepalive" -n 1 --extension "$TB/ext_crash.sh"
	check "ext_crash: exit status 1" test "$RC" -eq 1
	jqcheck "ext_crash: fails with the extension's crash as its reason" "$J" \
		'.failures[0].outcome == "extension_error" and .failures[0].error_type == "Extension.Crash" and
		 (.failures[0].reason | test("extension ext_crash.sh exited with code 3 before its init")) and
		 .failures[0].extensions[0].outcome == "crashed" and .failures[0].extensions[0].exit.code == 3' .failures

	bench ext_never_next -b "$B/keepalive" -n 1 --init-timeout 1 --extension "$TB/ext_never_next.sh"
	check "ext_never_next: exit status 1" test "$RC" -eq 1
	jqcheck "ext_never_next: init timeout, naming the extension" "$J" \
		'.failures[0].outcome == "init_timeout" and
		 (.failures[0].reason | test("extension ext_never_next.sh never called event/next")) and
		 .failures[0].extensions[0].outcome == "never_ready" and .failures[0].extensions[0].registered' .failures
	check "ext_never_next: no process left behind" no_process 'sleep 62'

	bench ext_ignore -b "$B/keepalive" -n 1 --extension "$TB/ext_ignore_shutdown.sh"
	check "ext_ignore: exit status 0 (the invocation succeeded)" test "$RC" -eq 0
	jqcheck "ext_ignore: killed at the SHUTDOWN deadline, and said" "$J" \
		'.measurements[0].extensions[0].outcome == "killed_at_shutdown" and
		 (.measurements[0].extensions[0].reason | test("2000 ms after SHUTDOWN: killed")) and
		 .measurements[0].extensions[0].exit.signal == 9' .
	check "ext_ignore: no process left behind" no_process 'sleep 63'
fi

if selected streaming; then
	echo "== streaming"
	bench streaming -b "$B/stream" -n 2
	check "streaming: exit status 0" test "$RC" -eq 0
	jqcheck "streaming: first and last byte recorded, 300 ms apart (kernel and emulator)" "$J" \
		'(.measurements | length) == 2 and all(.measurements[]; .streaming != null and
		 .streaming.ttfb_ms >= 0 and .streaming.last_byte_ms - .streaming.ttfb_ms >= 250 and
		 .streaming.emulator_ttfb_ms >= 0 and
		 .streaming.emulator_last_byte_ms - .streaming.emulator_ttfb_ms >= 250)' .
	grep -q "streamed response: first byte" "$STDOUT" && ok "streaming: in the text report" ||
		nok "streaming: in the text report" "$(cat "$STDOUT")"
fi

if selected client_context; then
	echo "== --client-context"
	printf '{"client_context": {"client": {"app_title": "t"}, "custom": {"k": "v"}},\n "cognito_identity": {"cognitoIdentityId": "id-1", "cognitoIdentityPoolId": "pool-1"}}\n' \
		>"$TMP/cc.json"
	bench client_context -b "$TB/client_context.sh" -n 1 --client-context "$TMP/cc.json"
	check "client_context: exit status 0" test "$RC" -eq 0
	log=$TMP/logs-client_context/invocation-1.log
	grep -qi '^lambda-runtime-client-context: {"client":{"app_title":"t"},"custom":{"k":"v"}}$' "$log" &&
		ok "client_context: Lambda-Runtime-Client-Context is the JSON" ||
		nok "client_context: Lambda-Runtime-Client-Context is the JSON" "$(cat "$log")"
	grep -qi '^lambda-runtime-cognito-identity: {"cognitoIdentityId":"id-1","cognitoIdentityPoolId":"pool-1"}$' "$log" &&
		ok "client_context: Lambda-Runtime-Cognito-Identity is the JSON" ||
		nok "client_context: Lambda-Runtime-Cognito-Identity is the JSON" "$(cat "$log")"
	echo '{"client_ctx": {}}' >"$TMP/cc-bad.json"
	bench client_context_bad -b "$TB/client_context.sh" -n 1 --client-context "$TMP/cc-bad.json"
	check "client_context: an unknown key is refused (exit 2)" test "$RC" -eq 2
	grep -q 'unknown key "client_ctx"' "$ERR" && ok "... with the key named" || nok "... with the key named" "$(cat "$ERR")"
fi

# ------------------------------------------------------------ bad input ---
if selected badinput; then
	echo "== bad input"
	expect_usage() {
		local name=$1
		shift
		"$P" benchmark "$@" >"$TMP/bad.out" 2>"$TMP/bad.err"
		local rc=$?
		if [ $rc -eq 2 ] && [ "$(wc -l <"$TMP/bad.err")" -eq 1 ] && [ ! -s "$TMP/bad.out" ]; then
			ok "$name: exit 2 with one line"
		else
			nok "$name: exit 2 with one line" "rc=$rc" "stderr: $(head -c 300 "$TMP/bad.err")"
		fi
	}
	expect_usage "-n 0" -b "$B/keepalive" -n 0
	expect_usage "-m 64" -b "$B/keepalive" -m 64
	expect_usage "-t -1" -b "$B/keepalive" -t -1
	expect_usage "unknown flag" -b "$B/keepalive" --frobnicate
	expect_usage "missing bootstrap" -b "$TMP/does-not-exist"
	expect_usage "directory as bootstrap" -b "$TMP"
	echo '{"not json' >"$TMP/bad-event.json"
	expect_usage "invalid --event" -b "$B/keepalive" --event "$TMP/bad-event.json"
	touch "$TMP/not-exec"
	expect_usage "non-executable bootstrap" -b "$TMP/not-exec"
	expect_usage "unknown --user" -b "$B/keepalive" --user no-such-user-xyz
	expect_usage "--event is a directory" -b "$B/keepalive" --event "$TMP"
	expect_usage "--event missing" -b "$B/keepalive" --event "$TMP/no-such-event.json"
	cp "$B/keepalive" "$BD/arm64-bootstrap"
	printf '\267\000' | dd of="$BD/arm64-bootstrap" bs=1 seek=18 conv=notrunc status=none
	expect_usage "a bootstrap built for another architecture" -b "$BD/arm64-bootstrap"
	grep -q "built for arm64" "$TMP/bad.err" && ok "... named in the message" || nok "... named in the message" "$(cat "$TMP/bad.err")"
	expect_usage "a misspelt option" -b "$B/keepalive" --timeot 3
	grep -q "did you mean '--timeout'" "$TMP/bad.err" && ok "... names the closest valid one" || nok "... names the closest valid one" "$(cat "$TMP/bad.err")"
	expect_usage "-a for another architecture" -b "$B/keepalive" -a arm64
	expect_usage "--user with --run-as-root" -b "$B/keepalive" --user nobody --run-as-root
	"$P" benchmark -b "$TMP/does-not-exist" 2>&1 | grep -q "^Binary not found: $TMP/does-not-exist" &&
		ok "missing bootstrap: the guide's message" || nok "missing bootstrap: the guide's message"
fi

echo
if [ $fail -gt 0 ]; then
	echo "failed: ${failed_names[*]}"
fi
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
