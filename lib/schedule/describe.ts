// How a schedule's action reads in records and in `crew scheduler list`: short, and with any
// URL password inside a command masked.
import { redactText } from '../config/redact.js';
import type { ScheduleAction } from './types.js';

export function describeAction(action: ScheduleAction): string {
  switch (action.kind) {
    case 'function':
      return 'function';
    case 'job':
      return `job ${action.job}`;
    case 'command':
      return `command ${JSON.stringify(redactText(action.command))}`;
  }
}

/** The action as JSON output shows it: its kind and its settings, nothing executable. */
export function actionFields(action: ScheduleAction): Record<string, unknown> {
  switch (action.kind) {
    case 'function':
      return { kind: 'function' };
    case 'job':
      return action.data === undefined ? { kind: 'job', job: action.job } : { kind: 'job', job: action.job, data: action.data };
    case 'command':
      return { kind: 'command', command: redactText(action.command) };
  }
}
