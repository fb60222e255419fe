// Runs the health checks behind `/_health`, each bounded in time so one hung dependency turns
// into a failed check instead of a hung probe.
const CHECK_TIMEOUT_MS = 2000;

export interface HealthReport {
  ok: boolean;
  checks: Record<string, { ok: boolean; error?: string; ms: number }>;
}

export async function runHealthChecks(checks: Record<string, () => unknown>): Promise<HealthReport> {
  const entries = await Promise.all(
    Object.entries(checks).map(async ([name, check]) => {
      const started = Date.now();
      let timer: NodeJS.Timeout | undefined;
      try {
        const timeout = new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
        });
        const result = await Promise.race([Promise.resolve().then(check), timeout]);
        const ok = result !== false;
        return [name, { ok, ...(ok ? {} : { error: 'check returned false' }), ms: Date.now() - started }] as const;
      } catch (error) {
        return [name, { ok: false, error: error instanceof Error ? error.message : String(error), ms: Date.now() - started }] as const;
      } finally {
        clearTimeout(timer);
      }
    }),
  );
  const report: HealthReport = { ok: entries.every(([, r]) => r.ok), checks: Object.fromEntries(entries) };
  return report;
}
