# The function of shell_runtime.sh: handler "hello.handler". It reads its data from the layers
# (/opt/data.txt: the last layer's copy) and says what it found, in its log and its response.
handler() {
	data=$(cat /opt/data.txt 2>&1)
	echo "hello: /opt/data.txt says: $data" >&2
	echo "hello: TABLE=${TABLE:-} TZ=${TZ:-}" >&2
	printf '{"hello":"%s","event":%s}' "$data" "$1"
}
