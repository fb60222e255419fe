// Asks Node, before anything is forked, whether it takes the Node options a component's
// children would run with (`nodeArgs`, `--node-args`). crew checks their shape
// (lib/config/node-args.ts); only Node knows its options and their values
// (`--max-old-space-size=abc`, `--cpu-prof-dir` without `--cpu-prof`, a misspelt name). A child
// Node refuses exits before it runs a line, every restart alike: refused here, the mistake is
// one usage error (exit 2) instead of a crash loop.
//
// The probe runs `node <options> --eval ""` in an empty temporary folder, so that what the
// options write (a CPU profile, a heap profile, a report) lands there and is removed with it.
// Left out of the probe are the options that would run the app's code or wait for a debugger
// (crew checks an inspector's address itself, and that a file to --require or --import
// exists: ./prepare-node-args.ts), and every folder option is pointed into the temporary one.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { splitOption } from '../config/node-args.js';

const PROBE_TIMEOUT_MS = 15_000;
/** Options that run code (the app's or a loader) or open a debugger: not for a probe. */
const SKIPPED = /^--(?:inspect(?:-brk|-wait|-port|-publish-uid)?|debug-port|require|import|loader|experimental-loader|env-file|env-file-if-exists)$/;
/** The options as the probe passes them: without those it must not run, what it writes in `dir`. */
export function probeArgs(args: readonly string[], dir: string): string[] {
  const kept = args.filter((arg) => !SKIPPED.test(splitOption(arg)[0]));
  const names = new Set(kept.map((arg) => splitOption(arg)[0]));
  // Given last, these win over the user's folders (Node takes the last). The profile folders
  // only with their profile: alone, Node refuses them, and so it should in the probe.
  const folders = ['--diagnostic-dir', '--report-directory'];
  if (names.has('--cpu-prof')) folders.push('--cpu-prof-dir');
  if (names.has('--heap-prof')) folders.push('--heap-prof-dir');
  return [...kept, ...folders.map((name) => `${name}=${dir}`)];
}

/** Node's complaint about `args` (its first words), or undefined when it takes them. */
export async function nodeRefuses(args: readonly string[]): Promise<string | undefined> {
  if (args.length === 0) return undefined;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crew-node-args-'));
  try {
    return await new Promise<string | undefined>((resolve) => {
      execFile(
        process.execPath,
        [...probeArgs(args, dir), '--eval', ''],
        // NODE_OPTIONS is the user's too, and reaches every child: probed with the rest.
        { cwd: dir, timeout: PROBE_TIMEOUT_MS, encoding: 'utf8', windowsHide: true },
        (error, _stdout, stderr) => {
          if (!error) return resolve(undefined);
          const said = complaint(stderr);
          resolve(said ?? (error.killed ? `Node did not start with them within ${PROBE_TIMEOUT_MS / 1000} s` : `Node exited with code ${String(error.code)} with them`));
        },
      );
    });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The line that says what Node refused: its first. After a bad value V8 goes on about flags
 * of its own nobody gave (`bad option: --harmony-import-assertions`), which would mislead.
 */
function complaint(stderr: string): string | undefined {
  const first = stderr
    .split('\n')
    .map((line) => line.trim())
    .find((line) => line !== '');
  const prefix = `${process.execPath}: `;
  const said = first?.startsWith(prefix) ? first.slice(prefix.length) : first;
  return said?.replace(/^node: /, '').replace(/^Error: /, '').slice(0, 300);
}
