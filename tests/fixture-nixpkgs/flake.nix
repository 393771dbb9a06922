{
  # TEST FIXTURE. Not nixpkgs: a small offline stand-in that implements the
  # part of nixpkgs' interface cgoflake's generated code uses, so tests can run
  #   nix build path:<generated flake>#<target> --override-input nixpkgs path:<prepared fixture>
  # in the Nix sandbox without network. Run ./prepare <outdir> first; it adds
  # the host tools to the store and writes <outdir>/host-tools.nix.
  description = "TEST FIXTURE: offline nixpkgs-compatible subset for cgoflake tests (not nixpkgs)";

  outputs = { self }:
    let
      lib = import ./lib.nix;
      hostTools = if builtins.pathExists ./host-tools.nix then import ./host-tools.nix else null;
      # A test may drop a config.nix beside this file (nixpkgs' `config`,
      # e.g. structuredAttrsByDefault) to build against a variant.
      config = if builtins.pathExists ./config.nix then import ./config.nix else { };
      systems = [ "x86_64-linux" "aarch64-linux" "x86_64-darwin" "aarch64-darwin" ];
    in
    {
      inherit lib;
      legacyPackages = lib.genAttrs systems (system: import ./pkgs.nix { inherit lib system hostTools config; });
    };
}
