#!/bin/sh
# An extension that registers and then crashes (exit 3) before it calls event/next.
. "$(dirname "$0")/ext_common.sh"
ext_register ext_crash.sh
exit 3
