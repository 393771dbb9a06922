# Hand-written (not generated): cgoflake itself, merged into this
# repository's flake through `project.flakeExtras` in ../cgoflake.json.
#
#   nix build .#cgoflake      the tool
#   nix run .#cgoflake -- gen
#   nix develop               rust, the pinned go and zig, nix tooling
{ pkgs, ... }:

let
  inherit (pkgs) lib;
  cargoToml = lib.importTOML ../Cargo.toml;
  plan = import ./plan.nix;

  cgoflake = pkgs.rustPlatform.buildRustPackage {
    pname = cargoToml.package.name;
    version = cargoToml.package.version;
    src = lib.cleanSource ../.;
    cargoLock.lockFile = ../Cargo.lock;

    # The test-suite needs Go, Nix and the offline fixture (scripts/test runs
    # it); it cannot run inside this build's sandbox.
    doCheck = false;

    meta = {
      description = cargoToml.package.description;
      mainProgram = "cgoflake";
      license = with lib.licenses; [ mit asl20 ];
    };
  };

  # The same pinned Zig and Go the generated flake builds with.
  zig = import ./zig.nix { inherit (pkgs) lib stdenv fetchurl; inherit plan; };
  go = import ./go.nix { inherit (pkgs) stdenv fetchurl; inherit plan; };
in
{
  packages.cgoflake = cgoflake;

  apps.cgoflake = {
    type = "app";
    program = "${cgoflake}/bin/cgoflake";
    meta.description = cargoToml.package.description;
  };

  devShells.default = pkgs.mkShell {
    packages = [
      pkgs.cargo
      pkgs.rustc
      pkgs.clippy
      pkgs.rustfmt
      go
      zig
      pkgs.nix
    ]
    # qemu-user runs foreign Linux binaries and is built for Linux only
    # (its meta.platforms): listing it on a Mac breaks `nix develop`.
    ++ lib.optional pkgs.stdenv.buildPlatform.isLinux pkgs.qemu-user;
  };
}
