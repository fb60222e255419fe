// `crew scheduler pause <name>` and `crew scheduler resume <name>`: a paused schedule fires no
// tick (each one is recorded as paused) until it is resumed. With the redis driver the pause
// is kept in Redis: it holds for every crew sharing it, and across restarts. With the
// embedded driver the running crew holds it, until it stops.
import type { Argv, ArgumentsCamelCase } from 'yargs';
import type { PauseResult } from '../../../lib/schedule/state.js';
import { projectFrom, projectOptions, type ProjectArgs } from './project-options.js';

type PauseArgs = ArgumentsCamelCase<ProjectArgs & { name: string; json?: boolean }>;

export function pauseCommand(verb: 'pause' | 'resume') {
  return {
    command: `${verb} <name>`,
    describe: verb === 'pause' ? 'Pause a schedule: it fires no tick until resumed' : 'Resume a paused schedule from its next tick',
    builder(yargs: Argv) {
      return projectOptions(yargs)
        .positional('name', { type: 'string', describe: 'The schedule, as `crew scheduler list` names it', demandOption: true })
        .option('json', { type: 'boolean', describe: 'Print JSON: { name, changed, pausedSince, scope }' })
        .example(`crew scheduler ${verb} nightly-report`, verb === 'pause' ? 'no nightly report until resumed' : 'nightly reports again');
    },
    async handler(argv: PauseArgs): Promise<void> {
      const [{ loadProject }, { resolveSchedules }, { openCommandQueue }, { didYouMean }, { UsageError }] = await Promise.all([
        import('../../../lib/project/load-project.js'),
        import('../../../lib/schedule/index.js'),
        import('../../command-queue.js'),
        import('../../../lib/config/did-you-mean.js'),
        import('../../../lib/util/usage-error.js'),
      ]);
      const project = await loadProject(projectFrom(argv));
      const schedules = resolveSchedules(project.app, project.config, project.blame);
      const names = schedules.map((s) => s.name);
      if (!names.includes(argv.name)) {
        const suggestion = didYouMean(argv.name, names);
        const known = names.length === 0 ? 'the app and config define none' : suggestion ? `did you mean "${suggestion}"?` : `known: ${names.join(', ')}`;
        throw new UsageError(`scheduler ${verb}: no schedule ${JSON.stringify(argv.name)} (${known})`);
      }
      const queue = openCommandQueue({ config: project.config, app: project.app, cwd: process.cwd(), environ: process.env, schedules });
      try {
        const result = await queue.ask<PauseResult>(`scheduler.${verb}`, { name: argv.name });
        process.stdout.write(argv.json ? `${JSON.stringify(result, null, 2)}\n` : `${sentence(verb, result)}\n`);
      } finally {
        await queue.close();
      }
    },
  };
}

function sentence(verb: 'pause' | 'resume', { name, changed, pausedSince, scope }: PauseResult): string {
  const where = scope === 'this crew' ? 'held by the running crew until it stops' : `kept in Redis at ${scope}, for every crew sharing it`;
  if (verb === 'pause') {
    return changed
      ? `paused ${name}: it fires no tick until \`crew scheduler resume ${name}\` (${where})`
      : `${name} was paused already${pausedSince ? ` (since ${pausedSince})` : ''}`;
  }
  return changed ? `resumed ${name}: it fires again from its next tick` : `${name} was not paused`;
}
