// Where the compiled CLI and fixtures live, from the compiled spec's own location (dist/spec/helpers).
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const here = path.dirname(fileURLToPath(import.meta.url));
export const distRoot = path.resolve(here, '..', '..');
export const repoRoot = path.resolve(distRoot, '..');
export const crewBin = path.join(distRoot, 'cli', 'crew.js');
export const fixtureApp = (name: string): string => path.join(distRoot, 'spec', 'fixtures', 'apps', `${name}.js`);
