#!/bin/sh
# Forks a daemon (a new session, re-parented away from the bootstrap) and hangs without
# calling the Runtime API: what a profiler killed meanwhile must not leave running.
setsid sh -c 'exec sleep 7301' </dev/null >/dev/null 2>&1 &
exec sleep 7302
