// Small figures helpers: medians and readable numbers.

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export const int = (n: number): string => Math.round(n).toLocaleString('en');
export const ms = (n: number): string => `${n.toFixed(0)} ms`;
export const ratio = (n: number): string => `${n.toFixed(2)}×`;
export const verdict = (ok: boolean): string => (ok ? 'PASS' : 'FAIL');

/** A machine line for the record: cores and Node version. */
export function machine(cores: number): string {
  return `${cores} cores, Node ${process.version}, ${process.platform}/${process.arch}`;
}
