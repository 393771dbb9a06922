# TEST FIXTURE: buildGoModule with the contract of nixpkgs'
# pkgs/build-support/go/module.nix (nixos-25.11): same arguments, same
# attribute inheritance into the fixed-output `goModules` derivation, same
# environment (env.GOOS/GOARCH/GO111MODULE/GOTOOLCHAIN/CGO_ENABLED taken from
# the go package, overriding the caller's env), same GOFLAGS/ldflags defaults,
# same phases, in bash as nixpkgs' (lists read through setup's
# concatStringsSep and `[*]`, so they behave the same with and without
# structured attributes, including nixos-25.11's quirks there: GOFLAGS is a
# top-level list, so under structured attributes it stays an unexported
# array, and only the first of several subPackages is built). Written
# independently.
# Known difference: no git in the goModules derivation (see README).
# `structuredAttrs`: set `__structuredAttrs = true` on the package and
# goModules (pkgs.nix: config.buildGoModuleStructuredAttrs).
{ go, cacert, lib, stdenv, structuredAttrs ? false }:

lib.extendMkDerivation {
  constructDrv = stdenv.mkDerivation;
  excludeDrvArgNames = [ "overrideModAttrs" ];
  extendDrvArgs =
    finalAttrs:
    { nativeBuildInputs ? [ ]
    , passthru ? { }
    , overrideModAttrs ? (finalAttrs: previousAttrs: { })
    , modRoot ? "./"
    , vendorHash ? throw (
        if args ? vendorSha256
        then "buildGoModule: Expect vendorHash instead of vendorSha256"
        else "buildGoModule: vendorHash is missing")
    , goSum ? null
    , deleteVendor ? false
    , proxyVendor ? false
    , enableParallelBuilding ? true
    , allowGoReference ? false
    , meta ? { }
    , ldflags ? [ ]
    , GOFLAGS ? [ ]
    , buildTestBinaries ? false
    , ...
    }@args:
    {
      inherit modRoot vendorHash deleteVendor proxyVendor goSum;

      goModules =
        if finalAttrs.vendorHash == null then ""
        else
          (stdenv.mkDerivation ({
            name =
              let
                prefix = "${finalAttrs.name or "${finalAttrs.pname}-${finalAttrs.version}"}-";
                suffix = lib.optionalString (finalAttrs.goSum != null)
                  "-${lib.removeSuffix "-go.sum" (lib.removePrefix "${builtins.storeDir}/" finalAttrs.goSum)}";
              in "${prefix}go-modules${suffix}";

            # nixpkgs also adds gitMinimal here; the fixture has no git.
            nativeBuildInputs = (finalAttrs.nativeBuildInputs or [ ]) ++ [ go cacert ];

            inherit (finalAttrs) src modRoot goSum;

            # Inherited from the main derivation exactly as nixpkgs does.
            prePatch = finalAttrs.prePatch or "";
            patches = finalAttrs.patches or [ ];
            patchFlags = finalAttrs.patchFlags or [ ];
            postPatch = finalAttrs.postPatch or "";
            preBuild = finalAttrs.preBuild or "";
            postBuild = finalAttrs.modPostBuild or "";
            sourceRoot = finalAttrs.sourceRoot or "";
            setSourceRoot = finalAttrs.setSourceRoot or "";
            env = finalAttrs.env or { };

            impureEnvVars = lib.fetchers.proxyImpureEnvVars ++ [
              "GIT_PROXY_COMMAND"
              "SOCKS_SERVER"
              "GOPROXY"
            ];

            configurePhase = args.modConfigurePhase or ''
              runHook preConfigure
              export GOCACHE=$TMPDIR/go-cache
              export GOPATH="$TMPDIR/go"
              cd "$modRoot"
              runHook postConfigure
            '';

            buildPhase = args.modBuildPhase or (''
              runHook preBuild
            '' + lib.optionalString finalAttrs.deleteVendor ''
              if [ ! -d vendor ]; then
                echo "vendor folder does not exist, 'deleteVendor' is not needed"
                exit 10
              else
                rm -rf vendor
              fi
            '' + ''
              if [ -d vendor ]; then
                echo "vendor folder exists, please set 'vendorHash = null;' in your expression"
                exit 10
              fi

              export GIT_SSL_CAINFO=$NIX_SSL_CERT_FILE
              ${if finalAttrs.proxyVendor then ''
                mkdir -p "$GOPATH/pkg/mod/cache/download"
                go mod download
              '' else ''
                goModVendorFlags="''${goModVendorFlags:-}"
                if [ "''${NIX_DEBUG:-0}" -ge 1 ]; then
                  goModVendorFlags="$goModVendorFlags -v"
                fi
                go mod vendor $goModVendorFlags
              ''}

              mkdir -p vendor

              runHook postBuild
            '');

            installPhase = args.modInstallPhase or ''
              runHook preInstall

              ${if finalAttrs.proxyVendor then ''
                rm -rf "$GOPATH/pkg/mod/cache/download/sumdb"
                cp -r "$GOPATH/pkg/mod/cache/download" $out
              '' else ''
                cp -r vendor $out
              ''}

              if ! [ "$(ls -A $out)" ]; then
                echo "vendor folder is empty, please set 'vendorHash = null;' in your expression"
                exit 10
              fi

              runHook postInstall
            '';

            dontFixup = true;
          } // lib.optionalAttrs structuredAttrs {
            __structuredAttrs = true;
          } // {

            outputHashMode = "recursive";
            outputHash = finalAttrs.vendorHash;
            # An empty vendorHash needs an explicit algorithm (nixpkgs does the same).
            outputHashAlgo = if finalAttrs.vendorHash == "" then "sha256" else null;
          })).overrideAttrs (finalAttrs.passthru.overrideModAttrs or overrideModAttrs);

      nativeBuildInputs = [ go ] ++ nativeBuildInputs;

      # The go package's GOOS/GOARCH win over the caller's env (nixpkgs).
      env = args.env or { } // {
        inherit (go) GOOS GOARCH;
        GO111MODULE = "on";
        GOTOOLCHAIN = "local";
        CGO_ENABLED = args.env.CGO_ENABLED or go.CGO_ENABLED;
      };

      GOFLAGS = GOFLAGS
        ++ lib.warnIf (lib.any (lib.hasPrefix "-mod=") GOFLAGS)
          "use `proxyVendor` to control Go module/vendor behavior instead of setting `-mod=` in GOFLAGS"
          (lib.optional (!finalAttrs.proxyVendor) "-mod=vendor")
        ++ lib.warnIf (builtins.elem "-trimpath" GOFLAGS)
          "`-trimpath` is added by default to GOFLAGS by buildGoModule when allowGoReference isn't set to true"
          (lib.optional (!finalAttrs.allowGoReference) "-trimpath");

      inherit enableParallelBuilding;

      # Empty build id unless the caller set one (reproducibility).
      ldflags = ldflags ++ lib.optional (!lib.any (lib.hasPrefix "-buildid=") ldflags) "-buildid=";

      configurePhase = args.configurePhase or (''
        runHook preConfigure

        export GOCACHE=$TMPDIR/go-cache
        export GOPATH="$TMPDIR/go"
        export GOPROXY=off
        export GOSUMDB=off
        cd "$modRoot"
      '' + lib.optionalString (finalAttrs.vendorHash != null) (
        if finalAttrs.proxyVendor then ''
          export GOPROXY="file://$goModules"
        '' else ''
          rm -rf vendor
          cp -r "$goModules" vendor
        ''
      ) + ''
        runHook postConfigure
      '');

      buildPhase = args.buildPhase or (
        lib.warnIf (builtins.elem "-buildid=" ldflags)
          "`-buildid=` is set by default as ldflag by buildGoModule"
          ''
            runHook preBuild

            exclude='\(/_\|examples\|Godeps\|testdata'
            for _excluded in ''${excludedPackages:-}; do
              exclude="$exclude\\|$_excluded"
            done
            exclude="$exclude\\)"

            buildGoDir() {
              local cmd="$1" dir="$2"
              local -a flags=()
              # tags and ldflags: a list (structured attributes) or a string.
              if [ -n "''${tags:-}" ]; then flags+=("-tags=$(concatStringsSep "," tags)"); fi
              if [ -n "''${ldflags:-}" ]; then flags+=("-ldflags=''${ldflags[*]}"); fi
              flags+=(-p "$NIX_BUILD_CORES")
              if [ "''${NIX_DEBUG:-0}" -ge 1 ]; then flags+=(-x); fi
              if [ "$cmd" = "test" ]; then
                flags+=(-vet=off ''${checkFlags:-})
              fi

              local OUT
              if ! OUT="$(go $cmd "''${flags[@]}" $dir 2>&1)"; then
                if ! echo "$OUT" | grep -qE '(no( buildable| non-test)?|build constraints exclude all) Go (source )?files'; then
                  echo "$OUT" >&2
                  return 1
                fi
              fi
              if [ -n "$OUT" ]; then
                echo "$OUT" >&2
              fi
              return 0
            }

            getGoDirs() {
              local type="$1"
              if [ -n "''${subPackages:-}" ]; then
                # "$subPackages" of a list under structured attributes is its
                # first element only (nixos-25.11; fixed on master).
                echo "$subPackages" | sed "s,\(^\| \),\1./,g"
              else
                find . -type f -name "*$type.go" -exec dirname {} \; | grep -v "/vendor/" | sort -u | grep -v "$exclude"
              fi
            }

            if [ -z "''${enableParallelBuilding:-}" ]; then
              export NIX_BUILD_CORES=1
            fi
            for pkg in $(getGoDirs ""); do
              ${if buildTestBinaries then ''
                echo "Building test binary for $pkg"
                buildGoDir "test -c -o $GOPATH/bin/" "$pkg"
              '' else ''
                echo "Building subPackage $pkg"
                buildGoDir install "$pkg"
              ''}
            done
          ''
        + lib.optionalString (stdenv.hostPlatform != stdenv.buildPlatform) ''
          # normalize cross-compiled builds w.r.t. native builds
          dir=$GOPATH/bin/''${GOOS}_''${GOARCH}
          if [ -d "$dir" ]; then
            for f in "$dir"/*; do [ -e "$f" ] && mv "$f" "$dir/.."; done
            rmdir "$dir"
          fi
        ''
        + ''
          runHook postBuild
        '');

      doCheck = args.doCheck or (!buildTestBinaries);
      checkPhase = args.checkPhase or ''
        runHook preCheck
        # We do not set trimpath for tests, in case they reference test assets
        export GOFLAGS=''${GOFLAGS//-trimpath/}

        for pkg in $(getGoDirs test); do
          buildGoDir test "$pkg"
        done

        runHook postCheck
      '';

      installPhase = args.installPhase or ''
        runHook preInstall

        mkdir -p $out
        dir="$GOPATH/bin"
        [ -e "$dir" ] && cp -r $dir $out

        runHook postInstall
      '';

      strictDeps = true;
    } // lib.optionalAttrs structuredAttrs {
      __structuredAttrs = true;
    } // {

      inherit allowGoReference;
      disallowedReferences = lib.optional (!finalAttrs.allowGoReference) go;

      passthru = {
        inherit go;
        overrideModAttrs = lib.toExtension overrideModAttrs;
      } // passthru;

      meta = { platforms = go.meta.platforms or lib.platforms.all; } // meta;
    };
}
