// Gathering what callers submit in one moment into one batch: the posts of one transaction (the post
// writer), the mention jobs of one addBulk (the mention queue).

/** At most this many items in one batch; the rest wait for the next one. */
export const MAX_BATCH = 256;

/**
 * Collects what is submitted, then hands it to `flush` as one batch: one batch is written at a time,
 * and what arrives meanwhile forms the next. With `holdMs`, a batch starts at most that soon after the
 * previous one started (unless a full batch is waiting): under load, posts gather into bigger commits
 * (a commit's cost is mostly its own, not its rows'); when idle, a post is written at once.
 */
export class BatchQueue<T, R> {
  private pending: { item: T; resolve: (r: R) => void; reject: (e: unknown) => void }[] = [];
  private running = false;
  private scheduled = false;
  private lastStart = 0;

  constructor(
    private readonly flush: (items: T[]) => Promise<(R | { error: unknown })[]>,
    private readonly holdMs = 0,
  ) {}

  submit(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.running || this.pending.length === 0) return;
    this.scheduled = true;
    const wait = this.pending.length >= MAX_BATCH ? 0 : this.lastStart + this.holdMs - performance.now();
    if (wait > 0) setTimeout(() => void this.run(), wait);
    else setImmediate(() => void this.run());
  }

  private async run(): Promise<void> {
    this.scheduled = false;
    this.running = true;
    this.lastStart = performance.now();
    const batch = this.pending.splice(0, MAX_BATCH);
    try {
      const results = await this.flush(batch.map((entry) => entry.item));
      batch.forEach((entry, i) => {
        const result = results[i] as R | { error: unknown };
        if (result && typeof result === 'object' && 'error' in result) entry.reject(result.error);
        else entry.resolve(result as R);
      });
    } catch (error) {
      for (const entry of batch) entry.reject(error);
    } finally {
      this.running = false;
      this.schedule();
    }
  }
}
