# Sendcode's one image for every role: `sendcode gateway` (the default), `workers`, `sandbox`, `doctor`.
#   docker build -t sendcode .
#   docker run --env-file .env sendcode workers
# Without a registry, name a local Node 24 base (scripts/ensure-podman.sh builds one):
#   podman build --format docker --build-arg BASE=localhost/sendcode-node:24 -t sendcode .
# (--format docker: the OCI format has no HEALTHCHECK, and podman drops it.)
ARG BASE=node:24-bookworm-slim

# The lock file and every workspace's package.json: all `npm ci` reads, so a change of source alone
# reuses the installed layers. A new workspace is listed here (test/deploy/dockerfile.test.ts checks).
FROM ${BASE} AS manifests
WORKDIR /app
COPY package.json package-lock.json ./
COPY packages/channels/package.json packages/channels/
COPY packages/client/package.json packages/client/
COPY packages/contract/package.json packages/contract/
COPY packages/engine/package.json packages/engine/
COPY packages/policy/package.json packages/policy/
COPY packages/runtime/package.json packages/runtime/
COPY packages/store/package.json packages/store/
COPY packages/testing/package.json packages/testing/
COPY apps/cli/package.json apps/cli/
COPY apps/gateway/package.json apps/gateway/
COPY apps/sandbox/package.json apps/sandbox/
COPY apps/workers/package.json apps/workers/

# Behind a TLS-intercepting proxy npm needs the proxy's CA: pass a bundle holding it as a build secret,
# `--secret id=ca-certificates,src=/etc/ssl/certs/ca-certificates.crt`; it never enters a layer.

# Compiles every workspace to dist/ (npm run build). No install scripts: the build needs only tsc, and
# some dev dependencies' scripts want a compiler or a download. Then /out gets what production runs:
# each built workspace but its sources: package.json, dist/, the command's bin/, and the data files
# dist/ reads from the package root (packages/policy/settings.default.json).
FROM manifests AS build
RUN --mount=type=cache,target=/root/.npm --mount=type=secret,id=ca-certificates \
    if [ -f /run/secrets/ca-certificates ]; then export NODE_EXTRA_CA_CERTS=/run/secrets/ca-certificates; fi \
 && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
COPY tsconfig.json tsconfig.build.json ./
COPY scripts/build.sh scripts/ensure-deps.sh scripts/
COPY packages packages
COPY apps apps
RUN npm run build \
 && for workspace in packages/* apps/*; do \
      [ -d "$workspace/dist" ] || continue; \
      mkdir -p "/out/$workspace" && cp -R "$workspace/." "/out/$workspace/"; \
      rm -rf "/out/$workspace/src" "/out/$workspace/tsconfig.build.json" "/out/$workspace/dist/.tsbuildinfo"; \
    done

# Production dependencies only: no vitest, tsx, typescript, biome or playwright. npm still links the
# workspaces (node_modules/@sendcode/* → packages/*, apps/*); the test support one is never run.
FROM manifests AS prod-deps
RUN --mount=type=cache,target=/root/.npm --mount=type=secret,id=ca-certificates \
    if [ -f /run/secrets/ca-certificates ]; then export NODE_EXTRA_CA_CERTS=/run/secrets/ca-certificates; fi \
 && npm ci --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error \
 && rm node_modules/@sendcode/testing

FROM ${BASE}
# Both apps bind to loopback by default; in a container, published ports and other containers come in
# on its own address. NODE_ENV=production is what the dependencies expect of a production process.
ENV NODE_ENV=production HOST=0.0.0.0 WORKERS_HOST=0.0.0.0 SANDBOX_HOST=0.0.0.0
# The uid and gid the Kubernetes manifests run as (runAsUser: 10001); numeric in USER, so a runtime
# can tell it is not root without reading /etc/passwd.
RUN groupadd --gid 10001 sendcode \
 && useradd --uid 10001 --gid 10001 --home-dir /nonexistent --no-create-home --shell /usr/sbin/nologin sendcode
WORKDIR /app
COPY --from=prod-deps /app/package.json ./
COPY --from=prod-deps /app/node_modules node_modules
COPY --from=build /out/ ./
USER 10001:10001
# gateway, workers' metrics, sandbox HTTP and SMTP
EXPOSE 8080 9464 4010 2525
# Asks /healthz of whichever role this container runs (sendcode healthcheck, apps/cli/src/healthcheck.ts).
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "/app/apps/cli/bin/sendcode.js", "healthcheck"]
# node itself is PID 1: each role handles SIGTERM (and SIGINT) and exits 0 once it has shut down
# gracefully, which a PID 1 without handlers would ignore until the runtime's kill.
ENTRYPOINT ["node", "/app/apps/cli/bin/sendcode.js"]
CMD ["gateway"]
