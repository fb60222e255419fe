// Where a syntax error in the app's modules is. Node keeps the file, line and caret of a syntax
// error met by import() only for the report of an uncaught exception, not in the error
// (nodejs/node#49441): caught, it reads "SyntaxError: Unexpected token" and nothing more. So,
// on such an error, a node process imports the app once more and lets the error go uncaught,
// and its report is read. ES modules are parsed, the whole static graph, before any of them
// runs, so that import stops at the same error without running the app's code.
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const PROBE_TIMEOUT_MS = 10_000;

/** `file:line` and the caret under the code, for a SyntaxError that does not say where; else undefined. */
export async function syntaxErrorLocation(error: unknown, appPath: string, cwd = process.cwd()): Promise<string | undefined> {
  if (!(error instanceof SyntaxError) || saysWhere(error)) return undefined;
  // Loaded on this error's path only: every process loads the app, and almost always it loads.
  const { spawnSync } = await import('node:child_process');
  const probe = spawnSync(process.execPath, ['--input-type=module', '-e', `await import(${JSON.stringify(pathToFileURL(appPath).href)});`], {
    cwd,
    encoding: 'utf8',
    timeout: PROBE_TIMEOUT_MS,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  // The report opens with "file:///…:LINE", the line of code and the caret, then a blank line.
  const head = (probe.stderr ?? '').split('\n\n')[0] ?? '';
  const [where, ...frame] = head.split('\n');
  const found = /^(file:\/\/\/.+):(\d+)$/.exec(where ?? '');
  if (!found) return undefined;
  const file = path.relative(cwd, fileURLToPath(found[1]!)) || fileURLToPath(found[1]!);
  return [`${file}:${found[2]}`, ...frame.map((line) => `  ${line}`)].join('\n');
}

/** A location in the message or in a frame of the stack that is not Node's own. */
function saysWhere(error: SyntaxError): boolean {
  const stack = error.stack ?? '';
  // require() puts the file, line and caret above the error's own line.
  if (!stack.startsWith(`${error.name}:`)) return true;
  const frames = stack.split('\n').filter((line) => line.trimStart().startsWith('at '));
  return frames.some((line) => !line.includes('node:internal')) || /(file:\/\/|\/)\S+:\d+/.test(error.message);
}
