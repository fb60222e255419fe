// How a found value reads in an error message: short, quoted when it is a string, and never
// carrying a password.

import { redactText } from './redact.js';

const LONGEST = 80;

export function describeValue(value: unknown, present = value !== undefined): string {
  if (!present || value === undefined) return 'nothing';
  if (value === null) return 'an empty value';
  if (typeof value === 'string') {
    const safe = redactText(value);
    return JSON.stringify(safe.length > LONGEST ? `${safe.slice(0, LONGEST)}...` : safe);
  }
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (Array.isArray(value)) return value.length === 0 ? 'an empty list' : 'a list';
  if (typeof value === 'object') return 'a mapping';
  return `a ${typeof value}`;
}
