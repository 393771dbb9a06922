# TEST FIXTURE pkg-config setup hook: nixpkgs' pkg-config-wrapper/setup-hook.sh
# with role.bash's getTargetRole/getTargetRoleWrapper/getHostRoleEnvHook, for
# busybox sh. Sourced by the fixture's setup with hostOffset/targetOffset of
# this input (nativeBuildInputs: -1/0, buildInputs: 0/1).

# nixpkgs: skipped under strictDeps unless a build-time dependency.
if [ -z "${strictDeps:-}" ] || [ "${hostOffset:-0}" -lt 0 ]; then
    case "${targetOffset:-0}" in
        -1) export NIX_PKG_CONFIG_WRAPPER_TARGET_BUILD_x86_64_unknown_linux_gnu=1; _pcRolePost=_FOR_BUILD ;;
        0) export NIX_PKG_CONFIG_WRAPPER_TARGET_HOST_x86_64_unknown_linux_gnu=1; _pcRolePost= ;;
        *) export NIX_PKG_CONFIG_WRAPPER_TARGET_TARGET_x86_64_unknown_linux_gnu=1; _pcRolePost=_FOR_TARGET ;;
    esac

    # Env hook: run for each dependency whose host offset is this input's
    # target offset ($depHostOffset picks the role suffix, getHostRoleEnvHook).
    pkgConfigWrapper_addPkgConfigPath() {
        local role_post=
        case "${depHostOffset:-0}" in -1) role_post=_FOR_BUILD ;; 1) role_post=_FOR_TARGET ;; esac
        addToSearchPath "PKG_CONFIG_PATH$role_post" "$1/lib/pkgconfig"
        addToSearchPath "PKG_CONFIG_PATH$role_post" "$1/share/pkgconfig"
    }
    addEnvHooks "${targetOffset:-0}" pkgConfigWrapper_addPkgConfigPath

    export "PKG_CONFIG$_pcRolePost=pkg-config"
    unset _pcRolePost
fi
