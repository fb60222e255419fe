// Reads a crew's /metrics for a spec: GET it, parse it with a Prometheus text-format parser,
// and look samples up by name and labels.
//
// The parser (parse-prometheus-text-format) checks the whole text and gives each family its
// type; but it folds a labelled histogram's series into one and drops their _count and _sum,
// so the samples are read from a second parse with the TYPE lines left out, where every
// `x_bucket`, `x_sum` and `x_count` is a family of its own, each sample with its labels.
import parsePrometheusTextFormat, { type ParsedFamily } from 'parse-prometheus-text-format';
import { get } from './http.js';

export interface Sample {
  labels: Record<string, string>;
  value: number;
}

export interface Scrape {
  text: string;
  /** Every family with its declared type. */
  families: ParsedFamily[];
  /** Samples named exactly `name` (a histogram's are `x_bucket`, `x_sum`, `x_count`). */
  samples(name: string): Sample[];
  /** The sum of the samples of `name` whose labels include `labels`; 0 when none. */
  value(name: string, labels?: Record<string, string>): number;
}

export function parseScrape(text: string): Scrape {
  const families = parsePrometheusTextFormat(text);
  const untyped = parsePrometheusTextFormat(
    text
      .split('\n')
      .filter((line) => !line.startsWith('# TYPE '))
      .join('\n'),
  );
  const byName = new Map<string, Sample[]>();
  for (const family of untyped) {
    const list = byName.get(family.name) ?? [];
    for (const metric of family.metrics) if (metric.value !== undefined) list.push({ labels: metric.labels ?? {}, value: Number(metric.value) });
    byName.set(family.name, list);
  }
  const samples = (name: string) => byName.get(name) ?? [];
  const matches = (sample: Sample, labels: Record<string, string>) => Object.entries(labels).every(([k, v]) => sample.labels[k] === v);
  return {
    text,
    families,
    samples,
    value: (name, labels = {}) => samples(name).filter((s) => matches(s, labels)).reduce((sum, s) => sum + s.value, 0),
  };
}

export async function scrape(port: number): Promise<Scrape> {
  const reply = await get(`http://127.0.0.1:${port}/metrics`);
  if (reply.status !== 200) throw new Error(`GET /metrics answered ${reply.status}: ${reply.body.slice(0, 300)}`);
  return parseScrape(reply.body);
}

/** Scrapes until `ready` holds (each scrape a fresh look at the crew), or fails saying what was awaited. */
export async function scrapeUntil(port: number, ready: (s: Scrape) => boolean, what: string, timeoutMs = 20_000): Promise<Scrape> {
  const deadline = Date.now() + timeoutMs;
  let last: Scrape | undefined;
  while (Date.now() < deadline) {
    last = await scrape(port);
    if (ready(last)) return last;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what}; last scrape:\n${last?.text.split('\n').filter((l) => !l.startsWith('#')).slice(0, 80).join('\n')}`);
}
