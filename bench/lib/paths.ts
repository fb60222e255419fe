// Where the compiled CLI and the benchmark apps live, from this file's compiled location
// (dist/bench/lib), so a benchmark runs the same from any working directory.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const distRoot = path.resolve(here, '..', '..');
export const repoRoot = path.resolve(distRoot, '..');
export const crewBin = path.join(distRoot, 'cli', 'crew.js');
export const benchApp = (name: string): string => path.join(distRoot, 'bench', 'apps', `${name}.js`);
