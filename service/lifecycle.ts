// The start and stop of the long-running processes (service, worker, beat), written once.

/** Runs a process's `main`; a start-up failure is printed and exits 1, so the supervisor sees it. */
export function runProcess(name: string, main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    process.stderr.write(`${name} failed to start: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  });
}

/**
 * On SIGTERM or SIGINT (once, whichever comes first): `announce`, then each stage in order — every
 * step of a stage runs even if another fails — then exit 0.
 */
export function stopOnSignals(announce: (signal: string) => void, stages: (() => Promise<unknown>)[][]): void {
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    announce(signal);
    for (const stage of stages) await Promise.allSettled(stage.map((step) => step()));
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}
