// `crew config [--json]`: the configuration crew would run with — files, environment and
// defaults merged and validated — with secrets redacted.
import type { Argv, ArgumentsCamelCase } from 'yargs';
import path from 'node:path';

export const command = 'config';
export const describe = 'Print the resolved configuration (secrets redacted)';

export const builder = (yargs: Argv) =>
  yargs
    .option('json', { type: 'boolean', describe: 'Print JSON instead of YAML' })
    .option('env', { type: 'string', describe: 'Environment name (else CREW_ENV, NODE_ENV, development)' })
    .option('config', { type: 'string', describe: 'Config directory (default ./config)' })
    .example('crew config --env production', 'what production would run with')
    .example('crew config --json | jq .supervisor', 'one block, for scripts');

export async function handler(argv: ArgumentsCamelCase<{ json?: boolean; env?: string; config?: string }>): Promise<void> {
  // yaml is CommonJS: its default export is the module, in Node and in the bundle alike.
  const [{ default: YAML }, { loadConfig, redactConfig, resolveEnvName }] = await Promise.all([import('yaml'), import('../../lib/config/index.js')]);
  const env = resolveEnvName(argv.env, process.env);
  const loaded = loadConfig({
    dir: path.resolve(process.cwd(), argv.config ?? 'config'),
    dirExplicit: argv.config !== undefined,
    env,
    environ: process.env,
  });
  const shown = redactConfig(loaded.config);
  if (argv.json) {
    process.stdout.write(`${JSON.stringify({ env, files: loaded.files.map((f) => path.relative(process.cwd(), f)), config: shown }, null, 2)}\n`);
    return;
  }
  const files = loaded.files.map((f) => path.relative(process.cwd(), f)).join(', ') || 'none (all defaults)';
  process.stdout.write(`# env ${env}; files read: ${files}; durations in ms, sizes in bytes\n${YAML.stringify(shown)}`);
}
