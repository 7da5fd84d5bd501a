#!/bin/sh
# An extension that follows INVOKE but ignores SHUTDOWN: it must be killed at the deadline.
. "$(dirname "$0")/ext_common.sh"
ext_register ext_ignore_shutdown.sh
while :; do
	ext_next
	case $EV in *'"SHUTDOWN"'*) exec sleep 63 ;; esac
done
