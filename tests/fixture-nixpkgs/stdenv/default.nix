# TEST FIXTURE: stdenv / stdenvNoCC with nixpkgs' mkDerivation contract,
# built on a static busybox (POSIX sh + coreutils-like applets) instead of
# bash + GNU coreutils. There is no C compiler in this stdenv: cgoflake
# brings its own (zig cc) and sets CC itself. `stdenv` has what nixpkgs'
# fixup uses from the C toolchain (GNU strip/ranlib, patchelf); stdenvNoCC
# has none, as in nixpkgs.
{ lib, system, busybox, gnumake, binutils, patchelf, config ? { } }:
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

  # pkgs/stdenv/generic/check-meta.nix: a package whose meta.platforms does
  # not list the host (or whose meta.badPlatforms does) refuses to evaluate
  # once its drvPath or outPath is needed (a dependency, "${pkg}"); name,
  # meta and passthru stay readable. config.allowUnsupportedSystem (or
  # NIXPKGS_ALLOW_UNSUPPORTED_SYSTEM=1 with --impure) lets it through.
  availableOn = platform: meta:
    let
      matches = p: if b.isString p then p == platform.system
        else throw "test fixture: meta.platforms patterns are not supported (use system strings)";
    in (!(meta ? platforms) || b.any matches meta.platforms)
      && !(b.any matches (meta.badPlatforms or [ ]));
  allowUnsupportedSystem = config.allowUnsupportedSystem or false
    || b.getEnv "NIXPKGS_ALLOW_UNSUPPORTED_SYSTEM" == "1";
  pretty = v: if b.isList v then "[ ${lib.concatMapStringsSep " " (x: "\"${toString x}\"") v} ]" else "[ ]";
  checkAvailable = name: meta: drv:
    let
      pos = b.unsafeGetAttrPos "platforms" meta;
      where = if pos == null then "<unknown location>" else "${pos.file}:${toString pos.line}";
      ok = availableOn hostPlatform meta || allowUnsupportedSystem || throw ''
        Refusing to evaluate package '${name}' in ${where} because it is not available on the requested hostPlatform:
          hostPlatform.system = "${hostPlatform.system}"
          package.meta.platforms = ${pretty (meta.platforms or [ ])}
          package.meta.badPlatforms = ${pretty (meta.badPlatforms or [ ])}
        a) To temporarily allow packages that are unsupported for this system, you can use an environment variable
           for a single invocation of the nix tools.

             $ export NIXPKGS_ALLOW_UNSUPPORTED_SYSTEM=1
      '';
      guard = o: o // { drvPath = assert ok; o.drvPath; outPath = assert ok; o.outPath; };
    in
    guard drv // lib.genAttrs (drv.outputs or [ "out" ]) (o: guard drv.${o});

  # Attributes nixpkgs' mkDerivation consumes itself and never hands to
  # builtins.derivation.
  nonDrvAttrs = [ "passthru" "meta" "env" "pos" "finalPackage" "__structuredAttrs" "overrideAttrs" ];

  # make-derivation.nix: `env` holds only derivations, strings, booleans and
  # integers (a list, a path or null is an error there).
  checkEnvValue = n: v:
    if b.isString v || b.isBool v || b.isInt v || lib.isDerivation v then v
    else throw "The `env` attribute set can only contain derivation, string, boolean or integer attributes. The `${n}` attribute is of type ${b.typeOf v}.";

  # The directory holding `setup` ($stdenv/setup, as in nixpkgs), with the
  # busybox store path substituted; built by busybox alone.
  stdenvDir = b.derivation {
    name = "stdenv-fixture";
    inherit system;
    builder = "${busybox}/bin/sh";
    args = [ "-ec" ''
      PATH=${busybox}/bin
      mkdir -p $out
      sed -e "s|@busybox@|${busybox}|g" -e "s|@gnumake@|${gnumake}|g" ${./store/setup} > $out/setup
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

          env = let e = attrs.env or { }; in
            assert lib.assertMsg (b.isAttrs e && !lib.isDerivation e)
              "`env` must be an attribute set of environment variables. Set `env.env` or pick a more specific name.";
            e;
          overlapping = b.filter (n: attrs ? ${n}) (b.attrNames env);

          _ = (attrs.__structuredAttrs or false)
            && throw "mkDerivation (test fixture): __structuredAttrs is not supported";

          drvAttrs = b.removeAttrs attrs nonDrvAttrs // b.mapAttrs checkEnvValue env // {
            inherit name;
            system = attrs.system or stdenv.hostPlatform.system;
            builder = attrs.realBuilder or "${busybox}/bin/sh";
            args = attrs.args or [ "-e" setupScript ];
            stdenv = stdenvDir;
            # The fixup tools `stdenv` brings (strip, ranlib, patchelf).
            _fixtureStdenvTools = stdenv.fixupTools;
            # nixpkgs' mkDerivation passes this too: null attributes are dropped.
            __ignoreNulls = true;
          };

          drv = assert lib.assertMsg (overlapping == [ ])
            "The `env` attribute set cannot contain any attributes passed to derivation. The following attributes are overlapping: ${lib.concatStringsSep ", " overlapping}";
            assert !_;
            checkAvailable name (attrs.meta or { }) (b.derivation drvAttrs);

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

  mkStdenv = { hasCC, fixupTools }: let
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
      inherit hasCC fixupTools;
      mkDerivation = mkDerivationFrom self;
      # "${stdenv}" is a directory holding `setup`, like nixpkgs' stdenv.
      outPath = stdenvDir;
      type = "stdenv";
    };
  in self;
in
{
  stdenv = mkStdenv { hasCC = false; fixupTools = [ binutils patchelf ]; };
  stdenvNoCC = mkStdenv { hasCC = false; fixupTools = [ ]; };
  inherit platform hostPlatform checkAvailable;
}
