// Reads and writes the human forms of durations and sizes that config files and flags accept.
// Callers get milliseconds and bytes; anything unreadable comes back as `undefined` so the
// caller can say where the bad value was.

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

// Sizes count in powers of 1024 (1KB = 1024 bytes): the limits they set are compared with a
// process's RSS, which operating systems and `ps` report in KiB/MiB.
const SIZE_UNITS: Record<string, number> = {
  b: 1,
  k: 1024, kb: 1024, kib: 1024,
  m: 1024 ** 2, mb: 1024 ** 2, mib: 1024 ** 2,
  g: 1024 ** 3, gb: 1024 ** 3, gib: 1024 ** 3,
  t: 1024 ** 4, tb: 1024 ** 4, tib: 1024 ** 4,
};

const PLAIN_NUMBER = /^\d+(?:\.\d+)?$/;
const DURATION_PART = /(\d+(?:\.\d+)?)\s*(ms|s|m|h)\s*/iy;
const SIZE = /^(\d+(?:\.\d+)?)\s*([a-z]+)$/i;

function nonNegative(value: number): number | undefined {
  return Number.isFinite(value) && value >= 0 ? Math.round(value) : undefined;
}

/**
 * `500ms`, `10s`, `2m`, `1h`, compounds such as `1m30s`, a number of milliseconds, or a string
 * of digits. Returns whole milliseconds, or `undefined` for anything else (negative included).
 */
export function parseDuration(value: unknown): number | undefined {
  if (typeof value === 'number') return nonNegative(value);
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (PLAIN_NUMBER.test(text)) return nonNegative(Number(text));
  if (text === '') return undefined;
  let total = 0;
  DURATION_PART.lastIndex = 0;
  while (DURATION_PART.lastIndex < text.length) {
    const match = DURATION_PART.exec(text);
    if (!match) return undefined;
    total += Number(match[1]) * (DURATION_UNITS[match[2]!.toLowerCase()] ?? Number.NaN);
  }
  return nonNegative(total);
}

/**
 * A bare number below this, written in config or on the command line, is refused: `grace: 5`
 * or `--grace 5` reads as 5 milliseconds by the rules and almost surely means 5 seconds, and a
 * 5 ms grace kills every child at once. 0 stays (it means "off" or "none"), and so does a bare
 * number of milliseconds from 100 up, as `readyTimeout: 1500`.
 */
export const SMALLEST_BARE_MS = 100;

/** `n` when `value` is a bare number (no unit) from just above 0 to below SMALLEST_BARE_MS; else undefined. */
export function suspiciousBareNumber(value: unknown): number | undefined {
  let n: number | undefined;
  if (typeof value === 'number') n = value;
  else if (typeof value === 'string' && PLAIN_NUMBER.test(value.trim())) n = Number(value.trim());
  return n !== undefined && n > 0 && n < SMALLEST_BARE_MS ? n : undefined;
}

/** The fix for a suspicious bare number, e.g. `5 ms? write 5s (or 5ms if you mean it)`. */
export function bareNumberAdvice(n: number): string {
  return `${n} ms? write ${n}s (or ${n}ms if you mean it)`;
}

/**
 * A duration as people write it in config files and flags: parseDuration, except that a
 * suspicious bare number (see SMALLEST_BARE_MS) is refused, as `undefined`.
 */
export function parseWrittenDuration(value: unknown): number | undefined {
  return suspiciousBareNumber(value) === undefined ? parseDuration(value) : undefined;
}

/** `512MB`, `1GB`, `100KB`, `512mb`, `64k`, a number of bytes, or a string of digits. Returns whole bytes. */
export function parseSize(value: unknown): number | undefined {
  if (typeof value === 'number') return nonNegative(value);
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (PLAIN_NUMBER.test(text)) return nonNegative(Number(text));
  const match = SIZE.exec(text);
  if (!match) return undefined;
  const unit = SIZE_UNITS[match[2]!.toLowerCase()];
  return unit === undefined ? undefined : nonNegative(Number(match[1]) * unit);
}

/** `250ms`, `1.5s`, `1m30s`, `2h`: short, and readable back by `parseDuration`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  if (ms < 0) return `-${formatDuration(-ms)}`;
  const total = Math.round(ms);
  if (total < 1000) return `${total}ms`;
  const hours = Math.floor(total / 3_600_000);
  const minutes = Math.floor((total % 3_600_000) / 60_000);
  const seconds = (total % 60_000) / 1000;
  let out = '';
  if (hours > 0) out += `${hours}h`;
  if (minutes > 0) out += `${minutes}m`;
  if (seconds > 0) out += `${seconds}s`;
  return out;
}

/** `512MB`, `1.5GB`, `900B`: for messages about memory limits. */
export function formatSize(bytes: number): string {
  if (!Number.isFinite(bytes)) return String(bytes);
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = Math.abs(bytes);
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const rounded = Math.round(value * 10) / 10;
  return `${bytes < 0 ? '-' : ''}${rounded}${units[unit]}`;
}
