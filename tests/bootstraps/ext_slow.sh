#!/bin/sh
# An extension whose init takes 300 ms, then follows its events and exits at SHUTDOWN.
. "$(dirname "$0")/ext_common.sh"
sleep 0.3
ext_register ext_slow.sh
while :; do
	ext_next
	case $EV in *'"SHUTDOWN"'*) exit 0 ;; esac
done
