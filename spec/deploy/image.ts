// The image the Dockerfile makes, reproduced in a folder without a Docker engine: the run
// stage's instructions applied in order. COPY from the build context honours .dockerignore;
// COPY --from=build takes the build output from this checkout (`npm run build` made it, as the
// build stage does); `npm ci --omit=dev` installs from the npm cache when it can (else the
// registry); the apt-get line must be installing tini, which this machine has. ENV, USER,
// ENTRYPOINT, CMD, HEALTHCHECK, STOPSIGNAL and EXPOSE are read for the specs to run and check.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { all, copyFromContext, last, readDockerfile, readDockerignore, type Stage } from './dockerfile.js';

export interface Image {
  /** The run stage's WORKDIR, filled. */
  dir: string;
  env: Record<string, string>;
  user: string | undefined;
  entrypoint: string[];
  cmd: string[];
  healthcheck: { command: string[]; flags: Record<string, string> } | undefined;
  stopSignal: string | undefined;
  exposed: string[];
  /** Every RUN line of the run stage, as written. */
  runs: string[];
  runStage: Stage;
  buildStage: Stage;
}

export function reproduceImage(repoRoot: string, into: string): Image {
  const stages = readDockerfile(path.join(repoRoot, 'Dockerfile'));
  const runStage = stages.at(-1)!;
  const buildStage = stages.find((stage) => stage.name === 'build');
  if (!buildStage || buildStage === runStage) throw new Error('Dockerfile: expected a build stage (FROM ... AS build) before the run stage');
  const buildWorkdir = last(buildStage, 'WORKDIR')?.args[0] ?? '/';
  const ignored = readDockerignore(path.join(repoRoot, '.dockerignore'));
  const env: Record<string, string> = {};
  let workdir = into;
  let user: string | undefined;

  for (const instruction of runStage.instructions) {
    switch (instruction.keyword) {
      case 'WORKDIR':
        workdir = path.join(into, instruction.args[0]!);
        fs.mkdirSync(workdir, { recursive: true });
        break;
      case 'ENV':
        for (const pair of instruction.args) {
          const [key, ...value] = pair.split('=');
          env[key!] = value.join('=');
        }
        break;
      case 'COPY': {
        const sources = instruction.args.slice(0, -1);
        const destination = instruction.args.at(-1)!;
        const into = destination.endsWith('/') || sources.length > 1;
        for (const source of sources) {
          const target = path.resolve(workdir, destination, into ? path.basename(source) : '');
          if (instruction.flags.from === 'build') {
            const inBuild = path.posix.relative(buildWorkdir, source);
            fs.cpSync(path.join(repoRoot, inBuild), target, { recursive: true });
          } else if (instruction.flags.from === undefined) {
            if (copyFromContext(repoRoot, source, target, ignored) === 0) throw new Error(`COPY ${source}: nothing of it is left in the build context (.dockerignore)`);
          } else {
            throw new Error(`COPY --from=${instruction.flags.from}: only the build stage is known here`);
          }
        }
        break;
      }
      case 'RUN':
        run(instruction.text, workdir, env);
        break;
      case 'USER':
        user = instruction.args[0];
        break;
      case 'EXPOSE':
      case 'STOPSIGNAL':
      case 'HEALTHCHECK':
      case 'ENTRYPOINT':
      case 'CMD':
        break;
      default:
        throw new Error(`Dockerfile: the run stage uses ${instruction.keyword}, which spec/deploy/image.ts does not reproduce yet`);
    }
  }
  const health = last(runStage, 'HEALTHCHECK');
  return {
    dir: workdir,
    env,
    user,
    entrypoint: last(runStage, 'ENTRYPOINT')?.exec ?? [],
    cmd: last(runStage, 'CMD')?.exec ?? [],
    healthcheck: health?.exec ? { command: health.exec, flags: health.flags } : undefined,
    stopSignal: last(runStage, 'STOPSIGNAL')?.args[0],
    exposed: all(runStage, 'EXPOSE').flatMap((instruction) => instruction.args),
    runs: all(runStage, 'RUN').map((instruction) => instruction.text),
    runStage,
    buildStage,
  };
}

/** The two kinds of RUN the run stage has: installing tini, and the production install. */
function run(text: string, cwd: string, env: Record<string, string>): void {
  if (/apt-get install/.test(text)) {
    if (!/\btini\b/.test(text)) throw new Error(`RUN ${text}: expected the apt-get line to install tini`);
    return; // this machine has tini (the specs check it before they start)
  }
  if (/\bnpm ci\b/.test(text)) {
    if (!/--omit=dev\b/.test(text)) throw new Error(`RUN ${text}: the run stage must install production dependencies only (--omit=dev)`);
    const install = spawnSync('npm', ['ci', '--omit=dev', '--prefer-offline', '--no-audit', '--no-fund'], {
      cwd,
      env: { ...process.env, ...env },
      encoding: 'utf8',
    });
    if (install.status !== 0) throw new Error(`npm ci --omit=dev failed (${install.status}):\n${install.stderr}`);
    return;
  }
  throw new Error(`Dockerfile: RUN ${text}: spec/deploy/image.ts does not know how to reproduce this`);
}

/** tini and unshare with the right to make a PID namespace: what the PID 1 spec needs. */
export function canRunAsPid1(): string | undefined {
  if (!fs.existsSync('/usr/bin/tini')) return 'tini is not installed (apt-get install tini)';
  const probe = spawnSync('unshare', ['--pid', '--fork', '--mount-proc', 'true'], { encoding: 'utf8' });
  if (probe.error) return `unshare cannot run: ${probe.error.message}`;
  if (probe.status !== 0) return `unshare --pid --fork --mount-proc is not allowed here (${probe.stderr.trim()}); it needs root or CAP_SYS_ADMIN`;
  return undefined;
}
