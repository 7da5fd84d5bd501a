#!/bin/sh
# Answers with a 10 MB response: above Lambda's 6 MB limit.
api="http://$AWS_LAMBDA_RUNTIME_API/2018-06-01/runtime"
hdr=$(mktemp "${TMPDIR:-/tmp}/big.XXXXXX") || exit 1
curl -sS -D "$hdr" -o /dev/null "$api/invocation/next" || exit 1
id=$(tr -d '\r' <"$hdr" | sed -n 's/^[Ll]ambda-[Rr]untime-[Aa]ws-[Rr]equest-[Ii]d: *//p')
rm -f "$hdr"
head -c 10000000 /dev/zero | tr '\0' 'a' | curl -sS -o /dev/null -X POST --data-binary @- "$api/invocation/$id/response"
exec sleep 60
