// Timestamp text for records. A flood delivers hundreds of lines in the same millisecond, so
// each form keeps the text of the last millisecond it rendered instead of formatting again.

let isoMs = Number.NaN;
let isoText = '';

/** ISO 8601 in UTC: `2026-12-01T08:37:31.123Z`. */
export function isoTime(ms: number): string {
  if (ms !== isoMs) {
    isoMs = ms;
    isoText = new Date(ms).toISOString();
  }
  return isoText;
}

let clockMs = Number.NaN;
let clockText = '';

/** Local wall-clock time of day: `08:37:31.123`. */
export function clockTime(ms: number): string {
  if (ms !== clockMs) {
    clockMs = ms;
    const d = new Date(ms);
    clockText = `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}.${three(d.getMilliseconds())}`;
  }
  return clockText;
}

function two(n: number): string {
  return n < 10 ? `0${n}` : `${n}`;
}

function three(n: number): string {
  return n < 10 ? `00${n}` : n < 100 ? `0${n}` : `${n}`;
}
