#!/bin/sh
# Takes the event and posts a function error whose type and message carry terminal escape
# sequences (clear screen, colours) and a newline followed by a fake report line: untrusted
# text the profiler must show escaped, never raw.
api="http://$AWS_LAMBDA_RUNTIME_API/2018-06-01/runtime"
hdr=$(mktemp "${TMPDIR:-/tmp}/hostile_error.XXXXXX") || exit 1
curl -sS -D "$hdr" -o /dev/null "$api/invocation/next" || exit 1
id=$(tr -d '\r' <"$hdr" | sed -n 's/^[Ll]ambda-[Rr]untime-[Aa]ws-[Rr]equest-[Ii]d: *//p')
rm -f "$hdr"
curl -sS -o /dev/null -X POST -H 'Lambda-Runtime-Function-Error-Type: Function.Hostile' \
	-d '{"errorMessage":"\u001b[2J\u001b[31mwiped\u001b[0m\n  Invocation 2: 0.1ms (init: 0.1ms, handler: 0.1ms)","errorType":"Evil\u001b[1;32m\nType"}' \
	"$api/invocation/$id/error"
exec sleep 60
