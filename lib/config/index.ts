// crew's configuration: loading, the resolved shape, and the helpers others read it with.

export * from './types.js';
export { ConfigError, formatIssue, type ConfigIssue } from './config-error.js';
export { loadConfig, resolveEnvName, type LoadOptions, type LoadedConfig } from './load.js';
export { isProduction } from './production.js';
export { crewConfigSchema, defaultConfig } from './schema.js';
export { supervisorFor } from './supervisor-for.js';
export { redactConfig, redactText, redactUrl } from './redact.js';
export { formatDuration, formatSize, parseDuration, parseSize } from './duration.js';
export { interpolate, type Environ } from './interpolate.js';
export { deepMerge } from './merge.js';
