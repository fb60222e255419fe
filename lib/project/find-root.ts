// Finds the project's folder from any folder below it, the way git finds its repository: the
// nearest folder, from the working directory up, that holds config/default.yaml or a
// package.json. `cd src && crew status` then reaches the crew started in the project's folder,
// and `crew config` reads the project's config. Without either marker up to the filesystem's
// root, the folder itself is the project's (a project of flags alone: --app, --config).
import fs from 'node:fs';
import path from 'node:path';

const MARKERS = [path.join('config', 'default.yaml'), 'package.json'];

export function findProjectRoot(from: string): string {
  const start = path.resolve(from);
  for (let dir = start; ; ) {
    if (MARKERS.some((marker) => fs.existsSync(path.join(dir, marker)))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return start;
    dir = parent;
  }
}
