#!/bin/sh
# Floods stdout and stderr during init (48 MiB each), then answers normally:
# the log must stay bounded and the cold start must still be measured.
head -c 50331648 /dev/zero
head -c 50331648 /dev/zero >&2
api="http://$AWS_LAMBDA_RUNTIME_API/2018-06-01/runtime"
hdr=$(mktemp "${TMPDIR:-/tmp}/flood.XXXXXX") || exit 1
curl -sS -D "$hdr" -o /dev/null "$api/invocation/next" || exit 1
id=$(tr -d '\r' <"$hdr" | sed -n 's/^[Ll]ambda-[Rr]untime-[Aa]ws-[Rr]equest-[Ii]d: *//p')
rm -f "$hdr"
curl -sS -o /dev/null -X POST -d '{"flood":true}' "$api/invocation/$id/response"
exec sleep 60
