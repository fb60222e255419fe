// Runs the health checks behind `/_health`, each bounded in time so one hung dependency turns
// into a failed check instead of a hung probe. `/_health` answers whoever asks, so what a
// failed check says is kept to what anyone may read:
// - in production (NODE_ENV=production), only a short reason: the error's own `brief`
//   (crew's checks give one, such as "unreachable"), else its code (`ECONNREFUSED`), else
//   "failing" — never a message, which may name hosts, ports or users;
// - elsewhere, the message, with any secret in it masked.
import { redactText } from '../../config/redact.js';
import { withTimeout } from '../../util/with-timeout.js';

const CHECK_TIMEOUT_MS = 2000;
/** A brief or a code longer than this is not short, and not shown. */
const BRIEF_MAX = 40;

export interface HealthReport {
  ok: boolean;
  checks: Record<string, { ok: boolean; error?: string; ms: number }>;
}

export async function runHealthChecks(checks: Record<string, () => unknown>, production = process.env.NODE_ENV === 'production'): Promise<HealthReport> {
  const entries = await Promise.all(
    Object.entries(checks).map(async ([name, check]) => {
      const started = Date.now();
      try {
        const result = await withTimeout(Promise.resolve().then(check), CHECK_TIMEOUT_MS, () => Object.assign(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`), { brief: 'no answer' }));
        const ok = result !== false;
        return [name, { ok, ...(ok ? {} : { error: 'check returned false' }), ms: Date.now() - started }] as const;
      } catch (error) {
        return [name, { ok: false, error: production ? briefOf(error) : messageOf(error), ms: Date.now() - started }] as const;
      }
    }),
  );
  const report: HealthReport = { ok: entries.every(([, r]) => r.ok), checks: Object.fromEntries(entries) };
  return report;
}

function messageOf(error: unknown): string {
  return redactText(error instanceof Error ? error.message : String(error));
}

function briefOf(error: unknown): string {
  for (const key of ['brief', 'code'] as const) {
    const value = (error as Record<string, unknown> | null)?.[key];
    if (typeof value === 'string' && value !== '' && value.length <= BRIEF_MAX && /^[\w .:-]+$/.test(value)) return value;
  }
  return 'failing';
}
