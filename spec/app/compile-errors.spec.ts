// A TypeScript module that does not parse is reported as esbuild (through tsx) found it:
// `SyntaxError: <text> at file:line:column`, the line of code and a caret under the spot, never
// esbuild's own stack. Whatever the error's message holds, describing it never throws.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describeTransformError, isTransformError } from '../../lib/app/syntax-error-location.js';
import { tempDir } from '../helpers/temp-dir.js';

/** The error tsx throws, as esbuild words it (its columns count from 0). */
function transformError(errors: Array<{ file: string; line: number; column: number; text: string }>): Error {
  const lines = errors.map((e) => `${e.file}:${e.line}:${e.column}: ERROR: ${e.text}`);
  const error = new Error(`Transform failed with ${errors.length} error${errors.length === 1 ? '' : 's'}:\n${lines.join('\n')}`);
  error.name = 'TransformError';
  return error;
}

test('the first error, its file relative to the project, the line of code and a caret under the column', (t) => {
  const dir = tempDir(t, { 'lib/helper.ts': "export const a = 1;\nexport const helper = (): string => 'ok' +;\n" });
  const error = transformError([{ file: path.join(dir, 'lib/helper.ts'), line: 2, column: 42, text: 'Unexpected ";"' }]);
  assert.equal(
    describeTransformError(error, dir),
    ["SyntaxError: Unexpected \";\" at lib/helper.ts:2:43", "  export const helper = (): string => 'ok' +;", `  ${' '.repeat(42)}^`].join('\n'),
  );
});

test('more errors are counted; tabs stay tabs under the code; an unreadable file leaves the location alone', (t) => {
  const dir = tempDir(t, { 'a.ts': '\t\tconst x = ;\n' });
  const two = transformError([
    { file: path.join(dir, 'a.ts'), line: 1, column: 12, text: 'Unexpected ";"' },
    { file: path.join(dir, 'a.ts'), line: 9, column: 0, text: 'Unexpected end of file' },
  ]);
  assert.equal(describeTransformError(two, dir), 'SyntaxError: Unexpected ";" at a.ts:1:13 (and 1 more error)\n  \t\tconst x = ;\n  \t\t          ^');
  const gone = transformError([{ file: path.join(dir, 'gone.ts'), line: 3, column: 1, text: 'Expected "}"' }]);
  assert.equal(describeTransformError(gone, dir), 'SyntaxError: Expected "}" at gone.ts:3:2');
});

test('a minified line is shown around the caret only', (t) => {
  const long = `${'a'.repeat(500)}@${'b'.repeat(500)}`;
  const dir = tempDir(t, { 'min.ts': long });
  const [, code, caret] = describeTransformError(transformError([{ file: path.join(dir, 'min.ts'), line: 1, column: 500, text: 'Unexpected "@"' }]), dir)!.split('\n');
  assert.ok(code!.length < 130, code);
  assert.equal(code![caret!.indexOf('^')], '@');
});

test('errors that are not esbuild\'s are left to others', () => {
  for (const error of [new SyntaxError('Unexpected token'), new Error('boom'), 'Transform failed with 1 error:\nx', undefined, null, { message: 'Transform failed with 1 error:\n' }]) {
    assert.equal(isTransformError(error), false);
    assert.equal(describeTransformError(error), undefined);
  }
});

test('any message, any file content: never throws; the caret is under the column of the code shown', (t) => {
  const dir = tempDir(t);
  fc.assert(
    fc.property(fc.string({ maxLength: 300 }), fc.nat(400), fc.string({ maxLength: 300 }), (code, column, noise) => {
      const file = path.join(dir, 'f.ts');
      fs.writeFileSync(file, `${code.replace(/[\r\n]/g, ' ')}\n`);
      const line = code.replace(/[\r\n]/g, ' ');
      const text = describeTransformError(transformError([{ file, line: 1, column, text: noise.replace(/\n/g, ' ') }]), dir);
      assert.ok(text?.startsWith('SyntaxError: '), text);
      const [, shown, caret] = text!.split('\n');
      if (shown === undefined || caret === undefined) return;
      const at = caret.indexOf('^');
      const inLine = Math.min(column, line.length);
      // The shown code is a window of the line, maybe marked with an ellipsis at either end.
      if (line.length <= 120) assert.equal(at, 2 + inLine);
      else assert.ok(at >= 2 && at <= shown.length, `${at} in ${shown.length}`);
      // A hostile message is no danger either.
      assert.doesNotThrow(() => describeTransformError(Object.assign(new Error(`Transform failed with 1 error:\n${noise}`), {}), dir));
    }),
    { numRuns: 300 },
  );
});
