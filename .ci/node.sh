# Sourced by .ci/run and .ci/image-check.sh: `use_node 24` puts the newest official Node 24 binary first on PATH.
#
# The binary comes from the npm registry (package node-linux-<arch>: the official build, checked by npm against the
# registry's integrity hash), so CI needs no other download site. It is unpacked once per version under
# ${TAZA_CI_CACHE:-/var/cache/taza-ci} as root, else ~/.cache/taza-ci, and reused; readable by every user, since
# some tests run node as another user (a root home directory is not). The package also holds Node's headers: npm_config_nodedir points
# node-gyp at them, so a native addon compiled from source (sqlite3) needs no header download either.
# The machine's npm keeps being used: it runs on whichever node is first on PATH.
use_node() {
  local major="$1" arch
  case "$(uname -m)" in
    x86_64) arch=x64 ;;
    aarch64 | arm64) arch=arm64 ;;
    *)
      echo "use_node: no node-linux package for $(uname -m)" >&2
      return 1
      ;;
  esac
  local pkg="node-linux-$arch"
  local cache="${TAZA_CI_CACHE:-}"
  if [ -z "$cache" ]; then
    if [ "$(id -u)" = 0 ]; then cache=/var/cache/taza-ci; else cache="${XDG_CACHE_HOME:-$HOME/.cache}/taza-ci"; fi
  fi
  mkdir -p "$cache"
  chmod 755 "$cache"
  local version dir
  # The newest published $major.x.y (npm view lists every matching version; the last is the highest).
  if version="$(npm view "$pkg@$major" version --json 2>/dev/null |
    node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const v=JSON.parse(s);console.log([].concat(v).pop())})')" &&
    [ -n "$version" ]; then
    dir="$cache/$pkg-$version"
  else
    # Registry unreachable: fall back to the newest one already unpacked, if any.
    dir="$(find "$cache" -maxdepth 1 -name "$pkg-$major.*" -type d | sort -V | tail -1)"
    [ -n "$dir" ] || {
      echo "use_node: cannot resolve $pkg@$major from the npm registry, and none is cached in $cache" >&2
      return 1
    }
    echo "use_node: registry unreachable, using the cached $(basename "$dir")" >&2
  fi
  if [ ! -x "$dir/bin/node" ]; then
    local tmp
    tmp="$(mktemp -d "$cache/.download.XXXXXX")"
    (cd "$tmp" && npm pack "$pkg@$version" --silent >/dev/null) &&
      tar -xzf "$tmp/$pkg-$version.tgz" -C "$tmp" &&
      rm -rf "$dir" && mv "$tmp/package" "$dir" && chmod 755 "$dir"
    local status=$?
    rm -rf "$tmp"
    [ "$status" = 0 ] || {
      echo "use_node: could not fetch $pkg@$version" >&2
      return 1
    }
  fi
  "$dir/bin/node" -e "process.exit(process.versions.node.split('.')[0] === '$major' ? 0 : 1)" || {
    echo "use_node: $dir/bin/node is not Node $major" >&2
    return 1
  }
  export PATH="$dir/bin:$PATH"
  export npm_config_nodedir="$dir"
  hash -r
}

# The major version of the node first on PATH.
node_major() { node -p 'process.versions.node.split(".")[0]'; }
