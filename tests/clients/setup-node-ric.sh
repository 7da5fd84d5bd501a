#!/usr/bin/env bash
# Installs a real third-party Lambda runtime client, the AWS Lambda Runtime Interface
# Client for Node.js (npm: aws-lambda-ric), from the npm registry into a cache folder, so
# tests run it unmodified as a user's function would.
#
#   setup-node-ric.sh [--version V] [--task-root DIR] [CACHE_DIR]
#
# CACHE_DIR defaults to $OUTPUT/clients ($OUTPUT: .output of this tree, as for make). The
# client lands in CACHE_DIR/aws-lambda-ric-V (node_modules/ inside); that folder is printed.
# With --task-root DIR, DIR is also made a complete function folder (the node-hello sample:
# bootstrap, index.js and a copy of node_modules, readable by every user) and DIR is printed.
# A second run finds the cached client and only checks that its native addon still loads.
#
# The client builds a native addon at install (node-gyp, with curl and aws-lambda-cpp built
# from the sources it ships): the Debian packages that needs are installed with apt-get when
# their tools are missing. node-gyp cannot download Node's headers here, so it is pointed at
# the ones the installed Node ships (npm_config_nodedir).
#
# Exit status: 0 ready; 1 the install or build failed (the npm log is named);
# 2 bad usage; 3 the npm registry cannot be reached.
set -euo pipefail

TOP=$(cd "$(dirname "$0")/../.." && pwd)
HERE=$TOP/tests/clients
VERSION=3.3.0
TASK_ROOT=
CACHE=

die() { echo "setup-node-ric: $2" >&2; exit "$1"; }
say() { echo "setup-node-ric: $*" >&2; }

while [ $# -gt 0 ]; do
	case $1 in
	--version) [ $# -ge 2 ] || die 2 "--version needs a value"; VERSION=$2; shift 2 ;;
	--task-root) [ $# -ge 2 ] || die 2 "--task-root needs a folder"; TASK_ROOT=$2; shift 2 ;;
	-h|--help) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	-*) die 2 "unknown option $1 (see --help)" ;;
	*) [ -z "$CACHE" ] || die 2 "one cache folder only"; CACHE=$1; shift ;;
	esac
done
[[ $VERSION =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || die 2 "--version wants X.Y.Z, not '$VERSION'"
CACHE=${CACHE:-${OUTPUT:-$TOP/.output}/clients}
mkdir -p "$CACHE" || die 1 "cannot create $CACHE"
CACHE=$(cd "$CACHE" && pwd)
PREFIX=$CACHE/aws-lambda-ric-$VERSION
PKG=$PREFIX/node_modules/aws-lambda-ric

# One install at a time per cache folder (parallel test runs share it).
exec 9>"$CACHE/.lock"
flock 9

apt_install() {
	[ "$(id -u)" -eq 0 ] || die 1 "missing Debian packages $*: install them (apt-get install $*) or run as root"
	say "installing Debian packages: $*"
	export DEBIAN_FRONTEND=noninteractive
	if ! apt-get install -y -qq --no-install-recommends "$@" >"$CACHE/apt.log" 2>&1; then
		# a new machine may have no package lists yet
		apt-get update -qq >>"$CACHE/apt.log" 2>&1 || true
		apt-get install -y -qq --no-install-recommends "$@" >>"$CACHE/apt.log" 2>&1 ||
			die 1 "apt-get install $* failed: $(tail -n 1 "$CACHE/apt.log")"
	fi
}

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
	# Debian's Node.js (18) is one the 1.x-3.x clients support; its headers are libnode-dev
	apt_install nodejs npm libnode-dev
fi
NODE_ID="node $(node --version) abi $(node -p process.versions.modules)"

# The native addon: its path differs between the client's major versions.
find_addon() {
	find "$PKG" -path "$PKG/node_modules" -prune -o -name '*.node' -type f -print 2>/dev/null | head -n 1
}
addon_loads() {
	local a
	a=$(find_addon)
	# the addon reads AWS_LAMBDA_RUNTIME_API when it loads (and aborts without it); loading
	# it connects nowhere
	[ -n "$a" ] && AWS_LAMBDA_RUNTIME_API=127.0.0.1:9 node -e 'require(process.argv[1])' "$a" \
		>/dev/null 2>&1
}

print_result() {
	if [ -n "$TASK_ROOT" ]; then
		mkdir -p "$TASK_ROOT" || die 1 "cannot create $TASK_ROOT"
		TASK_ROOT=$(cd "$TASK_ROOT" && pwd)
		rm -rf "$TASK_ROOT/node_modules"
		cp -p "$HERE/node-hello/bootstrap" "$HERE/node-hello/index.js" "$TASK_ROOT/"
		cp -a "$PREFIX/node_modules" "$TASK_ROOT/node_modules"
		chmod -R a+rX "$TASK_ROOT"
		echo "$TASK_ROOT"
	else
		echo "$PREFIX"
	fi
}

if [ -f "$PREFIX/.setup-ok" ] && [ "$(cat "$PREFIX/.setup-ok")" = "aws-lambda-ric@$VERSION $NODE_ID" ] &&
   addon_loads; then
	print_result
	exit 0
fi

# Reachability first, so that an offline machine gets one clear line instead of a build log.
set +e
view=$(npm view "aws-lambda-ric@$VERSION" version --fetch-retries=0 --fetch-timeout=30000 2>&1)
rc=$?
set -e
if [ $rc -ne 0 ]; then
	code=$(printf '%s\n' "$view" | sed -n 's/^npm error code //p' | head -n 1)
	case $code in
	E404) die 1 "aws-lambda-ric@$VERSION is not on the npm registry" ;;
	*) die 3 "cannot reach the npm registry for aws-lambda-ric@$VERSION (npm: ${code:-$(printf '%s\n' "$view" | tail -n 1)})" ;;
	esac
fi
[ "$view" = "$VERSION" ] || die 1 "aws-lambda-ric@$VERSION is not on the npm registry (npm view printed '$view')"

# Build tools of the client's preinstall (curl: autoreconf, configure, make; aws-lambda-cpp:
# cmake, g++) and postinstall (node-gyp: python3, make, g++); 4.x ships its sources as .tar.xz.
need=()
for t in cmake:cmake g++:g++ make:make python3:python3 autoreconf:autoconf aclocal:automake \
	 libtoolize:libtool xz:xz-utils; do
	command -v "${t%%:*}" >/dev/null || need+=("${t#*:}")
done
[ ${#need[@]} -eq 0 ] || apt_install "${need[@]}"

nodedir=$(dirname "$(dirname "$(readlink -f "$(command -v node)")")")
if [ ! -f "$nodedir/include/node/node_api.h" ]; then
	# Debian's own nodejs keeps them in libnode-dev
	if dpkg -S "$(readlink -f "$(command -v node)")" 2>/dev/null | grep -q '^nodejs:'; then
		apt_install libnode-dev
	fi
	[ -f "$nodedir/include/node/node_api.h" ] ||
		die 1 "no Node.js headers in $nodedir/include/node (node-gyp needs them and cannot download them here)"
fi

say "installing aws-lambda-ric@$VERSION from npm into $PREFIX (builds a native addon: about 2 minutes)"
tmp=$CACHE/.aws-lambda-ric-$VERSION.tmp.$$
rm -rf "$tmp"
mkdir -p "$tmp"
trap 'rm -rf "$tmp"' EXIT
# allowScripts: npm 11 warns (a later npm refuses) to run install scripts nobody approved;
# the client's scripts are its build
printf '{ "name": "node-ric-cache", "private": true, "allowScripts": { "aws-lambda-ric": true } }\n' \
	>"$tmp/package.json"
log=$CACHE/aws-lambda-ric-$VERSION.log
start=$(date +%s)
if ! (cd "$tmp" && npm_config_nodedir=$nodedir MAKEFLAGS=-j$(nproc) JOBS=$(nproc) \
	npm install --no-audit --no-fund --foreground-scripts "aws-lambda-ric@$VERSION") >"$log" 2>&1; then
	# the build's last complaint before npm's summary, and which install script failed
	err=$(awk '/^npm error/ { exit } /gyp ERR! stack/ && !s { s = $0 }
		/not found|[Ee]rror:|ERR!|[Ee]rror [0-9]/ { e = $0 } END { print s ? s : e }' "$log")
	step=$(sed -n 's/^npm error command sh -c //p' "$log" | head -n 1)
	die 1 "npm install aws-lambda-ric@$VERSION failed${step:+ in $step}: ${err:-$(grep -m 1 '^npm error' "$log")}; log: $log"
fi
PKG=$tmp/node_modules/aws-lambda-ric
# npm installs past a package's "engines" with a warning only (4.x declares node >= 22)
if grep -q EBADENGINE "$log"; then
	say "warning: aws-lambda-ric@$VERSION does not list $(node --version) among the Node.js versions it supports"
fi
addon_loads || die 1 "aws-lambda-ric@$VERSION installed but its native addon does not load; log: $log"
# The client's postinstall means to delete the curl and aws-lambda-cpp build trees, but its
# pattern ('*[^gz]') is not a negation under dash, Debian's sh: it deletes the tarballs and
# keeps about 150 MB of build trees. Finish that clean-up; what runs is not touched.
find "$PKG/deps" -mindepth 1 -maxdepth 1 -type d \( -name 'aws-lambda-cpp*' -o -name 'curl*' \
	-o -name artifacts \) -exec rm -rf {} + 2>/dev/null || true
echo "aws-lambda-ric@$VERSION $NODE_ID" >"$tmp/.setup-ok"
rm -rf "$PREFIX"
mv "$tmp" "$PREFIX"
trap - EXIT
PKG=$PREFIX/node_modules/aws-lambda-ric
say "installed aws-lambda-ric@$VERSION in $(( $(date +%s) - start )) s"
print_result
