// Whether a module is TypeScript, by its file name: such an app needs tsx in every process that
// loads it. Its own file because the primary asks before anything else is loaded (it decides how
// the child forked ahead runs: lib/primary/fork-child.ts), and load-app.ts brings much more.

const TYPESCRIPT = /\.[mc]?tsx?$/;

export function isTypeScript(path: string): boolean {
  return TYPESCRIPT.test(path);
}
