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
    stdenvSet = import ./stdenv { inherit lib system config; inherit (self) busybox bash gnumake binutils patchelf; };
    buildPlatform = self.stdenv.buildPlatform;
    hostPlatform = self.stdenv.hostPlatform;
    targetPlatform = self.stdenv.targetPlatform;

    callPackage = fn: args:
      let f = if b.isFunction fn then fn else import fn;
          auto = b.intersectAttrs (b.functionArgs f) self;
      in lib.makeOverridable f (auto // args);

    # --- base tools (busybox) -------------------------------------------
    # The fixture's stdenv runs on it on every system (nothing builds on the
    # others anyway), so its meta.platforms is informational only.
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

    # The shell every builder runs in (stdenv.shell, runtimeShell), as in
    # nixpkgs; here Debian's bash-static.
    bash = hostTool "bash" // {
      pname = "bash";
      meta = { mainProgram = "bash"; platforms = lib.platforms.unix; };
    };
    bashInteractive = self.bash;
    runtimeShell = "${self.bash}/bin/bash";
    runtimeShellPackage = self.bash;

    # pkgs/applications/virtualization/qemu: qemu-user (userOnly) is for
    # Linux and the BSDs only; a darwin dev shell that lists it cannot evaluate.
    qemu-user = let meta = { platforms = lib.platforms.linux; }; in
      self.stdenvSet.checkAvailable "qemu-user" meta (hostTool "qemu-user") // {
        pname = "qemu-user";
        inherit meta;
      };

    # What stdenv's fixup runs (strip, ranlib; patchelf --shrink-rpath); on the
    # other systems they stand for those systems' own strip, unbuildable here.
    binutils = hostTool "binutils" // { pname = "binutils"; meta.platforms = lib.platforms.linux; };
    patchelf = hostTool "patchelf" // { pname = "patchelf"; meta.platforms = lib.platforms.linux; };

    # GNU make: on every stdenv's initial PATH (pkgs/stdenv/common-path.nix),
    # also usable as an input. The host's make, with nixpkgs' gnumake patch
    # (default shell `sh` from PATH, not /bin/sh).
    gnumake = hostTool "gnumake" // { pname = "gnumake"; meta = { mainProgram = "make"; platforms = lib.platforms.all; }; };

    # pkg-config: nixpkgs' pkg-config-wrapper around an unwrapped pkg-config
    # (here the host's pkgconf, with no default search directories but its
    # own empty $out/{lib,share}/pkgconfig). Only on PATH when listed as an
    # input; its setup hook exports PKG_CONFIG=pkg-config and appends
    # lib/pkgconfig and share/pkgconfig of every buildInput to
    # PKG_CONFIG_PATH; as a nativeBuildInput the wrapper searches exactly
    # PKG_CONFIG_PATH (as a buildInput: PKG_CONFIG_PATH_FOR_TARGET).
    pkg-config = hostTool "pkg-config" // {
      pname = "pkg-config-wrapper";
      meta = { mainProgram = "pkg-config"; platforms = lib.platforms.all; };
    };
    pkgconf = self.pkg-config;

    # --- Go -------------------------------------------------------------
    # NOT nixpkgs' Go: nixpkgs builds Go from source with patches (tzdata,
    # iana-etc and mailcap store paths, GO_LDSO, softfloat GO386). cgoflake's
    # generated code never uses pkgs.go*: it pins the official release. Here
    # `go` is that official release, unpacked like nixpkgs' binary.nix, with
    # the attributes buildGoModule reads from it.
    go_1_25 =
      let goPlatform = self.stdenv.targetPlatform.go; in
      self.stdenv.mkDerivation {
        pname = "go";
        version = "1.25.14";
        src = self.fetchurl {
          url = "https://go.dev/dl/go1.25.14.linux-amd64.tar.gz";
          hash = "sha256-ohrlYzomm81+kM92fkgiVjN5XpnYMXQsvzOXBk/udxI=";
        };
        dontConfigure = true;
        dontBuild = true;
        dontFixup = true;
        installPhase = ''
          mkdir -p $out/share/go $out/bin
          cp -R . $out/share/go
          ln -s $out/share/go/bin/go $out/share/go/bin/gofmt $out/bin/
        '';
        GOOS = goPlatform.GOOS;
        GOARCH = goPlatform.GOARCH;
        CGO_ENABLED = 1;
        # As nixpkgs' go: buildGoModule's meta.platforms defaults to this.
        meta = {
          mainProgram = "go";
          platforms = lib.platforms.darwin ++ lib.platforms.linux;
        };
      };
    go = self.go_1_25;

    # config.buildGoModuleStructuredAttrs: buildGoModule's own derivations
    # (the package and goModules) with `__structuredAttrs = true`, as forks
    # of nixpkgs that move buildGoModule to structured attributes do; the
    # rest of the package set is unchanged.
    buildGoModule = lib.makeOverridableFunction
      (deps: import ./build-support/go-module.nix deps)
      {
        inherit (self) go cacert lib stdenv;
        structuredAttrs = config.buildGoModuleStructuredAttrs or false;
      };
    buildGo125Module = self.buildGoModule.override { go = self.go_1_25; };

    # --- SQLite -----------------------------------------------------------
    # As in nixpkgs 25.11, `sqlite.src` is fetchurl of the autoconf
    # amalgamation (here served locally, see fetchurl.nix); `sqlite.version`
    # is the version actually served. The library itself is not built by the
    # fixture (no C compiler in this stdenv).
    sqlite =
      let tool = hostTool "sqlite-src"; in
      (unavailable "sqlite-library-not-built-by-test-fixture") // {
        pname = "sqlite";
        inherit (tool) version;
        src = self.fetchurl {
          url = "https://sqlite.org/2025/sqlite-autoconf-3500400.tar.gz";
          hash = "sha256-o9tYehuS7l3awvZrPttBsm+chnJ1eC1Gw6CIl31qWxg=";
        };
        meta = { platforms = lib.platforms.all; };
      };

    # --- fetchers -------------------------------------------------------
    fetchurl = import ./build-support/fetchurl.nix {
      inherit lib system hostTool;
      inherit (self) busybox;
      hostTools = if hostTools == null then { } else hostTools;
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
