// Node options for the children, at every boundary they cross before a fork: config `nodeArgs`
// (the schema), `--node-args` (the command line, its value joined to the flag), the probe that
// asks Node, the inspector ports and the supervision of a child being debugged. Example cases,
// then random and adversarial input: nothing crew takes may make a child run something else
// than crew's entry, nothing thrown at it may crash it, no two live children share a port.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import fc from 'fast-check';
import { crewConfigSchema, defaultConfig } from '../../lib/config/schema.js';
import { inspectorOf, nodeArgProblem, nodeArgsFor, readNodeArgs } from '../../lib/config/node-args.js';
import { parseNodeArgs } from '../../cli/options.js';
import { attachNodeArgsValues, nodeOptionHint } from '../../cli/node-args-flag.js';
import { nodeRefuses, probeArgs } from '../../lib/primary/check-node-args.js';
import { InspectorPorts, pickPort } from '../../lib/primary/inspector-ports.js';
import { debuggingNotice, nodeLaunchFor, policyWhileDebugging } from '../../lib/primary/node-launch.js';
import { UsageError } from '../../lib/util/usage-error.js';

const SHAPE = /^--[A-Za-z0-9][\w-]*(?:=[^]*)?$/;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;
const RUNS_SOMETHING_ELSE = /^--(?:eval|print|check|interactive|test|run|version|help|v8-options|watch|watch-path|watch-preserve-output|prof-process|completion-bash)(?:=|$)/;

/** Strings with what Node's and crew's parsers trip on: dashes, "=", spaces, control characters, inspector words. */
const hostileArg = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.tuple(fc.constantFrom('--', '-', '---', '', ' --', '--inspect', '--inspect-brk', '--inspect-port', '--eval', '--watch', '--max-old-space-size', '--require'), fc.constantFrom('', '=', '=0', '=80', '=1024', '=65536', '=[::1]:9229', '=host:', '=:9229', ' x', '=\n', '=a b'), fc.string({ maxLength: 8 })).map(([a, b, c]) => a + b + c),
);

describe('config nodeArgs', () => {
  it('takes a list or one string, for every child and per component; a child runs every component\'s, then its own', () => {
    const config = crewConfigSchema.parse({
      nodeArgs: '--max-old-space-size=512  --inspect',
      worker: { nodeArgs: ['--max-old-space-size=1024'] },
      components: { poller: { nodeArgs: '--cpu-prof' } },
    });
    assert.deepEqual(config.nodeArgs, ['--max-old-space-size=512', '--inspect']);
    assert.deepEqual(nodeArgsFor(config, 'worker'), ['--max-old-space-size=512', '--inspect', '--max-old-space-size=1024']);
    assert.deepEqual(nodeArgsFor(config, 'poller'), ['--max-old-space-size=512', '--inspect', '--cpu-prof']);
    assert.deepEqual(nodeArgsFor(config, 'server'), ['--max-old-space-size=512', '--inspect']);
    assert.deepEqual(nodeArgsFor(config, 'toString'), ['--max-old-space-size=512', '--inspect'], 'an inherited name is no component');
    assert.deepEqual(defaultConfig().nodeArgs, []);
  });

  it('random and adversarial lists: never a throw; what is taken is options only, none that runs something else', () => {
    fc.assert(
      fc.property(fc.oneof(fc.array(hostileArg, { maxLength: 6 }), hostileArg, fc.anything()), (value) => {
        const result = crewConfigSchema.safeParse({ nodeArgs: value, server: { nodeArgs: value } });
        if (!result.success) {
          assert.ok(result.error.issues.every((issue) => issue.message.startsWith('expected Node options')), JSON.stringify(result.error.issues));
          return;
        }
        for (const arg of [...result.data.nodeArgs, ...(result.data.server.nodeArgs ?? [])]) {
          assert.match(arg, SHAPE);
          assert.ok(!CONTROL.test(arg), JSON.stringify(arg));
          assert.ok(!RUNS_SOMETHING_ELSE.test(arg), arg);
          assert.equal(nodeArgProblem(arg), undefined);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('refusals say what to write instead', () => {
    assert.match(nodeArgProblem('-r')!, /long form \(--require=\.\/setup\.js, not -r \.\/setup\.js\)/);
    assert.match(nodeArgProblem('--require ./setup.js')!, /not an option: write each as --name or --name=value/);
    assert.match(nodeArgProblem('--eval=1')!, /use --import=\.\/setup\.js/);
    assert.match(nodeArgProblem('--watch')!, /run crew start --watch/);
    assert.match(nodeArgProblem('--inspect=99999')!, /PORT 0 \(any free port\) or from 1024 to 65535/);
    assert.match(nodeArgProblem('--inspect-port')!, /expected --inspect-port=PORT/);
    assert.equal(nodeArgProblem('--inspect=[::1]:9229'), undefined);
    assert.equal(nodeArgProblem('--inspect=0.0.0.0'), undefined);
    assert.equal(nodeArgProblem('--title=my app'), undefined, 'a value may hold spaces in a list');
    assert.deepEqual(readNodeArgs(' --a  --b=1 '), ['--a', '--b=1']);
  });

  it('reads the inspector asked for: the last flag, host and port win, as in Node', () => {
    assert.deepEqual(inspectorOf(['--inspect']), { flag: '--inspect', host: '127.0.0.1', port: 9229 });
    assert.deepEqual(inspectorOf(['--inspect=0.0.0.0:4000', '--inspect-port=5000']), { flag: '--inspect', host: '0.0.0.0', port: 5000 });
    assert.deepEqual(inspectorOf(['--inspect-brk=0']), { flag: '--inspect-brk', host: '127.0.0.1', port: 0 });
    assert.equal(inspectorOf(['--inspect-port=4000', '--cpu-prof']), undefined, 'a port alone opens no debugger');
  });
});

describe('--node-args', () => {
  it('takes "--a --b" for every component and NAME=… for one, repeatable, in order', () => {
    assert.deepEqual(parseNodeArgs(['--max-old-space-size=512 --inspect', 'worker=--cpu-prof', 'worker=--no-warnings']), {
      all: ['--max-old-space-size=512', '--inspect'],
      components: { worker: ['--cpu-prof', '--no-warnings'] },
    });
    assert.throws(() => parseNodeArgs(['worker=']), /--node-args: expected Node options/);
    assert.throws(() => parseNodeArgs(['worker=-e 1']), /--node-args worker=…: "-e": write Node's options in their long form/);
  });

  it('random and adversarial values: a UsageError naming the flag, or options only', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(hostileArg, fc.tuple(fc.constantFrom('worker=', 'server=', 'x-y=', '1a=', '=', 'a b='), hostileArg).map(([a, b]) => a + b)), { minLength: 1, maxLength: 4 }), (values) => {
        let parsed;
        try {
          parsed = parseNodeArgs(values);
        } catch (error) {
          assert.ok(error instanceof UsageError, String(error));
          assert.match(error.message, /^--node-args/);
          return;
        }
        for (const arg of [...parsed.all, ...Object.values(parsed.components).flat()]) assert.equal(nodeArgProblem(arg), undefined, arg);
        for (const name of Object.keys(parsed.components)) assert.match(name, /^[A-Za-z][\w-]*$/);
      }),
      { numRuns: 2000 },
    );
  });

  it('joins the word after --node-args to it, whatever it starts with, and nothing after `--`', () => {
    assert.deepEqual(attachNodeArgsValues(['start', '--node-args', '--inspect', '--all']), ['start', '--node-args=--inspect', '--all']);
    assert.deepEqual(attachNodeArgsValues(['start', '--node-args']), ['start', '--node-args']);
    assert.deepEqual(attachNodeArgsValues(['--', '--node-args', '--x']), ['--', '--node-args', '--x']);
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.constant('--node-args'), fc.constant('--'), fc.string({ maxLength: 6 }))), (args) => {
        const joined = attachNodeArgsValues(args);
        assert.equal(joined.join('\u0000').replace(/--node-args=/g, '--node-args\u0000'), args.join('\u0000'), 'nothing lost, nothing reordered');
      }),
    );
  });

  it('a Node option given to crew itself gets the way to pass it', () => {
    assert.match(nodeOptionHint('Unknown argument: inspect'), /--inspect is an option of Node: give it to the children with --node-args="--inspect"/);
    assert.match(nodeOptionHint('Unknown arguments: max-old-space-size, maxOldSpaceSize'), /--node-args="--max-old-space-size=512"/);
    assert.equal(nodeOptionHint('Unknown argument: serverr'), '');
    assert.equal(nodeOptionHint('something else'), '');
  });
});

describe('asking Node', () => {
  it('says what Node refuses, in its words, and takes what it takes', async () => {
    assert.equal(await nodeRefuses(['--max-old-space-size=64', '--cpu-prof', '--inspect-brk', '--require=./missing.cjs']), undefined);
    assert.equal(await nodeRefuses(['--no-such-thing']), 'bad option: --no-such-thing');
    assert.equal(await nodeRefuses(['--stack-size=big']), 'illegal value for flag --stack-size=big of type int');
  });

  it('runs no app code, opens no debugger, and writes where nobody looks', () => {
    assert.deepEqual(probeArgs(['--inspect=9229', '--import=./app.js', '--cpu-prof', '--cpu-prof-dir=/home/me/prof', '--no-warnings'], '/tmp/x'), [
      '--cpu-prof',
      '--cpu-prof-dir=/home/me/prof',
      '--no-warnings',
      '--diagnostic-dir=/tmp/x',
      '--report-directory=/tmp/x',
      '--cpu-prof-dir=/tmp/x',
    ]);
  });

  it('random accepted options: an answer every time, and no file left in the folder crew runs in', async () => {
    const cwd = process.cwd();
    const before = new Set(fs.readdirSync(cwd));
    const accepted = fc.array(fc.oneof(fc.constantFrom('--cpu-prof', '--heap-prof', '--prof', '--report-on-signal', '--no-warnings', '--inspect', '--cpu-prof-dir=prof'), hostileArg), { maxLength: 4 }).filter((args) => args.every((arg) => nodeArgProblem(arg) === undefined));
    await fc.assert(
      fc.asyncProperty(accepted, async (args) => {
        const said = await nodeRefuses(args);
        assert.ok(said === undefined || (typeof said === 'string' && said.length > 0 && !said.includes('\n')), String(said));
      }),
      { numRuns: 25 },
    );
    assert.deepEqual(fs.readdirSync(cwd).filter((file) => !before.has(file)), []);
  });
});

describe('inspector ports', () => {
  it('a slot takes its port back; a busy one is skipped; 0 stays 0', () => {
    const ports = new InspectorPorts();
    assert.equal(ports.take('server.1', 9229), 9229);
    assert.equal(ports.take('server.2', 9229), 9230);
    // A reload: the new server.1 starts while the old one holds 9229.
    assert.equal(ports.take('server.1', 9229), 9231);
    ports.release(9229);
    assert.equal(ports.take('worker.1', 9229), 9229);
    ports.release(9230);
    assert.equal(ports.take('server.2', 9229), 9230, 'its own port back');
    assert.equal(ports.take('poller.1', 0), 0);
    assert.equal(pickPort(65535, undefined, (p) => p === 65535), 1024, 'past the top, from 1024');
  });

  it('random starts, restarts and exits: no two live children ever share a port', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom('take', 'exit'), fc.integer({ min: 1, max: 5 })), { maxLength: 200 }), fc.integer({ min: 1024, max: 65530 }), (steps, base) => {
        const ports = new InspectorPorts();
        const live: Array<{ slot: string; port: number }> = [];
        for (const [step, n] of steps) {
          if (step === 'take') live.push({ slot: `c.${n}`, port: ports.take(`c.${n}`, base) });
          else if (live.length > 0) ports.release(live.splice(n % live.length, 1)[0]!.port);
          const held = live.map((c) => c.port);
          assert.equal(new Set(held).size, held.length, `ports ${held.join(', ')}`);
        }
      }),
    );
  });

  it('probes: a port another process listens on is not handed out', async () => {
    const net = await import('node:net');
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const held = (server.address() as { port: number }).port;
    try {
      const ports = new InspectorPorts();
      assert.equal(await ports.probe('127.0.0.1', held, 2), true);
      const taken = [ports.take('a.1', held), ports.take('a.2', held)];
      assert.ok(!taken.includes(held), `${taken.join(', ')} skip ${held}`);
    } finally {
      server.close();
    }
  });
});

describe('a component being debugged', () => {
  it('has no watchdog and no ready timeout, and crew says so once', () => {
    const config = crewConfigSchema.parse({ worker: { nodeArgs: ['--inspect-brk'] }, components: { poller: { nodeArgs: '--inspect' } } });
    const worker = nodeLaunchFor(config, 'worker');
    assert.deepEqual(policyWhileDebugging(config.supervisor, worker), { ...config.supervisor, watchdog: 0, readyTimeout: 0 });
    const server = nodeLaunchFor(config, 'server');
    assert.equal(policyWhileDebugging(config.supervisor, server), config.supervisor);
    const notice = debuggingNotice(['server', 'worker', 'poller'].map((component) => ({ component, launch: nodeLaunchFor(config, component) })));
    assert.equal(
      notice,
      'debugger on for worker (--inspect-brk, ports from 127.0.0.1:9229), poller (--inspect, ports from 127.0.0.1:9229): each child its own port, said as it starts; their watchdog and ready timeout are off, so a child paused in the debugger is not killed',
    );
    assert.equal(debuggingNotice([{ component: 'server', launch: server }]), undefined);
  });
});
