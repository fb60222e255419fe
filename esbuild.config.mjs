// Bundles what `node` runs in production: the crew command (cli/crew.ts) and the child entry
// (lib/child/main.ts), with their dependencies, into dist/bin/. Node loads one file per module
// and compiles each separately; as a few bundled files, the command starts in about half the
// time (docs/benchmarks.md, "start to ready"). What a process loads only when it needs it
// (`import()`) stays a separate file, so the lazy loading of lib/ holds.
//
// Left outside: the Redis clients and cron, loaded only by the processes that use them and
// resolved at run time through createRequire; pidusage; tsx and chokidar (`--watch`), for
// development.
//
// node esbuild.config.mjs   (part of `npm run build`, after tsc)
import { build } from 'esbuild';
import { rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const helpWidth = fileURLToPath(new URL('./cli/help-width.ts', import.meta.url));

/** yargs' (and its layout libraries') string-width, answered by cli/help-width.ts. */
const asciiHelpWidth = {
  name: 'ascii-help-width',
  setup(bundle) {
    bundle.onResolve({ filter: /^string-width$/ }, () => ({ path: helpWidth }));
  },
};

/**
 * JSON (koa's MIME database, twice over) as a JSON.parse of a string: V8 reads that several
 * times faster than the same data as an object literal, which is how a bundler inlines it.
 */
const jsonAsParse = {
  name: 'json-as-parse',
  setup(bundle) {
    bundle.onLoad({ filter: /\.json$/ }, async (args) => {
      const text = JSON.stringify(JSON.parse(await readFile(args.path, 'utf8')));
      return { contents: `module.exports = JSON.parse(${JSON.stringify(text)});`, loader: 'js' };
    });
  },
};

/**
 * Modules a dependency loads at start but calls only on a rare road, loaded at their first call
 * instead: the same module, the same version, only later. Each has the shape its importer uses,
 * and nothing more. Koa's `accepts` carries its own older copy of mime-types and its MIME
 * database (~10 ms of a server child's start), used only by `ctx.accepts('json')` and the like;
 * `http-assert` its own http-errors, used only when `ctx.assert` fails; winston's debug output
 * (`@dabh/diagnostics`) a colour library (~3 ms of every child's start), used only with DEBUG set.
 */
const LAZY = [
  { importer: /[\\/]node_modules[\\/]accepts[\\/]/, module: 'mime-types', shape: 'module.exports = { lookup: (path) => load().lookup(path) };' },
  { importer: /[\\/]node_modules[\\/]http-assert[\\/]/, module: 'http-errors', shape: 'module.exports = function createError() { return load().apply(this, arguments); };' },
  { importer: /[\\/]node_modules[\\/]@dabh[\\/]diagnostics[\\/]/, module: '@so-ric/colorspace', shape: 'module.exports = function colorspace() { return load().apply(this, arguments); };' },
];

const lazyOnFirstCall = {
  name: 'lazy-on-first-call',
  setup(bundle) {
    for (const [index, lazy] of LAZY.entries()) {
      bundle.onResolve({ filter: new RegExp(`^${lazy.module}$`) }, async (args) => {
        if (args.pluginData?.lazyReal || !lazy.importer.test(args.importer)) return undefined;
        const real = await bundle.resolve(args.path, { kind: args.kind, importer: args.importer, resolveDir: args.resolveDir, pluginData: { lazyReal: true } });
        if (real.errors.length > 0) return { errors: real.errors };
        return { path: `${lazy.module} (loaded at its first call)`, namespace: 'crew-lazy', pluginData: { index, real: real.path } };
      });
    }
    bundle.onLoad({ filter: /.*/, namespace: 'crew-lazy' }, (args) => {
      const lazy = LAZY[args.pluginData.index];
      const contents = `let real;\nconst load = () => (real ??= require(${JSON.stringify(args.pluginData.real)}));\n${lazy.shape}\n`;
      return { contents, loader: 'js', resolveDir: process.cwd() };
    });
  },
};

// Chunk names carry a content hash: clear out an earlier build's.
rmSync('dist/bin', { recursive: true, force: true });

await build({
  entryPoints: ['cli/crew.ts', 'lib/child/main.ts'],
  outdir: 'dist/bin',
  // One folder for entries and chunks: the primary finds the child entry beside itself.
  entryNames: '[name]',
  define: { CREW_CHILD_ENTRY: JSON.stringify('./main.js') },
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  // Nothing is lowered: every file runs on Node 20.19 as it is. (Lowering would, for one, turn
  // string-width's /…/v patterns into `new RegExp` calls compiled at load instead of at first use.)
  target: 'esnext',
  external: ['bee-queue', 'redis', 'cron', 'pidusage', 'tsx', 'tsx/*', 'chokidar'],
  // Bundled CommonJS packages call require() for Node's built-ins.
  banner: { js: "import { createRequire as __crewRequire } from 'node:module'; const require = __crewRequire(import.meta.url);" },
  // Maps are written but not linked: with --enable-source-maps a child would parse them at start.
  sourcemap: 'external',
  plugins: [asciiHelpWidth, jsonAsParse, lazyOnFirstCall],
  logLevel: 'warning',
});
