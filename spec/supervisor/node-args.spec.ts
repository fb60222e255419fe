// Node's own options for the children, as a user gives them: config `nodeArgs` (every child,
// then its component's) and `--node-args`. They reach each real child's Node (its command line,
// and what it really runs with: its heap limit, its CPU profile); `--inspect` gives each live
// child its own port, says which, takes it back on a restart and never hands one out twice; and
// what would break a fork is refused before anything is forked (exit 2), saying what to write.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { runCrew, runCrewToEnd, type CrewProcess, type LogRecord } from '../helpers/crew-process.js';
import { get } from '../helpers/http.js';
import { freePort } from '../helpers/ports.js';
import { tempDir } from '../helpers/temp-dir.js';

const APP = `import v8 from 'node:v8';
const heap = () => v8.getHeapStatistics().heap_size_limit;
export default {
  server(app) { app.use((ctx) => { ctx.body = { heap: heap(), pid: process.pid, setup: globalThis.setupRan ?? false }; }); },
  jobs: { email: () => undefined },
  components: { poller: { start(ctx) { ctx.logger.info('heap limit', { heap: heap() }); }, stop() {} } },
};
`;
const MB = 1024 * 1024;

interface Project {
  dir: string;
  port: number;
  control: string;
}

async function project(t: TestContext, config = ''): Promise<Project> {
  const dir = tempDir(t, { 'package.json': '{ "type": "module" }', 'app.js': APP, 'setup.js': 'globalThis.setupRan = true;\n', 'config/default.yaml': config });
  return { dir, port: await freePort(), control: path.join(tempDir(t), 'control.sock') };
}

function start(t: TestContext, p: Project, args: string[]): CrewProcess {
  return runCrew(t, ['start', '--app', 'app.js', '--port', String(p.port), ...args], { cwd: p.dir, env: { CREW_CONTROL: p.control } });
}

const started = (tag: string) => (r: LogRecord) => r.component === 'crew' && r.message.startsWith(`${tag} started (pid `);
const readies = (tag: string) => (r: LogRecord) => r.component === 'crew' && r.message.startsWith(`${tag} ready`);
/** The command line of a running process, as the kernel has it. */
const cmdline = (pid: number) => fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter((arg) => arg !== '');
/** The options Node ran with: what precedes crew's child entry. */
const nodeOptions = (pid: number) => {
  const args = cmdline(pid);
  return args.slice(1, args.findIndex((arg) => arg.endsWith('main.js')));
};

test('config nodeArgs and --node-args reach every child: every component\'s options, then its own, then the command line\'s; the heap limit is the one given', async (t) => {
  const p = await project(t, 'nodeArgs: [--max-old-space-size=300]\nworker: { nodeArgs: "--max-old-space-size=250 --stack-trace-limit=30" }\ncomponents:\n  poller: { nodeArgs: [--max-old-space-size=97] }\n');
  const crew = start(t, p, ['--server', '--worker', '--component', 'poller', '--node-args=--no-deprecation', '--node-args', 'server=--max-old-space-size=150 --import=./setup.js']);
  const pids: Record<string, number> = {};
  for (const tag of ['server.1', 'worker.1', 'poller.1']) {
    await crew.waitFor(readies(tag), `${tag} ready`, 60_000);
    pids[tag] = (await crew.waitFor(started(tag))).childPid as number;
  }
  const own = (pid: number) => nodeOptions(pid).filter((arg) => arg !== '--enable-source-maps');
  assert.deepEqual(own(pids['server.1']!), ['--max-old-space-size=300', '--no-deprecation', '--max-old-space-size=150', '--import=./setup.js']);
  assert.deepEqual(own(pids['worker.1']!), ['--max-old-space-size=300', '--no-deprecation', '--max-old-space-size=250', '--stack-trace-limit=30']);
  assert.deepEqual(own(pids['poller.1']!), ['--max-old-space-size=300', '--no-deprecation', '--max-old-space-size=97']);

  // What Node really runs with: the last --max-old-space-size wins, young generation on top.
  const served = (await get(`http://127.0.0.1:${p.port}/`)).json() as { heap: number; setup: boolean };
  assert.equal(served.setup, true, 'the module given to --import ran in the server');
  assert.ok(served.heap >= 150 * MB && served.heap < 200 * MB, `server heap limit ${served.heap / MB} MB`);
  const said = await crew.waitFor((r) => r.component === 'poller' && r.message === 'heap limit');
  assert.ok((said.heap as number) >= 97 * MB && (said.heap as number) < 150 * MB, `poller heap limit ${(said.heap as number) / MB} MB`);

  crew.signal('SIGTERM');
  assert.equal((await crew.exited).code, 0);
});

test('--node-args "--cpu-prof --cpu-prof-dir=prof" writes one CPU profile per child when crew stops', async (t) => {
  const p = await project(t);
  const crew = start(t, p, ['--server', '2', '--worker', '--node-args', '--cpu-prof --cpu-prof-dir=prof']);
  const pids: number[] = [];
  for (const tag of ['server.1', 'server.2', 'worker.1']) {
    await crew.waitFor(readies(tag), `${tag} ready`, 60_000);
    pids.push((await crew.waitFor(started(tag))).childPid as number);
  }
  crew.signal('SIGTERM');
  assert.equal((await crew.exited).code, 0);

  const files = fs.readdirSync(path.join(p.dir, 'prof'));
  for (const pid of pids) {
    // CPU.<date>.<time>.<pid>.<thread>.<n>.cpuprofile: thread 0 is the child's main thread.
    const main = files.filter((file) => file.includes(`.${pid}.0.`) && file.endsWith('.cpuprofile'));
    assert.equal(main.length, 1, `one profile of child ${pid} in ${files.join(', ')}`);
    const profile = JSON.parse(fs.readFileSync(path.join(p.dir, 'prof', main[0]!), 'utf8')) as { nodes: unknown[] };
    assert.ok(profile.nodes.length > 0, 'a profile with samples');
  }
});

/** The inspector's HTTP endpoint answers on `port` with one target. */
async function inspectorAnswers(port: number): Promise<boolean> {
  const reply = await get(`http://127.0.0.1:${port}/json/list`).catch(() => undefined);
  return reply?.status === 200 && (reply.json() as unknown[]).length === 1;
}

const debuggerOn = (tag: string) => (r: LogRecord) => started(tag)(r) && typeof r.inspector === 'string';
const portOf = (r: LogRecord) => Number(String(r.inspector).split(':').at(-1));

test('--inspect: every child its own port, said by crew; a port another process holds is skipped; a restart takes its port back; a reload never shares one', async (t) => {
  const p = await project(t);
  // Another process holds the first port: crew must not hand it to a child.
  const base = await freePort();
  const foreign = net.createServer();
  await new Promise<void>((resolve) => foreign.listen(base, '127.0.0.1', resolve));
  t.after(() => foreign.close());

  const crew = start(t, p, ['--server', '2', '--worker', `--node-args=--inspect=127.0.0.1:${base}`]);
  const tags = ['server.1', 'server.2', 'worker.1'];
  for (const tag of tags) await crew.waitFor(readies(tag), `${tag} ready`, 60_000);
  const notice = await crew.waitFor((r) => r.message.startsWith(`debugger on for server (--inspect, ports from 127.0.0.1:${base}), worker (--inspect, ports from 127.0.0.1:${base}): each child its own port`));
  assert.match(notice.message, /watchdog and ready timeout are off/);
  const first = Object.fromEntries(await Promise.all(tags.map(async (tag) => [tag, portOf(await crew.waitFor(debuggerOn(tag)))] as const)));
  const ports = Object.values(first);
  assert.equal(new Set(ports).size, 3, `distinct ports ${ports.join(', ')}`);
  assert.ok(!ports.includes(base), 'the port another process holds is skipped');
  for (const port of ports) assert.ok(await inspectorAnswers(port), `a debugger answers on ${port}`);

  // A restart: the new worker takes its port back, and its debugger answers there.
  const restart = await runCrewToEnd(['restart', 'worker'], { cwd: p.dir, env: { CREW_CONTROL: p.control } });
  assert.equal(restart.code, 0, restart.stderr);
  const again = await crew.waitForCount(debuggerOn('worker.1'), 2, 'the new worker');
  assert.equal(portOf(again[1]!), first['worker.1']);
  assert.ok(await inspectorAnswers(first['worker.1']!));

  // A reload starts each new server next to the old one: it must take a port nobody holds.
  const reload = await runCrewToEnd(['reload', 'server'], { cwd: p.dir, env: { CREW_CONTROL: p.control } });
  assert.equal(reload.code, 0, reload.stderr);
  const live = new Map<string, number>();
  for (const tag of tags) live.set(tag, portOf((await crew.waitForCount(debuggerOn(tag), 2)).at(-1)!));
  assert.equal(new Set(live.values()).size, 3, `distinct ports after the reload: ${[...live].join(', ')}`);
  assert.ok(![...live.values()].includes(base));
  for (const port of live.values()) assert.ok(await inspectorAnswers(port), `a debugger answers on ${port}`);
  assert.ok(!crew.records.some((r) => /address already in use/.test(r.message)), 'no child failed to listen');

  crew.signal('SIGTERM');
  assert.equal((await crew.exited).code, 0);
});

test('options that would break a fork are refused before anything is forked (exit 2), saying what is wrong and what to write', async (t) => {
  const cases: Array<{ config?: string; args?: string[]; says: RegExp }> = [
    { args: ['--node-args=--eval=process.exit(3)'], says: /--node-args: --eval changes what Node runs.*use --import=\.\/setup\.js/ },
    { args: ['--node-args=-r ./setup.js'], says: /"-r": write Node's options in their long form \(--require=\.\/setup\.js/ },
    { args: ['--node-args=other.js'], says: /"other\.js" is not an option: write each as --name or --name=value/ },
    { args: ['--node-args=--watch'], says: /--watch changes what Node runs.*run crew start --watch/ },
    { args: ['--node-args=--inspect=80'], says: /"--inspect=80": expected --inspect=PORT .*0 \(any free port\) or from 1024 to 65535/ },
    { args: ['--node-args=--max-old-space-size=lots'], says: /worker: Node refuses its options --max-old-space-size=lots .*illegal value for flag --max-old-space-size=lots/ },
    { args: ['--node-args=--no-such-option'], says: /worker: Node refuses its options --no-such-option .*bad option: --no-such-option/ },
    { args: ['--node-args=--cpu-prof-dir=prof'], says: /--cpu-prof-dir must be used with --cpu-prof/ },
    { args: ['--node-args', 'mailer=--inspect'], says: /--node-args mailer=…: there is no component "mailer" \(components: server, worker, scheduler, poller\)/ },
    { args: ['--node-args', 'worker='], says: /--node-args: expected Node options/ },
    { args: ['--node-args=--import=./missing.js'], says: /worker: --import=\.\/missing\.js: no such file \(from config nodeArgs and worker\.nodeArgs, then --node-args\): a child would fail to start/ },
    { args: ['--inspect'], says: /Unknown argument: inspect\n--inspect is an option of Node: give it to the children with --node-args="--inspect"/ },
    { args: [`--node-args=--title=${'x'.repeat(100_000)}`], says: /is longer than any Node option \(100008 characters\)/ },
    { config: 'nodeArgs: [--print=1]\n', says: /config\/default\.yaml: nodeArgs: .*--print changes what Node runs/ },
    { config: 'worker: { nodeArgs: "--inspect -e 1" }\n', says: /worker\.nodeArgs: .*"-e": write Node's options in their long form/ },
    { config: 'nodeArgs: { max-old-space-size: 512 }\n', says: /nodeArgs: expected Node options, each --name or --name=value/ },
    { config: 'nodeArgs: ["--title=a\\nb"]\n', says: /holds a control character/ },
    { config: `nodeArgs: [${Array.from({ length: 65 }, () => '--no-warnings').join(', ')}]\n`, says: /65 options, more than the 64 crew takes/ },
    { config: 'components: { poller: { nodeArgs: [--bogus-flag] } }\n', args: ['--component', 'poller'], says: /poller: Node refuses its options --bogus-flag/ },
  ];
  for (const { config = '', args = [], says } of cases) {
    const p = await project(t, config);
    const result = await runCrewToEnd(['start', '--app', 'app.js', '--port', String(p.port), '--worker', ...args], { cwd: p.dir });
    const what = `${config}${args.join(' ').slice(0, 100)}`;
    assert.equal(result.code, 2, `${what}: ${result.stderr}`);
    assert.match(result.stderr, says, what);
    assert.ok(!/started \(pid/.test(result.stdout), `${what}: nothing forked`);
  }
});

test('crew doctor asks Node about config nodeArgs, as crew start would', async (t) => {
  const bad = await project(t, 'worker: { nodeArgs: [--max-old-space-size=lots] }\n');
  const refused = await runCrewToEnd(['doctor', '--app', 'app.js'], { cwd: bad.dir, env: { CREW_CONTROL: bad.control } });
  assert.equal(refused.code, 1, refused.stdout);
  assert.match(refused.stdout, /FAIL {2}node options: worker: Node refuses --max-old-space-size=lots: illegal value for flag --max-old-space-size=lots/);

  const good = await project(t, 'nodeArgs: "--inspect --no-warnings"\n');
  const taken = await runCrewToEnd(['doctor', '--app', 'app.js'], { cwd: good.dir, env: { CREW_CONTROL: good.control } });
  assert.match(taken.stdout, /ok {4}node options: Node takes those of server, worker, scheduler, poller/);
});
