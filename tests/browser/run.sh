#!/usr/bin/env bash
# Browser test of 'profiler report --html' and '--svg': real results from two benchmark runs of the
# sample bootstrap (-m 128 and -m 512, 5 cold starts each), a report made from them, then headless
# Chromium (Debian's chromium; installed with apt-get when missing, with fonts-dejavu-core) loads
# the page and the standalone SVG: the rendered DOM must hold the tables (row counts) and the
# charts (bars, dots, marks), the screenshots must be PNGs of the window's size that are not
# blank and show the charts' colours; a broken SVG must be refused by the browser's XML parser
# (so the SVG check can fail). Needs root (BPF, apt-get).
#
#   OUTPUT=.output bash tests/browser/run.sh
#
# Prints one line per check and ends with "N passed, N failed"; exits 1 if any check failed.
set -u
cd "$(dirname "$0")/../.." || exit 2

OUTPUT=${OUTPUT:-.output}
PROFILER=$OUTPUT/profiler
SAMPLE=$OUTPUT/sample/bootstrap
PNG="python3 tests/browser/png.py"
pass=0
fail=0

ok() { pass=$((pass + 1)); printf '  PASS  %s\n' "$1"; }
ko() { fail=$((fail + 1)); printf '  FAIL  %s\n' "$1"; [ -z "${2:-}" ] || printf '%s\n' "$2" | sed 's/^/        /'; }
finish() { echo "$pass passed, $fail failed"; [ "$fail" -eq 0 ]; exit $?; }

tmp=$(mktemp -d /tmp/profiler-browser-test.XXXXXX) || exit 2
trap 'rm -rf "$tmp"' EXIT

for f in "$PROFILER" "$SAMPLE"; do
	[ -x "$f" ] || { ko "$f is built (make OUTPUT=$OUTPUT)"; finish; }
done
command -v python3 >/dev/null || { ko "python3 is installed"; finish; }

# --- Chromium ------------------------------------------------------------------------------
if ! command -v chromium >/dev/null || [ ! -d /usr/share/fonts/truetype/dejavu ]; then
	echo "  DEPS     installing chromium fonts-dejavu-core"
	if (export DEBIAN_FRONTEND=noninteractive; apt-get update -qq &&
		apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core) \
		>"$tmp/apt.log" 2>&1; then
		ok "apt-get install chromium fonts-dejavu-core"
	else
		ko "apt-get install chromium fonts-dejavu-core" "$(tail -5 "$tmp/apt.log")"
		finish
	fi
fi
ok "browser: $(chromium --version 2>/dev/null | head -1)"

# chrome URL WINDOW(WxH) [--screenshot=FILE | --dump-dom]: headless, no network services, a
# profile of its own.
chrome() {
	local url=$1 size=$2
	shift 2
	timeout 90 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
		--disable-background-networking --disable-component-update --disable-sync \
		--user-data-dir="$tmp/ud" --hide-scrollbars --window-size="$size" "$@" "$url" \
		2>>"$tmp/chromium.log"
}

# --- real results, the report ----------------------------------------------------------------
for m in 128 512; do
	if "$PROFILER" benchmark -b "$SAMPLE" -n 5 -m $m --run-as-root -o "$tmp/r$m.json" \
		>"$tmp/bench$m.log" 2>&1; then
		ok "benchmark -n 5 -m $m of the sample bootstrap"
	else
		ko "benchmark -n 5 -m $m of the sample bootstrap" "$(tail -5 "$tmp/bench$m.log")"
		finish
	fi
done
# timing_source of the inputs: with eBPF every phase of the waterfall is measured
# (and the failed cold starts: a failure table appears only when there are some)
read -r ebpf nfail < <(python3 -c '
import json, sys
rs = [json.load(open(f)) for f in sys.argv[1:]]
print(int(all(r["timing_source"] == "ebpf" for r in rs)), sum(len(r.get("failures") or []) for r in rs))
' "$tmp/r128.json" "$tmp/r512.json")

if "$PROFILER" report -i "$tmp/r128.json" -i "$tmp/r512.json" --html "$tmp/report.html" \
	--svg "$tmp/report.svg" -o "$tmp/lp.json" >"$tmp/report.log" 2>&1 &&
	[ -s "$tmp/report.html" ] && [ -s "$tmp/report.svg" ] && [ -s "$tmp/lp.json" ]; then
	ok "report --html --svg -o from two results files"
else
	ko "report --html --svg -o from two results files" "$(cat "$tmp/report.log")"
	finish
fi
out=$("$PROFILER" report -i "$tmp/r128.json" 2>&1)
rc=$?
if [ $rc -eq 2 ] && grep -q -- '--svg' <<<"$out"; then ok "report without an output: exit 2, names --svg"; else ko "report without an output (rc $rc)" "$out"; fi

# --- the HTML page: rendered DOM -------------------------------------------------------------
chrome "file://$tmp/report.html" 1280,2000 --dump-dom >"$tmp/dom.html"
if [ -s "$tmp/dom.html" ]; then ok "chromium --dump-dom loads the page"; else ko "chromium --dump-dom" "$(tail -5 "$tmp/chromium.log")"; finish; fi

# count.py DOM: "KEY VALUE" lines from the browser's serialized DOM (stdlib html.parser)
cat >"$tmp/count.py" <<'EOF'
import sys
from html.parser import HTMLParser

class P(HTMLParser):
    def __init__(self):
        super().__init__()
        self.stack, self.table, self.section, self.svg, self.c = [], None, None, None, {}
    def inc(self, k):
        self.c[k] = self.c.get(k, 0) + 1
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        cls = (a.get('class') or '').split()
        if tag not in ('meta', 'br', 'rect', 'circle', 'line', 'path'):
            self.stack.append(tag)
        if tag == 'section':
            self.section = a.get('id')
        if tag == 'table':
            self.table = a.get('id'); self.inc('table')
        if tag == 'tr' and self.table and 'tbody' in self.stack:
            self.inc('rows.' + self.table)
        if tag == 'svg':
            self.inc('svg'); self.svg = self.section
        if tag == 'rect' and 'bar' in cls:
            self.inc('bars.%s' % self.svg)
        if tag == 'circle' and 'dot' in cls:
            self.inc('dots.%s' % self.svg)
        if tag == 'line' and 'mark' in cls:
            self.inc('marks.%s.%s' % (self.svg, cls[-1]))
        if tag == 'script':
            self.inc('script')
    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if self.stack and self.stack[-1] == tag:
            self.stack.pop()
    def handle_endtag(self, tag):
        if tag in self.stack:
            while self.stack.pop() != tag:
                pass
        if tag == 'table':
            self.table = None

p = P()
p.feed(open(sys.argv[1], encoding='utf-8').read())
for k in sorted(p.c):
    print(k, p.c[k])
EOF
python3 "$tmp/count.py" "$tmp/dom.html" >"$tmp/counts.txt"
val() { awk -v k="$1" '$1 == k { print $2 }' "$tmp/counts.txt"; }
expect() { # KEY WANT DESCRIPTION
	local got
	got=$(val "$1")
	if [ "${got:-0}" = "$2" ]; then ok "DOM: $3 ($1 = $2)"; else ko "DOM: $3" "$1: want $2, got ${got:-0}"; fi
}
if [ "${nfail:-0}" -gt 0 ]; then
	expect table 5 "five tables (runs, phases, memory, baselines, failures)"
	expect rows.failure-table "$nfail" "failure table: one row per failed cold start"
else
	expect table 4 "four tables (runs, phases, memory, baselines; no cold start failed)"
fi
expect rows.runs-table 2 "runs table: one row per input"
expect rows.phase-table 6 "phase table: init, handler, total per input"
expect rows.memory-table 2 "memory table: one row per input"
expect rows.baseline-table 4 "baseline table: the four built-in baselines"
expect svg 3 "three inline SVG charts"
expect bars.chart 6 "cold-start chart: init, handler, total bars per input"
expect marks.chart.p50 6 "cold-start chart: p50 marks"
expect marks.chart.p99 6 "cold-start chart: p99 marks"
expect dots.distribution 10 "distribution: one dot per cold start"
expect marks.distribution.p50 2 "distribution: p50 per input"
expect marks.distribution.p99 2 "distribution: p99 per input"
if [ $ebpf = 1 ]; then
	expect bars.waterfall 10 "waterfall: five phase bars per input (eBPF timing)"
else
	expect bars.waterfall 4 "waterfall: init and handler bars per input (userspace timing)"
fi
expect marks.waterfall.total 2 "waterfall: median total per input"
expect script 0 "no script element"
for s in "Measurement caveats" "No platform overhead." "Indicative only." "need not add up to the median total" \
	"lambda-perf 2024-12-31" "c++ 11 (prov.al2)" "13.539"; do
	if grep -qF "$s" "$tmp/dom.html"; then ok "DOM text: $s"; else ko "DOM text: $s"; fi
done

# --- the HTML page: pixels -------------------------------------------------------------------
rm -f "$tmp/shot.png"
chrome "file://$tmp/report.html" 1280,2000 --screenshot="$tmp/shot.png" >/dev/null
if [ -s "$tmp/shot.png" ]; then ok "chromium --screenshot of the page"; else ko "chromium --screenshot" "$(tail -5 "$tmp/chromium.log")"; finish; fi
# colours: init bar, handler bar, exec bar, connect bar, caveats background, table header
if info=$($PNG info "$tmp/shot.png" 2b6cb0 dd8a2e 7b5ea7 17a2b8 fffaf0 2>&1); then
	read -r w h ncol nonwhite c_init c_handler c_exec c_connect c_caveat <<<"$info"
	if [ "$w" = 1280 ] && [ "$h" = 2000 ]; then ok "screenshot is a 1280x2000 PNG"; else ko "screenshot is a 1280x2000 PNG" "$info"; fi
	if [ "$ncol" -gt 50 ] && awk -v f="$nonwhite" 'BEGIN { exit !(f > 0.05) }'; then
		ok "screenshot is not blank ($ncol colours, $nonwhite non-white)"
	else
		ko "screenshot is not blank" "$info"
	fi
	if [ "$c_init" -gt 2000 ] && [ "$c_handler" -gt 100 ] && [ "$c_caveat" -gt 10000 ]; then
		ok "screenshot shows the init and handler bars and the caveats box ($c_init, $c_handler, $c_caveat px)"
	else
		ko "screenshot shows the bars and the caveats box" "$info"
	fi
	if [ $ebpf = 0 ] || { [ "$c_exec" -gt 500 ] && [ "$c_connect" -gt 100 ]; }; then
		ok "screenshot shows the waterfall's exec and connect bars ($c_exec, $c_connect px)"
	else
		ko "screenshot shows the waterfall's exec and connect bars" "$info"
	fi
else
	ko "screenshot decodes as PNG" "$info"
fi

# --- the standalone SVG ----------------------------------------------------------------------
svg_h=$(sed -n 's/^<svg [^>]* height="\([0-9]*\)".*/\1/p' "$tmp/report.svg" | head -1)
chrome "file://$tmp/report.svg" "960,${svg_h:-1000}" --dump-dom >"$tmp/svgdom.txt"
dots=$(grep -o 'class="dot"' "$tmp/svgdom.txt" | wc -l)
bars=$(grep -o 'class="bar phase-' "$tmp/svgdom.txt" | wc -l)
if grep -qi 'parsererror\|error on line' "$tmp/svgdom.txt"; then
	ko "the SVG parses in Chromium's XML parser" "$(grep -io '[^<>]*error[^<>]*' "$tmp/svgdom.txt" | head -3)"
elif [ "$dots" = 10 ] && { [ $ebpf = 0 ] || [ "$bars" = 10 ]; }; then
	ok "the SVG parses in Chromium and holds 10 dots and $bars phase bars"
else
	ko "the SVG holds the dots and bars" "dots $dots, bars $bars"
fi
rm -f "$tmp/svg.png"
chrome "file://$tmp/report.svg" "960,${svg_h:-1000}" --screenshot="$tmp/svg.png" >/dev/null
if info=$($PNG info "$tmp/svg.png" 7b5ea7 2b6cb0 2>&1); then
	read -r w h ncol nonwhite c_exec c_init <<<"$info"
	if [ "$w" = 960 ] && [ "$h" = "$svg_h" ] && [ "$ncol" -gt 20 ] && [ "$c_init" -gt 1000 ] &&
		{ [ $ebpf = 0 ] || [ "$c_exec" -gt 500 ]; }; then
		ok "SVG screenshot: 960x$svg_h, $ncol colours, waterfall bars drawn"
	else
		ko "SVG screenshot" "$info (want 960x$svg_h)"
	fi
else
	ko "SVG screenshot decodes as PNG" "$info"
fi
# control: a malformed SVG is refused by the same check
sed 's|</svg>$||' "$tmp/report.svg" | sed '$d' >"$tmp/broken.svg"
echo '<g><rect/></svg>' >>"$tmp/broken.svg"
chrome "file://$tmp/broken.svg" 960,800 --dump-dom >"$tmp/brokendom.txt"
if grep -qi 'parsererror\|error on line' "$tmp/brokendom.txt"; then
	ok "control: Chromium reports a malformed SVG as an XML error"
else
	ko "control: Chromium reports a malformed SVG as an XML error" "$(head -c 300 "$tmp/brokendom.txt")"
fi

finish
