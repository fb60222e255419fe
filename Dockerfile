# crew's example app as an image: `docker build -t crew-example .`, then `docker compose up`
# (docker-compose.yml brings Redis along). docs/deploy.md explains every line below and which
# numbers to set together.

# Build stage: install everything, compile TypeScript and bundle the executable (npm run build).
FROM node:20-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json esbuild.config.mjs ./
COPY lib lib
COPY cli cli
COPY example example
COPY spec spec
COPY bench bench
RUN npm run build

# Run stage: production dependencies and compiled JavaScript only, run with plain node as a
# user without privileges. The bundle in dist/bin is what runs; dist/lib is the `crew` package
# the app imports.
FROM node:20-slim
# tini is PID 1: it hands SIGTERM to crew and reaps any orphan a child leaves behind (a
# process whose parent died is re-parented to PID 1, and a PID 1 that does not wait() for it
# keeps it a zombie). crew itself handles SIGTERM; tini only forwards it.
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini \
 && rm -rf /var/lib/apt/lists/*
# Production: no stacks in HTTP errors, no implicit in-memory queue (workers need REDIS_URL,
# or `queue: { driver: embedded }` chosen in config/production.yaml), and the server listens on
# 0.0.0.0 unless HOST or server.host says otherwise.
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist/bin dist/bin
COPY --from=build /app/dist/lib dist/lib
COPY --from=build /app/dist/example dist/example
COPY config config
USER node
# The server's port (PORT or server.port; 3000 by default).
EXPOSE 3000
# `docker stop` sends this, then SIGKILL after 10 s (--time / stop_grace_period): crew drains
# requests and jobs within its grace (8 s by default, supervisor.grace) and exits 0 before.
STOPSIGNAL SIGTERM
# Healthy when every child is ready and GET /_health answers 200 (no curl needed). It finds the
# crew from this working directory; it gives up after 5 s, under Docker's 10 s, so the reason
# it prints reaches `docker inspect`. The start period covers supervisor.readyTimeout (30 s).
HEALTHCHECK --interval=15s --timeout=10s --start-period=30s --retries=3 \
  CMD ["node", "dist/bin/crew.js", "health", "--timeout", "5s"]
ENTRYPOINT ["/usr/bin/tini", "--"]
# node itself, never npm or npx: they do not pass SIGTERM on (docs/deploy.md).
CMD ["node", "dist/bin/crew.js", "start", "--all"]
