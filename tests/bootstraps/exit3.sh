#!/bin/sh
# Fails at once: a cold start that never reaches the Runtime API.
echo "exit3: giving up" >&2
exit 3
