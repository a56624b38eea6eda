// The supervisor's liveness probe, run beside a benchmark's service for its whole life, with the
// defaults a user gets: would the supervisor have restarted a service that was merely busy? Each
// suite prints the verdict, and a restart that would have happened fails the benchmark (issue #9).
import { probeLiveness } from '../cli/supervisor/liveness.js';
import { defaults } from '../config/defaults.js';
import type { Liveness } from '../config/types.js';

const policy = defaults.service.liveness as Exclude<Liveness, false>;

interface Tally {
  probes: number;
  missed: number;
  /** The longest run of unanswered probes in a row. */
  worstRun: number;
  slowestMs: number;
}
const tally: Tally = { probes: 0, missed: 0, worstRun: 0, slowestMs: 0 };

/** Probes `port`'s /healthz as the supervisor would (every `everyMs`, `timeoutMs` to answer) until stopped. */
export function watchLiveness(port: number): () => Promise<void> {
  let run = 0;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let current: Promise<void> = Promise.resolve();
  const round = () => {
    current = (async () => {
      const started = performance.now();
      const answered = await probeLiveness(
        { kind: 'http', hosts: ['127.0.0.1'], port, path: '/healthz' },
        undefined,
        policy.timeoutMs,
      ).then(
        () => true,
        () => false,
      );
      tally.probes++;
      tally.slowestMs = Math.max(tally.slowestMs, performance.now() - started);
      run = answered ? 0 : run + 1;
      if (!answered) tally.missed++;
      tally.worstRun = Math.max(tally.worstRun, run);
      if (!stopped) timer = setTimeout(round, policy.everyMs);
    })();
  };
  timer = setTimeout(round, policy.everyMs);
  return async () => {
    stopped = true;
    clearTimeout(timer);
    await current;
  };
}

/** Prints what the probes saw since the last report; a would-be restart sets a failing exit code. */
export function reportLiveness(suite: string): void {
  const restart = tally.worstRun >= policy.failures;
  process.stdout.write(
    `  liveness under the ${suite} load (supervisor defaults: every ${policy.everyMs} ms, ${policy.timeoutMs} ms to ` +
      `answer, restart after ${policy.failures} unanswered in a row): ${tally.probes} probes, ${tally.missed} unanswered ` +
      `(at most ${tally.worstRun} in a row), slowest answer ${tally.slowestMs.toFixed(0)} ms → ` +
      `${restart ? 'WOULD HAVE RESTARTED THE SERVICE (target: never)' : 'never restarted'}\n`,
  );
  if (restart) process.exitCode = 1;
  Object.assign(tally, { probes: 0, missed: 0, worstRun: 0, slowestMs: 0 });
}
