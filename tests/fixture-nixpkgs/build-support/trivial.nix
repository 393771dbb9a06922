# TEST FIXTURE: nixpkgs' trivial builders (runCommand, writeText, ...), same
# arguments and results, run by the fixture's stdenv (bash, setup.sh's options).
{ lib, pkgs }:
let
  inherit (pkgs) stdenv stdenvNoCC;

  runCommandWith = { stdenv ? stdenvNoCC, runLocal ? false, derivationArgs ? { }, name }: buildCommand:
    stdenv.mkDerivation ({
      enableParallelBuilding = true;
      inherit buildCommand name;
      passAsFile = [ "buildCommand" ] ++ (derivationArgs.passAsFile or [ ]);
    } // lib.optionalAttrs runLocal {
      preferLocalBuild = true;
      allowSubstitutes = false;
    } // builtins.removeAttrs derivationArgs [ "passAsFile" ]);

  writeTextFile = { name, text, executable ? false, destination ? "", checkPhase ? "", meta ? { }, passthru ? { }, derivationArgs ? { } }:
    runCommandWith {
      inherit name;
      runLocal = true;
      derivationArgs = {
        inherit text executable checkPhase meta passthru;
        passAsFile = [ "text" ];
      } // derivationArgs;
    } ''
      target=$out${lib.escapeShellArg destination}
      mkdir -p "$(dirname "$target")"
      if [ -e "$textPath" ]; then
        mv "$textPath" "$target"
      else
        printf '%s' "$text" > "$target"
      fi
      if [ -n "$executable" ]; then
        chmod +x "$target"
      fi
      eval "$checkPhase"
    '';

  shebang = "#!${stdenv.shell}";
in
rec {
  inherit runCommandWith writeTextFile;

  runCommand = name: env: runCommandWith {
    stdenv = stdenvNoCC;
    runLocal = false;
    inherit name;
    derivationArgs = env;
  };
  runCommandLocal = name: env: runCommandWith {
    stdenv = stdenvNoCC;
    runLocal = true;
    inherit name;
    derivationArgs = env;
  };
  runCommandNoCC = runCommand;
  runCommandCC = runCommand;

  writeText = name: text: writeTextFile { inherit name text; };
  writeTextDir = path: text: writeTextFile {
    inherit text;
    name = builtins.baseNameOf path;
    destination = "/${path}";
  };
  writeScript = name: text: writeTextFile { inherit name text; executable = true; };
  writeScriptBin = name: text: writeTextFile {
    inherit name text;
    executable = true;
    destination = "/bin/${name}";
    meta.mainProgram = name;
  };
  # As nixpkgs: a bash script (runtimeShell), checked by `bash -n`.
  writeShellScript = name: text: writeTextFile {
    inherit name;
    executable = true;
    text = ''
      ${shebang}
      ${text}
    '';
    checkPhase = ''
      ${stdenv.shellDryRun} "$target"
    '';
  };
  writeShellScriptBin = name: text: writeTextFile {
    inherit name;
    executable = true;
    destination = "/bin/${name}";
    text = ''
      ${shebang}
      ${text}
    '';
    checkPhase = ''
      ${stdenv.shellDryRun} "$target"
    '';
    meta.mainProgram = name;
  };

  linkFarm = name: entries:
    let
      entries' =
        if builtins.isList entries then entries
        else lib.mapAttrsToList (name: path: { inherit name path; }) entries;
      linkCommands = lib.concatMapStrings (x: ''
        mkdir -p -- "$(dirname -- ${lib.escapeShellArg "${x.name}"})"
        ln -s -- ${lib.escapeShellArg "${x.path}"} ${lib.escapeShellArg "${x.name}"}
      '') entries';
    in
    runCommand name {
      preferLocalBuild = true;
      allowSubstitutes = false;
      passthru.entries = entries';
    } ''
      mkdir -p $out
      cd $out
      ${linkCommands}
    '';
  linkFarmFromDrvs = name: drvs:
    linkFarm name (map (x: { name = x.name; path = x; }) drvs);

  # nixpkgs merges the trees with lndir; same result: a tree of symlinks.
  symlinkJoin = { name, paths, preferLocalBuild ? true, allowSubstitutes ? false, postBuild ? "", ... }@args:
    runCommand name (builtins.removeAttrs args [ "name" "postBuild" ] // {
      inherit preferLocalBuild allowSubstitutes;
      passAsFile = [ "paths" ];
    }) ''
      mkdir -p $out
      for i in $(cat $pathsPath); do
        if [ ! -e "$i" ]; then
          echo "symlinkJoin: $i does not exist" >&2; exit 1
        fi
        (cd "$i" && find . -mindepth 1 -type d) | while read -r d; do mkdir -p "$out/$d"; done
        (cd "$i" && find . ! -type d) | while read -r f; do
          [ -e "$out/$f" ] || [ -L "$out/$f" ] || ln -s "$i/''${f#./}" "$out/$f"
        done
      done
      ${postBuild}
    '';

  # Evaluation + build of the env file as in nixpkgs; `nix develop` needs a
  # bash builder and is not supported by this fixture.
  mkShell = { name ? "nix-shell", packages ? [ ], inputsFrom ? [ ], nativeBuildInputs ? [ ], buildInputs ? [ ], shellHook ? "", passthru ? { }, ... }@attrs:
    let
      rest = builtins.removeAttrs attrs [ "name" "packages" "inputsFrom" "nativeBuildInputs" "buildInputs" "shellHook" "passthru" ];
      mergeInputs = n: lib.concatMap (d: d.${n} or [ ]) inputsFrom;
    in
    stdenv.mkDerivation ({
      inherit name shellHook passthru;
      nativeBuildInputs = packages ++ nativeBuildInputs ++ mergeInputs "nativeBuildInputs";
      buildInputs = buildInputs ++ mergeInputs "buildInputs";
      phases = [ "buildPhase" ];
      buildPhase = ''
        { echo "------------------------------------------------------------";
          echo " WARNING: the existence of this path is not guaranteed.";
          echo " It is an internal implementation detail for pkgs.mkShell.";
          echo "------------------------------------------------------------";
          echo;
          export;
        } >> "$out"
      '';
      preferLocalBuild = true;
    } // rest);
}
