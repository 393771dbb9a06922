# TEST FIXTURE fetchurl: nothing can be downloaded here. For a short list of
# known URLs the fixture serves EQUIVALENT LOCAL CONTENT (same archive layout,
# not the same bytes) through a regular derivation, after checking that the
# caller pinned the official hash. Every other URL is an evaluation error.
{ lib, system, busybox, hostTool }:
let
  b = builtins;

  # Official hashes, in every spelling nixpkgs' fetchurl accepts.
  zig = arch: os: hex: sri: nix32: {
    "https://ziglang.org/download/0.15.2/zig-${arch}-${os}-0.15.2.tar.xz" = {
      hashes = [ hex sri nix32 "sha256:${hex}" "sha256:${nix32}" ];
      official = sri;
      # Only the x86_64-linux tarball exists on this machine (from PyPI's
      # ziglang 0.15.2 wheel, repacked under zig-x86_64-linux-0.15.2/).
      tool = if arch == "x86_64" && os == "linux" then "zig-x86_64-linux" else null;
    };
  };

  known =
    zig "x86_64" "linux" "02aa270f183da276e5b5920b1dac44a63f1a49e55050ebde3aecc9eb82f93239"
      "sha256-AqonDxg9onbltZILHaxEpj8aSeVQUOveOuzJ64L5Mjk=" "0f9jz61fpjgc7bgfnl2hwm4ilgx68jn1s2wjnpjpd8ix307jgah2"
    // zig "aarch64" "linux" "958ed7d1e00d0ea76590d27666efbf7a932281b3d7ba0c6b01b0ff26498f667f"
      "sha256-lY7X0eANDqdlkNJ2Zu+/epMigbPXugxrAbD/JkmPZn8=" "0zv6ix4jdzxh05mhrfnpnf0j54vspzpncxnjj1jsf3hdw38xg3lm"
    // zig "x86_64" "macos" "375b6909fc1495d16fc2c7db9538f707456bfc3373b14ee83fdd3e22b3d43f7f"
      "sha256-N1tpCfwUldFvwsfblTj3B0Vr/DNzsU7oP90+IrPUP38=" "0zrzsjrj4gnx7zl4xcbk6gy6ni87yww9bny7q9px358lzh4njnrp"
    // zig "aarch64" "macos" "3cc2bab367e185cdfb27501c4b30b1b0653c28d9f73df8dc91488e66ece5fa6b"
      "sha256-PMK6s2fhhc37J1AcSzCxsGU8KNn3PfjckUiOZuzl+ms=" "0szswpn6d3j8j7fghggpv4l3qrdhn4q4n72h4zxwv1g1cyrvmhiw"
    // {
      # The tarball nixpkgs 25.11's sqlite uses (3.50.4).
      "https://sqlite.org/2025/sqlite-autoconf-3500400.tar.gz" = {
        hashes = [
          "a3db587a1b92ee5ddac2f66b3edb41b26f9c867275782d46c3a088977d6a5b18"
          "sha256-o9tYehuS7l3awvZrPttBsm+chnJ1eC1Gw6CIl31qWxg="
          "062vd9yrg250qd32sy3mfa39qvxj87dkwsznqbd5vvlj3dx5inx3"
        ];
        official = "sha256-o9tYehuS7l3awvZrPttBsm+chnJ1eC1Gw6CIl31qWxg=";
        tool = "sqlite-src";
      };
    };

  failing = name: msg: b.derivation {
    inherit name system;
    builder = "${busybox}/bin/sh";
    args = [ "-c" "echo ${lib.escapeShellArg msg} >&2; exit 1" ];
  };
in
{ url ? null
, urls ? [ ]
, hash ? ""
, sha256 ? ""
, sha512 ? ""
, name ? null
, meta ? { }
, passthru ? { }
, ...
}@args:
let
  allUrls = (lib.optional (url != null) url) ++ urls;
  url' = if allUrls == [ ] then throw "fetchurl requires either `url` or `urls` to be set" else b.head allUrls;
  entry = known.${url'} or (throw "test fixture cannot fetch ${url'} (offline; only a few known URLs are served locally, see tests/fixture-nixpkgs/README.md)");
  given =
    if hash != "" then hash
    else if sha256 != "" then sha256
    else if sha512 != "" then throw "test fixture fetchurl: ${url'}: only sha256 hashes are known"
    else throw "fetchurl: ${url'}: no hash given (hash or sha256)";
  name' = if name != null then name else b.baseNameOf url';
  unsupported = b.filter (n: b.elem n [ "postFetch" "downloadToTemp" "recursiveHash" "executable" "curlOpts" "netrcPhase" ]) (b.attrNames args);
in
assert unsupported == [ ] || throw "test fixture fetchurl: ${url'}: unsupported arguments ${lib.concatStringsSep ", " unsupported}";
(if !(b.elem given entry.hashes) then
  # What Nix would report when building with a wrong pinned hash.
  failing name' ''
    error: hash mismatch in fixed-output derivation for ${url'} (test fixture check against the official hash):
             specified: ${given}
                got:    ${entry.official}''
else if entry.tool == null then
  failing name' "test fixture cannot provide ${url'}: only the x86_64-linux Zig tarball exists on this machine"
else
  let src = hostTool entry.tool; in
  # A regular (not fixed-output) derivation: the local bytes differ from the
  # official ones, so they cannot satisfy the official hash.
  b.derivation {
    name = name';
    inherit system;
    builder = "${busybox}/bin/sh";
    args = [ "-c" "${busybox}/bin/cp ${src} $out" ];
    preferLocalBuild = true;
  }) // {
  inherit meta passthru;
  urls = allUrls;
  url = url';
  outputHash = entry.official;
}
