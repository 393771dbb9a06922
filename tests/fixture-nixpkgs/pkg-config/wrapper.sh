#!@shell@
# TEST FIXTURE pkg-config wrapper: nixpkgs' pkg-config-wrapper.sh + add-flags.sh
# (pkgs/build-support/pkg-config-wrapper, wrapper-common/utils.bash:
# accumulateRoles, mangleVarListGeneric ":" PKG_CONFIG_PATH), for busybox sh.
# The setup hook marks the roles this wrapper serves (a nativeBuildInput:
# TARGET_HOST, role ''; a buildInput: TARGET_TARGET, role _FOR_TARGET); then
# PKG_CONFIG_PATH is REPLACED by the role-suffixed variables joined with ':'.
# Without any role (the hook never ran) the environment is passed unchanged.
# The salt is nixpkgs' for x86_64-linux (targetPlatform.config
# x86_64-unknown-linux-gnu).
d=${0%/bin/*}
_roles=
if [ -n "${NIX_PKG_CONFIG_WRAPPER_TARGET_BUILD_x86_64_unknown_linux_gnu:-}" ]; then _roles="$_roles _FOR_BUILD"; fi
if [ -n "${NIX_PKG_CONFIG_WRAPPER_TARGET_HOST_x86_64_unknown_linux_gnu:-}" ]; then _roles="$_roles -"; fi
if [ -n "${NIX_PKG_CONFIG_WRAPPER_TARGET_TARGET_x86_64_unknown_linux_gnu:-}" ]; then _roles="$_roles _FOR_TARGET"; fi
if [ -n "$_roles" ]; then
    _path=
    for _r in $_roles; do
        [ "$_r" = - ] && _r=
        eval "_set=\${PKG_CONFIG_PATH$_r+x}"
        if [ -n "$_set" ]; then
            eval "_v=\$PKG_CONFIG_PATH$_r"
            _path="$_path${_path:+:}$_v"
        fi
    done
    PKG_CONFIG_PATH=$_path
    export PKG_CONFIG_PATH
fi
exec "$d/libexec/pkg-config" "$@"
