// Control verbs of the supervisor: `status`, `restart`, `reload` and `stop`, what the commands
// of the same names send, and `server` (where it listens), which `crew health` asks. restart and
// reload answer once every replacement they asked for is ready or has failed (waiting first for
// any replacement of the same component already under way), and say which:
// `{ <done>: [tags], failed: [{ child, reason }] }`.
import type { Supervisor } from './supervisor.js';
import { crewStatus, type CrewStatus } from './status.js';
import { defineVerb, noArgs, objectArgs, VerbArgumentError, type VerbTable } from '../control/verbs.js';

export function supervisorVerbs(supervisor: Supervisor, env: string): VerbTable {
  const targetOf = (verb: string, args: unknown, optional: boolean): string | undefined => {
    const usage = optional ? '{ target?: "component" | "component.N" }' : '{ target: "component" | "component.N" }';
    const { target } = objectArgs(verb, args, ['target'], usage, optional);
    if (target === undefined && optional) return undefined;
    if (typeof target !== 'string' || target === '') throw new VerbArgumentError(`${verb} takes ${usage}`);
    return target;
  };
  const slotsOf = (target: string | undefined) => {
    if (target === undefined) return supervisor.slots();
    const slots = supervisor.select(target);
    if (!slots) {
      const known = [...new Set(supervisor.slots().flatMap((s) => [s.component, s.tag]))].join(', ');
      throw new VerbArgumentError(`this crew runs no "${target}" (it runs: ${known})`);
    }
    return slots;
  };
  const replaceVerb = (verb: string, done: string, optional: boolean, describe: string) =>
    defineVerb({
      describe,
      parse: (args) => slotsOf(targetOf(verb, args, optional)),
      async run(slots) {
        const report = await supervisor.reload(`crew ${verb}`, slots);
        return { [done]: report.replaced, failed: report.failed };
      },
    });
  return {
    status: defineVerb({
      describe: 'the primary and every child -> { pid, env, uptime, children: [...] }',
      parse: (args) => noArgs('status', args),
      run: (): CrewStatus => crewStatus(supervisor, env),
    }),
    // restart names what to replace; reload may name it (default: every child). Both roll.
    restart: replaceVerb('restart', 'restarted', false, "gracefully replace a component's children, or one: { target } -> { restarted: [tags], failed: [{ child, reason }] }"),
    reload: replaceVerb('reload', 'reloaded', true, 'rolling restart of every child, or of one component: { target? } -> { reloaded: [tags], failed: [{ child, reason }] }'),
    // Where this crew's server listens, for `crew health` to ask its /_health (a crew without
    // a server answers null). The config's port is the bound port: 0 is refused there.
    server: defineVerb({
      describe: 'where the server listens -> { host, port } | null',
      parse: () => undefined,
      run: (): { host: string; port: number } | null => {
        const slot = supervisor.select('server')?.[0];
        if (!slot) return null;
        const { host, port } = supervisor.spec(slot).config.server;
        return { host, port };
      },
    }),
    stop: defineVerb({
      describe: 'graceful shutdown, as SIGTERM -> { stopping: true }',
      parse: (args) => noArgs('stop', args),
      run() {
        void supervisor.stop('crew stop');
        return { stopping: true };
      },
    }),
  };
}
