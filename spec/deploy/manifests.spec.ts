// The compose files and Kubernetes manifests parse, and say what crew needs: the image's own
// command (node, never npm), one service or Deployment per role, Redis before the app, probes
// on /_ping and /_health, and every platform's kill timer above crew's grace (plus the drain
// delay). The grace and drain delay are read from crew's own config, the files as crew loads
// them, so a change to one side that breaks the other fails here.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { parse, parseAllDocuments } from 'yaml';
import { ConfigError, loadConfig, parseDuration, supervisorFor } from '../../lib/config/index.js';
import { repoRoot } from '../helpers/paths.js';
import { readDockerfile, last } from './dockerfile.js';

type Tree = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

// Compose files use YAML merge keys (`<<: *crew`), as Docker Compose reads them.
const read = (file: string): Tree => parse(fs.readFileSync(path.join(repoRoot, file), 'utf8'), { merge: true }) as Tree;
const seconds = (value: string): number => parseDuration(value)! / 1000;
const runStage = readDockerfile(path.join(repoRoot, 'Dockerfile')).at(-1)!;
const imageCmd = last(runStage, 'CMD')!.exec!;
const ROLES = { web: '--server', worker: '--worker', scheduler: '--scheduler' } as const;

/** crew's grace for a component, and the server's drain delay, from config/default.yaml with `production` over it. */
function crewNumbers(production?: string): { grace: (component: string) => number; drainDelay: number } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crew-manifests-'));
  try {
    fs.copyFileSync(path.join(repoRoot, 'config', 'default.yaml'), path.join(dir, 'default.yaml'));
    if (production !== undefined) fs.writeFileSync(path.join(dir, 'production.yaml'), production);
    const { config } = loadConfig({ dir, env: 'production', environ: { NODE_ENV: 'production' } });
    const drain = (config.server as { drainDelay?: number }).drainDelay ?? 0;
    return { grace: (component) => supervisorFor(config, component).grace / 1000, drainDelay: drain / 1000 };
  } catch (error) {
    if (!(error instanceof ConfigError && /server\.drainDelay: unknown key/.test(error.message))) throw error;
    // This build's schema does not know server.drainDelay yet (SPEC has it): read the numbers
    // from the YAML itself, and say so.
    process.stderr.write('NOTICE: server.drainDelay is not in this build\'s config schema: the manifests spec reads it from the YAML\n');
    const tree = (parse(production ?? '') ?? {}) as Tree;
    const base = seconds(String(tree.supervisor?.grace ?? '8s'));
    return {
      grace: (component) => (tree[component]?.supervisor?.grace ? seconds(String(tree[component].supervisor.grace)) : base),
      drainDelay: seconds(String(tree.server?.drainDelay ?? '0')),
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe('docker-compose.yml: the app and Redis', () => {
  const compose = read('docker-compose.yml');
  it('starts the app once Redis is healthy, with the image\'s command and a stop timer above crew\'s grace', () => {
    const { redis, app } = compose.services as Tree;
    assert.match(redis.image, /^redis:/);
    assert.ok(redis.healthcheck.test.includes('ping'), 'Redis answers PING before the app starts');
    assert.ok(redis.volumes.some((v: string) => v.endsWith(':/data')), 'Redis keeps its data in a volume');
    assert.equal(app.build, '.');
    assert.deepEqual(app.command, imageCmd, 'the app runs the image\'s CMD');
    assert.equal(app.environment.REDIS_URL, 'redis://redis:6379');
    assert.deepEqual(app.depends_on, { redis: { condition: 'service_healthy' } });
    assert.ok(seconds(app.stop_grace_period) > crewNumbers().grace('server'), `stop_grace_period ${app.stop_grace_period} is above crew's grace`);
  });
});

describe('docker-compose.roles.yml: one service per role', () => {
  const compose = read('docker-compose.roles.yml');
  it('runs web, worker and scheduler from the same image, each with its own flag, scalable', () => {
    const services = compose.services as Tree;
    const images = new Set<string>();
    for (const [service, flag] of Object.entries(ROLES)) {
      const s = services[service];
      assert.ok(s, `a ${service} service`);
      images.add(s.image);
      assert.equal(s.build, '.');
      assert.deepEqual(s.command, ['node', 'dist/bin/crew.js', 'start', flag], `${service} runs crew with ${flag}`);
      assert.deepEqual(s.depends_on, { redis: { condition: 'service_healthy' } });
      assert.equal(s.container_name, undefined, `${service}: a fixed container name cannot be scaled`);
      assert.ok(seconds(s.stop_grace_period) > crewNumbers().grace(service === 'web' ? 'server' : service));
    }
    assert.equal(images.size, 1, 'one image for every role');
    assert.equal(services.worker.ports, undefined, 'workers publish no port, so --scale worker=3 does not collide');
    assert.ok(services.redis.healthcheck);
  });
});

describe('deploy/kubernetes: one Deployment per role', () => {
  const dir = path.join(repoRoot, 'deploy', 'kubernetes');
  const docs: Tree[] = fs
    .readdirSync(dir)
    .filter((file) => file.endsWith('.yaml'))
    .flatMap((file) =>
      parseAllDocuments(fs.readFileSync(path.join(dir, file), 'utf8')).map((doc) => {
        assert.deepEqual(doc.errors, [], `${file} parses`);
        return doc.toJS() as Tree;
      }),
    );
  const kind = (k: string) => docs.filter((doc) => doc.kind === k);
  const configMap = kind('ConfigMap').find((doc) => doc.metadata.name === 'crew-config')!;
  const secret = kind('Secret').find((doc) => doc.metadata.name === 'crew-redis')!;
  const numbers = crewNumbers(configMap?.data['production.yaml']);
  const kustomization = kind('Kustomization')[0]!;

  it('lists every manifest in the kustomization, and a ConfigMap and a Secret for the config and REDIS_URL', () => {
    assert.deepEqual([...kustomization.resources].sort(), fs.readdirSync(dir).filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml').sort());
    assert.ok(configMap, 'a ConfigMap with config/production.yaml');
    assert.match(secret.stringData.REDIS_URL, /^rediss?:\/\//);
    assert.ok(numbers.drainDelay > 0, 'server.drainDelay is set');
  });

  for (const [role, flag] of Object.entries(ROLES)) {
    it(`crew-${role}: ${flag}, the image's entry point kept, REDIS_URL from the Secret, a kill timer above crew's`, () => {
      const deployment = kind('Deployment').find((doc) => doc.metadata.name === `crew-${role}`);
      assert.ok(deployment, `a Deployment crew-${role}`);
      const pod = deployment.spec.template.spec;
      const [container] = pod.containers;
      assert.equal(container.image, kustomization.images[0].name, 'the image the kustomization sets');
      assert.equal(container.command, undefined, 'no command: the image\'s ENTRYPOINT (tini) stays PID 1');
      assert.deepEqual(container.args, ['node', 'dist/bin/crew.js', 'start', flag]);
      const redisUrl = container.env.find((e: Tree) => e.name === 'REDIS_URL');
      assert.deepEqual(redisUrl.valueFrom.secretKeyRef, { name: 'crew-redis', key: 'REDIS_URL' });
      const config = pod.volumes.find((v: Tree) => v.configMap?.name === 'crew-config');
      const mount = container.volumeMounts.find((m: Tree) => m.name === config.name);
      assert.deepEqual([mount.mountPath, mount.subPath], ['/app/config/production.yaml', 'production.yaml']);
      assert.ok(container.volumeMounts.some((m: Tree) => m.mountPath === '/tmp'), 'a writable /tmp for the control socket');

      const component = role === 'web' ? 'server' : role;
      const needed = numbers.grace(component) + (role === 'web' ? numbers.drainDelay : 0);
      assert.ok(pod.terminationGracePeriodSeconds > needed, `terminationGracePeriodSeconds ${pod.terminationGracePeriodSeconds} is above ${needed} s`);
      if (role !== 'web') assert.deepEqual(container.livenessProbe.exec.command.slice(0, 3), ['node', 'dist/bin/crew.js', 'health']);
    });
  }

  it('crew-web: liveness on /_ping, readiness on /_health, and a drain delay longer than readiness takes to notice', () => {
    const web = kind('Deployment').find((doc) => doc.metadata.name === 'crew-web')!;
    const [container] = web.spec.template.spec.containers;
    assert.deepEqual(container.ports, [{ name: 'http', containerPort: 3000 }]);
    assert.deepEqual(container.livenessProbe.httpGet, { path: '/_ping', port: 'http' });
    assert.deepEqual(container.readinessProbe.httpGet, { path: '/_health', port: 'http' });
    const notice = container.readinessProbe.periodSeconds * (container.readinessProbe.failureThreshold ?? 3);
    assert.ok(numbers.drainDelay > notice, `drainDelay ${numbers.drainDelay} s is above readiness's ${notice} s`);
    const service = kind('Service').find((doc) => doc.metadata.name === 'crew-web')!;
    assert.deepEqual(service.spec.selector, web.spec.selector.matchLabels);
  });
});
