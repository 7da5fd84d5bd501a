#!/bin/sh
# Takes the event and reports a function error instead of a response.
api="http://$AWS_LAMBDA_RUNTIME_API/2018-06-01/runtime"
hdr=$(mktemp "${TMPDIR:-/tmp}/post_error.XXXXXX") || exit 1
curl -sS -D "$hdr" -o /dev/null "$api/invocation/next" || exit 1
id=$(tr -d '\r' <"$hdr" | sed -n 's/^[Ll]ambda-[Rr]untime-[Aa]ws-[Rr]equest-[Ii]d: *//p')
rm -f "$hdr"
curl -sS -o /dev/null -X POST -H 'Lambda-Runtime-Function-Error-Type: Function.TestFailure' \
	-d '{"errorMessage":"the handler failed on purpose","errorType":"TestFailure"}' \
	"$api/invocation/$id/error"
exec sleep 60
