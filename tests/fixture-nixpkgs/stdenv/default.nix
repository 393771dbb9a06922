# TEST FIXTURE: stdenv / stdenvNoCC with nixpkgs' mkDerivation contract:
# builders run in bash (a static bash) with setup.sh's shell options, on a
# static busybox's applets instead of GNU coreutils. `stdenv` carries the
# build host's C toolchain environment as nixpkgs' does (CC, CXX, AR, LD, …,
# NIX_CFLAGS_COMPILE, NIX_LDFLAGS, NIX_HARDENING_ENABLE) with GNU binutils on
# PATH; its `cc`/`gcc`/`c++`/`g++` refuse to run (cgoflake's generated code
# must bring its own compiler, zig cc, and never fall back on the host's).
# stdenvNoCC has none of it, as in nixpkgs.
{ lib, system, busybox, bash, gnumake, binutils, patchelf, config ? { } }:
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
  nonDrvAttrs = [ "passthru" "meta" "env" "pos" "finalPackage" "__structuredAttrs" "overrideAttrs"
    "allowedReferences" "allowedRequisites" "disallowedReferences" "disallowedRequisites" "outputChecks" ];

  # make-derivation.nix: `__structuredAttrs ? config.structuredAttrsByDefault or false`.
  structuredAttrsByDefault = config.structuredAttrsByDefault or false;

  # make-derivation.nix: the reference checks are top-level attributes
  # without structured attributes; with them, `outputChecks.<output>` holds
  # them for every output (merged with the caller's outputChecks).
  refCheckNames = [ "allowedReferences" "allowedRequisites" "disallowedReferences" "disallowedRequisites" ];
  refChecks = structured: outputs: attrs:
    let top = b.intersectAttrs (lib.genAttrs refCheckNames (_: null)) attrs; in
    if !structured then
      (assert lib.assertMsg (!(attrs ? outputChecks)) "outputChecks requires __structuredAttrs"; top)
    else if top == { } && !(attrs ? outputChecks) then { }
    else { outputChecks = lib.genAttrs outputs (o: top // (attrs.outputChecks.${o} or { })); };

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
      sed -e "s|@busybox@|${busybox}|g" -e "s|@gnumake@|${gnumake}|g" -e "s|@bash@|${bash}|g" \
        -e "s|@hostcc@|${binutils}|g" ${./store/setup} > $out/setup
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

          structured = attrs.__structuredAttrs or structuredAttrsByDefault;
          checkedEnv = b.mapAttrs checkEnvValue env;

          # As make-derivation.nix: `env` also lands at the top level; with
          # structured attributes it is passed as `env` too, which setup
          # exports (everything else stays a shell variable).
          drvAttrs = b.removeAttrs attrs nonDrvAttrs // checkedEnv
            // refChecks structured (attrs.outputs or [ "out" ]) attrs
            // lib.optionalAttrs structured { __structuredAttrs = true; env = checkedEnv; }
            // {
            inherit name;
            system = attrs.system or stdenv.hostPlatform.system;
            builder = attrs.realBuilder or "${bash}/bin/bash";
            args = attrs.args or [ "-e" setupScript ];
            stdenv = stdenvDir;
            # The fixup tools `stdenv` brings (strip, ranlib, patchelf).
            _fixtureStdenvTools = stdenv.fixupTools;
            # nixpkgs' mkDerivation passes this too: null attributes are dropped.
            __ignoreNulls = true;
          };

          drv = assert lib.assertMsg (overlapping == [ ])
            "The `env` attribute set cannot contain any attributes passed to derivation. The following attributes are overlapping: ${lib.concatStringsSep ", " overlapping}";
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
      shell = "${bash}/bin/bash";
      # nixpkgs: `bash -n`, the syntax check writeShellScript runs.
      shellDryRun = "${bash}/bin/bash -n -O extglob";
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
