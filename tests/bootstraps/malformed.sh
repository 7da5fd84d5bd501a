#!/bin/bash
# Speaks something that is not HTTP to the Runtime API, then gives up.
host=${AWS_LAMBDA_RUNTIME_API%:*}
port=${AWS_LAMBDA_RUNTIME_API##*:}
exec 3<>"/dev/tcp/$host/$port" || exit 1
printf 'HELLO THERE\r\n\r\n' >&3
timeout 2 cat <&3 >/dev/null
exit 4
