// How one component's children run Node: the options config and `--node-args` give it
// (lib/config/node-args.ts), the debugger they ask for, and what a debugger changes in the
// component's supervision. A child paused at a breakpoint answers no heartbeat and says no
// `ready`: with its watchdog and ready timeout on, crew would kill the very process being
// debugged. So a component whose children run a debugger has both off, and crew says so once.
import type { CrewConfig, SupervisorConfig } from '../config/types.js';
import { inspectorOf, nodeArgsFor, type Inspector } from '../config/node-args.js';

export interface NodeLaunch {
  nodeArgs: string[];
  inspector?: Inspector;
}

/** The Node options of `component`'s children and the debugger they ask for. */
export function nodeLaunchFor(config: CrewConfig, component: string): NodeLaunch {
  const nodeArgs = nodeArgsFor(config, component);
  const inspector = inspectorOf(nodeArgs);
  return inspector ? { nodeArgs, inspector } : { nodeArgs };
}

/** The supervision of a component being debugged: no watchdog, no ready timeout. Pure. */
export function policyWhileDebugging(policy: SupervisorConfig, launch: NodeLaunch): SupervisorConfig {
  return launch.inspector ? { ...policy, watchdog: 0, readyTimeout: 0 } : policy;
}

/** The line that says so, once for every component being debugged, when any is. */
export function debuggingNotice(launches: ReadonlyArray<{ component: string; launch: NodeLaunch }>): string | undefined {
  const debugged = launches.flatMap(({ component, launch }) => (launch.inspector ? [`${component} (${launch.inspector.flag}, ${launch.inspector.port === 0 ? 'ports Node picks' : `ports from ${launch.inspector.host}:${launch.inspector.port}`})`] : []));
  if (debugged.length === 0) return undefined;
  return `debugger on for ${debugged.join(', ')}: each child its own port, said as it starts; their watchdog and ready timeout are off, so a child paused in the debugger is not killed`;
}
