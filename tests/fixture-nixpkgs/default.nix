# TEST FIXTURE: `import nixpkgs { system = ...; overlays = [ ... ]; }` entry point.
{ system ? builtins.currentSystem, overlays ? [ ], config ? { }, ... }:
import ./pkgs.nix {
  lib = import ./lib.nix;
  hostTools = if builtins.pathExists ./host-tools.nix then import ./host-tools.nix else null;
  inherit system overlays;
  # config.nix beside this file: a test's variant (see flake.nix).
  config = (if builtins.pathExists ./config.nix then import ./config.nix else { }) // config;
}
