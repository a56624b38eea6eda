/** Restart policy of a crashed process. */
export interface RestartPolicy {
  /** First retry delay. @defaultValue 10 */
  initialDelayMs: number;
  /** Each retry waits this many times longer than the last. @defaultValue 4 */
  factor: number;
  /** @defaultValue 5000 */
  maxDelayMs: number;
  /** More crashes than this within `windowMs` → `failed`. @defaultValue 5 */
  maxCrashes: number;
  /** @defaultValue 30000 */
  windowMs: number;
}

export const defaultRestartPolicy: RestartPolicy = {
  initialDelayMs: 10,
  factor: 4,
  maxDelayMs: 5000,
  maxCrashes: 5,
  windowMs: 30_000,
};

/** Counts crashes in a sliding window and says how long to wait before the next try, or to give up. */
export class Backoff {
  private crashes: number[] = [];

  constructor(private readonly policy: RestartPolicy = defaultRestartPolicy) {}

  /** Records a crash at `now`; returns the delay before the next start, or undefined to give up. */
  next(now: number): number | undefined {
    this.crashes = this.crashes.filter((t) => now - t < this.policy.windowMs);
    this.crashes.push(now);
    if (this.crashes.length > this.policy.maxCrashes) return undefined;
    const delay = this.policy.initialDelayMs * this.policy.factor ** (this.crashes.length - 1);
    return Math.min(delay, this.policy.maxDelayMs);
  }

  reset(): void {
    this.crashes = [];
  }
}
