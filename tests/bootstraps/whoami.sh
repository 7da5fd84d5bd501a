#!/bin/sh
# Reports the user it runs as, then answers one invocation.
echo "uid=$(id -u) gid=$(id -g)"
sed 's/^/cgroup: /' /proc/self/cgroup
api="http://$AWS_LAMBDA_RUNTIME_API/2018-06-01/runtime"
hdr=$(mktemp "${TMPDIR:-/tmp}/whoami.XXXXXX") || exit 1
curl -sS -D "$hdr" -o /dev/null "$api/invocation/next" || exit 1
id=$(tr -d '\r' <"$hdr" | sed -n 's/^[Ll]ambda-[Rr]untime-[Aa]ws-[Rr]equest-[Ii]d: *//p')
rm -f "$hdr"
curl -sS -o /dev/null -X POST -d '{}' "$api/invocation/$id/response"
exec sleep 60
