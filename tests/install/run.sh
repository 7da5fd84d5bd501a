#!/usr/bin/env bash
# Install test: make install / uninstall with DESTDIR and PREFIX, the profiler(1) man page, the
# bash completion, and make deb (its control data, its contents, the stripped binary, the
# copyright file and changelog, reproducible bytes, lintian with no error and no warning, and the
# packaged binary run from a scratch root; as root, a benchmark by it too). Needs no root; never
# touches the host's dpkg database. lintian comes with 'make deps' (DEB_PACKAGES).
#
#   bash tests/install/run.sh              uses OUTPUT=.output (builds what is missing)
#   OUTPUT=/tmp/out-x bash tests/install/run.sh
#
# Prints one line per check and ends with "N passed, N failed"; exits 1 if any check failed.
set -u
cd "$(dirname "$0")/../.." || exit 2

OUTPUT=${OUTPUT:-.output}
MAKE=${MAKE:-make}
pass=0
fail=0
skip=0

ok() { pass=$((pass + 1)); printf '  PASS  %s\n' "$1"; }
ko() { fail=$((fail + 1)); printf '  FAIL  %s\n' "$1"; [ -z "${2:-}" ] || printf '%s\n' "$2" | sed 's/^/        /'; }
sk() { skip=$((skip + 1)); printf '  SKIP  %s\n' "$1"; }
# check DESCRIPTION COMMAND...: pass when the command succeeds.
check() { local d=$1; shift; if "$@"; then ok "$d"; else ko "$d"; fi; }

tmp=$(mktemp -d /tmp/profiler-install-test.XXXXXX) || exit 2
trap 'rm -rf "$tmp"' EXIT

VERSION=$(sed -n 's/^VERSION *:= *//p' Makefile)
[ -n "$VERSION" ] || { echo "cannot read VERSION from the Makefile"; exit 2; }
COMP=completions/profiler.bash

# Files below $1, relative, sorted, one per line.
files_under() { (cd "$1" && find . -type f -o -type l) | sed 's|^\./||' | LC_ALL=C sort; }
mode_of() { stat -c %a "$1" 2>/dev/null; }

# --- make install --------------------------------------------------------------------------
root=$tmp/root
# Files of someone else that share the directories: install and uninstall must leave them be.
mkdir -p "$root/usr/bin" "$root/usr/share/man/man1" "$root/usr/share/bash-completion/completions"
echo other >"$root/usr/bin/other-tool"
echo other >"$root/usr/share/man/man1/other.1.gz"
echo other >"$root/usr/share/bash-completion/completions/other"
before=$(files_under "$root")

if $MAKE --no-print-directory OUTPUT="$OUTPUT" install DESTDIR="$root" PREFIX=/usr >"$tmp/install.log" 2>&1; then
	ok "make install DESTDIR=\$tmp PREFIX=/usr"
else
	ko "make install DESTDIR=\$tmp PREFIX=/usr" "$(tail -20 "$tmp/install.log")"
fi

BIN=usr/bin/profiler
MAN=usr/share/man/man1/profiler.1.gz
BC=usr/share/bash-completion/completions/profiler
want=$(printf '%s\n' "$before" $BIN $MAN $BC | LC_ALL=C sort)
got=$(files_under "$root")
if [ "$got" = "$want" ]; then
	ok "install lays out exactly $BIN, $MAN, $BC"
else
	ko "install lays out exactly $BIN, $MAN, $BC" "$(diff <(echo "$want") <(echo "$got"))"
fi

check "bin/profiler is mode 755 and the built binary" \
	eval '[ "$(mode_of "$root/$BIN")" = 755 ] && cmp -s "$root/$BIN" "$OUTPUT/profiler"'
out=$("$root/$BIN" --version 2>&1)
rc=$?
if [ $rc -eq 0 ] && [[ $out == "profiler $VERSION "* ]]; then
	ok "installed profiler --version: $out"
else
	ko "installed profiler --version (rc $rc)" "$out"
fi

check "man page and completion are mode 644" \
	eval '[ "$(mode_of "$root/$MAN")" = 644 ] && [ "$(mode_of "$root/$BC")" = 644 ]'
check "completion installed unchanged" cmp -s "$root/$BC" "$COMP"

# gzip -9n: no file name, no time stamp (bytes 3..7 of the header are 0), same bytes as gzip -9n
hdr=$(od -An -tx1 -j3 -N5 "$root/$MAN" 2>/dev/null | tr -d ' \n')
if [ "$hdr" = 0000000000 ] && gzip -t "$root/$MAN" 2>/dev/null &&
	gzip -9n <man/profiler.1 | cmp -s - "$root/$MAN"; then
	ok "man page is gzip -9n of man/profiler.1 (no name, no time stamp)"
else
	ko "man page is gzip -9n of man/profiler.1 (no name, no time stamp)" "header bytes 3-7: $hdr"
fi
if zcat "$root/$MAN" | grep -q "^\.TH PROFILER 1 .*\"profiler $VERSION\"" && ! zcat "$root/$MAN" | grep -q @VERSION@; then
	ok "installed man page carries version $VERSION"
else
	ko "installed man page carries version $VERSION" "$(zcat "$root/$MAN" | grep '^\.TH')"
fi

# The checked-in page shows the release it documents: no placeholder for install to fill in.
th=$(grep -m1 '^\.TH ' man/profiler.1)
if [[ $th == *"\"profiler $VERSION\""* ]] && ! grep -q '@[A-Z_]*@' man/profiler.1; then
	ok "man/profiler.1 .TH carries the Makefile's VERSION $VERSION, no @PLACEHOLDER@"
else
	ko "man/profiler.1 .TH carries the Makefile's VERSION $VERSION, no @PLACEHOLDER@" \
		"$th$(grep -n '@[A-Z_]*@' man/profiler.1)"
fi

# --- the man page renders without warnings -------------------------------------------------
warn=$(groff -man -ww -z man/profiler.1 2>&1)
if [ -z "$warn" ]; then ok "groff -man -ww -z man/profiler.1: no warnings"; else ko "groff -man -ww -z man/profiler.1" "$warn"; fi
MANWIDTH=80 man -l --warnings "$root/$MAN" >"$tmp/man.txt" 2>"$tmp/man.err"
rc=$?
if [ $rc -eq 0 ] && [ ! -s "$tmp/man.err" ] && [ -s "$tmp/man.txt" ]; then
	ok "MANWIDTH=80 man -l --warnings renders the installed page without warnings"
else
	ko "MANWIDTH=80 man -l --warnings (rc $rc)" "$(head -20 "$tmp/man.err")"
fi
long=$(LC_ALL=C.UTF-8 grep -n '^.\{81,\}' "$tmp/man.txt")
if [ -z "$long" ]; then ok "rendered page fits 80 columns"; else ko "rendered page fits 80 columns" "$long"; fi

# A top-level section of the rendered page (header line to the next header line).
man_section() { awk -v h="$1" '/^[A-Z]/ { on = ($0 == h); next } on' "$tmp/man.txt"; }
for c in benchmark compare report memory trace; do
	H="PROFILER ${c^^}"
	sec=$(man_section "$H")
	if [ -n "$sec" ] && grep -q '^   Options' <<<"$sec" && grep -q '^   Exit status' <<<"$sec" &&
		grep -q '^   Examples' <<<"$sec" && grep -q "profiler $c " <<<"$sec"; then
		ok "man: section $H with Options, Exit status and Examples"
	else
		ko "man: section $H with Options, Exit status and Examples"
	fi
done
man_section "PROFILER BENCHMARK" >"$tmp/bench.txt"
for s in 0 1 2 3 130; do
	grep -q "^       $s  *[a-z]" "$tmp/bench.txt" || { ko "man: benchmark exit status $s"; continue; }
	ok "man: benchmark exit status $s"
done

# --- bash completion -----------------------------------------------------------------------
# complete_words LINE: what completing at the end of LINE offers, one per line, in a bash that
# has nothing but the completion file (no bash-completion package).
complete_words() {
	(cd "$tmp/cwd" && bash --norc --noprofile -c '
		source "$1" || exit 1
		COMP_LINE=$2; COMP_POINT=${#COMP_LINE}
		read -ra COMP_WORDS <<<"$COMP_LINE"
		[[ $COMP_LINE == *" " ]] && COMP_WORDS+=("")
		COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
		COMPREPLY=()
		_profiler profiler "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
		printf "%s\n" "${COMPREPLY[@]}" | LC_ALL=C sort' _ "$PWD_ROOT/$COMP" "$1")
}
PWD_ROOT=$PWD
mkdir -p "$tmp/cwd/logs"
touch "$tmp/cwd/event.json" "$tmp/cwd/base.json" "$tmp/cwd/bootstrap"

spec=$(bash --norc --noprofile -c "source '$COMP' && complete -p profiler" 2>&1)
if [ "$spec" = "complete -F _profiler profiler" ]; then ok "source completion; complete -p profiler: $spec"; else ko "complete -p profiler" "$spec"; fi
spec=$(bash --norc --noprofile -c "source '$root/$BC' && complete -p profiler" 2>&1)
check "the installed completion file registers too" test "$spec" = "complete -F _profiler profiler"

expect_completion() { # LINE EXPECTED(one per line)
	local got
	got=$(complete_words "$1")
	if [ "$got" = "$2" ]; then ok "complete '$1' -> $(echo $got)"; else ko "complete '$1'" "want: $(echo $2)"$'\n'"got:  $(echo $got)"; fi
}
expect_completion "profiler ben" benchmark
expect_completion "profiler c" compare
expect_completion "profiler benchmark --ev" --event
expect_completion "profiler benchmark --event ev" event.json
expect_completion "profiler benchmark -o ba" base.json
expect_completion "profiler benchmark -b boot" bootstrap
expect_completion "profiler benchmark --log-dir l" logs
expect_completion "profiler benchmark -a " $'arm64\nx86_64'
expect_completion "profiler compare -i ev" event.json
expect_completion "profiler compare --baseline ba" base.json
expect_completion "profiler compare -i a.json --j" --json
expect_completion "profiler report -i ba" base.json
expect_completion "profiler memory -b boot" bootstrap
expect_completion "profiler memory --binary boot" bootstrap
# --opt=value: bash splits it into "--opt" "=" "value" ('=' is in COMP_WORDBREAKS)
expect_completion "profiler benchmark --output = ba" base.json
expect_completion "profiler benchmark --event = " $'base.json\nbootstrap\nevent.json\nlogs'
expect_completion "profiler benchmark --user = roo" root
expect_completion "profiler memory --target" --target-kb

# Every option a command's --help lists is in the man page's section and in the completion.
for c in benchmark compare report memory trace; do
	if ! help=$("$OUTPUT/profiler" "$c" --help 2>/dev/null); then
		sk "options of '$c' (profiler $c --help fails: not implemented yet?)"
		continue
	fi
	opts=$(sed -n 's/^ \{1,8\}\(-[A-Za-z], \)\{0,1\}\(--[a-z][a-z0-9-]*\).*/\1\2/p' <<<"$help" |
		sed 's/, / /' | tr ' ' '\n' | sed '/^$/d' | LC_ALL=C sort -u)
	if [ -z "$opts" ]; then
		ko "options of '$c' found in its --help"
		continue
	fi
	sec=$(man_section "PROFILER ${c^^}")
	offered=$(complete_words "profiler $c -"; complete_words "profiler $c --")
	miss_man='' miss_comp=''
	for o in $opts; do
		grep -qe "^       .*$o\\b" <<<"$sec" || miss_man="$miss_man $o"
		grep -qxe "$o" <<<"$offered" || miss_comp="$miss_comp $o"
	done
	if [ -z "$miss_man" ]; then ok "man documents every option of '$c --help' ($(echo $opts))"; else ko "man misses options of '$c':$miss_man"; fi
	if [ -z "$miss_comp" ]; then ok "completion offers every option of '$c --help'"; else ko "completion misses options of '$c':$miss_comp"; fi
done

# --- make uninstall ------------------------------------------------------------------------
if $MAKE --no-print-directory OUTPUT="$OUTPUT" uninstall DESTDIR="$root" PREFIX=/usr >"$tmp/uninstall.log" 2>&1; then
	ok "make uninstall DESTDIR=\$tmp PREFIX=/usr"
else
	ko "make uninstall DESTDIR=\$tmp PREFIX=/usr" "$(tail -20 "$tmp/uninstall.log")"
fi
got=$(files_under "$root")
if [ "$got" = "$before" ]; then
	ok "uninstall removes exactly what install added (other files kept)"
else
	ko "uninstall removes exactly what install added" "$(diff <(echo "$before") <(echo "$got"))"
fi
check "uninstall again is harmless" eval \
	'$MAKE --no-print-directory OUTPUT="$OUTPUT" uninstall DESTDIR="$root" PREFIX=/usr >/dev/null 2>&1'

# Default PREFIX is /usr/local.
dflt=$tmp/default
if $MAKE --no-print-directory OUTPUT="$OUTPUT" install DESTDIR="$dflt" >"$tmp/install2.log" 2>&1 &&
	[ "$(files_under "$dflt")" = "$(printf '%s\n' usr/local/bin/profiler \
		usr/local/share/bash-completion/completions/profiler usr/local/share/man/man1/profiler.1.gz)" ] &&
	$MAKE --no-print-directory -s OUTPUT="$OUTPUT" uninstall DESTDIR="$dflt" >/dev/null 2>&1 &&
	[ -z "$(files_under "$dflt")" ]; then
	ok "without PREFIX: installs under usr/local, uninstalls all of it"
else
	ko "without PREFIX: installs under usr/local" "$(files_under "$dflt"; tail -5 "$tmp/install2.log")"
fi

# --- make deb ------------------------------------------------------------------------------
if ! command -v dpkg-deb >/dev/null || ! command -v dpkg >/dev/null; then
	sk "make deb (no dpkg-deb here)"
else
	ARCH=$(dpkg --print-architecture)
	DEB=$OUTPUT/profiler_${VERSION}_$ARCH.deb
	rm -f "$DEB"
	if $MAKE --no-print-directory OUTPUT="$OUTPUT" deb >"$tmp/deb.log" 2>&1 && [ -f "$DEB" ]; then
		ok "make deb -> $DEB"
	else
		ko "make deb -> $DEB" "$(tail -20 "$tmp/deb.log")"
	fi
	sum=$(sha256sum <"$DEB" 2>/dev/null)
	field() { dpkg-deb -f "$DEB" "$1" 2>/dev/null | tr '\n' ' ' | sed 's/  */ /g; s/ $//'; }
	# changelog_of DEB: the package's changelog, decompressed.
	changelog_of() { dpkg-deb --fsys-tarfile "$1" | tar -xOf - ./usr/share/doc/profiler/changelog.gz | zcat; }

	# The default maintainer is not a local address (lintian's bogus-mail-host); DEB_MAINTAINER
	# replaces it in the control data and in the changelog.
	dflt_maint=$(field Maintainer)
	if [[ $dflt_maint == ?*" <"?*@?*.?*">" ]] && [[ $dflt_maint != *@localhost* ]]; then
		ok "default Maintainer: $dflt_maint"
	else
		ko "default Maintainer is 'Name <address>' off localhost" "$dflt_maint"
	fi
	m='Jane Packager & Co <jane@example.org>'
	if $MAKE --no-print-directory OUTPUT="$OUTPUT" deb DEB_MAINTAINER="$m" >"$tmp/deb-m.log" 2>&1 &&
		[ "$(field Maintainer)" = "$m" ] && changelog_of "$DEB" | tail -1 | grep -qF -- " -- $m  "; then
		ok "DEB_MAINTAINER='$m' sets Maintainer and the changelog's trailer"
	else
		ko "DEB_MAINTAINER sets Maintainer and the changelog's trailer" \
			"$(field Maintainer; changelog_of "$DEB" | tail -1; tail -5 "$tmp/deb-m.log")"
	fi
	# SOURCE_DATE_EPOCH dates every member and the changelog.
	sde=1700000000
	if SOURCE_DATE_EPOCH=$sde $MAKE --no-print-directory OUTPUT="$OUTPUT" deb >"$tmp/deb-e.log" 2>&1; then
		dates=$(dpkg-deb --fsys-tarfile "$DEB" | TZ=UTC tar -tvf - --full-time | awk '{ print $4, $5 }' | sort -u)
		cl=$(changelog_of "$DEB" | tail -1)
		if [ "$dates" = "$(TZ=UTC date -d "@$sde" '+%F %T')" ] &&
			[[ $cl == *"  $(LC_ALL=C date -u -R -d "@$sde")" ]]; then
			ok "SOURCE_DATE_EPOCH=$sde dates every file and the changelog entry"
		else
			ko "SOURCE_DATE_EPOCH=$sde dates every file and the changelog entry" "$dates"$'\n'"$cl"
		fi
	else
		ko "SOURCE_DATE_EPOCH=$sde make deb" "$(tail -5 "$tmp/deb-e.log")"
	fi
	# The same tree gives the same bytes, whatever the time and the umask of the build.
	if (umask 0002 && $MAKE --no-print-directory OUTPUT="$OUTPUT" deb) >"$tmp/deb2.log" 2>&1 &&
		[ -n "$sum" ] && [ "$(sha256sum <"$DEB")" = "$sum" ]; then
		ok "make deb again (umask 0002) gives the same bytes: ${sum%% *}"
	else
		ko "make deb again (umask 0002) gives the same bytes" "$sum / $(sha256sum <"$DEB")"
	fi
	info=$(dpkg-deb -I "$DEB" 2>&1)
	if [ "$(field Package)" = profiler ] && [ "$(field Version)" = "$VERSION" ] &&
		[ "$(field Architecture)" = "$ARCH" ]; then
		ok "dpkg-deb -I: Package profiler, Version $VERSION, Architecture $ARCH"
	else
		ko "dpkg-deb -I: package, version, architecture" "$info"
	fi
	depends=$(field Depends)
	# One line: no continuation line after Depends in the raw control file (lintian's
	# multiline-field).
	ctl=$(dpkg-deb -I "$DEB" control 2>/dev/null)
	if [ "$(grep -c '^Depends: [^ ]' <<<"$ctl")" = 1 ] &&
		awk '/^Depends:/ { getline; exit ($0 ~ /^[ \t]/) }' <<<"$ctl"; then
		ok "Depends is one line"
	else
		ko "Depends is one line" "$(grep -A2 '^Depends' <<<"$ctl")"
	fi
	# Package names in Depends (without version constraints).
	dep_names=$(tr ',' '\n' <<<"$depends" | sed 's/(.*)//; s/^ *//; s/ *$//' | sed '/^$/d')
	miss=
	for p in libbpf1 libelf1 zlib1g libcjson1 libmicrohttpd12; do
		grep -qx "$p" <<<"$dep_names" || miss="$miss $p"
	done
	if [ -z "$miss" ] && grep -q "Depends: .*libbpf1" <<<"$info"; then
		ok "dpkg-deb -I lists Depends: $depends"
	else
		ko "dpkg-deb -I Depends misses:$miss" "$depends"
	fi
	# Every shared object the binary needs comes from a package in Depends.
	pkg_of() { # path -> owning package, or nothing
		local p r
		for p in "$1" "$(readlink -f "$1")"; do
			for r in "$p" "${p#/usr}" "/usr$p"; do
				dpkg -S "$r" 2>/dev/null | sed -n '1s/[:,].*//p' | grep . && return 0
			done
		done
		return 1
	}
	bad=
	for lib in $(readelf -d "$OUTPUT/profiler" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
		path=$(ldd "$OUTPUT/profiler" | awk -v l="$lib" '$1 == l && $2 == "=>" { print $3 }')
		pkg=$( [ -n "$path" ] && pkg_of "$path")
		if [ -z "$pkg" ]; then
			bad="$bad $lib(no package found)"
		elif ! grep -qx "$pkg" <<<"$dep_names"; then
			bad="$bad $lib($pkg not in Depends)"
		fi
	done
	if [ -z "$bad" ]; then ok "every DT_NEEDED library's package is in Depends"; else ko "DT_NEEDED vs Depends:$bad"; fi
	# The minimum versions dpkg-shlibdeps derives from the symbols the binary uses are met.
	if command -v dpkg-shlibdeps >/dev/null; then
		mkdir -p "$tmp/shl/debian"
		printf 'Source: profiler\n\nPackage: profiler\nArchitecture: any\n' >"$tmp/shl/debian/control"
		cp "$OUTPUT/profiler" "$tmp/shl/profiler"
		shl=$(cd "$tmp/shl" && dpkg-shlibdeps -O profiler 2>/dev/null | sed -n 's/^shlibs:Depends=//p')
		low=
		while IFS= read -r d; do
			name=$(sed 's/ *(.*//; s/^ *//' <<<"$d")
			need=$(sed -n 's/.*(>= *\([^)]*\)).*/\1/p' <<<"$d")
			[ -n "$need" ] || continue
			have=$(tr ',' '\n' <<<"$depends" | sed -n "s/^ *$name *(>= *\([^)]*\)).*/\1/p")
			if [ -z "$have" ] || ! dpkg --compare-versions "$have" ge "$need"; then
				low="$low $name(>= $need; control has ${have:-none})"
			fi
		done < <(tr ',' '\n' <<<"$shl")
		if [ -n "$shl" ] && [ -z "$low" ]; then
			ok "Depends versions meet dpkg-shlibdeps' ($shl)"
		else
			ko "Depends versions below dpkg-shlibdeps' (update packaging/deb/control.in):${low:- no output}"
		fi
	else
		sk "Depends versions vs dpkg-shlibdeps (not installed)"
	fi
	contents=$(dpkg-deb -c "$DEB" 2>/dev/null)
	files=$(awk '$1 !~ /^d/ { print $NF }' <<<"$contents" | sed 's|^\./||' | LC_ALL=C sort)
	owners=$(awk '{ print $2 }' <<<"$contents" | sort -u)
	DOC=usr/share/doc/profiler
	want=$(printf '%s\n' $BIN $BC $DOC/changelog.gz $DOC/copyright $MAN | LC_ALL=C sort)
	if [ "$files" = "$want" ] && [ "$owners" = root/root ]; then
		ok "deb holds $BIN, $MAN, $BC, $DOC/{copyright,changelog.gz}, owned by root/root"
	else
		ko "deb contents" "$contents"
	fi
	# Directories and the binary rwxr-xr-x, every other file rw-r--r--.
	badmode=$(awk -v bin="./$BIN" '{ want = ($1 ~ /^d/ || $NF == bin) ? "rwxr-xr-x" : "rw-r--r--"
		if (substr($1, 2) != want) print }' <<<"$contents")
	if [ -z "$badmode" ]; then ok "deb modes: directories and $BIN 755, other files 644"; else ko "deb modes" "$badmode"; fi
	x=$tmp/deb-root
	if dpkg -x "$DEB" "$x" 2>"$tmp/x.err"; then
		# The packaged binary is the built one, stripped as make deb strips it.
		strip --remove-section=.comment --remove-section=.note -o "$tmp/profiler.stripped" "$OUTPUT/profiler"
		out=$("$x/$BIN" --version 2>&1)
		rc=$?
		if [ $rc -eq 0 ] && [[ $out == "profiler $VERSION "* ]] && cmp -s "$x/$BIN" "$tmp/profiler.stripped"; then
			ok "dpkg -x; extracted usr/bin/profiler (the built one, stripped) --version: $out"
		else
			ko "extracted usr/bin/profiler --version (rc $rc)" "$out"
		fi
		sections=$(readelf -SW "$x/$BIN" 2>&1 | sed -n 's/^ *\[ *[0-9]*\] \([^ ]*\).*/\1/p')
		kept=$(grep -E '^\.(symtab|strtab|debug_|zdebug_|comment$|note$|gnu_debuglink)' <<<"$sections")
		if [ -n "$sections" ] && grep -qx .text <<<"$sections" && [ -z "$kept" ] &&
			readelf -SW "$OUTPUT/profiler" | grep -q ' \.debug_info '; then
			ok "packaged binary is stripped: no .symtab, no .debug_*, no .comment (the built one has .debug_info)"
		else
			ko "packaged binary is stripped" "${kept:-$(readelf -SW "$x/$BIN" 2>&1 | tail -5)}"
		fi
		if command -v file >/dev/null; then
			ft=$(file -b "$x/$BIN")
			check "file: $ft" eval '[[ $ft == *", stripped"* ]]'
		fi
		check "extracted man page and completion are the built ones" \
			eval 'cmp -s "$x/$MAN" "$OUTPUT/man/profiler.1.gz" && cmp -s "$x/$BC" "$COMP"'

		# copyright: DEP-5, stating the license the sources declare in their SPDX lines, with a
		# License paragraph for each license it names.
		cr=$x/$DOC/copyright
		spdx=$(grep -rhos --include='*.[ch]' 'SPDX-License-Identifier: .*' bpf include src tools fuzz tests |
			sed 's/^SPDX-License-Identifier: *//; s| *\*/ *$||' | LC_ALL=C sort -u)
		lic=$(sed 's/^(//; s/)$//; s/ OR / or /g; s/ AND / and /g' <<<"$spdx")
		files_lic=$(awk '/^Files: *\*$/ { f = 1; next } /^$/ { f = 0 } f && /^License:/ { sub(/^License: */, ""); print }' "$cr" 2>/dev/null)
		miss=
		for l in $(sed 's/ or / /g; s/ and / /g' <<<"$lic"); do
			grep -qx "License: $l" "$cr" || miss="$miss $l"
		done
		if [ -f "$cr" ] && [ "$(head -1 "$cr")" = "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/" ] &&
			[ "$(wc -l <<<"$spdx")" = 1 ] && [ -n "$lic" ] && [ "$files_lic" = "$lic" ] && [ -z "$miss" ] &&
			cmp -s "$cr" packaging/deb/copyright; then
			ok "$DOC/copyright: DEP-5, Files: * under $lic (the sources' SPDX: $spdx)"
		else
			ko "$DOC/copyright: DEP-5 with the sources' license" \
				"sources declare: $spdx; Files: * has: $files_lic; no License paragraph for:${miss:- -}"
		fi
		check "copyright points to /usr/share/common-licenses/LGPL-2.1, which exists" eval \
			'grep -q /usr/share/common-licenses/LGPL-2.1 "$cr" && [ -f /usr/share/common-licenses/LGPL-2.1 ]'

		# changelog: gzip -9n, a Debian changelog of this version and maintainer.
		cg=$x/$DOC/changelog.gz
		hdr=$(od -An -tx1 -j3 -N5 "$cg" 2>/dev/null | tr -d ' \n')
		zcat "$cg" >"$tmp/changelog" 2>/dev/null
		if [ "$hdr" = 0000000000 ] && gzip -9n <"$tmp/changelog" | cmp -s - "$cg"; then
			ok "$DOC/changelog.gz is gzip -9n (no name, no time stamp)"
		else
			ko "$DOC/changelog.gz is gzip -9n" "header bytes 3-7: $hdr"
		fi
		cv=$(dpkg-parsechangelog -l "$tmp/changelog" -S Version 2>&1)
		cm=$(dpkg-parsechangelog -l "$tmp/changelog" -S Maintainer 2>&1)
		if [ "$cv" = "$VERSION" ] && [ "$cm" = "$(field Maintainer)" ]; then
			ok "changelog parses: version $cv, by $cm"
		else
			ko "changelog: version $VERSION by the Maintainer" "$cv / $cm"
		fi
	else
		ko "dpkg -x $DEB" "$(cat "$tmp/x.err")"
	fi

	# lintian: no error, no warning (its informational tags are printed, they do not fail).
	if ! command -v lintian >/dev/null; then
		ko "lintian is installed ('make deps' installs it)"
	else
		lv=$(lintian --version 2>/dev/null)
		lint=$(lintian --fail-on error,warning --display-info --tag-display-limit 0 "$DEB" 2>&1)
		rc=$?
		bad=$(grep -E '^[EW]: ' <<<"$lint")
		infos=$(sed -n 's/^I: [^ ]* \([^ ]*\).*/\1/p' <<<"$lint" | sort -u | tr '\n' ' ')
		if [ $rc -eq 0 ] && [ -z "$bad" ] && [ -n "$lv" ]; then
			ok "$lv: no error, no warning on $DEB${infos:+ (info: ${infos% })}"
		else
			ko "$lv --fail-on error,warning $DEB (rc $rc)" "$lint"
		fi
	fi

	# As root: the packaged (stripped) binary loads its eBPF program and measures cold starts.
	if [ "$(id -u)" -ne 0 ]; then
		sk "benchmark by the packaged binary (needs root)"
	elif [ -x "$x/$BIN" ] && [ -x "$OUTPUT/sample/bootstrap" ]; then
		if "$x/$BIN" benchmark -b "$OUTPUT/sample/bootstrap" -n 2 --run-as-root -o "$tmp/deb-bench.json" \
			>"$tmp/deb-bench.log" 2>&1 &&
			[ "$(jq -r '.timing_source' "$tmp/deb-bench.json" 2>/dev/null)" = ebpf ]; then
			ok "packaged binary: benchmark -n 2 of the sample bootstrap, timing_source ebpf"
		else
			ko "packaged binary: benchmark -n 2 of the sample bootstrap" \
				"$(tail -5 "$tmp/deb-bench.log"; jq -c '{timing_source}' "$tmp/deb-bench.json" 2>&1)"
		fi
	else
		ko "packaged binary and $OUTPUT/sample/bootstrap exist"
	fi
fi

[ "$skip" -eq 0 ] || echo "  ($skip skipped)"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
