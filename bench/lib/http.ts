// Loopback HTTP for the benchmarks: one GET, and "poll until it answers" for timing a start.
import http from 'node:http';

export interface Answer {
  status: number;
  body: string;
}

export function get(port: number, path: string, options: { agent?: http.Agent | false; timeoutMs?: number } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const request = http.get({ host: '127.0.0.1', port, path, agent: options.agent ?? false }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      response.on('error', reject);
    });
    request.setTimeout(options.timeoutMs ?? 2000, () => request.destroy(Object.assign(new Error(`GET ${path} timed out`), { code: 'ETIMEDOUT' })));
    request.on('error', reject);
  });
}

const POLL_MS = 2;

/**
 * Polls GET `path` on a new connection each time until `accept` says the answer is the one
 * awaited (by default: any 200); resolves with the time it answered (performance.now()).
 */
export async function waitForAnswer(port: number, path: string, timeoutMs: number, accept: (answer: Answer) => boolean = (a) => a.status === 200): Promise<number> {
  const deadline = performance.now() + timeoutMs;
  let last = 'no attempt';
  while (performance.now() < deadline) {
    try {
      const answer = await get(port, path, { timeoutMs: 1000 });
      if (accept(answer)) return performance.now();
      last = `status ${answer.status}: ${answer.body.slice(0, 80)}`;
    } catch (error) {
      last = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  throw new Error(`127.0.0.1:${port}${path} did not answer within ${timeoutMs} ms (last: ${last})`);
}

export interface Poll {
  /** performance.now() of the first accepted answer. */
  answeredAt: number;
  /** How the attempts that were not accepted ended: error code or status, with counts. */
  misses: Record<string, number>;
}

/**
 * Like waitForAnswer, but starts a new attempt every `everyMs` whether or not the earlier ones
 * finished (up to `maxOpen` at once), so one attempt that hangs does not hide the moment the
 * port answers again. Attempts still open when one is accepted are abandoned (destroyed);
 * those open for longer than HANGING_MS by then are counted among the misses.
 */
const HANGING_MS = 100;

export function pollUntil(port: number, path: string, timeoutMs: number, accept: (answer: Answer) => boolean, everyMs = 5, maxOpen = 100): Promise<Poll> {
  return new Promise((resolve, reject) => {
    const misses: Record<string, number> = {};
    const agent = new http.Agent({ keepAlive: false, maxSockets: maxOpen });
    const open = new Set<number>();
    let done = false;
    const miss = (what: string) => (misses[what] = (misses[what] ?? 0) + 1);
    const finish = (settle: () => void) => {
      if (done) return;
      done = true;
      const now = performance.now();
      const hanging = [...open].filter((began) => now - began > HANGING_MS).length;
      if (hanging > 0) misses[`no answer for over ${HANGING_MS} ms`] = hanging;
      clearInterval(timer);
      clearTimeout(deadline);
      agent.destroy();
      settle();
    };
    const attempt = () => {
      if (open.size >= maxOpen) return;
      const began = performance.now();
      open.add(began);
      get(port, path, { agent, timeoutMs })
        .then(
          (answer) => {
            if (accept(answer)) finish(() => resolve({ answeredAt: performance.now(), misses }));
            else if (!done) miss(`status ${answer.status}`);
          },
          (error: NodeJS.ErrnoException) => {
            if (!done) miss(error.code ?? error.message);
          },
        )
        .finally(() => open.delete(began));
    };
    const timer = setInterval(attempt, everyMs);
    const deadline = setTimeout(() => finish(() => reject(new Error(`127.0.0.1:${port}${path} gave no accepted answer within ${timeoutMs} ms (misses: ${JSON.stringify(misses)})`))), timeoutMs);
    attempt();
  });
}
