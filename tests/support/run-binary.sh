#!/usr/bin/env bash
# Run a cross-compiled cgoflake binary on this x86_64 Linux host.
#
# usage: run-binary.sh BINARY GOOS GOARCH LIBC [ARGS...]
#   LIBC: gnu|glibc, musl, or none|- (windows)
#
# Arguments after LIBC go to the binary; the binary's exit code is returned.
# Exit code 77 (the automake "skip" code) means this host cannot run the
# target (darwin, windows/arm64, unknown arch); the reason goes to stderr.
# Exit code 64 means the script was misused (bad arguments, missing file).
#
#   linux/amd64               executed natively (gnu or musl)
#   linux/386                 executed natively too (qemu-i386 7.2 crashes every Go
#                             386 binary, even pure Go); glibc ones through the
#                             sysroot's /lib/ld-linux.so.2 with --library-path,
#                             so the host needs no i386 multiarch libc
#   linux/* gnu               qemu-<arch>-static -L <sysroot>; sysroot defaults to
#                             Debian's cross sysroot /usr/<triple> (libc6-*-cross),
#                             override with RUN_BINARY_SYSROOT
#   linux/* musl (static)     qemu-<arch>-static, no sysroot
#   windows/amd64             wine, private prefix (RUN_BINARY_WINEPREFIX, default
#                             $TMPDIR/cgoflake-wineprefix) holding the ProcessPrng
#                             shim from wine/build-processprng.sh (Go >= 1.24 needs it)
set -euo pipefail

skip() { echo "run-binary.sh: cannot run $goos/$goarch${libc:+ ($libc)} here: $*" >&2; exit 77; }
die()  { echo "run-binary.sh: $*" >&2; exit 64; }

[[ $# -ge 4 ]] || die "usage: run-binary.sh BINARY GOOS GOARCH LIBC [ARGS...]"
bin=$1 goos=$2 goarch=$3 libc=$4
shift 4
[[ -f "$bin" ]] || die "no such file: $bin"
case "$bin" in /*) ;; *) bin="$PWD/$bin" ;; esac
case "$libc" in glibc) libc=gnu ;; none|-|"") libc="" ;; esac
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

host_arch=$(uname -m)
[[ "$host_arch" == x86_64 ]] || die "this script expects an x86_64 Linux host (got $host_arch)"

case "$goos" in
linux)
  case "$goarch" in
    amd64)   qemu="" triple=x86_64-linux-gnu ;;
    386)     qemu="" triple=i686-linux-gnu ;;
    arm64)   qemu=qemu-aarch64-static triple=aarch64-linux-gnu ;;
    arm)     qemu=qemu-arm-static triple=arm-linux-gnueabihf ;;
    riscv64) qemu=qemu-riscv64-static triple=riscv64-linux-gnu ;;
    ppc64le) qemu=qemu-ppc64le-static triple=powerpc64le-linux-gnu ;;
    s390x)   qemu=qemu-s390x-static triple=s390x-linux-gnu ;;
    # No loongarch64 cross glibc in Debian bookworm: gnu binaries skip below.
    loong64) qemu=qemu-loongarch64-static triple=loongarch64-linux-gnu ;;
    mips64le) qemu=qemu-mips64el-static triple=mips64el-linux-gnuabi64 ;;
    *) skip "no qemu mapping for linux/$goarch" ;;
  esac
  case "$libc" in gnu|musl) ;; *) die "linux needs LIBC gnu or musl, got '$libc'" ;; esac
  chmod +x "$bin" 2>/dev/null || true
  if [[ "$goarch" == 386 && "$libc" == gnu ]]; then
    sysroot=${RUN_BINARY_SYSROOT:-/usr/$triple}
    [[ -x "$sysroot/lib/ld-linux.so.2" ]] || skip "no i386 glibc sysroot at $sysroot (Debian: libc6-i386-cross)"
    exec "$sysroot/lib/ld-linux.so.2" --library-path "$sysroot/lib" "$bin" "$@"
  fi
  if [[ -z "$qemu" ]]; then
    exec "$bin" "$@"
  fi
  command -v "$qemu" >/dev/null || skip "$qemu not installed (apt-get install qemu-user-static)"
  if [[ "$libc" == gnu ]]; then
    sysroot=${RUN_BINARY_SYSROOT:-/usr/$triple}
    [[ -d "$sysroot/lib" ]] || skip "no glibc sysroot at $sysroot (Debian: libc6-*-cross)"
    exec "$qemu" -L "$sysroot" "$bin" "$@"
  fi
  exec "$qemu" "$bin" "$@"
  ;;
windows)
  [[ "$goarch" == amd64 ]] || skip "only windows/amd64 runs under wine on x86_64"
  command -v wine >/dev/null || skip "wine not installed"
  export WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml=" DISPLAY=
  export WINEPREFIX=${RUN_BINARY_WINEPREFIX:-${TMPDIR:-/tmp}/cgoflake-wineprefix}
  shim="$WINEPREFIX/drive_c/windows/system32/bcryptprimitives.dll"
  if [[ ! -f "$shim" ]]; then
    # Serialise first-time prefix creation between parallel callers.
    mkdir -p "$(dirname "$WINEPREFIX")"
    exec 9>"$WINEPREFIX.lock"
    flock 9
    if [[ ! -f "$shim" ]]; then
      "$here/wine/build-processprng.sh" "$WINEPREFIX" >/dev/null
    fi
    flock -u 9
    exec 9>&-
  fi
  exec wine "$bin" "$@"
  ;;
*)
  skip "no way to run $goos binaries on Linux"
  ;;
esac
