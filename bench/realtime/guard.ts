// The generator's bound: a step that makes no progress for a while is given up, not waited for.

/** No progress for PRIZMAI_BENCH_STALL_MS (default 15 s). */
export const STALL_MS = Number(process.env.PRIZMAI_BENCH_STALL_MS ?? 15_000);

export class StalledError extends Error {}

/**
 * `work`'s result, or a StalledError once `progress()` (any counter that moves while the work gets
 * somewhere) has not changed for `limitMs`. The work is not cancelled: the caller stops it (by closing
 * its sockets) and reports what it had.
 */
export async function guard<T>(work: Promise<T>, progress: () => number, what: string, limitMs = STALL_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  let last = progress();
  let lastMoved = performance.now();
  const stalled = new Promise<never>((_, reject) => {
    timer = setInterval(() => {
      const now = progress();
      if (now !== last) {
        last = now;
        lastMoved = performance.now();
      } else if (performance.now() - lastMoved >= limitMs) {
        reject(new StalledError(`${what}: no progress for ${(limitMs / 1000).toFixed(0)} s`));
      }
    }, 250);
  });
  // Should the work fail after a stall, nobody awaits it any more.
  work.catch(() => {});
  try {
    return await Promise.race([work, stalled]);
  } finally {
    clearInterval(timer);
  }
}
