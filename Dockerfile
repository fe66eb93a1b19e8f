# syntax=docker/dockerfile:1
# Taza: one container and one volume. Build for several architectures with
#   docker buildx build --platform linux/amd64,linux/arm64 -t taza:latest .
# (the README explains it). .ci/image-check.sh reproduces the build steps below without Docker:
# keep the two in step.

# Node 24 LTS (Node 20 reached end of life in April 2026). Both stages on the same Node: the sqlite3 addon built in the
# first is the one the second loads.
# ---- build: dev dependencies, native tools for the sqlite3 addon, TypeScript compile ----
FROM node:24-bookworm-slim AS build
# python3, make and g++ build the sqlite3 addon when no prebuilt binary fits the architecture.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
# .dockerignore lets only package*.json, the tsconfigs, src/ and commands/ through.
COPY . .
# The sqlite3 addon's compile leftovers (objects, static library, bundled SQLite source) and the compiler's
# incremental-build record (dist/*.tsbuildinfo) are not needed at run time.
RUN npm run build \
 && rm -f dist/*.tsbuildinfo \
 && npm prune --omit=dev --no-audit --no-fund \
 && rm -rf node_modules/sqlite3/build/Release/obj node_modules/sqlite3/build/Release/obj.target \
           node_modules/sqlite3/build/Release/*.a node_modules/sqlite3/deps

# ---- runtime: production dependencies and the compiled code only ----
FROM node:24-bookworm-slim AS runtime
ARG VERSION=0.1.0
LABEL org.opencontainers.image.title="Taza" \
      org.opencontainers.image.description="Self-hosted news-alert bot for Discord and Telegram, with keyword matching for English and Urdu" \
      org.opencontainers.image.licenses="MIT" \
      org.opencontainers.image.source="https://github.com/taza-bot/taza" \
      org.opencontainers.image.documentation="https://github.com/taza-bot/taza/blob/main/README.md" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.base.name="docker.io/library/node:24-bookworm-slim"
# tini runs as PID 1: it forwards SIGTERM to node (so shutdown drains the outbox) and reaps zombies.
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini \
 && rm -rf /var/lib/apt/lists/* \
 && mkdir -p /data \
 && chown node:node /data
ENV NODE_ENV=production \
    DATA_DIR=/data \
    HTTP_HOST=0.0.0.0 \
    HTTP_PORT=8080 \
    PRETTY_LOGS=false
WORKDIR /app
# The code stays owned by root: the app (user node) can read it but not change it.
COPY --from=build /app/package.json /app/package-lock.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
USER node
VOLUME ["/data"]
EXPOSE 8080
# Node has fetch built in: no curl in the image. The check asks the container's own network address, the one a
# published port (-p 8080:8080) forwards to, not 127.0.0.1: a server bound to loopback only (HTTP_HOST=127.0.0.1
# from an .env) is unreachable from outside and must show as unhealthy. 127.0.0.1 only with no network at all
# (--network none). Reads HTTP_PORT so a changed port keeps the check right.
# (No --start-period: Taza answers within seconds, and the lint below predates that flag.)
HEALTHCHECK --interval=30s --timeout=5s --retries=3 \
  CMD ["node", "-e", "const a=Object.values(require('os').networkInterfaces()).flat().find(i=>!i.internal&&i.family==='IPv4');fetch('http://'+(a?a.address:'127.0.0.1')+':'+(process.env.HTTP_PORT||8080)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["/usr/bin/tini", "--", "node", "dist/src/cli/main.js"]
CMD ["run"]
