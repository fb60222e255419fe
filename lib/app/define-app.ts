// `defineApp` is an identity function: it exists so an app's default export is typed. Its
// parameter is the app's shape itself (not a generic of it), so a mistyped key such as `job:`
// is a compile error, and `defineApp<{ db: { host: string } }>({...})` types
// `ctx.config.settings` for every handler of the app.
import type { AnySettings, AppDefinition } from './types.js';

export function defineApp<Settings extends object = AnySettings>(app: AppDefinition<Settings>): AppDefinition<Settings> {
  return app;
}
