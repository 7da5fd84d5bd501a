#!/bin/sh
# Says where its Runtime API is (a file "api.N" in the folder "state" next to it), waits
# 1.5 s so that a test can try to reach the API from elsewhere meanwhile, then answers.
d=$(dirname "$0")/state
echo "$AWS_LAMBDA_RUNTIME_API" >"$d/api.$(date +%s%N)"
sleep 1.5
api="http://$AWS_LAMBDA_RUNTIME_API/2018-06-01/runtime"
hdr=$(mktemp "${TMPDIR:-/tmp}/fw.XXXXXX") || exit 1
curl -sS -D "$hdr" -o /dev/null "$api/invocation/next" || exit 1
id=$(tr -d '\r' <"$hdr" | sed -n 's/^[Ll]ambda-[Rr]untime-[Aa]ws-[Rr]equest-[Ii]d: *//p')
rm -f "$hdr"
curl -sS -o /dev/null -X POST -d '{}' "$api/invocation/$id/response"
exec sleep 66
