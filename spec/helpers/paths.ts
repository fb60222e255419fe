// Where the compiled CLI and fixtures live, from the compiled spec's own location (dist/spec/helpers).
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { readFileSync } from 'node:fs';

const here = path.dirname(fileURLToPath(import.meta.url));
export const distRoot = path.resolve(here, '..', '..');
export const repoRoot = path.resolve(distRoot, '..');
/** The `crew` executable as the package declares it (`bin`), bundled as it runs in production. */
export const crewBin = path.join(repoRoot, (JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { bin: { crew: string } }).bin.crew);
export const fixtureApp = (name: string): string => path.join(distRoot, 'spec', 'fixtures', 'apps', `${name}.js`);
