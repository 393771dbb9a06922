# TEST FIXTURE default builder: nixpkgs' source-stdenv.sh + default-builder.sh
# (structured attributes' .attrs.sh first, then setup, then genericBuild).
if [ -e "${NIX_ATTRS_SH_FILE:-}" ]; then
    . "$NIX_ATTRS_SH_FILE"
elif [ -f .attrs.sh ]; then
    . ./.attrs.sh
fi
. "$stdenv/setup"
genericBuild
