// The pretty stream's colours, rendered for every component kind (crew itself, the built-ins,
// app-defined components) at every level: no two tags share a colour, no tag is white or black
// (invisible on one background or the other), no tag takes a level's colour, and every colour
// has a contrast of at least 3.5:1 on a dark (#1e1e1e) and on a white background.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LEVELS } from '../../lib/config/types.js';
import { createFormatter } from '../../lib/log/formatter.js';
import { WHOLE } from '../../lib/log/line-splitter.js';
import type { Tags } from '../../lib/log/tags.js';

const COMPONENTS: Tags[] = [
  { component: 'crew', instance: 0, pid: 1 },
  { component: 'server', instance: 1, pid: 2 },
  { component: 'worker', instance: 2, pid: 3 },
  { component: 'scheduler', instance: 1, pid: 4 },
  ...['heartbeat', 'poller', 'mailer', 'indexer', 'billing', 'reports'].map((component, i) => ({ component, instance: 1, pid: 10 + i })),
];
// eslint-disable-next-line no-control-regex -- the SGR sequences are what is tested
const PREFIX = /^(?:\x1b\[2m)?\d\d:\d\d:\d\d\.\d{3}(?:\x1b\[0m)? \x1b\[([\d;]+)m(\S+) +\|\x1b\[0m (.*)$/;
const WHITE_OR_BLACK = new Set(['30', '37', '90', '97', '1;30', '1;37', '1;97', '38;5;0', '38;5;7', '38;5;8', '38;5;15', '38;5;16', '38;5;231', '38;5;232', '38;5;255']);

// The RGB of an xterm 256-colour index (cube and greys); basic colours have none fixed.
function rgb(index: number): [number, number, number] | undefined {
  if (index >= 16 && index <= 231) {
    const level = [0, 95, 135, 175, 215, 255];
    const i = index - 16;
    return [level[Math.floor(i / 36)]!, level[Math.floor(i / 6) % 6]!, level[i % 6]!];
  }
  if (index >= 232) return [8 + 10 * (index - 232), 8 + 10 * (index - 232), 8 + 10 * (index - 232)];
  return undefined;
}

function contrast(a: [number, number, number], b: [number, number, number]): number {
  const lum = (c: [number, number, number]) => {
    const [r, g, bl] = c.map((v) => {
      const s = v / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r! + 0.7152 * g! + 0.0722 * bl!;
  };
  const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x);
  return (hi! + 0.05) / (lo! + 0.05);
}

// The colour of every tag and level, from the pretty stream rendered for every component kind
// at every level.
function render(): { tagColour: Map<string, string>; levelColour: Map<string, string> } {
  const formatter = createFormatter({ format: 'pretty', color: true, tagWidth: 11 });
  const NOW = Date.UTC(2026, 11, 1, 8, 37, 31, 123);
  const tagColour = new Map<string, string>();
  const levelColour = new Map<string, string>();
  for (const tags of COMPONENTS) {
    for (const level of LEVELS) {
      const line =
        tags.component === 'crew'
          ? formatter.record(tags, level, 'shutting down', undefined, NOW)
          : formatter.forStream(tags, 'stdout').text(JSON.stringify({ level, message: 'hello', n: 1 }), WHOLE, NOW);
      const match = PREFIX.exec(line.slice(0, -1));
      assert.ok(match, JSON.stringify(line));
      const [, code, tag, text] = match;
      const component = tag!.split('.')[0]!;
      assert.equal(tagColour.get(component) ?? code, code, `${component} keeps one colour`);
      tagColour.set(component, code!);
      // eslint-disable-next-line no-control-regex -- the level's own colour
      const levelCode = /^\x1b\[([\d;]+)m/.exec(text!)?.[1];
      if (level !== 'info') {
        assert.ok(levelCode, `${level} is coloured: ${JSON.stringify(text)}`);
        levelColour.set(level, levelCode!);
      }
    }
  }
  return { tagColour, levelColour };
}

describe('pretty colours', () => {
  it('dim the time', () => {
    const line = createFormatter({ format: 'pretty', color: true }).record(COMPONENTS[0]!, 'info', 'x', undefined, 0);
    assert.ok(line.startsWith('\x1b[2m'), JSON.stringify(line));
  });

  it('gives every component kind a colour of its own', () => {
    const { tagColour } = render();
    assert.equal(tagColour.size, COMPONENTS.length);
    assert.equal(new Set(tagColour.values()).size, COMPONENTS.length, JSON.stringify([...tagColour]));
  });

  it('makes no tag white or black, and crew bold in the terminal’s own colour', () => {
    const { tagColour } = render();
    for (const [component, code] of tagColour) assert.ok(!WHITE_OR_BLACK.has(code), `${component}: ${code}`);
    assert.equal(tagColour.get('crew'), '1');
  });

  it('gives no tag the colour of error or warn', () => {
    const { tagColour, levelColour } = render();
    for (const level of ['error', 'warn']) {
      for (const [component, code] of tagColour) assert.notEqual(code, levelColour.get(level), `${component} and ${level}`);
    }
  });

  it('uses colours that read on dark and light backgrounds', () => {
    const { tagColour, levelColour } = render();
    for (const [what, code] of [...tagColour, ...levelColour]) {
      const index = /^38;5;(\d+)$/.exec(code)?.[1];
      if (index === undefined) {
        assert.ok(code === '1' || code === '2', `${what}: ${code} is bold or dim in the terminal's own colour`);
        continue;
      }
      const colour = rgb(Number(index))!;
      for (const background of [[0x1e, 0x1e, 0x1e], [0xff, 0xff, 0xff]] as Array<[number, number, number]>) {
        assert.ok(contrast(colour, background) >= 3.5, `${what} (${code}) on ${background.join(',')}: ${contrast(colour, background).toFixed(2)}`);
      }
    }
  });
});
