// The package's public entry: what an app imports from 'crew'.
export { defineApp } from './app/define-app.js';
export type {
  AnySettings,
  AppDefinition,
  ComponentDefinition,
  CrewContext,
  EnqueueOptions,
  JobDefinition,
  JobHandler,
  JobInfo,
  ScheduleDefinition,
  ScheduleRun,
} from './app/types.js';
export type { CrewConfig } from './config/types.js';
