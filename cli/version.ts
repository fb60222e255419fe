// crew's own version, for `crew --version`. yargs would read the package.json nearest to the
// working directory, which inside an app is the app's; this reads crew's, found from this
// file's place: dist/bin (the bundle), dist/cli (compiled) or cli (sources), under the package.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export function crewVersion(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const file = path.join(dir, 'package.json');
    if (fs.existsSync(file)) {
      const pkg = JSON.parse(fs.readFileSync(file, 'utf8')) as { name?: unknown; version?: unknown };
      if (pkg.name === 'crew' && typeof pkg.version === 'string') return pkg.version;
    }
    const parent = path.dirname(dir);
    if (parent === dir) return 'unknown (crew\'s package.json was not found beside its files)';
    dir = parent;
  }
}
