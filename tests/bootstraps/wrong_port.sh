#!/bin/sh
# Looks for the Runtime API on the wrong port and gives up.
curl -sS --max-time 2 -o /dev/null "http://127.0.0.1:1/2018-06-01/runtime/invocation/next"
exit 7
