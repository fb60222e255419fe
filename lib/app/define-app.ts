// `defineApp` is an identity function: it exists so an app's default export is typed.
import type { AppDefinition } from './types.js';

export function defineApp<T extends AppDefinition>(app: T): T {
  return app;
}
