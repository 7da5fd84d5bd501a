#!/bin/sh
# Takes the event, then never answers: the invocation timeout must end it.
curl -sS -o /dev/null "http://$AWS_LAMBDA_RUNTIME_API/2018-06-01/runtime/invocation/next" || exit 1
exec sleep 61
