#!/usr/bin/env bash
# Build the ProcessPrng stand-in (bcryptprimitives.dll) with zig cc and install
# it into a Wine prefix's system32 (test harness only; see processprng.c).
#
# usage: build-processprng.sh WINEPREFIX
#   ZIG     zig binary or command (default: zig on PATH, else python3 -m ziglang)
#   TMPDIR  scratch space (the zig caches live there)
set -euo pipefail

prefix=${1:?usage: build-processprng.sh WINEPREFIX}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

if [[ -z "${ZIG:-}" ]]; then
  if command -v zig >/dev/null 2>&1; then ZIG=zig; else ZIG="python3 -m ziglang"; fi
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/processprng.XXXXXX")
trap 'rm -rf "$work"' EXIT
export ZIG_GLOBAL_CACHE_DIR=${ZIG_GLOBAL_CACHE_DIR:-$work/zig-global}
export ZIG_LOCAL_CACHE_DIR=${ZIG_LOCAL_CACHE_DIR:-$work/zig-local}

# shellcheck disable=SC2086 # ZIG may be "python3 -m ziglang"
$ZIG cc -target x86_64-windows-gnu -shared -O2 -fno-sanitize=all -s \
  -o "$work/bcryptprimitives.dll" "$here/processprng.c" "$here/processprng.def" -lbcrypt

# A fresh prefix has no drive_c until Wine has run once in it.
if [[ ! -d "$prefix/drive_c/windows/system32" ]]; then
  WINEPREFIX=$prefix WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml=" \
    wineboot --init >/dev/null 2>&1 || true
  WINEPREFIX=$prefix wineserver -w 2>/dev/null || true
fi
sys32="$prefix/drive_c/windows/system32"
[[ -d "$sys32" ]] || { echo "build-processprng.sh: no $sys32 (wineboot failed?)" >&2; exit 1; }
install -m 0644 "$work/bcryptprimitives.dll" "$sys32/bcryptprimitives.dll"
echo "$sys32/bcryptprimitives.dll"
