# Shared by the test extensions: ext_register NAME, then ext_next (the event in $EV).
EXT_API="http://$AWS_LAMBDA_RUNTIME_API/2020-01-01/extension"
ext_register() {
	hdr=$(mktemp "${TMPDIR:-/tmp}/ext.XXXXXX") || exit 1
	curl -sS -f -D "$hdr" -o /dev/null -X POST -H "Lambda-Extension-Name: $1" \
		-d '{"events": ["INVOKE", "SHUTDOWN"]}' "$EXT_API/register" || exit 1
	EXT_ID=$(tr -d '\r' <"$hdr" | sed -n 's/^[Ll]ambda-[Ee]xtension-[Ii]dentifier: *//p')
	rm -f "$hdr"
}
ext_next() {
	EV=$(curl -sS -f -H "Lambda-Extension-Identifier: $EXT_ID" "$EXT_API/event/next") || exit 1
}
