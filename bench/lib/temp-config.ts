// A throwaway working directory holding config/default.yaml, so a benchmark runs crew with
// settings of its own and leaves nothing behind, also when the benchmark is interrupted.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface TempConfig {
  dir: string;
  remove(): void;
}

export function tempConfig(yaml: string): TempConfig {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crew-bench-'));
  fs.mkdirSync(path.join(dir, 'config'));
  fs.writeFileSync(path.join(dir, 'config', 'default.yaml'), yaml);
  const remove = () => fs.rmSync(dir, { recursive: true, force: true });
  process.once('exit', remove);
  return { dir, remove };
}
