// ANSI colours of the pretty format: one colour per component, so a glance separates the
// server from the workers, and a colour for the levels worth noticing. Whether colour is used
// at all is the caller's decision (a terminal, FORCE_COLOR, NO_COLOR).

const RESET = '\x1b[0m';

const FIXED: Record<string, string> = {
  crew: '1;37',
  server: '36',
  worker: '33',
  scheduler: '35',
};

// App-defined components get a colour from their name, so the same component keeps its
// colour from one run to the next.
const PALETTE = ['32', '34', '96', '93', '95', '92', '94', '91'];

const LEVELS: Record<string, string> = {
  error: '31',
  warn: '33',
  http: '2',
  verbose: '2',
  debug: '2',
  silly: '2',
};

export function paint(code: string, text: string): string {
  return `\x1b[${code}m${text}${RESET}`;
}

export function componentColor(component: string): string {
  const fixed = FIXED[component];
  if (fixed !== undefined) return fixed;
  let hash = 0;
  for (let i = 0; i < component.length; i++) hash = (hash * 31 + component.charCodeAt(i)) >>> 0;
  return PALETTE[hash % PALETTE.length] ?? '32';
}

/** The colour of a level's name, or undefined for levels shown plain. */
export function levelColor(level: string): string | undefined {
  return LEVELS[level];
}
