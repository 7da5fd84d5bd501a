#!/bin/sh
# A custom runtime in shell, as AWS's tutorial writes one: the handler FILE.FUNCTION names the
# script FILE.sh in the task root (${_HANDLER%%.*}.sh), sourced once, and the shell function
# FUNCTION it defines, called with each event; what it prints is the response. A handler whose
# script is missing is an init error (Runtime.HandlerNotFound), as Lambda's runtimes report it.
api="http://$AWS_LAMBDA_RUNTIME_API/2018-06-01/runtime"
script="${_HANDLER%%.*}.sh"
fn="${_HANDLER#*.}"
cd "${LAMBDA_TASK_ROOT:?}" || exit 1
echo "runtime: handler $_HANDLER -> $LAMBDA_TASK_ROOT/$script, function $fn"
if [ ! -f "$script" ]; then
	curl -sS -o /dev/null -X POST -H 'Lambda-Runtime-Function-Error-Type: Runtime.HandlerNotFound' \
		-d "{\"errorType\":\"Runtime.HandlerNotFound\",\"errorMessage\":\"$script: no such file\"}" \
		"$api/init/error"
	exit 1
fi
. "./$script"
while :; do
	hdr=$(mktemp) || exit 1
	event=$(curl -sS -D "$hdr" "$api/invocation/next") || exit 1
	id=$(tr -d '\r' <"$hdr" | sed -n 's/^[Ll]ambda-[Rr]untime-[Aa]ws-[Rr]equest-[Ii]d: *//p')
	rm -f "$hdr"
	response=$("$fn" "$event")
	curl -sS -o /dev/null -X POST -d "$response" "$api/invocation/$id/response"
done
