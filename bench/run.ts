// Runs every benchmark, one after another: each top-level bench/<name>.ts, run compiled as
// dist/bench/<name>.js in a process of its own (helpers live in bench/lib/, apps in
// bench/apps/, so a new benchmark needs no registration here). Names on the command line
// choose some: node dist/bench/run.js log-relay restart
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const sources = path.resolve(here, '..', '..', 'bench');
// From the sources, not from dist/bench: a benchmark deleted from bench/ may linger in dist/.
const all = fs
  .readdirSync(sources)
  .filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts') && file !== 'run.ts')
  .map((file) => file.slice(0, -'.ts'.length))
  .sort();
const wanted = process.argv.slice(2);
const unknown = wanted.filter((name) => !all.includes(name));
if (unknown.length > 0) {
  console.error(`bench: no benchmark named ${unknown.join(', ')}; there are: ${all.join(', ')}`);
  process.exit(2);
}

const outcomes: string[] = [];
for (const name of wanted.length > 0 ? wanted : all) {
  console.log(`\n=== ${name} ===`);
  const started = Date.now();
  const run = spawnSync(process.execPath, [path.join(here, `${name}.js`)], { stdio: 'inherit' });
  const seconds = ((Date.now() - started) / 1000).toFixed(0);
  const outcome = run.error ? `could not run (${run.error.message})` : run.status === 0 ? 'ok' : `exit ${run.status ?? run.signal} (a target missed or a check failed: see above)`;
  outcomes.push(`${name}: ${outcome}, ${seconds} s`);
}
console.log('\n=== summary ===');
for (const line of outcomes) console.log(`  ${line}`);
process.exitCode = outcomes.every((line) => line.includes(': ok,')) ? 0 : 1;
