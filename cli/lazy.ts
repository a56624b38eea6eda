/** A command module's entry: commander's action arguments; the last one is the Command itself. */
export type Action = (...args: unknown[]) => Promise<number | undefined>;

/** Loads a command module only when that command runs, so `status` never pays for the ORM or Hono. */
export function lazy(load: () => Promise<{ run: Action }>): (...args: unknown[]) => Promise<void> {
  return async (...args) => {
    const { run } = await load();
    const code = await run(...args);
    if (code !== undefined && code !== 0) process.exitCode = code;
  };
}

/** `lazy` for a module that exports several commands: `lazyExport(() => import('./m.js'), (m) => m.login)`. */
export function lazyExport<M>(load: () => Promise<M>, pick: (module: M) => Action) {
  return lazy(async () => ({ run: pick(await load()) }));
}
