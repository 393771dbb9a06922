# TEST FIXTURE: a small re-implementation of the parts of nixpkgs' `lib` that
# cgoflake's generated Nix code (and this fixture) use. Written from the
# documented semantics of nixpkgs.lib; not a copy of it.
let
  b = builtins;

  lib = rec {
    # ---- trivial -------------------------------------------------------
    id = x: x;
    const = x: _: x;
    flip = f: a: c: f c a;
    pipe = b.foldl' (x: f: f x);
    fix = f: let x = f x; in x;
    extends = overlay: f: final: let prev = f final; in prev // overlay final prev;
    toFunction = v: if b.isFunction v then v else (_: v);
    # An overlay (final: prev: ...) from either form accepted by overrideAttrs.
    toExtension = f:
      if b.isFunction f then
        (final: prev:
          let r = f prev; in if b.isFunction r then f final prev else r)
      else (_: _: f);
    boolToString = v: if v then "true" else "false";
    warn = msg: v: b.trace "evaluation warning: ${msg}" v;
    warnIf = cond: msg: if cond then warn msg else id;
    throwIf = cond: msg: if cond then throw msg else id;
    throwIfNot = cond: msg: if cond then id else throw msg;
    assertMsg = pred: msg: pred || throw msg;
    inherit (b) isString isList isAttrs isFunction isBool isInt isPath
      seq deepSeq trace tryEval typeOf toJSON fromJSON toString readFile
      pathExists baseNameOf dirOf;
    isDerivation = v: v ? type && v.type == "derivation";
    isStorePath = v: b.isString v && b.substring 0 (b.stringLength b.storeDir + 1) v == "${b.storeDir}/";
    fakeHash = "sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
    fakeSha256 = "0000000000000000000000000000000000000000000000000000";
    fakeSha512 = "00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000";

    # ---- lists ---------------------------------------------------------
    inherit (b) head tail length elem elemAt filter map concatMap genList
      foldl' any all sort concatLists partition groupBy;
    foldr = op: nul: list:
      let len = b.length list;
          go = n: if n == len then nul else op (b.elemAt list n) (go (n + 1));
      in go 0;
    foldl = op: nul: list: b.foldl' op nul list;
    optional = cond: elem: if cond then [ elem ] else [ ];
    optionals = cond: elems: if cond then elems else [ ];
    toList = x: if b.isList x then x else [ x ];
    flatten = x: if b.isList x then b.concatMap flatten x else [ x ];
    unique = b.foldl' (acc: e: if b.elem e acc then acc else acc ++ [ e ]) [ ];
    last = list: b.elemAt list (b.length list - 1);
    init = list: b.genList (b.elemAt list) (b.length list - 1);
    range = first: last: if first > last then [ ] else b.genList (n: first + n) (last - first + 1);
    imap0 = f: list: b.genList (n: f n (b.elemAt list n)) (b.length list);
    imap1 = f: list: b.genList (n: f (n + 1) (b.elemAt list n)) (b.length list);
    reverseList = xs: let l = b.length xs; in b.genList (n: b.elemAt xs (l - n - 1)) l;
    count = pred: b.foldl' (c: x: if pred x then c + 1 else c) 0;
    findFirst = pred: default: list:
      let found = b.filter pred list; in if found == [ ] then default else b.head found;
    remove = e: b.filter (x: x != e);
    subtractLists = e: b.filter (x: !(b.elem x e));
    intersectLists = e: b.filter (x: b.elem x e);
    zipListsWith = f: fst: snd:
      b.genList (n: f (b.elemAt fst n) (b.elemAt snd n))
        (if b.length fst < b.length snd then b.length fst else b.length snd);
    take = count: list: b.genList (b.elemAt list) (if count < b.length list then count else b.length list);
    drop = count: list:
      let len = b.length list; n = if count > len then len else count;
      in b.genList (i: b.elemAt list (i + n)) (len - n);
    sublist = start: count: list: take count (drop start list);

    # ---- attrsets ------------------------------------------------------
    inherit (b) attrNames attrValues hasAttr getAttr removeAttrs listToAttrs
      intersectAttrs catAttrs mapAttrs zipAttrsWith;
    genAttrs = names: f: b.listToAttrs (b.map (n: { name = n; value = f n; }) names);
    nameValuePair = name: value: { inherit name value; };
    mapAttrsToList = f: attrs: b.map (name: f name attrs.${name}) (b.attrNames attrs);
    attrsToList = mapAttrsToList nameValuePair;
    mapAttrs' = f: set: b.listToAttrs (mapAttrsToList f set);
    filterAttrs = pred: set:
      b.listToAttrs (b.concatMap (name: let v = set.${name}; in
        if pred name v then [ (nameValuePair name v) ] else [ ]) (b.attrNames set));
    concatMapAttrs = f: v: b.foldl' (acc: x: acc // x) { } (mapAttrsToList f v);
    foldlAttrs = f: init: set: b.foldl' (acc: name: f acc name set.${name}) init (b.attrNames set);
    optionalAttrs = cond: as: if cond then as else { };
    attrByPath = attrPath: default: set:
      if attrPath == [ ] then set
      else let n = b.head attrPath; in
        if set ? ${n} then attrByPath (b.tail attrPath) default set.${n} else default;
    hasAttrByPath = attrPath: set:
      if attrPath == [ ] then true
      else let n = b.head attrPath; in set ? ${n} && hasAttrByPath (b.tail attrPath) set.${n};
    getAttrFromPath = attrPath: set:
      attrByPath attrPath (throw "cannot find attribute `${concatStringsSep "." attrPath}'") set;
    setAttrByPath = attrPath: value:
      if attrPath == [ ] then value else { ${b.head attrPath} = setAttrByPath (b.tail attrPath) value; };
    recursiveUpdateUntil = pred: lhs: rhs:
      let f = attrPath: b.zipAttrsWith (n: values:
            let here = attrPath ++ [ n ]; in
            if b.length values == 1 || pred here (b.elemAt values 1) (b.head values)
            then b.head values
            else f here values);
      in f [ ] [ rhs lhs ];
    recursiveUpdate = recursiveUpdateUntil (path: lhs: rhs: !(b.isAttrs lhs && b.isAttrs rhs));
    attrVals = nameList: set: b.map (x: set.${x}) nameList;
    getOutput = output: pkg: if !(pkg ? outputSpecified) || !pkg.outputSpecified then pkg.${output} or pkg.out or pkg else pkg;
    getBin = getOutput "bin";
    getLib = getOutput "lib";
    getDev = getOutput "dev";
    getExe = x: "${getBin x}/bin/${x.meta.mainProgram or (x.pname or (throw "getExe: ${x.name} has no meta.mainProgram"))}";
    getExe' = x: y: "${getBin x}/bin/${y}";
    dontRecurseIntoAttrs = x: x // { recurseForDerivations = false; };
    recurseIntoAttrs = x: x // { recurseForDerivations = true; };

    # ---- strings -------------------------------------------------------
    inherit (b) stringLength substring replaceStrings concatStringsSep match split hashString;
    concatStrings = b.concatStringsSep "";
    concatMapStrings = f: list: concatStrings (b.map f list);
    concatMapStringsSep = sep: f: list: b.concatStringsSep sep (b.map f list);
    concatImapStringsSep = sep: f: list: b.concatStringsSep sep (imap1 f list);
    concatLines = list: concatMapStrings (s: s + "\n") list;
    intersperse = separator: list:
      if list == [ ] || b.length list == 1 then list
      else b.tail (b.concatMap (x: [ separator x ]) list);
    optionalString = cond: string: if cond then string else "";
    hasPrefix = pref: str: b.substring 0 (b.stringLength pref) str == pref;
    hasSuffix = suffix: content:
      let lenC = b.stringLength content; lenS = b.stringLength suffix;
      in lenC >= lenS && b.substring (lenC - lenS) lenC content == suffix;
    hasInfix = infix: content: b.match ".*${escapeRegex infix}.*" "${content}" != null;
    removePrefix = prefix: str:
      if hasPrefix prefix str
      then b.substring (b.stringLength prefix) (b.stringLength str - b.stringLength prefix) str
      else str;
    removeSuffix = suffix: str:
      if hasSuffix suffix str
      then b.substring 0 (b.stringLength str - b.stringLength suffix) str
      else str;
    lowerChars = stringToCharacters "abcdefghijklmnopqrstuvwxyz";
    upperChars = stringToCharacters "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    toLower = b.replaceStrings upperChars lowerChars;
    toUpper = b.replaceStrings lowerChars upperChars;
    stringToCharacters = s: b.genList (p: b.substring p 1 s) (b.stringLength s);
    escape = list: b.replaceStrings list (b.map (c: "\\${c}") list);
    escapeRegex = escape (stringToCharacters "\\[{()^$?*+|.");
    splitString = sep: s:
      b.filter b.isString (b.split (escapeRegex (b.toString sep)) (b.toString s));
    trim = s:
      let m = b.match "[[:space:]]*(.*[^[:space:]])[[:space:]]*" s;
      in if m == null then "" else b.head m;
    fixedWidthString = width: filler: str:
      let strw = b.stringLength str; reqWidth = width - (b.stringLength filler);
      in if strw == width then str else if strw > width then throw "fixedWidthString: ${str} longer than ${b.toString width}"
      else filler + fixedWidthString reqWidth filler str;
    fixedWidthNumber = width: n: fixedWidthString width "0" (b.toString n);
    # nixpkgs: leave "safe" strings unquoted, single-quote everything else.
    escapeShellArg = arg:
      let s = b.toString arg; in
      if b.match "[[:alnum:],._+:@%/-]+" s == null
      then "'${b.replaceStrings [ "'" ] [ "'\\''" ] s}'"
      else s;
    escapeShellArgs = concatMapStringsSep " " escapeShellArg;
    toShellVar = name: value: "${name}=${escapeShellArg value}";
    makeSearchPath = subDir: paths:
      b.concatStringsSep ":" (b.map (path: path + "/" + subDir) (b.filter (x: x != null) paths));
    makeSearchPathOutput = output: subDir: pkgs: makeSearchPath subDir (b.map (getOutput output) pkgs);
    makeBinPath = makeSearchPathOutput "bin" "bin";
    makeLibraryPath = makeSearchPathOutput "lib" "lib";
    fileContents = file: removeSuffix "\n" (b.readFile file);
    importJSON = path: b.fromJSON (b.readFile path);
    importTOML = path: b.fromTOML (b.readFile path);
    versionOlder = v1: v2: b.compareVersions v2 v1 == 1;
    versionAtLeast = v1: v2: !(versionOlder v1 v2);
    getName = x: (b.parseDrvName (x.name or x)).name;
    getVersion = x: (b.parseDrvName (x.name or x)).version;

    versions = {
      splitVersion = b.splitVersion;
      major = v: b.elemAt (b.splitVersion v) 0;
      minor = v: b.elemAt (b.splitVersion v) 1;
      patch = v: b.elemAt (b.splitVersion v) 2;
      majorMinor = v: b.concatStringsSep "." (take 2 (b.splitVersion v));
    };
    splitVersion = b.splitVersion;

    # ---- sources -------------------------------------------------------
    # Same rule set as nixpkgs' cleanSourceFilter: drop VCS directories,
    # editor backups, object files, `result*` symlinks and Nix tooling state.
    cleanSourceFilter = name: type:
      let baseName = b.baseNameOf (b.toString name); in
      !((type == "directory" && (baseName == ".git" || baseName == ".svn" || baseName == "CVS" || baseName == ".hg" || baseName == ".jj"))
        || hasSuffix "~" baseName
        || b.match "^\\.sw[a-z]$" baseName != null
        || b.match "^\\..*\\.sw[a-z]$" baseName != null
        || hasSuffix ".o" baseName
        || hasSuffix ".so" baseName
        || (type == "symlink" && hasPrefix "result" baseName)
        || (type == "unknown"));
    cleanSourceWith = { src, filter ? (_: _: true), name ? null }:
      let
        inner = if b.isAttrs src && src ? _cleanSource then src._cleanSource else { path = src; filter = _: _: true; };
        combined = path: type: inner.filter path type && filter path type;
        nm = if name != null then name else if b.isAttrs src && src ? name then src.name else "source";
      in {
        _cleanSource = { path = inner.path; filter = combined; };
        name = nm;
        outPath = b.path { path = inner.path; name = nm; filter = combined; };
      };
    cleanSource = src: cleanSourceWith { filter = cleanSourceFilter; inherit src; };
    sourceByRegex = src: regexes:
      cleanSourceWith {
        inherit src;
        filter = path: type:
          let rel = removePrefix (b.toString src + "/") (b.toString path);
          in b.any (re: b.match re rel != null) regexes;
      };

    # ---- derivation helpers used by nixpkgs builders -------------------
    # Same contract as nixpkgs' lib.extendMkDerivation (finalAttrs-aware).
    extendMkDerivation = { constructDrv, excludeDrvArgNames ? [ ], extendDrvArgs, transformDrv ? id, ... }:
      fpargs:
      transformDrv (constructDrv (finalAttrs:
        let args = toFunction fpargs finalAttrs;
        in b.removeAttrs args excludeDrvArgNames // extendDrvArgs finalAttrs args));

    makeOverridable = f: origArgs:
      let result = f origArgs; in
      (if b.isAttrs result then result else { __functor = _: result; }) // {
        override = newArgs:
          makeOverridable f (origArgs // (if b.isFunction newArgs then newArgs origArgs else newArgs));
      };
    # buildGoModule is a function; `.override` must be reachable on it.
    makeOverridableFunction = f: origArgs: {
      __functor = self: f origArgs;
      override = newArgs:
        makeOverridableFunction f (origArgs // (if b.isFunction newArgs then newArgs origArgs else newArgs));
    };

    fetchers.proxyImpureEnvVars = [
      "http_proxy" "https_proxy" "ftp_proxy" "all_proxy" "no_proxy"
      "HTTP_PROXY" "HTTPS_PROXY" "FTP_PROXY" "ALL_PROXY" "NO_PROXY"
      "NIX_SSL_CERT_FILE"
    ];

    systems.flakeExposed = [ "x86_64-linux" "aarch64-linux" "x86_64-darwin" "aarch64-darwin" ];
    platforms = {
      linux = [ "x86_64-linux" "aarch64-linux" "armv7l-linux" "i686-linux" "riscv64-linux" ];
      darwin = [ "x86_64-darwin" "aarch64-darwin" ];
      all = platforms.linux ++ platforms.darwin;
      unix = platforms.all;
    };
    licenses = b.mapAttrs (n: v: v // { shortName = n; free = true; }) {
      mit = { spdxId = "MIT"; fullName = "MIT License"; };
      asl20 = { spdxId = "Apache-2.0"; fullName = "Apache License 2.0"; };
      bsd3 = { spdxId = "BSD-3-Clause"; fullName = "BSD 3-clause \"New\" or \"Revised\" License"; };
      mpl20 = { spdxId = "MPL-2.0"; fullName = "Mozilla Public License 2.0"; };
      publicDomain = { fullName = "Public Domain"; };
    };
    maintainers = { };
  };
in
lib // {
  # nixpkgs exposes the same functions under these sub-namespaces too.
  strings = lib; lists = lib; attrsets = lib; trivial = lib; sources = lib;
  customisation = lib; meta = lib;
}
