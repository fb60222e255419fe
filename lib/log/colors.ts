// ANSI colours of the pretty format: one colour per component, so a glance separates the
// server from the workers, and a colour for the levels worth noticing. Whether colour is used
// at all is the caller's decision (a terminal, FORCE_COLOR, NO_COLOR).
//
// The colours must read on dark and on light backgrounds alike. The 16 basic colours cannot
// promise that (white vanishes on a light terminal, black on a dark one, bright yellow and
// cyan on white, and themes redefine them), so tags and levels use colours of the 256-colour
// palette of middle lightness: each has a contrast of at least 3.5:1 against both black-ish
// (#1e1e1e) and white backgrounds. No tag is white or black, no two components seen by one
// formatter share a colour (up to the palette's size), and no tag takes the red of `error` or
// the orange of `warn`. crew's own tag is bold in the terminal's own foreground
// colour: readable on any background, and the one tag that is not a colour.

const RESET = '\x1b[0m';

/** SGR parameters: the time and a record's fields are dimmed, so the message stands out. */
export const DIM = '2';

const fg = (index: number): string => `38;5;${index}`;

const FIXED: Record<string, string> = {
  crew: '1',
  server: fg(31), // #0087af steel blue
  worker: fg(28), // #008700 green
  scheduler: fg(98), // #875fd7 violet
};

// App-defined components, in the order a formatter first meets them: magenta, olive, cornflower,
// rose, teal, grey. Past six, colours repeat.
export const APP_PALETTE: readonly string[] = [fg(164), fg(64), fg(68), fg(132), fg(30), fg(102)];

const LEVELS: Record<string, string> = {
  error: fg(196), // #ff0000
  warn: fg(166), // #d75f00 orange
  http: DIM,
  verbose: DIM,
  debug: DIM,
  silly: DIM,
};

export function paint(code: string, text: string): string {
  return `\x1b[${code}m${text}${RESET}`;
}

/** The colour of each component's tag for one log stream. */
export class Palette {
  private readonly assigned = new Map<string, string>();

  of(component: string): string {
    const fixed = Object.hasOwn(FIXED, component) ? FIXED[component] : undefined;
    if (fixed !== undefined) return fixed;
    let code = this.assigned.get(component);
    if (code === undefined) {
      code = APP_PALETTE[this.assigned.size % APP_PALETTE.length] ?? fg(164);
      this.assigned.set(component, code);
    }
    return code;
  }
}

/** The colour of a level's name, or undefined for levels shown plain. */
export function levelColor(level: string): string | undefined {
  return Object.hasOwn(LEVELS, level) ? LEVELS[level] : undefined;
}
