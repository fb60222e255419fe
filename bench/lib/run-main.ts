// How every benchmark ends: exit 0 when its targets passed, 1 when one missed or it failed.
export function runMain(name: string, main: () => Promise<boolean>): void {
  main().then(
    (ok) => (process.exitCode = ok ? 0 : 1),
    (error: Error) => {
      console.error(`${name} benchmark failed: ${error.stack ?? error.message}`);
      process.exitCode = 1;
    },
  );
}
