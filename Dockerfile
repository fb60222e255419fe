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

# Run stage: production dependencies and compiled JavaScript only, run with plain node. The
# bundle in dist/bin is what runs; dist/lib is the `crew` package the app imports.
FROM node:20-slim
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist/bin dist/bin
COPY --from=build /app/dist/lib dist/lib
COPY --from=build /app/dist/example dist/example
COPY config config
USER node
EXPOSE 3000
# crew handles SIGTERM itself: the server stops taking traffic, jobs finish within the grace
# (8 s by default, under Docker's 10 s), then it exits 0. HOST must be reachable from outside.
# Workers need REDIS_URL in production (or queue.driver: embedded chosen in config/production.yaml).
ENV HOST=0.0.0.0
CMD ["node", "dist/bin/crew.js", "start", "--all"]
