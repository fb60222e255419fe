// An app-defined component (`components: { name: { start, stop } }`): crew calls start, reports
// ready when it resolves, and calls stop with the shutdown deadline.
import type { ComponentDefinition } from '../app/types.js';
import type { ComponentRunner, RunningComponent } from './component.js';

export function customRunner(name: string): ComponentRunner {
  return async ({ app, ctx }) => {
    const definition: ComponentDefinition | undefined = app.components?.[name];
    if (!definition) throw new Error(`the app defines no component "${name}"`);
    await definition.start(ctx);
    let stopping: Promise<void> | undefined;
    const running: RunningComponent = {
      stop(deadline) {
        stopping ??= Promise.resolve(definition.stop?.(deadline)).then(() => undefined);
        return stopping;
      },
    };
    return running;
  };
}
