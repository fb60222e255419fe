import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatDuration, formatSize, parseDuration, parseSize } from '../../lib/config/duration.js';

describe('parseDuration', () => {
  it('reads units, compounds, numbers and digit strings as milliseconds', () => {
    assert.equal(parseDuration('500ms'), 500);
    assert.equal(parseDuration('10s'), 10_000);
    assert.equal(parseDuration('2m'), 120_000);
    assert.equal(parseDuration('1h'), 3_600_000);
    assert.equal(parseDuration('1.5s'), 1500);
    assert.equal(parseDuration('1m30s'), 90_000);
    assert.equal(parseDuration('1h 30m'), 5_400_000);
    assert.equal(parseDuration(' 8S '), 8000);
    assert.equal(parseDuration(0), 0);
    assert.equal(parseDuration(250), 250);
    assert.equal(parseDuration('250'), 250);
  });

  it('refuses everything else', () => {
    for (const bad of ['', 'abc', '10x', 's', '10 s s', '-5s', '1e3', 'ms10', -1, Number.NaN, Infinity, true, null, undefined, {}, []]) {
      assert.equal(parseDuration(bad), undefined, `parseDuration(${JSON.stringify(bad)})`);
    }
  });
});

describe('parseSize', () => {
  it('reads units in powers of 1024, in any case, and plain bytes', () => {
    assert.equal(parseSize('512MB'), 512 * 1024 * 1024);
    assert.equal(parseSize('512mb'), 512 * 1024 * 1024);
    assert.equal(parseSize('1GB'), 1024 ** 3);
    assert.equal(parseSize('100KB'), 102_400);
    assert.equal(parseSize('1.5k'), 1536);
    assert.equal(parseSize('64 MiB'), 64 * 1024 * 1024);
    assert.equal(parseSize('10B'), 10);
    assert.equal(parseSize(0), 0);
    assert.equal(parseSize(4096), 4096);
    assert.equal(parseSize('4096'), 4096);
  });

  it('refuses everything else', () => {
    for (const bad of ['', 'MB', '12XB', '-1MB', '1 2MB', -5, Number.NaN, false, null, []]) {
      assert.equal(parseSize(bad), undefined, `parseSize(${JSON.stringify(bad)})`);
    }
  });
});

describe('formatDuration / formatSize', () => {
  it('writes short forms that parse back to the same value', () => {
    const cases: Array<[number, string]> = [[0, '0ms'], [250, '250ms'], [1500, '1.5s'], [8000, '8s'], [90_000, '1m30s'], [3_600_000, '1h'], [3_661_001, '1h1m1.001s']];
    for (const [ms, text] of cases) {
      assert.equal(formatDuration(ms), text);
      assert.equal(parseDuration(text), ms);
    }
  });

  it('writes sizes in the largest whole unit', () => {
    assert.equal(formatSize(900), '900B');
    assert.equal(formatSize(512 * 1024 * 1024), '512MB');
    assert.equal(formatSize(1.5 * 1024 ** 3), '1.5GB');
  });
});
