#!/bin/sh
# curl_script: a shell custom runtime (POSIX sh). Every Runtime API call is
# made by a child curl process, so the HTTP is carried by curl's syscalls in
# short-lived child processes, never by this shell:
#   GET next       curl -sS -D <headers file> .../invocation/next   (new process)
#   POST response  curl -sS -X POST -H 'Content-Type: application/json'
#                       --data-binary @- .../invocation/<id>/response  (new process)
# The handler echoes the event back as the response body.

prog=curl_script

if [ -z "${AWS_LAMBDA_RUNTIME_API:-}" ]; then
	echo "$prog: AWS_LAMBDA_RUNTIME_API is not set" >&2
	exit 1
fi
if ! command -v curl >/dev/null 2>&1; then
	echo "$prog: curl not found in PATH ($PATH)" >&2
	exit 1
fi

api="http://${AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime"
cr=$(printf '\r')

while :; do
	headers=$(mktemp "${TMPDIR:-/tmp}/curl_script.XXXXXX") || {
		echo "$prog: mktemp failed" >&2
		exit 1
	}
	# Command substitution drops trailing newlines of the event: harmless for JSON.
	if ! event=$(curl -sS -D "$headers" "$api/invocation/next"); then
		rm -f "$headers"
		echo "$prog: GET next failed" >&2
		exit 1
	fi
	# Parse the saved headers with shell builtins only (no extra processes):
	# the last status line wins (interim 1xx responses come first), header
	# names are matched case-insensitively, CRs are stripped.
	status='' request_id=''
	while IFS= read -r line || [ -n "$line" ]; do
		line=${line%"$cr"}
		case $line in
		HTTP/*)
			status=${line#* }
			status=${status%% *}
			;;
		[Ll][Aa][Mm][Bb][Dd][Aa]-[Rr][Uu][Nn][Tt][Ii][Mm][Ee]-[Aa][Ww][Ss]-[Rr][Ee][Qq][Uu][Ee][Ss][Tt]-[Ii][Dd]:*)
			request_id=${line#*:}
			request_id=${request_id#"${request_id%%[! 	]*}"}
			request_id=${request_id%"${request_id##*[! 	]}"}
			;;
		esac
	done < "$headers"
	rm -f "$headers"
	if [ "$status" != 200 ] || [ -z "$request_id" ]; then
		echo "$prog: GET next answered ${status:-nothing}${request_id:+ for $request_id}" >&2
		exit 1
	fi

	# The handler: the event itself is the response.
	if ! code=$(printf '%s' "$event" |
		curl -sS -o /dev/null -w '%{http_code}' -X POST \
			-H 'Content-Type: application/json' \
			--data-binary @- "$api/invocation/$request_id/response"); then
		echo "$prog: POST response failed" >&2
		exit 1
	fi
	[ "$code" = 202 ] || echo "$prog: POST response answered $code" >&2
done
