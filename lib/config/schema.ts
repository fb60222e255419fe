// The schema of crew's config: every key, its accepted forms and its default, producing the
// resolved `CrewConfig` (durations in ms, sizes in bytes). An empty file is valid. crew's own
// mappings refuse unknown keys, so a typo such as `supervisr:` is an error rather than a
// silently ignored block; `components.<name>` keeps whatever settings the app's component takes,
// and `settings` whatever the app's own code reads.

import * as z from 'zod';
import {
  decimal,
  duration,
  integer,
  instances,
  nameList,
  oneOf,
  port,
  redisUrl,
  serverInstances,
  size,
  text,
} from './fields.js';
import { DEFAULT_MAX_PAYLOAD, LEVELS, type CrewConfig } from './types.js';
import { nodeArgsField } from './node-args.js';
import { MAX_PORT } from './limits.js';

const emptyMeansUnset = (value: unknown): unknown => (value === null ? undefined : value);

/** A mapping of crew's own whose keys all have defaults: missing or empty gives the defaults. */
function section<Shape extends z.core.$ZodLooseShape>(shape: Shape) {
  return z.preprocess(emptyMeansUnset, z.strictObject(shape).prefault({} as never));
}

/** A mapping that may be left out altogether. */
function optionalSection<Shape extends z.core.$ZodLooseShape>(shape: Shape) {
  return z.preprocess(emptyMeansUnset, z.strictObject(shape).optional());
}

/** A mapping from names the user picks to values of one schema; empty gives `{}`. */
function namedMap<Value extends z.ZodType>(value: Value) {
  return z.preprocess(emptyMeansUnset, z.record(z.string(), value).default(() => ({})));
}

const level = oneOf(LEVELS);

export const supervisorSchema = section({
  grace: duration().withDefault(() => 8_000),
  readyTimeout: duration({ positive: true }).withDefault(() => 30_000),
  watchdog: duration().withDefault(() => 30_000),
  memoryLimit: size().withDefault(() => 0),
  restart: section({
    backoff: section({
      initial: duration().withDefault(() => 100),
      factor: decimal(1).withDefault(() => 2),
      max: duration().withDefault(() => 30_000),
      resetAfter: duration().withDefault(() => 30_000),
    }),
    intensity: section({
      max: integer(0).withDefault(() => 5),
      window: duration({ positive: true }).withDefault(() => 60_000),
    }),
    giveUp: oneOf(['exit', 'stay']).withDefault(() => 'exit' as const),
  }),
});

/** A component's own `supervisor:` block: any subset of the defaults' keys, nothing else. */
export const supervisorOverrideSchema = optionalSection({
  grace: duration().optional(),
  readyTimeout: duration({ positive: true }).optional(),
  watchdog: duration().optional(),
  memoryLimit: size().optional(),
  restart: optionalSection({
    backoff: optionalSection({
      initial: duration().optional(),
      factor: decimal(1).optional(),
      max: duration().optional(),
      resetAfter: duration().optional(),
    }),
    intensity: optionalSection({
      max: integer(0).optional(),
      window: duration({ positive: true }).optional(),
    }),
    giveUp: oneOf(['exit', 'stay']).optional(),
  }),
});

// Only the shape is checked here; cron syntax, timezones and "exactly one action" are the
// scheduler's to judge, where the error can name the schedule with the app's own ones.
const scheduleSchema = z.strictObject({
  cron: text({ nonEmpty: true, what: 'a cron expression such as "0 3 * * *"' }).required(),
  timezone: text({ nonEmpty: true, what: 'a timezone name such as "Europe/Paris"' }).optional(),
  job: text({ nonEmpty: true, what: 'the name of a job' }).optional(),
  data: z.unknown().optional(),
  command: text({ nonEmpty: true, what: 'a shell command' }).optional(),
  timeout: duration({ positive: true }).optional(),
  overlap: oneOf(['skip', 'allow']).optional(),
});

const componentSchema = z.preprocess(
  (value) => (value === null ? {} : value),
  z.looseObject({
    instances: instances().withDefault(() => 1),
    supervisor: supervisorOverrideSchema,
    nodeArgs: nodeArgsField().optional(),
  }),
);

const fileTransportSchema = z.strictObject({
  type: oneOf(['file']).required(),
  filename: text({ nonEmpty: true, what: 'a file path' }).required(),
  level: level.optional(),
});

export const crewConfigSchema = z.strictObject({
  app: text({ nonEmpty: true, what: 'a path to the app module' }).optional(),
  start: section({
    components: nameList({ nonEmpty: true }).withDefault(() => ['server']),
  }),
  server: section({
    port: port().withDefault(() => 3000),
    host: text({ nonEmpty: true, what: 'a host name or IP address' }).withDefault(() => '127.0.0.1'),
    instances: serverInstances().withDefault(() => 1),
    drainDelay: duration().withDefault(() => 0),
    supervisor: supervisorOverrideSchema,
    nodeArgs: nodeArgsField().optional(),
  }),
  worker: section({
    instances: instances().withDefault(() => 1),
    queues: nameList().withDefault(() => []),
    supervisor: supervisorOverrideSchema,
    nodeArgs: nodeArgsField().optional(),
  }),
  scheduler: section({
    supervisor: supervisorOverrideSchema,
    nodeArgs: nodeArgsField().optional(),
  }),
  queue: section({
    driver: oneOf(['auto', 'embedded', 'redis']).withDefault(() => 'auto' as const),
    url: redisUrl().withDefault(() => ''),
    prefix: text({ nonEmpty: true }).withDefault(() => 'crew'),
    maxQueued: integer(1).withDefault(() => 100_000),
    maxPayload: size({ min: 1024 }).withDefault(() => DEFAULT_MAX_PAYLOAD),
    stallInterval: duration({ positive: true }).withDefault(() => 5_000),
    keepFailed: integer(0).withDefault(() => 10_000),
    keepSucceeded: integer(0, 100_000).withDefault(() => 100),
  }),
  supervisor: supervisorSchema,
  // Node options for every child; each component's own `nodeArgs` follow them.
  nodeArgs: nodeArgsField().withDefault(() => []),
  log: section({
    format: oneOf(['auto', 'pretty', 'json']).withDefault(() => 'auto' as const),
    level: level.withDefault(() => 'info' as const),
    levels: namedMap(level.required()),
    transports: z.preprocess(emptyMeansUnset, z.array(fileTransportSchema).default(() => [])),
  }),
  // The primary's Prometheus endpoint (docs/metrics.md): off unless a port is given.
  metrics: section({
    port: integer(0, MAX_PORT).withDefault(() => 0),
    host: text({ nonEmpty: true, what: 'a host name or IP address' }).withDefault(() => '127.0.0.1'),
  }),
  schedules: namedMap(scheduleSchema),
  components: namedMap(componentSchema),
  // The app's own settings, free-form: crew checks nothing inside, and hands them to user code
  // as ctx.config.settings. `${VAR}` works in them as anywhere else.
  settings: namedMap(z.unknown()),
});

// The resolved shape others code against lives in types.ts; this line keeps the two in step.
const _check: CrewConfig = {} as z.output<typeof crewConfigSchema>;

/**
 * How a config is parsed: without zod's compiled parsers. zod compiles a parser for each object
 * schema at its first parse (`new Function`), which pays only over many parses; crew parses a
 * config once or twice per process, and compiling cost ~5-15 ms of every start.
 */
export const PARSE_ONCE = { jitless: true } as const;

/** Every key at its default: what an empty config folder resolves to. */
export function defaultConfig(): CrewConfig {
  return crewConfigSchema.parse({}, PARSE_ONCE);
}
