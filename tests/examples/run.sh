#!/usr/bin/env bash
# Runs every script of examples/ for real, with small counts, against the bundled
# sample bootstrap, and checks their exit statuses, output and files. Checks the
# GitHub Actions workflow examples/ci/performance.yml: its structure, and that
# every profiler option in the examples exists in that command's --help. Needs root
# (BPF).
#
#   bash tests/examples/run.sh [FILTER]     run the tests whose name contains FILTER
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
OUT=${OUTPUT:-$TOP/.output}
case $OUT in /*) ;; *) OUT=$TOP/$OUT ;; esac
P=$OUT/profiler
EX=$TOP/examples
WF=$EX/ci/performance.yml
FILTER=${1:-}

pass=0
fail=0
failed_names=()
ok() { pass=$((pass + 1)); echo "  ok    $1"; }
nok() {
	fail=$((fail + 1))
	failed_names+=("$1")
	echo "  FAIL  $1"
	shift
	[ $# -gt 0 ] && printf '        %s\n' "$@"
	return 0
}
# jqcheck NAME FILE EXPR [ARGS...]: passes when jq -e EXPR is true on FILE
jqcheck() {
	local name=$1 file=$2 expr=$3
	shift 3
	if jq -e "$@" "$expr" "$file" >/dev/null 2>&1; then
		ok "$name"
	else
		nok "$name" "jq -e '$expr' $file" "got: $(head -c 400 "$file" 2>&1)"
	fi
}
# grepcheck NAME FILE REGEX: passes when FILE has a line matching REGEX (grep -E)
grepcheck() {
	if grep -Eq -- "$3" "$2"; then ok "$1"; else nok "$1" "no line matching /$3/ in:" "$(tail -n 15 "$2")"; fi
}
# rccheck NAME GOT WANT
rccheck() {
	if [ "$2" -eq "$3" ]; then ok "$1"; else nok "$1" "exit status $2, expected $3"; fi
}
want() { [ -z "$FILTER" ] || [[ $1 == *"$FILTER"* ]]; }

if [ "$(id -u)" -ne 0 ]; then
	echo "the examples run 'profiler benchmark', which needs root (BPF): run 'sudo make test'" >&2
	echo "0 passed, 1 failed"
	exit 1
fi
for tool in jq python3 cc; do
	command -v $tool >/dev/null || { echo "missing $tool: run 'make deps'" >&2; echo "0 passed, 1 failed"; exit 1; }
done
[ -x "$P" ] && [ -x "$OUT/sample/bootstrap" ] || {
	echo "build first: make (needs $P and $OUT/sample/bootstrap)" >&2
	echo "0 passed, 1 failed"
	exit 1
}

TMP=$(mktemp -d /tmp/profiler-ex.XXXXXX)
# The bootstraps run as nobody: a copy of the sample in a folder every user can reach.
BD=$(mktemp -d /tmp/profiler-exboot.XXXXXX)
trap 'rm -rf "$TMP" "$BD"' EXIT
chmod 755 "$BD"
mkdir -m 755 "$BD/sample"
cp "$OUT/sample/bootstrap" "$BD/sample/bootstrap"
chmod 755 "$BD/sample/bootstrap"
BOOT=$BD/sample/bootstrap
export PROFILER=$P

echo "examples: syntax"
for s in "$EX"/*.sh; do
	n=$(basename "$s")
	want "syntax $n" || continue
	if bash -n "$s" 2>"$TMP/syntax.err"; then ok "bash -n $n"; else nok "bash -n $n" "$(cat "$TMP/syntax.err")"; fi
	[ -x "$s" ] && ok "$n is executable" || nok "$n is executable"
done

# ---------------------------------------------------------------------------
if want local-benchmark; then
	echo "examples: local-benchmark.sh"
	d=$TMP/local
	rc=0
	BOOTSTRAP=$BOOT N=3 TARGET=8 OUT_DIR=$d RUNTIME=sample BENCH_ARGS="--log-dir $TMP/logs-local" \
		bash "$EX/local-benchmark.sh" >"$TMP/local.out" 2>"$TMP/local.err" || rc=$?
	r=$d/benchmark-results.json
	jqcheck "local-benchmark: 3 cold starts requested, traced with eBPF" "$r" \
		'.invocations.requested == 3 and .timing_source == "ebpf" and .memory_mb == 128'
	jqcheck "local-benchmark: every cold start of the sample succeeded" "$r" \
		'.invocations.succeeded == 3 and (.measurements | length) == 3 and (.failures | length) == 0'
	jqcheck "local-benchmark: --runtime from RUNTIME, --log-dir from BENCH_ARGS" "$r" \
		'.runtime == "sample" and .log_dir == $dir' --arg dir "$TMP/logs-local"
	# the script's status is compare --target's: met exactly when the mean total is below 8 ms
	if [ -f "$r" ]; then
		met=$(jq '.stats.avg_ms < 8' "$r")
		[ "$met" = true ] && exp=0 || exp=1
		rccheck "local-benchmark: exit status is the target gate's (avg < 8 ms: $met)" "$rc" "$exp"
		avg=$(jq -r '.stats.avg_ms' "$r")
		grepcheck "local-benchmark: compare's target line quotes the file's mean" "$TMP/local.out" \
			"^Target: <8\.000 ms avg cold start \(stats\.avg_ms\): (met|NOT met|not met).*$(printf '%.3f' "$avg")"
	else
		nok "local-benchmark: results written" "exit status $rc" "$(tail -n 5 "$TMP/local.err")"
	fi
	grepcheck "local-benchmark: the memory step ran" "$TMP/local.out" "^Size: [0-9]+ KB \([0-9]+ bytes\)"
	grepcheck "local-benchmark: compare set init against lambda-perf" "$TMP/local.out" "^  C\+\+ 11 +13\.539 ms"
	jqcheck "local-benchmark: lambda-perf report, one entry with the 3 init durations" "$d/lambda-perf-report.json" \
		'(.runtimeData | length) == 1 and (.runtimeData[0].i | length) == 3 and .runtimeData[0].m == 128
		 and .runtimeData[0].r == "sample_on_provided_al2023" and .runtimeData[0].p == "zip"'
	jqcheck "local-benchmark: the report's acd is the results' mean init" "$d/lambda-perf-report.json" \
		'((.runtimeData[0].acd - $init) | fabs) < 0.0015' --argjson init "$(jq '.stats.init.avg_ms // 0' "$r" 2>/dev/null || echo 0)"

	rc=0
	BOOTSTRAP=$BOOT N=2 TARGET=0.001 OUT_DIR=$TMP/local-miss BENCH_ARGS="--log-dir $TMP/logs-miss" \
		bash "$EX/local-benchmark.sh" >"$TMP/miss.out" 2>&1 || rc=$?
	rccheck "local-benchmark: a target of 0.001 ms is not met (exit 1)" "$rc" 1
	[ -f "$TMP/local-miss/lambda-perf-report.json" ] && ok "... and the report is still written" ||
		nok "... and the report is still written"

	rc=0
	BOOTSTRAP=$TMP/no-such/bootstrap OUT_DIR=$TMP/local-none \
		bash "$EX/local-benchmark.sh" >"$TMP/none.out" 2>"$TMP/none.err" || rc=$?
	rccheck "local-benchmark: a missing bootstrap stops it (exit 2)" "$rc" 2
	grepcheck "... with the guide's message" "$TMP/none.err" "^Binary not found: $TMP/no-such/bootstrap"
	[ ! -e "$TMP/local-none/benchmark-results.json" ] && ok "... and no results file" || nok "... and no results file"

	# a bootstrap that fails: exit 1 and each failure printed with its reason
	printf '#!/bin/sh\nexit 3\n' >"$BD/sample/fails.sh"
	chmod 755 "$BD/sample/fails.sh"
	rc=0
	BOOTSTRAP=$BD/sample/fails.sh N=2 OUT_DIR=$TMP/local-fail BENCH_ARGS="--log-dir $TMP/logs-fail" \
		bash "$EX/local-benchmark.sh" >"$TMP/fail.out" 2>"$TMP/fail.err" || rc=$?
	rccheck "local-benchmark: failing cold starts give exit 1" "$rc" 1
	grepcheck "... each printed with outcome and reason" "$TMP/fail.err" \
		"^  cold start 1: exited: exited with code 3 before posting a response"
fi

# ---------------------------------------------------------------------------
if want memory-sweep; then
	echo "examples: memory-sweep.sh"
	d=$TMP/sweep
	rc=0
	BOOTSTRAP=$BOOT N=2 MEMORY_SIZES=128,256 OUT_DIR=$d BENCH_ARGS="--log-dir $TMP/logs-sweep" \
		bash "$EX/memory-sweep.sh" >"$TMP/sweep.out" 2>"$TMP/sweep.err" || rc=$?
	rccheck "memory-sweep: exit 0" "$rc" 0
	for mem in 128 256; do
		f=$d/results-${mem}mb.json
		jqcheck "memory-sweep: results-${mem}mb.json holds ${mem} MB, 2 cold starts" "$f" \
			'.memory_mb == ($m | tonumber) and .invocations.requested == 2 and (.measurements | length) == 2' \
			--arg m "$mem"
		jqcheck "memory-sweep: ${mem} MB ran under that limit" "$f" \
			'(.limits_applied | not) or .limits.memory_mb == ($m | tonumber)' --arg m "$mem"
		if [ -f "$f" ]; then
			line=$(jq -r '"    Avg: \(.stats.avg_ms)ms, P99: \(.stats.p99_ms)ms, init: \(.stats.init.avg_ms)ms"' "$f")
			if grep -A1 -x "  ${mem}MB:" "$TMP/sweep.out" | grep -qF "$line"; then
				ok "memory-sweep: the ${mem}MB summary line has the file's figures"
			else
				nok "memory-sweep: the ${mem}MB summary line has the file's figures" "wanted: $line" \
					"$(grep -A1 "MB:" "$TMP/sweep.out")"
			fi
		fi
	done
	grepcheck "memory-sweep: the profiler's own sweep table" "$TMP/sweep.out" "^=== Sweep summary"
	jqcheck "memory-sweep: one lambda-perf file, an entry per size" "$d/lambda-perf-sweep.json" \
		'[.runtimeData[].m] == [128, 256] and all(.runtimeData[]; (.i | length) == 2)'
fi

# ---------------------------------------------------------------------------
if want ab-compare; then
	echo "examples: ab-compare.sh"
	d=$TMP/ab
	rc=0
	N=3 OUT_DIR=$d BENCH_ARGS="--log-dir $TMP/logs-ab" \
		bash "$EX/ab-compare.sh" >"$TMP/ab.out" 2>"$TMP/ab.err" || rc=$?
	jqcheck "ab-compare: A and B benchmarked, 3 cold starts each" "$d/ab-a.json" \
		'.runtime == "A" and (.measurements | length) == 3'
	jqcheck "ab-compare: ... B" "$d/ab-b.json" '.runtime == "B" and (.measurements | length) == 3'
	jqcheck "ab-compare: the JSON comparison has the four metrics and the gate" "$d/ab-compare.json" \
		'.mode == "ab" and ([.metrics[].metric] == ["init_ms", "handler_ms", "total_ms", "memory_kb"])
		 and .gate.max_regression_pct == 5 and (.gate.regressed | type) == "boolean"'
	if [ -f "$d/ab-compare.json" ]; then
		rccheck "ab-compare: exit status is the gate's" "$rc" "$(jq '.exit_status' "$d/ab-compare.json")"
	fi
	grepcheck "ab-compare: the text comparison was printed" "$TMP/ab.out" "^Regression gate: total_ms of B vs A"
	grepcheck "ab-compare: the variants are named" "$TMP/ab.out" "^== A \(-O2\) vs B \(-O0\)"

	# B with 20 ms of CPU work before main(): a regression the gate must catch. 20 ms of
	# CPU time is at least 20 ms of wall time in every B init, and at -m 128 (0.072 vCPU)
	# several CFS periods more; a busy host's delays on A's few milliseconds stay far below.
	rc=0
	N=5 SPIN_US_B=20000 OUT_DIR=$TMP/ab-spin BENCH_ARGS="--log-dir $TMP/logs-spin" \
		bash "$EX/ab-compare.sh" >"$TMP/spin.out" 2>"$TMP/spin.err" || rc=$?
	rccheck "ab-compare: B with a 20 ms CPU loop fails the gate (exit 1)" "$rc" 1
	jqcheck "... regressed, total_ms significantly higher" "$TMP/ab-spin/ab-compare.json" \
		'.gate.regressed == true and (.metrics[] | select(.metric == "total_ms") | .significant and .change_pct > 5)'
	# an invariant, not a timing: CPU time cannot pass faster than wall time
	jqcheck "... every init of B holds the 20 ms of CPU work" "$TMP/ab-spin/ab-b.json" \
		'(.measurements | length) == 5 and all(.measurements[]; .init_ms >= 20)'
	jqcheck "... and compare's mean init of each is the mean of its file's" "$TMP/ab-spin/ab-compare.json" \
		'.metrics[] | select(.metric == "init_ms")
		 | ((.a.mean - ($a[0].measurements | map(.init_ms) | add / length)) | fabs) < 0.0005
		   and ((.b.mean - ($b[0].measurements | map(.init_ms) | add / length)) | fabs) < 0.0005' \
		--slurpfile a "$TMP/ab-spin/ab-a.json" --slurpfile b "$TMP/ab-spin/ab-b.json"
	grepcheck "... and says so" "$TMP/spin.out" "^Regression gate: .*FAILED"

	rc=0
	SPIN_US_B=abc OUT_DIR=$TMP/ab-bad bash "$EX/ab-compare.sh" >/dev/null 2>"$TMP/bad.err" || rc=$?
	rccheck "ab-compare: a bad SPIN_US_B is refused (exit 2)" "$rc" 2
	rc=0
	SOURCE=$TMP/none.c OUT_DIR=$TMP/ab-bad bash "$EX/ab-compare.sh" >/dev/null 2>"$TMP/bad.err" || rc=$?
	rccheck "ab-compare: a missing SOURCE is refused (exit 2)" "$rc" 2
	printf 'int main(void) { return syntax error; }\n' >"$TMP/broken.c"
	rc=0
	SOURCE=$TMP/broken.c OUT_DIR=$TMP/ab-bad bash "$EX/ab-compare.sh" >/dev/null 2>"$TMP/bad.err" || rc=$?
	rccheck "ab-compare: a build that fails stops it (exit 2)" "$rc" 2
fi

# ---------------------------------------------------------------------------
# The workflow file: parsed by a small reader of the YAML subset GitHub workflows
# use (block mappings and sequences, literal blocks, flow lists, quoted scalars),
# then its structure checked; PyYAML, when installed, must read the same tree.
if want workflow; then
	echo "examples: ci/performance.yml"
	cat >"$TMP/wfcheck.py" <<'PY'
import re, sys

path = sys.argv[1]
text = open(path).read()
fails = []

def check(name, cond, detail=""):
    print(("ok    " if cond else "FAIL  ") + name + ("" if cond else "  " + detail))
    if not cond:
        fails.append(name)

def scalar(s):
    s = s.strip()
    if s.startswith('"') and s.endswith('"') and len(s) >= 2:
        return bytes(s[1:-1], "utf-8").decode("unicode_escape")
    if s.startswith("'") and s.endswith("'") and len(s) >= 2:
        return s[1:-1].replace("''", "'")
    if s.startswith("[") and s.endswith("]"):
        inner = s[1:-1].strip()
        return [scalar(x) for x in inner.split(",")] if inner else []
    if s in ("true", "false"):
        return s == "true"
    if re.fullmatch(r"-?[0-9]+", s):
        return int(s)
    return s

def strip_comment(s):
    out, q = [], None
    for i, c in enumerate(s):
        if q:
            if c == q:
                q = None
        elif c in "\"'":
            q = c
        elif c == "#" and (i == 0 or s[i - 1] in " \t"):
            break
        out.append(c)
    return "".join(out).rstrip()

class Err(Exception):
    pass

lines = text.split("\n")
if "\t" in text:
    raise SystemExit("FAIL  tabs in the file (YAML forbids them in indentation)")

def parse_block(i, indent):
    """Parses the block starting at line i whose lines are indented exactly
    `indent`; returns (value, next line index)."""
    i = skip(i)
    if i >= len(lines):
        return None, i
    first = lines[i]
    if first.lstrip().startswith("- ") or first.strip() == "-":
        return parse_seq(i, indent)
    return parse_map(i, indent)

def skip(i):
    while i < len(lines) and (not lines[i].strip() or lines[i].lstrip().startswith("#")):
        i += 1
    return i

def ind(line):
    return len(line) - len(line.lstrip(" "))

def literal(i, parent_indent):
    """A | block: every following line indented more than the parent."""
    body, bi = [], None
    while i < len(lines):
        l = lines[i]
        if l.strip() and ind(l) <= parent_indent:
            break
        if l.strip() and bi is None:
            bi = ind(l)
        body.append(l[bi:] if bi is not None and l.strip() else "")
        i += 1
    while body and not body[-1]:
        body.pop()
    return "\n".join(body) + "\n", i

def value_after_key(rest, i, indent):
    rest = strip_comment(rest).strip()
    if rest in ("|", "|-", "|+", ">", ">-"):
        v, i = literal(i + 1, indent)
        return v, i
    if rest:
        return scalar(rest), i + 1
    j = skip(i + 1)
    if j < len(lines) and ind(lines[j]) > indent:
        return parse_block(j, ind(lines[j]))
    if j < len(lines) and ind(lines[j]) == indent and lines[j].lstrip().startswith("- "):
        return parse_seq(j, indent)   # a sequence at the key's own indentation
    return None, i + 1

KEY = re.compile(r"^([A-Za-z0-9_.${}\[\]'\"-]+(?: [A-Za-z0-9_]+)*):(?: (.*))?$")

def parse_map(i, indent):
    m = {}
    while True:
        i = skip(i)
        if i >= len(lines) or ind(lines[i]) < indent:
            return m, i
        l = lines[i]
        if ind(l) != indent:
            raise Err("line %d: unexpected indentation %d (expected %d): %r" % (i + 1, ind(l), indent, l))
        if l.lstrip().startswith("- "):
            return m, i
        mm = KEY.match(l.strip())
        if not mm:
            raise Err("line %d: not a 'key: value' line: %r" % (i + 1, l))
        k = mm.group(1)
        if k in m:
            raise Err("line %d: duplicate key %r" % (i + 1, k))
        m[k], i = value_after_key(mm.group(2) or "", i, indent)

def parse_seq(i, indent):
    seq = []
    while True:
        i = skip(i)
        if i >= len(lines) or ind(lines[i]) < indent:
            return seq, i
        l = lines[i]
        if ind(l) != indent or not l.lstrip().startswith("- "):
            if ind(l) == indent:
                return seq, i
            raise Err("line %d: unexpected line in a sequence: %r" % (i + 1, l))
        item = l[indent + 2:]
        if KEY.match(strip_comment(item).strip()):
            # a mapping whose first key sits after the dash: re-read it at indent + 2
            lines[i] = " " * (indent + 2) + item
            v, i = parse_map(i, indent + 2)
        else:
            v, i = scalar(strip_comment(item)), i + 1
        seq.append(v)

try:
    doc, end = parse_block(0, 0)
    end = skip(end)
    if end < len(lines):
        raise Err("line %d: not read: %r" % (end + 1, lines[end]))
    check("the workflow parses (YAML subset reader)", True)
except Err as e:
    check("the workflow parses (YAML subset reader)", False, str(e))
    sys.exit(1)

try:
    import yaml
except ImportError:
    yaml = None
if yaml:
    ref = yaml.safe_load(text)
    if True in ref:              # YAML 1.1 reads the key 'on' as a boolean
        ref["on"] = ref.pop(True)
    def norm(x):
        if isinstance(x, dict):
            return {str(k): norm(v) for k, v in x.items()}
        if isinstance(x, list):
            return [norm(v) for v in x]
        return x if isinstance(x, (bool, int)) or x is None else str(x)
    check("PyYAML reads the same tree", norm(ref) == norm(doc))
else:
    print("skip  PyYAML not installed: cross-check skipped")

check("top-level keys name, on, jobs", all(k in doc for k in ("name", "on", "jobs")), str(list(doc)))
on = doc.get("on") or {}
check("triggers: push to main and pull_request",
      isinstance(on, dict) and on.get("push", {}).get("branches") == ["main"] and "pull_request" in on, repr(on))
jobs = doc.get("jobs") or {}
check("exactly one job", isinstance(jobs, dict) and len(jobs) == 1, repr(list(jobs)))
job = next(iter(jobs.values())) if jobs else {}
check("the job has runs-on and steps", "runs-on" in job and isinstance(job.get("steps"), list))
steps = job.get("steps") or []
for n, s in enumerate(steps):
    ok = isinstance(s, dict) and "name" in s and (("uses" in s) != ("run" in s))
    check("step %d (%s): a name and exactly one of uses/run" % (n + 1, s.get("name") if isinstance(s, dict) else s), ok)
    if isinstance(s, dict) and "run" in s:
        check("step %d: run is a string" % (n + 1), isinstance(s["run"], str))

def find(pred):
    return [s for s in steps if isinstance(s, dict) and pred(s)]

runs = lambda s: s.get("run", "") if isinstance(s.get("run"), str) else ""
co = find(lambda s: str(s.get("uses", "")).startswith("actions/checkout@"))
check("checks out the change first, with submodules", bool(co) and steps[0] is co[0]
      and co[0].get("with", {}).get("submodules") in ("recursive", True))
check("checks out the PR's base into base/ on pull requests",
      any(c.get("with", {}).get("path") == "base" and "pull_request" in str(c.get("if", ""))
          and "base.sha" in str(c.get("with", {}).get("ref", "")) for c in co))
check("builds with sudo make deps all", bool(find(lambda s: re.search(r"sudo make .*\bdeps all\b", runs(s)))))
bench = find(lambda s: re.search(r"sudo \"\$PROFILER\" benchmark ", runs(s)))
check("benchmarks the change into new.json", any("-o new.json" in runs(s) and "if" not in s for s in bench))
check("benchmarks the base into base.json on pull requests",
      any("-o base.json" in runs(s) and "pull_request" in str(s.get("if", "")) for s in bench))
tgt = find(lambda s: re.search(r"compare -i new\.json --target ", runs(s)))
check("gate: compare --target on every run", len(tgt) == 1 and "if" not in tgt[0])
reg = find(lambda s: re.search(r"compare -i base\.json -i new\.json\s*\\?\s*--max-regression ", runs(s)))
check("gate: compare -i base.json -i new.json --max-regression on pull requests",
      len(reg) == 1 and "pull_request" in str(reg[0].get("if", "")))
order = [steps.index(x) for x in (bench[:1] + tgt[:1] + reg[:1])]
check("the gates come after the benchmarks", len(order) == 3 and order == sorted(order), repr(order))
up = find(lambda s: str(s.get("uses", "")).startswith("actions/upload-artifact@"))
check("uploads results and logs even when a gate failed",
      len(up) == 1 and up[0].get("if") == "always()" and
      all(x in str(up[0].get("with", {}).get("path", "")) for x in ("new.json", "base.json", "lambda-perf.json", "logs-new")))
check("env sets the gate thresholds", all(k in doc.get("env", {}) for k in ("TARGET_MS", "MAX_REGRESSION_PCT", "BOOTSTRAP", "COLD_STARTS")))

# the run: blocks, for the option check
print("RUNS-BEGIN")
for s in steps:
    if isinstance(s, dict) and isinstance(s.get("run"), str):
        print(s["run"], end="" if s["run"].endswith("\n") else "\n")
print("RUNS-END")
sys.exit(1 if fails else 0)
PY
	python3 "$TMP/wfcheck.py" "$WF" >"$TMP/wf.out" 2>&1
	wrc=$?
	while IFS= read -r l; do
		case $l in
		"ok    "*) ok "workflow: ${l#ok    }" ;;
		"FAIL  "*) nok "workflow: ${l#FAIL  }" ;;
		"skip  "*) echo "  skip  workflow: ${l#skip  }" ;;
		esac
	done < <(sed '/^RUNS-BEGIN$/,/^RUNS-END$/d' "$TMP/wf.out")
	sed -n '/^RUNS-BEGIN$/,/^RUNS-END$/{/^RUNS-/d;p}' "$TMP/wf.out" >"$TMP/wf-runs.sh"
	[ $wrc -eq 0 ] || [ $fail -gt 0 ] || nok "workflow: the checker ended with status $wrc" "$(tail -n 5 "$TMP/wf.out")"
	if bash -n "$TMP/wf-runs.sh" 2>"$TMP/wf-syntax.err" && [ -s "$TMP/wf-runs.sh" ]; then
		ok "workflow: the run: blocks are valid bash"
	else
		nok "workflow: the run: blocks are valid bash" "$(cat "$TMP/wf-syntax.err")"
	fi
	# the reader must reject what is not YAML of that shape: a mis-indented key, a tab
	sed 's/^    runs-on:/     runs-on:/' "$WF" >"$TMP/broken1.yml"
	sed 's/^      - name: Build the profiler/\t- name: Build the profiler/' "$WF" >"$TMP/broken2.yml"
	sed 's/^    steps:/    steps: \[/' "$WF" >"$TMP/broken3.yml"
	for b in 1 2 3; do
		if cmp -s "$WF" "$TMP/broken$b.yml"; then
			nok "workflow: broken copy $b differs from the file"
		elif python3 "$TMP/wfcheck.py" "$TMP/broken$b.yml" >"$TMP/broken.out" 2>&1; then
			nok "workflow: broken copy $b is rejected" "$(head -n 3 "$TMP/broken.out")"
		else
			ok "workflow: broken copy $b is rejected ($(grep -m1 -o 'FAIL.*' "$TMP/broken.out" | cut -c7-90))"
		fi
	done
fi

# ---------------------------------------------------------------------------
# Every profiler option the examples use must be one the command's --help lists.
if want options; then
	echo "examples: profiler options against --help"
	for c in benchmark compare report memory; do
		"$P" "$c" --help >"$TMP/help-$c.txt" 2>&1 || nok "profiler $c --help"
	done
	# the run: blocks of the workflow, when the workflow test did not extract them
	if [ ! -s "$TMP/wf-runs.sh" ]; then
		awk '/^ *run: \|/{on=1; n=match($0,/[^ ]/); next} on && NF && match($0,/[^ ]/) <= n {on=0} on' \
			"$WF" >"$TMP/wf-runs.sh"
	fi
	cat >"$TMP/bogus.sh" <<'EOF'
"$PROFILER" compare -i new.json --targte 8
sudo profiler benchmark -b ./bootstrap \
	--count 3 --no-such-option -o r.json
EOF
	python3 - "$TMP" "$EX"/*.sh "$TMP/wf-runs.sh" >"$TMP/opts.out" 2>&1 <<'PY'
import re, shlex, sys

tmp, files = sys.argv[1], sys.argv[2:]
cmds = ("benchmark", "compare", "report", "memory")
opts = {}
for c in cmds:
    s = set()
    for l in open("%s/help-%s.txt" % (tmp, c)):
        m = re.match(r"^\s{1,8}(?:(-[A-Za-z]),\s+)?(--[a-z][\w-]*)", l)
        if m:
            s.update(x for x in m.groups() if x)
    opts[c] = s

INVOC = re.compile(r'(?:^|[\s;&|(])(?:sudo\s+)?(?:\$SUDO\s+)?(?:"\$PROFILER"|\$PROFILER|"\$\{PROFILER\}"|\S*/profiler|profiler)\s+(benchmark|compare|report|memory)\b(.*)')
STOP = {"|", "||", "&&", ";", "&", ">", ">>", "<", ")", "2>", "2>&1"}

def invocations(path):
    text = open(path).read().replace("\\\n", " ")
    for l in text.split("\n"):
        if l.lstrip().startswith("#"):
            continue
        m = INVOC.search(l)
        if not m:
            continue
        lex = shlex.shlex(m.group(2), posix=True, punctuation_chars=True)
        lex.whitespace_split = True
        used = []
        for t in lex:
            if t in STOP or t.startswith(">"):
                break
            if t.startswith("-") and not re.fullmatch(r"-[0-9.]+", t):
                used.append(t.split("=", 1)[0])
        yield m.group(1), used

# the check itself must catch a wrong option
bad = [(c, o) for c, u in invocations(tmp + "/bogus.sh") for o in u if o not in opts[c]]
print(("ok    " if bad == [("compare", "--targte"), ("benchmark", "--no-such-option")] else "FAIL  ")
      + "the check finds misspelt options (" + ", ".join(o for _, o in bad) + ")")
seen = {c: 0 for c in cmds}
for f in files:
    name = "ci/performance.yml run: blocks" if f.endswith("wf-runs.sh") else f.rsplit("/", 1)[-1]
    n = 0
    for c, used in invocations(f):
        n += 1
        seen[c] += 1
        unknown = [o for o in used if o not in opts[c]]
        print(("ok    " if not unknown else "FAIL  ") + "%s: profiler %s %s" % (name, c, " ".join(used))
              + ("" if not unknown else "  unknown: " + " ".join(unknown)))
    if n == 0:
        print("FAIL  %s: no profiler command found" % name)
for c in cmds:
    print(("ok    " if seen[c] else "FAIL  ") + "the examples use profiler %s (%d times)" % (c, seen[c]))
PY
	while IFS= read -r l; do
		case $l in
		"ok    "*) ok "options: ${l#ok    }" ;;
		"FAIL  "*) nok "options: ${l#FAIL  }" ;;
		*) nok "options: checker said: $l" ;;
		esac
	done <"$TMP/opts.out"
fi

echo
if [ $fail -gt 0 ]; then
	echo "failed: ${failed_names[*]}"
fi
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
