// `crew config [--json]`: the configuration crew would run with — files, environment and
// defaults merged and validated, then checked against the app it names — with secrets redacted.
// An app that cannot be loaded does not hide the config: it is printed, with a note on stderr.
import type { Argv, ArgumentsCamelCase } from 'yargs';
import path from 'node:path';

export const command = 'config';
export const describe = 'Print the resolved configuration (secrets redacted)';

export const builder = (yargs: Argv) =>
  yargs
    .option('json', { type: 'boolean', describe: 'Print JSON instead of YAML' })
    .option('env', { type: 'string', describe: 'Environment name (else CREW_ENV, NODE_ENV, development)' })
    .option('config', { type: 'string', describe: 'Config directory (default ./config)' })
    .option('app', { type: 'string', describe: 'App module to check the config against (else config `app`)' })
    .example('crew config --env production', 'what production would run with')
    .example('crew config --json | jq .supervisor', 'one block, for scripts');

type ConfigArgs = ArgumentsCamelCase<{ json?: boolean; env?: string; config?: string; app?: string }>;

export async function handler(argv: ConfigArgs): Promise<void> {
  // yaml is CommonJS: its default export is the module, in Node and in the bundle alike.
  const [{ default: YAML }, { redactConfig, ConfigError }, { appOf, loadProjectApp, loadProjectConfig }] = await Promise.all([
    import('yaml'),
    import('../../lib/config/index.js'),
    import('../../lib/project/load-project.js'),
  ]);
  const options = {
    ...(argv.env !== undefined ? { env: argv.env } : {}),
    ...(argv.config !== undefined ? { configDir: argv.config } : {}),
    ...(argv.app !== undefined ? { app: argv.app } : {}),
    cwd: process.cwd(),
    environ: process.env,
  };
  const project = loadProjectConfig(options);
  for (const warning of project.loaded.warnings) process.stderr.write(`crew: warning: ${warning}\n`);
  if (appOf(project, options)) {
    try {
      await loadProjectApp(project, options);
    } catch (error) {
      // Config naming what the app does not define is this command's business; an app that
      // does not load is `crew start`'s and `crew doctor`'s, and must not hide the config.
      if (error instanceof ConfigError) throw error;
      process.stderr.write(`crew: note: config not checked against the app: ${(error as Error).message}\n`);
    }
  }
  const { env, loaded } = project;
  const shown = redactConfig(loaded.config);
  if (argv.json) {
    process.stdout.write(`${JSON.stringify({ env, files: loaded.files.map((f) => path.relative(process.cwd(), f)), config: shown }, null, 2)}\n`);
    return;
  }
  const files = loaded.files.map((f) => path.relative(process.cwd(), f)).join(', ') || 'none (all defaults)';
  process.stdout.write(`# env ${env}; files read: ${files}; durations in ms, sizes in bytes\n${YAML.stringify(shown)}`);
}
