#!/usr/bin/env bash
# Checks the container image without a Docker engine (none runs on these machines):
#   1. lints the Dockerfile (dockerfilelint from npm: hadolint is in neither npm nor Debian) and checks
#      what Taza's image must have (non-root, /data volume, HEALTHCHECK, an init, both stages on the same Node
#      slim base) and that .env.example, given to `docker run --env-file`, keeps the image's DATA_DIR and HTTP_HOST;
#   2. reproduces the Dockerfile's steps in a clean temporary directory, on the Node major of the base image
#      (fetched with .ci/node.sh when the node on PATH is another): the build context from the .dockerignore
#      allow-list, `npm ci`, build, `npm prune --omit=dev`;
#   3. runs the runtime file set alone (package*.json, node_modules, dist) with the image's environment: --help,
#      --version, `doctor` (which opens the SQLite store through the native addon), and `run` with the
#      Dockerfile's own HEALTHCHECK command (which must pass, and fail once the server listens on loopback only),
#      then SIGTERM, which must exit 0.
# Exits non-zero on the first failure.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/taza-image-check.XXXXXX")"
RUN_PID=""
cleanup() {
  if [ -n "$RUN_PID" ] && kill -0 "$RUN_PID" 2>/dev/null; then kill -KILL "$RUN_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT
step() { printf '\n== image-check: %s\n' "$*"; }
fail() { printf 'image-check: FAILED: %s\n' "$*" >&2; exit 1; }

cd "$ROOT"
# shellcheck source=.ci/node.sh
. "$ROOT/.ci/node.sh"

step "lint the Dockerfile"
npm exec --yes --package=dockerfilelint@1.8.0 -- dockerfilelint Dockerfile
require() { grep -Eq "$1" Dockerfile || fail "Dockerfile: $2"; }
# The image's Node: one major, the same in both stages (the addon compiled in the first is loaded by the second).
BASE="$(sed -n 's/^FROM \(node:[0-9][0-9]*-bookworm-slim\) AS build$/\1/p' Dockerfile)"
[ -n "$BASE" ] && [ "$(grep -Ec "^FROM $BASE AS (build|runtime)\$" Dockerfile)" = 2 ] ||
  fail "Dockerfile: expected two stages, build and runtime, both FROM the same node:<major>-bookworm-slim"
NODE_MAJOR="${BASE#node:}"
NODE_MAJOR="${NODE_MAJOR%%-*}"
[ "$NODE_MAJOR" -ge 24 ] || fail "Dockerfile: $BASE is older than Node 24 LTS (Node 20 reached end of life in April 2026)"
require "org\.opencontainers\.image\.base\.name=\"docker\.io/library/$BASE\"" "the base.name label must name $BASE"
require '^USER node$' 'the runtime must run as the non-root user node'
require '^VOLUME \["/data"\]$' '/data must be the volume'
require 'DATA_DIR=/data' 'DATA_DIR must point at the volume'
require 'HTTP_HOST=0\.0\.0\.0' 'HTTP_HOST must be 0.0.0.0 in the container'
require '^EXPOSE 8080$' 'the HTTP port must be exposed'
require '^HEALTHCHECK .*' 'a HEALTHCHECK is required'
require '^ENTRYPOINT \["/usr/bin/tini", "--"' 'tini must be PID 1 so SIGTERM reaches node'
require 'org\.opencontainers\.image\.source' 'OCI labels are required'
[ "$(awk '/^FROM .* AS runtime$/{r=1} r && /npm (ci|install)/' Dockerfile)" = "" ] || fail "Dockerfile: the runtime stage must not install packages with npm"
echo "structure: ok ($BASE)"

# `docker run --env-file .env` (the README's recipe) puts every uncommented line of .env over the image's ENV,
# an empty value included (Taza reads an empty value as unset, i.e. ./data and 127.0.0.1: wrong in the image).
for key in DATA_DIR HTTP_HOST; do
  ! grep -Eq "^[[:space:]]*$key[[:space:]]*=" .env.example ||
    fail ".env.example sets $key: copied to .env it overrides the image's $key with docker run --env-file (leave it commented out)"
done
echo ".env.example: leaves DATA_DIR and HTTP_HOST to the image"

if [ "$(node_major)" != "$NODE_MAJOR" ]; then
  step "fetch Node $NODE_MAJOR, the image's (node on PATH is $(node --version))"
  use_node "$NODE_MAJOR"
fi
echo "node $(node --version)"

step "build stage in $WORK/build (context = the .dockerignore allow-list)"
mkdir -p "$WORK/build" "$WORK/runtime" "$WORK/data"
# The build context is exactly what .dockerignore lets through (its '!' lines); missing entries are skipped as Docker does.
sed -n 's/^!\(.*\)$/\1/p' .dockerignore | while read -r entry; do
  if [ -e "$entry" ]; then cp -R "$entry" "$WORK/build/"; fi
done
[ -f "$WORK/build/package-lock.json" ] && [ -d "$WORK/build/src" ] || fail ".dockerignore must let package-lock.json and src/ through"
(
  cd "$WORK/build"
  npm ci --no-audit --no-fund
  npm run build
  rm -f dist/*.tsbuildinfo
  npm prune --omit=dev --no-audit --no-fund
  rm -rf node_modules/sqlite3/build/Release/obj node_modules/sqlite3/build/Release/obj.target \
         node_modules/sqlite3/build/Release/*.a node_modules/sqlite3/deps
)

step "runtime stage in $WORK/runtime (package*.json, node_modules, dist only)"
cp "$WORK/build/package.json" "$WORK/build/package-lock.json" "$WORK/runtime/"
cp -R "$WORK/build/node_modules" "$WORK/build/dist" "$WORK/runtime/"
cd "$WORK/runtime"
for dev in typescript vitest eslint tsx; do
  [ ! -e "node_modules/$dev" ] || fail "dev dependency $dev is in the runtime file set (npm prune --omit=dev did not run?)"
done
echo "runtime size: $(du -sh . | cut -f1) (node_modules $(du -sh node_modules | cut -f1), dist $(du -sh dist | cut -f1))"

# The container's environment (the Dockerfile's ENV: HTTP_HOST=0.0.0.0 as in the image; DATA_DIR is the stand-in for
# /data), and nothing from this shell (no .env, no tokens).
image_env() { sed -n "s/^ *$1=\([^ ]*\).*$/\1/p" "$ROOT/Dockerfile" | head -1; }
[ "$(image_env HTTP_HOST)" = 0.0.0.0 ] && [ "$(image_env DATA_DIR)" = /data ] || fail "Dockerfile: ENV must set HTTP_HOST=0.0.0.0 and DATA_DIR=/data"
runtime_env=(env -i "PATH=$PATH" "HOME=$WORK" NODE_ENV=production "DATA_DIR=$WORK/data" "HTTP_HOST=$(image_env HTTP_HOST)" PRETTY_LOGS=false)

"${runtime_env[@]}" node dist/src/cli/main.js --help | tee "$WORK/help.txt" | head -3
grep -q '^Usage: taza <command>' "$WORK/help.txt" || fail "--help did not print the usage"
version="$("${runtime_env[@]}" node dist/src/cli/main.js --version)"
[ "$version" = "$(node -p 'require("./package.json").version')" ] || fail "--version printed '$version'"

step "taza doctor from the runtime file set (opens the SQLite store)"
"${runtime_env[@]}" node dist/src/cli/main.js doctor | tee "$WORK/doctor.txt"
grep -q '^✓ store: ' "$WORK/doctor.txt" || fail "doctor did not open the store"

step "taza run, the Dockerfile's HEALTHCHECK, then SIGTERM"
port="$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
# The exact command of the Dockerfile's HEALTHCHECK (its JSON exec form), run as Docker runs it.
health_cmd="$(sed -n 's/^  CMD \(\[.*\]\)$/\1/p' "$ROOT/Dockerfile")"
[ -n "$health_cmd" ] || fail "could not read the HEALTHCHECK command from the Dockerfile"
healthcheck() {
  HEALTH_CMD="$health_cmd" HTTP_PORT="$port" node -e '
    const [cmd, ...args] = JSON.parse(process.env.HEALTH_CMD);
    const r = require("child_process").spawnSync(cmd, args, { stdio: "inherit", env: process.env });
    process.exit(r.status ?? 1);
  '
}
# start_taza [VAR=value…]: `taza run` with the image's environment (plus the given overrides), until app.started.
start_taza() {
  : >"$WORK/run.log"
  "${runtime_env[@]}" HTTP_PORT="$port" "$@" node dist/src/cli/main.js run 2>"$WORK/run.log" &
  RUN_PID=$!
  for _ in $(seq 1 100); do
    grep -q '"event":"app.started"' "$WORK/run.log" && return 0
    kill -0 "$RUN_PID" 2>/dev/null || { cat "$WORK/run.log"; fail "taza run exited at start"; }
    sleep 0.2
  done
  cat "$WORK/run.log"
  fail "taza run did not start within 20 s"
}
# stop_taza: SIGTERM, which must end it with exit code 0 after logging app.stopped.
stop_taza() {
  kill -TERM "$RUN_PID"
  local code=0
  wait "$RUN_PID" || code=$?
  RUN_PID=""
  [ "$code" = 0 ] || { cat "$WORK/run.log"; fail "taza run exited $code on SIGTERM (expected 0)"; }
  grep -q '"event":"app.stopped"' "$WORK/run.log" || fail "taza run did not log app.stopped"
}

start_taza
healthcheck || fail "the HEALTHCHECK command failed against a running taza (HTTP_HOST=$(image_env HTTP_HOST))"
echo "healthcheck: ok"
stop_taza
echo "SIGTERM: exit 0"

# Bound to loopback only, the published port reaches nothing: the check must say unhealthy, not pass on 127.0.0.1.
# (It asks the first non-loopback IPv4 address, as a container's eth0; a machine without one cannot show this.)
if node -e 'process.exit(Object.values(require("os").networkInterfaces()).flat().some(i=>!i.internal&&i.family==="IPv4")?0:1)'; then
  start_taza HTTP_HOST=127.0.0.1
  if healthcheck 2>/dev/null; then fail "the HEALTHCHECK passed while taza listened on 127.0.0.1 only (a published port could not reach it)"; fi
  echo "healthcheck on a loopback-only server: unhealthy, as it should"
  stop_taza
else
  echo "no non-loopback IPv4 address here: the loopback-only case of the HEALTHCHECK is not checked"
fi

step "passed"
