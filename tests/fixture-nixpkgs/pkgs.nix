# TEST FIXTURE package set: the subset of nixpkgs (nixos-25.11) attributes
# that cgoflake's generated code uses, for offline tests only. See README.md.
{ lib, system, hostTools ? null, overlays ? [ ], config ? { } }:
let
  b = builtins;
  buildable = system == "x86_64-linux";

  # ---- host tools ----------------------------------------------------
  # `prepare` added each tool to the store (`nix store add-path`) and
  # recorded its NAR hash. A fixed-output derivation with the same name and
  # hash has exactly that output path, so Nix finds it valid and never runs
  # the (deliberately missing) builder.
  hostTool = key:
    let t = if hostTools == null
              then throw "test fixture: host tools missing; run tests/fixture-nixpkgs/prepare <outdir> and use path:<outdir>"
              else hostTools.${key} or (throw "test fixture: host tool `${key}` missing; rerun prepare");
    in
    if buildable then
      (b.derivation {
        inherit (t) name;
        system = "x86_64-linux";
        builder = "/test-fixture-host-tool-not-in-store--rerun-tests-fixture-nixpkgs-prepare";
        outputHashMode = "recursive";
        outputHashAlgo = "sha256";
        outputHash = t.narHash;
        preferLocalBuild = true;
      }) // { inherit (t) version; }
    else unavailable t.name // { inherit (t) version; };

  # On the other systems everything evaluates (for `nix flake check`), but
  # nothing can be built: this machine only has x86_64-linux host tools.
  unavailable = name: b.derivation {
    name = "${name}-unavailable-on-${system}";
    inherit system;
    builder = "/test-fixture-has-no-${name}-for-${system}";
  };

  base = self: {
    inherit lib system config;
    pkgs = self;
    inherit (self.stdenvSet) stdenv stdenvNoCC;
    stdenvSet = import ./stdenv { inherit lib system; inherit (self) busybox; };
    buildPlatform = self.stdenv.buildPlatform;
    hostPlatform = self.stdenv.hostPlatform;
    targetPlatform = self.stdenv.targetPlatform;

    callPackage = fn: args:
      let f = if b.isFunction fn then fn else import fn;
          auto = b.intersectAttrs (b.functionArgs f) self;
      in lib.makeOverridable f (auto // args);

    # --- base tools (busybox) -------------------------------------------
    busybox = hostTool "busybox" // {
      pname = "busybox";
      meta = { mainProgram = "busybox"; platforms = lib.platforms.linux; };
    };
    # Aliases: in this fixture these commands come from busybox applets
    # (busybox xz only decompresses).
    coreutils = self.busybox;
    gnutar = self.busybox;
    gzip = self.busybox;
    xz = self.busybox;
    gnused = self.busybox;
    gnugrep = self.busybox;
    gawk = self.busybox;
    findutils = self.busybox;
    which = self.busybox;
    unzip = self.busybox;

    cacert = hostTool "cacert" // { pname = "nss-cacert"; };

    qemu-user = hostTool "qemu-user" // {
      pname = "qemu-user";
      meta = { platforms = lib.platforms.linux; };
    };

    # --- Go -------------------------------------------------------------
    go_1_25 =
      let
        t = hostTool "go_1_25";
        goPlatform = self.stdenv.targetPlatform.go;
      in t // {
        pname = "go";
        GOOS = goPlatform.GOOS;
        GOARCH = goPlatform.GOARCH;
        CGO_ENABLED = 1;
        meta = {
          mainProgram = "go";
          platforms = lib.platforms.darwin ++ lib.platforms.linux;
        };
      };
    go = self.go_1_25;

    buildGoModule = lib.makeOverridableFunction
      (deps: import ./build-support/go-module.nix deps)
      { inherit (self) go cacert lib stdenv; };
    buildGo125Module = self.buildGoModule.override { go = self.go_1_25; };

    # --- SQLite -----------------------------------------------------------
    # `sqlite.src` is an autoconf-shaped tarball of the amalgamation that is
    # actually served; `sqlite.version` is its real version. The library
    # itself is not built by the fixture (no C compiler in this stdenv).
    sqlite =
      let src = hostTool "sqlite-src"; in
      (unavailable "sqlite-library-not-built-by-test-fixture") // {
        pname = "sqlite";
        inherit (src) version;
        inherit src;
        meta = { platforms = lib.platforms.all; };
      };

    # --- fetchers -------------------------------------------------------
    fetchurl = import ./build-support/fetchurl.nix {
      inherit lib system;
      inherit (self) busybox;
      hostTool = hostTool;
    };
    fetchzip = args: throw "test fixture cannot fetch ${args.url or (b.toJSON (args.urls or "?"))} (fetchzip is not available offline)";
    # Evaluates like nixpkgs' (a fixed-output derivation named "source"
    # keyed by `hash`), so code that uses it can be evaluated; building it
    # fails, since GitHub cannot be reached from here.
    fetchFromGitHub = { owner, repo, rev, hash, ... }: b.derivation {
      name = "source";
      inherit system;
      builder = "/test-fixture-cannot-download-github-${owner}-${repo}-${rev}-offline";
      outputHashMode = "recursive";
      outputHash = hash;
    };
    fetchgit = args: throw "test fixture cannot fetch ${args.url or "?"} (no network)";

    # --- evaluation-only stand-ins ----------------------------------------
    # Attributes generated code may reference (osxcross' llvm flavour) that
    # this offline machine has no build of: they evaluate, never build.
    clang = unavailable "clang";
    llvm = unavailable "llvm";
    lld = unavailable "lld";
    patch = unavailable "patch";
    bash = unavailable "bash";
    # The repository's own flake (nix/cgoflake-tool.nix) packages cgoflake
    # with nixpkgs' Rust tooling; here it can be evaluated, not built.
    cargo = unavailable "cargo";
    rustc = unavailable "rustc";
    clippy = unavailable "clippy";
    rustfmt = unavailable "rustfmt";
    nix = unavailable "nix";
    rustPlatform.buildRustPackage = { pname, version, cargoLock, src, meta ? { }, ... }:
      unavailable "${pname}-${version}" // { inherit pname version meta; };

    # --- trivial builders -------------------------------------------------
  } // import ./build-support/trivial.nix { inherit lib; pkgs = self; };

  pkgs = lib.fix (b.foldl' (acc: ov: lib.extends ov acc) base overlays);
in
pkgs
