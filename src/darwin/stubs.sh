#!/bin/sh
# usage: mkstubs.sh GOROOT OUT   -- TAPI v4 stubs for the non-libSystem darwin
# imports of the Go standard library (mirror of cgoflake::darwin_stubs).
# Plain POSIX tools only, and no awk system(): a build sandbox may have no /bin/sh.
set -eu
goroot=$1; out=$2
list=$(mktemp)
find "$goroot/src" -path "$goroot/src/cmd" -prune -o -name testdata -prune -o -name '_*' -prune -o \
  -name '*.go' ! -name '*_test.go' -type f -print | LC_ALL=C sort | xargs grep -h '^//go:cgo_import_dynamic[[:space:]]' \
| awk '{ lib=$4; gsub(/"/, "", lib); sym=$3; sub(/#.*/, "", sym)
         if (lib ~ /^\/usr\/lib\/lib[^\/]*\.dylib$/ && lib != "/usr/lib/libSystem.B.dylib" || lib ~ /^\/System\/Library\/Frameworks\//) print lib, sym }' \
| LC_ALL=C sort -u > "$list"
# One line per library: its install name, stub directory and stub file.
awk -v out="$out" '
$1 != lib {
  lib = $1
  if (lib ~ /^\/usr\/lib\//) { name = lib; sub(/^\/usr\/lib\/lib/, "", name); sub(/\..*$/, "", name); dir = out "/lib"; path = dir "/lib" name ".tbd" }
  else { name = lib; sub(/^\/System\/Library\/Frameworks\//, "", name); sub(/\.framework\/.*$/, "", name); dir = out "/Frameworks/" name ".framework"; path = dir "/" name ".tbd" }
  print lib, dir, path
}' "$list" > "$list.libs"
while read -r lib dir path; do mkdir -p "$dir"; done < "$list.libs"
awk -v libs="$list.libs" '
BEGIN { while ((getline line < libs) > 0) { split(line, f, " "); file[f[1]] = f[3] } }
function flush() {
  if (lib == "") return
  if (n > 0) printf " ]\n" > path
  printf "...\n" > path; close(path)
}
$1 != lib {
  flush(); lib = $1; n = 0; path = file[lib]
  printf "--- !tapi-tbd\ntbd-version:     4\ntargets:         [ x86_64-macos, arm64-macos ]\ninstall-name:    '\''%s'\''\ncurrent-version: 1\ncompatibility-version: 1\n", lib > path
}
$2 != "_" {
  if (n == 0) printf "exports:\n  - targets:         [ x86_64-macos, arm64-macos ]\n    symbols:         [ _%s", $2 > path
  else printf ",\n                      _%s", $2 > path
  n++
}
END { flush() }
' "$list"
rm -f "$list" "$list.libs"
