// The width yargs' help layout is given in the bundle (cli/help-width.ts, see esbuild.config.mjs).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import helpWidth from '../../cli/help-width.js';

describe('helpWidth', () => {
  it('is the length of printable ASCII', () => {
    assert.equal(helpWidth(''), 0);
    assert.equal(helpWidth('--server [N]  Run the web server'), 32);
  });

  it('counts a column per code point of other text, colour codes and control characters not at all', () => {
    assert.equal(helpWidth('server×2 — ready'), 16);
    assert.equal(helpWidth('\x1b[1mbold\x1b[22m'), 4);
    assert.equal(helpWidth('tab\there'), 7);
    assert.equal(helpWidth('naïve 😀'), 7);
  });
});
