# TEST FIXTURE: stdenv / stdenvNoCC with nixpkgs' mkDerivation contract,
# built on a static busybox (POSIX sh + coreutils-like applets) instead of
# bash + GNU coreutils. There is no C compiler in this stdenv: cgoflake
# brings its own (zig cc) and sets CC itself.
{ lib, system, busybox }:
let
  b = builtins;

  platform = sys: let parts = lib.splitString "-" sys; in rec {
    system = sys;
    config = "${b.head parts}-unknown-${b.elemAt parts 1}";
    parsed.cpu.name = b.head parts;
    parsed.kernel.name = b.elemAt parts 1;
    isLinux = b.elemAt parts 1 == "linux";
    isDarwin = b.elemAt parts 1 == "darwin";
    isWindows = false;
    isx86_64 = b.head parts == "x86_64";
    isAarch64 = b.head parts == "aarch64";
    isStatic = false;
    isMusl = false;
    go = {
      GOOS = b.elemAt parts 1;
      GOARCH = { x86_64 = "amd64"; aarch64 = "arm64"; }.${b.head parts} or (b.head parts);
    };
  };

  hostPlatform = platform system;

  # Attributes nixpkgs' mkDerivation consumes itself and never hands to
  # builtins.derivation.
  nonDrvAttrs = [ "passthru" "meta" "env" "pos" "finalPackage" "__structuredAttrs" "overrideAttrs" ];

  # Values that builtins.derivation can turn into environment variables.
  checkEnvValue = n: v:
    if b.isString v || b.isBool v || b.isInt v || b.isPath v || lib.isDerivation v
      || (b.isAttrs v && v ? outPath) || v == null then v
    else throw "mkDerivation: env.${n} must be a string, boolean, integer or derivation, got a ${b.typeOf v}";

  # The directory holding `setup` ($stdenv/setup, as in nixpkgs), with the
  # busybox store path substituted; built by busybox alone.
  stdenvDir = b.derivation {
    name = "stdenv-fixture";
    inherit system;
    builder = "${busybox}/bin/sh";
    args = [ "-ec" ''
      PATH=${busybox}/bin
      mkdir -p $out
      sed "s|@busybox@|${busybox}|g" ${./store/setup} > $out/setup
      cp ${./store/default-builder.sh} $out/default-builder.sh
    '' ];
  };
  setupScript = "${stdenvDir}/default-builder.sh";

  mkDerivationFrom = stdenv: fnOrAttrs:
    let
      rattrs = lib.toFunction fnOrAttrs;

      build = f:
        let
          finalAttrs = f finalAttrs // { finalPackage = result; };
          attrs = f finalAttrs;

          name = attrs.name or (
            if attrs ? pname && attrs ? version then "${attrs.pname}-${attrs.version}"
            else throw "mkDerivation: set `name` or `pname` and `version`");

          env = attrs.env or { };
          overlapping = b.filter (n: attrs ? ${n}) (b.attrNames env);

          _ = (attrs.__structuredAttrs or false)
            && throw "mkDerivation (test fixture): __structuredAttrs is not supported";

          drvAttrs = b.removeAttrs attrs nonDrvAttrs // b.mapAttrs checkEnvValue env // {
            inherit name;
            system = attrs.system or stdenv.hostPlatform.system;
            builder = attrs.realBuilder or "${busybox}/bin/sh";
            args = attrs.args or [ "-e" setupScript ];
            stdenv = stdenvDir;
            # nixpkgs' mkDerivation passes this too: null attributes are dropped.
            __ignoreNulls = true;
          };

          drv = assert lib.assertMsg (overlapping == [ ])
            "mkDerivation: the `env` attribute set cannot contain any attributes passed to derivation. Overlapping: ${lib.concatStringsSep ", " overlapping}";
            assert !_;
            b.derivation drvAttrs;

          outputs = drvAttrs.outputs or [ "out" ];

          result = drv // (attrs.passthru or { }) // {
            inherit env;
            meta = { name = name; } // (attrs.meta or { });
            passthru = attrs.passthru or { };
            overrideAttrs = g: build (lib.extends (lib.toExtension g) f);
            inherit stdenv;
          };
        in result;
    in build rattrs;

  mkStdenv = { hasCC }: let
    self = {
      name = "stdenv-fixture";
      inherit system hostPlatform;
      buildPlatform = hostPlatform;
      targetPlatform = hostPlatform;
      inherit (hostPlatform) isLinux isDarwin isx86_64 isAarch64;
      isi686 = false;
      is64bit = true;
      shell = "${busybox}/bin/sh";
      cc = null;
      inherit hasCC;
      mkDerivation = mkDerivationFrom self;
      # "${stdenv}" is a directory holding `setup`, like nixpkgs' stdenv.
      outPath = stdenvDir;
      type = "stdenv";
    };
  in self;
in
{
  stdenv = mkStdenv { hasCC = false; };
  stdenvNoCC = mkStdenv { hasCC = false; };
  inherit platform hostPlatform;
}
