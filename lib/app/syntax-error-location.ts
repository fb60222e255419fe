// Where a syntax error in the app's modules is, as `file:line`, the line of code and a caret.
//
// ES modules (plain node). Node keeps the file, line and caret of a syntax error met by
// import() only for the report of an uncaught exception, not in the error (nodejs/node#49441):
// caught, it reads "SyntaxError: Unexpected token" and nothing more. So, on such an error, a
// node process imports the app once more and lets the error go uncaught, and its report is
// read. ES modules are parsed, the whole static graph, before any of them runs, so that import
// stops at the same error without running the app's code.
//
// TypeScript (tsx). tsx compiles each module with esbuild, whose error is "Transform failed
// with N error(s):" then one `file:line:column: ERROR: text` line per error, and a stack of
// esbuild's own internals that tells the user nothing. The first error is read from the
// message, and the line of code from the file.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const PROBE_TIMEOUT_MS = 10_000;
/** A line of code longer than this (minified, generated) is shown around the caret only. */
const FRAME_WIDTH = 120;

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

const TRANSFORM_FAILED = /^Transform failed with (\d+) errors?:\n/;
const ESBUILD_ERROR = /^(.+?):(\d+):(\d+): ERROR: (.*)$/m;

/** esbuild's "Transform failed" error (tsx compiling a module that does not parse). */
export function isTransformError(error: unknown): error is Error {
  return error instanceof Error && TRANSFORM_FAILED.test(error.message);
}

/**
 * For esbuild's "Transform failed" error: `SyntaxError: <text> at file:line:column`, the line
 * of code and a caret (column counted from 1, as editors count), and how many more errors
 * there are; else undefined. Never throws: a file that cannot be read is shown without its code.
 */
export function describeTransformError(error: unknown, cwd = process.cwd()): string | undefined {
  if (!isTransformError(error)) return undefined;
  const count = Number(TRANSFORM_FAILED.exec(error.message)![1]);
  const found = ESBUILD_ERROR.exec(error.message);
  if (!found) return undefined;
  const [, file, lineText, columnText, text] = found as unknown as [string, string, string, string, string];
  const line = Number(lineText);
  const column = Number(columnText);
  const shown = path.isAbsolute(file) ? path.relative(cwd, file) || file : file;
  const more = count > 1 ? ` (and ${count - 1} more error${count > 2 ? 's' : ''})` : '';
  const frame = codeFrame(path.resolve(cwd, file), line, column);
  return [`SyntaxError: ${text} at ${shown}:${line}:${column + 1}${more}`, ...frame].join('\n');
}

/** The line of code and a caret under `column` (from 0), each indented by two spaces; [] when unreadable. */
function codeFrame(file: string, line: number, column: number): string[] {
  let code: string | undefined;
  try {
    code = fs.readFileSync(file, 'utf8').split(/\r?\n/)[line - 1];
  } catch {
    // The file moved or is unreadable since it failed to compile: the location says enough.
    return [];
  }
  if (code === undefined) return [];
  let start = 0;
  if (code.length > FRAME_WIDTH) start = Math.max(0, Math.min(column - FRAME_WIDTH / 2, code.length - FRAME_WIDTH));
  const shownCode = code.slice(start, start + FRAME_WIDTH);
  const at = Math.min(Math.max(column - start, 0), shownCode.length);
  // Tabs stay tabs under the code, so the caret lines up however the terminal draws them.
  const pad = shownCode.slice(0, at).replace(/[^\t]/g, ' ');
  const before = start > 0 ? '…' : '';
  const after = start + FRAME_WIDTH < code.length ? '…' : '';
  return [`  ${before}${shownCode}${after}`, `  ${before ? ' ' : ''}${pad}^`];
}
