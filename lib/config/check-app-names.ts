// Config that names parts of the app, checked once the app is loaded (crew start, doctor,
// config): each `components.<name>` must be a component the app defines, each
// `log.levels.<name>` a component crew can run, each `worker.queues` entry a job. A typo there
// (`poler` for `poller`) would otherwise be accepted and mean nothing: the component runs on
// defaults, the level never applies, the worker never runs the job. Every problem is reported
// at once, as a ConfigError naming the file, the key path and the name it was probably meant
// to be.

import { ConfigError, type ConfigIssue } from './config-error.js';
import { didYouMean } from './did-you-mean.js';
import type { LoadedConfig } from './load.js';
import { formatPath } from './tree.js';
import type { CrewConfig } from './types.js';

/** What the app defines, by name. */
export interface AppNames {
  components: readonly string[];
  jobs: readonly string[];
}

const BUILT_IN = ['server', 'worker', 'scheduler'] as const;

export function checkAppNames(config: CrewConfig, app: AppNames, originOf: LoadedConfig['originOf']): void {
  const issues: ConfigIssue[] = [];
  const issue = (path: PropertyKey[], detail: string) => {
    const origin = originOf(path) ?? { source: 'config' };
    issues.push({ ...origin, path: formatPath(path), detail });
  };
  const list = (names: readonly string[], what: string) => (names.length > 0 ? `it defines: ${names.join(', ')}` : `it defines no ${what}`);
  const guess = (name: string, names: readonly string[]) => {
    const suggestion = didYouMean(name, names);
    return suggestion ? `did you mean "${suggestion}"? ` : '';
  };

  for (const name of Object.keys(config.components)) {
    if (app.components.includes(name)) continue;
    if ((BUILT_IN as readonly string[]).includes(name)) {
      issue(['components', name], `"${name}" is built in: its settings go under \`${name}:\` at the top level, not under components`);
    } else {
      issue(['components', name], `the app defines no component "${name}" (${guess(name, app.components)}${list(app.components, 'components')})`);
    }
  }

  const runnable = ['crew', ...BUILT_IN, ...app.components];
  for (const name of Object.keys(config.log.levels)) {
    if (runnable.includes(name)) continue;
    issue(['log', 'levels', name], `no component is named "${name}" (${guess(name, runnable)}components: ${runnable.join(', ')})`);
  }

  // `--queues` is refused by the start plan, naming the flag.
  const fromFlag = originOf(['worker', 'queues'])?.source === 'command line';
  if (!fromFlag) config.worker.queues.forEach((job, index) => {
    if (app.jobs.includes(job)) return;
    issue(['worker', 'queues', index], `the app defines no job "${job}" (${guess(job, app.jobs)}${list(app.jobs, 'jobs')})`);
  });

  if (issues.length > 0) throw new ConfigError(issues);
}
