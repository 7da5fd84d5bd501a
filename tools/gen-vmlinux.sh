#!/bin/sh
# Regenerate vmlinux/<arch>/vmlinux.h from the running kernel's BTF.
# Usage: tools/gen-vmlinux.sh [BTF_FILE]   (default /sys/kernel/btf/vmlinux)
# CO-RE relocations make the resulting BPF objects portable to other BTF kernels,
# so this only needs re-running to use types or fields that are new.
set -eu
btf=${1:-/sys/kernel/btf/vmlinux}
case "$(uname -m)" in
	x86_64) arch=x86 ;;
	aarch64) arch=arm64 ;;
	*) arch=$(uname -m) ;;
esac
bpftool=$(command -v bpftool || echo /usr/sbin/bpftool)
top=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$top/vmlinux/$arch"
tmp=$(mktemp "$top/vmlinux/$arch/.vmlinux.h.XXXXXX")
"$bpftool" btf dump file "$btf" format c > "$tmp"
mv "$tmp" "$top/vmlinux/$arch/vmlinux.h"
echo "wrote vmlinux/$arch/vmlinux.h from $btf"
