# TEST FIXTURE default builder: the same two steps as nixpkgs' default-builder.sh.
. "$stdenv/setup"
genericBuild
