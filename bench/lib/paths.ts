// Where the compiled CLI and the benchmark apps live, from this file's compiled location
// (dist/bench/lib), so a benchmark runs the same from any working directory.
import path from 'node:path';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const distRoot = path.resolve(here, '..', '..');
export const repoRoot = path.resolve(distRoot, '..');
/** The `crew` executable as the package declares it (`bin`), bundled as it runs in production. */
export const crewBin = path.join(repoRoot, (JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { bin: { crew: string } }).bin.crew);
export const benchApp = (name: string): string => path.join(distRoot, 'bench', 'apps', `${name}.js`);
