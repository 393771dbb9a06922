# TEST FIXTURE fetchurl: nothing can be downloaded here. For a short list of
# known URLs the fixture serves EQUIVALENT LOCAL CONTENT (same archive layout,
# not the same bytes) through a regular derivation, after checking that the
# caller pinned the official hash. A few upstream release tarballs are served
# BYTE-IDENTICAL (`exact` below) through a real fixed-output derivation, with
# nixpkgs' hash handling. Every other URL is an evaluation error.
{ lib, system, busybox, hostTool, hostTools }:
let
  b = builtins;

  # Official hashes, in every spelling nixpkgs' fetchurl accepts. `tool`
  # names the host tool `prepare` made that stands in for the file (null: this
  # machine has none; building it fails with a clear message).
  official = url: tool: hex: sri: nix32: {
    ${url} = {
      hashes = [ hex sri nix32 "sha256:${hex}" "sha256:${nix32}" ];
      official = sri;
      inherit tool;
    };
  };

  # Only the x86_64-linux tarball exists on this machine (from PyPI's
  # ziglang 0.15.2 wheel, repacked under zig-x86_64-linux-0.15.2/).
  zig = arch: os: official "https://ziglang.org/download/0.15.2/zig-${arch}-${os}-0.15.2.tar.xz"
    (if arch == "x86_64" && os == "linux" then "zig-x86_64-linux" else null);

  # go.dev/dl tarballs: linux-amd64 ones are rebuilt by `prepare` from the
  # Go module proxy's golang.org/toolchain module (FIXTURE_GO_VERSIONS).
  go = version: platform: official "https://go.dev/dl/go${version}.${platform}.tar.gz"
    (if platform == "linux-amd64" then "go-tarball-${version}" else null);

  known =
    zig "x86_64" "linux" "02aa270f183da276e5b5920b1dac44a63f1a49e55050ebde3aecc9eb82f93239"
      "sha256-AqonDxg9onbltZILHaxEpj8aSeVQUOveOuzJ64L5Mjk=" "0f9jz61fpjgc7bgfnl2hwm4ilgx68jn1s2wjnpjpd8ix307jgah2"
    // zig "aarch64" "linux" "958ed7d1e00d0ea76590d27666efbf7a932281b3d7ba0c6b01b0ff26498f667f"
      "sha256-lY7X0eANDqdlkNJ2Zu+/epMigbPXugxrAbD/JkmPZn8=" "0zv6ix4jdzxh05mhrfnpnf0j54vspzpncxnjj1jsf3hdw38xg3lm"
    // zig "x86_64" "macos" "375b6909fc1495d16fc2c7db9538f707456bfc3373b14ee83fdd3e22b3d43f7f"
      "sha256-N1tpCfwUldFvwsfblTj3B0Vr/DNzsU7oP90+IrPUP38=" "0zrzsjrj4gnx7zl4xcbk6gy6ni87yww9bny7q9px358lzh4njnrp"
    // zig "aarch64" "macos" "3cc2bab367e185cdfb27501c4b30b1b0653c28d9f73df8dc91488e66ece5fa6b"
      "sha256-PMK6s2fhhc37J1AcSzCxsGU8KNn3PfjckUiOZuzl+ms=" "0szswpn6d3j8j7fghggpv4l3qrdhn4q4n72h4zxwv1g1cyrvmhiw"
    // go "1.25.14" "linux-amd64" "a21ae5633a269bcd7e90cf767e48225633795e99d831742cbf3397064fee7712"
      "sha256-ohrlYzomm81+kM92fkgiVjN5XpnYMXQsvzOXBk/udxI=" "04kpxr7hd5rkpwn78cfqk5g7jcsn4947wxngj1zcv6r679iya6m2"
    // go "1.25.14" "linux-arm64" "9bf234ea70ffec9347fdf6b22ce4add51717d3386a38a441e8c8743fceb5eaee"
      "sha256-m/I06nD/7JNH/fayLOSt1RcX0zhqOKRB6Mh0P8616u4=" "1vpanp73yx68x10s8f3a739if5ymmpj2rcpnzm3r7v7zf3m39wlv"
    // go "1.25.14" "darwin-amd64" "b09087a67d5792a8b0fcbf74212d62560c94ac8a8fd750ff920d8cb5f1e20118"
      "sha256-sJCHpn1Xkqiw/L90IS1iVgyUrIqP11D/kg2MtfHiARg=" "0601wbqvb30djbzm1mwgian9832nc8nj2x5zzjqai4jpgnk8g45h"
    // go "1.25.14" "darwin-arm64" "5b26c0b6f308240fca2614fb02f622cfcc8c0cc3b69c78bba4845489a4590259"
      "sha256-WybAtvMIJA/KJhT7AvYiz8yMDMO2nHi7pIRUiaRZAlk=" "0n82b6j8jm44ljxpi75nqc68rk6g4bv05yql4v50y908yfvc09jv"
    // go "1.26.8" "linux-amd64" "d0f743b33e8d8945e6b1f432edd15785c70507121d6e2a723b21285eddf8b57b"
      "sha256-0PdDsz6NiUXmsfQy7dFXhccFBxIdbipyOyEoXt34tXs=" "0yxmz3fmwa117dr2lvhx283hbiw5az8yscpln7k4b2cd7srl7xyh"
    // go "1.26.8" "linux-arm64" "211ffced9dcb9633a55eac6364816ec0ddd951389a740e88fa8b3337971bdda0"
      "sha256-IR/87Z3LljOlXqxjZIFuwN3ZUTiadA6I+oszN5cb3aA=" "186x3fbkfcwbza40wx4s718xkpf0ds0n8qxcbsjk75nbkpnzq7r1"
    // go "1.26.8" "darwin-amd64" "186be014105aa6542b767d2c6ed5cca10a0214bdff809ef1724022a8c7894150"
      "sha256-GGvgFBBaplQrdn0sbtXMoQoCFL3/gJ7xckAiqMeJQVA=" "0l21i73sh8j0fbqrx07zpla042m1rkanwb3xfqmm99js20af0sqq"
    // go "1.26.8" "darwin-arm64" "a012b25b571bd0138a03dcd25375ceba866fe5ca822f426d2c66a4de56fd3f4b"
      "sha256-oBKyW1cb0BOKA9zSU3XOuoZv5cqCL0JtLGak3lb9P0s=" "0jrzzmbdx9365inl4bw2rbjnz1msrrsm7lnw0f517l0vaxdv44m0"
    // go "1.26.9" "linux-amd64" "42d158b4d8f7b61ac0a830567c940a86098fb7aac52e467a5ebec03ef5cc2f8d"
      "sha256-QtFYtNj3thrAqDBWfJQKhgmPt6rFLkZ6Xr7APvXML40=" "139grkskxh5ybrx4cbn5mavqy2c61aa7qmihm301mdppv2s5ila2"
    // go "1.26.9" "linux-arm64" "4a97373d49fcacdcf3694fea368a500b00ee3e963974f3e7514132717632f052"
      "sha256-Spc3PUn8rNzzaU/qNopQCwDuPpY5dPPnUUEycXYy8FI=" "0lph69v72cj1a7kz6x1rjqzfw00ba253dsjgd7rxrb7w94ykg5sa"
    // go "1.26.9" "darwin-amd64" "00c29e3d4c8562f547410daa18d2959b641bd691ab00c4a525ea817a0253d4bd"
      "sha256-AMKePUyFYvVHQQ2qGNKVm2Qb1pGrAMSlJeqBegJT1L0=" "1gflac17m0ga4njw805bj7b1nr4vjp91iahd853zaql59hyrxhh0"
    // go "1.26.9" "darwin-arm64" "f9bb7c0a02506c5d9bf0d1eb1f7ee6c7684f844ae49558308a0427b830e022cc"
      "sha256-+bt8CgJQbF2b8NHrH37mx2hPhErklVgwigQnuDDgIsw=" "1k12w0qbh9q4i8q5i5g49a24ys67wrz1zsyiy2dmsv2h0857rfzr"
    // go "1.27.2" "linux-amd64" "ecbadb99091a3f46e31f5f934b068b1864eafa7995211b39eaddf76996045fe5"
      "sha256-7LrbmQkaP0bjH1+TSwaLGGTq+nmVIRs56t33aZYEX+U=" "1raz0jb6kxyxx8win8cmg7xflr0qic34p4sz3zilcgqs16cxpfpc"
    // go "1.27.2" "linux-arm64" "94f3e30b8e374bc285e7dadc11e0865726b9bc6e85b841ccceaabc0214c6b7c8"
      "sha256-lPPjC443S8KF59rcEeCGVya5vG6FuEHMzqq8AhTGt8g=" "1j5pqqa05g5arv643f45dsybj9jphvh13p6swy2w4jrpiq5y7wwl"
    // go "1.27.2" "darwin-amd64" "587b59182488b23aa6e5fc25110405a3e0e5b38ed2f5b2f46ed13c32aee356fe"
      "sha256-WHtZGCSIsjqm5fwlEQQFo+Dls47S9bL0btE8Mq7jVv4=" "1zjnwfp34g6idvsb5xfjisrybq530l2129gwwnk3mcl84hc5jysq"
    // go "1.27.2" "darwin-arm64" "76812b213b1b2302c978d28fa52fa92d541704b9e7d9d5db8002c50e4018c4c5"
      "sha256-doErITsbIwLJeNKPpS+pLVQXBLnn2dXbgALFDkAYxMU=" "1if43100xi82h3dxbng7p421fm1dm4psb3yjg34h48qv7chjp0bn"
    # SQLite 3.50.4, the tarball nixpkgs 25.11's sqlite uses.
    // official "https://sqlite.org/2025/sqlite-autoconf-3500400.tar.gz" "sqlite-src"
      "a3db587a1b92ee5ddac2f66b3edb41b26f9c867275782d46c3a088977d6a5b18"
      "sha256-o9tYehuS7l3awvZrPttBsm+chnJ1eC1Gw6CIl31qWxg=" "062vd9yrg250qd32sy3mfa39qvxj87dkwsznqbd5vvlj3dx5inx3";

  # Upstream release tarballs that `prepare` downloaded (Debian's orig
  # tarballs are these files) and checked against the upstream sha256: a
  # fixed-output derivation (outputHashMode flat, the caller's hash, as
  # nixpkgs' fetchurl) whose builder copies the local bytes, so Nix itself
  # verifies the caller's pin ("hash mismatch in fixed-output derivation").
  exact = {
    "https://github.com/seccomp/libseccomp/releases/download/v2.5.4/libseccomp-2.5.4.tar.gz" = "src-libseccomp-2.5.4";
    "https://github.com/google/brotli/archive/refs/tags/v1.0.9.tar.gz" = "src-brotli-1.0.9";
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
, sha1 ? ""
, outputHash ? ""
, outputHashAlgo ? ""
, name ? null
, pname ? null
, version ? null
, meta ? { }
, passthru ? { }
, ...
}@args:
let
  allUrls = (lib.optional (url != null) url) ++ urls;
  url' = if allUrls == [ ] then throw "fetchurl requires either `url` or `urls` to be set" else b.head allUrls;

  # nixpkgs' fetchurl (pkgs/build-support/fetchurl/default.nix): `hash` is
  # given to Nix as is (outputHashAlgo null: SRI or "<algo>:<hash>" only);
  # sha256/sha512/sha1 become "<algo>:<value>"; several hashes are an error.
  exactDrv = tool:
    let
      given = b.filter (h: h != "") [ hash outputHash sha1 sha256 sha512 ];
      hash_ =
        if b.length given > 1 then throw "multiple hashes passed to fetchurl: ${url'}"
        else if hash != "" then { algo = null; h = hash; }
        else if outputHash != "" then
          (if outputHashAlgo != "" then { algo = outputHashAlgo; h = outputHash; }
           else throw "fetchurl was passed outputHash without outputHashAlgo: ${url'}")
        else if sha512 != "" then { algo = "sha512"; h = sha512; }
        else if sha256 != "" then { algo = "sha256"; h = sha256; }
        else if sha1 != "" then { algo = "sha1"; h = sha1; }
        else { algo = null; h = lib.fakeHash; };
      final = if hash_.algo == null || lib.hasPrefix hash_.algo hash_.h then hash_.h else "${hash_.algo}:${hash_.h}";
      colon = b.match "([^:]+)[:](.*)" final;
      src = hostTool tool;
      drvName =
        if pname != null && version != null then "${pname}-${version}"
        else if name != null then name
        else b.baseNameOf url';
    in
    (b.derivation ({
      name = drvName;
      inherit system;
      builder = "${busybox}/bin/sh";
      args = [ "-c" "${busybox}/bin/cp ${src} $out" ];
      outputHashMode = "flat";
      outputHash = if colon != null then b.elemAt colon 1 else final;
      preferLocalBuild = true;
      urls = allUrls;
    } // lib.optionalAttrs (colon != null) { outputHashAlgo = b.head colon; })) // {
      inherit meta passthru;
      urls = allUrls;
      url = url';
    };

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
if exact ? ${url'} then
  (if !(hostTools ? ${exact.${url'}}) then
    failing (b.baseNameOf url') "test fixture cannot provide ${url'}: rerun tests/fixture-nixpkgs/prepare"
  else exactDrv exact.${url'})
else
(if !(b.elem given entry.hashes) then
  # What Nix would report when building with a wrong pinned hash.
  failing name' ''
    error: hash mismatch in fixed-output derivation for ${url'} (test fixture check against the official hash):
             specified: ${given}
                got:    ${entry.official}''
else if entry.tool == null then
  failing name' "test fixture cannot provide ${url'}: this machine has no stand-in for it (only x86_64-linux tools exist here)"
else if !(hostTools ? ${entry.tool}) then
  failing name' "test fixture cannot provide ${url'}: run tests/fixture-nixpkgs/prepare with it in FIXTURE_GO_VERSIONS"
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
