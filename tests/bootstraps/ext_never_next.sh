#!/bin/sh
# An extension that registers and never calls event/next: init cannot end.
. "$(dirname "$0")/ext_common.sh"
ext_register ext_never_next.sh
exec sleep 62
