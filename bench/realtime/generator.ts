// The realtime benchmark's generator: the same scenarios, with the same settings, against every
// system in turn — scenario by scenario, each system alone (never two at once). Prints one line per
// scenario and system, and a FAILED line for anything wrong (and sets process.exitCode = 1).
import { type BurstResult, runBurst } from './burst.js';
import { type ConnectsResult, runConnects } from './connects.js';
import { type DeliveryResult, runDelivery } from './delivery.js';
import { type IdleMemoryResult, runIdleMemory } from './idle-memory.js';
import { otherProcessesCpu, processCpu, settle } from './proc.js';
import type { Target } from './target.js';

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);

export const SETTINGS = {
  fanOut: {
    subscribers: 100,
    // Posts in flight at once (a closed loop): the figure is bounded by window / latency.
    window: env('PRIZMAI_BENCH_FANOUT_WINDOW', 20),
    warmup: 100,
    messages: env('PRIZMAI_BENCH_MESSAGES', 2000),
  },
  rooms: {
    rooms: 10,
    subscribersPerRoom: 20,
    window: env('PRIZMAI_BENCH_ROOMS_WINDOW', 10),
    warmup: 50,
    messages: env('PRIZMAI_BENCH_ROOM_MESSAGES', 500),
  },
  connects: { count: 2000, concurrency: 50 },
  idleMemory: { count: 1000, concurrency: 50 },
  burst: { count: 3000 },
} as const;

export interface Results {
  idleMemory?: IdleMemoryResult;
  connects?: ConnectsResult;
  fanOut?: DeliveryResult;
  rooms?: DeliveryResult;
  burst?: BurstResult;
  /** Scenarios that threw instead of producing a result. */
  errors: Record<string, string>;
  /** CPU (in cores, on average) that processes outside the benchmark's own tree used during each scenario. */
  otherCores: Record<string, number>;
}

/** More than this much CPU used by other processes makes a scenario's figures unreliable. */
export const BUSY_CORES = 0.2;

interface Scenario<K extends keyof Omit<Results, 'errors'>> {
  key: K;
  title: string;
  /** `round` from 1; each round's client_ids are its own (a repeated one is an idempotent repeat). */
  run(target: Target, round: number): Promise<NonNullable<Results[K]>>;
  /** One line of what it measured. */
  summary(result: NonNullable<Results[K]>): string;
  /** What went wrong, each a FAILED line. */
  problems(result: NonNullable<Results[K]>): string[];
  /**
   * A throughput scenario runs ROUNDS times, the systems taking turns, and keeps each system's median
   * round by this figure: one round is at the mercy of whatever else the machine does for a second.
   */
  figure?(result: NonNullable<Results[K]>): number;
  /** Rounds instead of ROUNDS (a short scenario needs more to settle). */
  rounds?: number;
}

/** Rounds of each throughput scenario (PRIZMAI_BENCH_ROUNDS). */
const ROUNDS = env('PRIZMAI_BENCH_ROUNDS', 3);

const int = (n: number) => Math.round(n).toLocaleString('en');
const ms = (n: number) => n.toFixed(1);
const counts = (record: Record<string, number>) =>
  Object.entries(record)
    .map(([what, n]) => `${what} ×${n}`)
    .join('; ');

function deliveryProblems(r: DeliveryResult): string[] {
  const problems: string[] = [];
  if (r.aborted)
    problems.push(`${r.aborted} (had ${int(r.messages)} counted messages, ${int(r.deliveries)} deliveries)`);
  if (r.lost || r.duplicated || r.outOfOrder) {
    problems.push(
      `${int(r.lost)} lost, ${int(r.duplicated)} duplicated, ${int(r.outOfOrder)} out-of-order deliveries` +
        (r.acksOutOfSendOrder ? ` (${int(r.acksOutOfSendOrder)} acks with a message_id below an earlier post's)` : ''),
    );
  }
  if (r.refused) problems.push(`${int(r.refused)} refused posts: ${counts(r.errors)}`);
  if (r.missingAcks) problems.push(`${int(r.missingAcks)} posts never acked`);
  if (r.unexpectedCloses)
    problems.push(`${int(r.unexpectedCloses)} unexpected closes (code ×n: ${counts(r.closeCodes)})`);
  if (r.stray) problems.push(`${int(r.stray)} frames with a client_id not sent to that room`);
  if (r.unresolvedMentions)
    problems.push(`${int(r.unresolvedMentions)} broadcasts of a mention with no mentioned_users`);
  return problems;
}

const deliverySummary = (r: DeliveryResult) =>
  `${int(r.deliveries)} deliveries in ${r.seconds.toFixed(2)} s: ${int(r.deliveriesPerSecond)} deliveries/s, ` +
  `${int(r.messagesPerSecond)} messages/s, latency p50 ${ms(r.p50Ms)} ms, p99 ${ms(r.p99Ms)} ms`;

const { fanOut, rooms, connects, idleMemory, burst } = SETTINGS;

/**
 * In this order: idle memory first, on a fresh server, before the other scenarios' garbage can blur its
 * RSS. Measured once: a second round on the same process reuses the memory the first round's closed
 * connections freed, and reads near 0.
 */
export const scenarios = [
  {
    key: 'idleMemory',
    title: 'idle memory',
    run: (target) => runIdleMemory(target, idleMemory.count, idleMemory.concurrency),
    summary: (r) =>
      `${int(r.connected)} idle subscribed connections: RSS ${int(r.beforeKiB)} → ${int(r.afterKiB)} KiB, ` +
      `${r.kibPerConnection.toFixed(1)} KiB each`,
    problems: (r) => (r.aborted ? [`${r.aborted} (had ${r.connected} connections)`] : []),
  } satisfies Scenario<'idleMemory'>,
  {
    key: 'connects',
    title: 'connects',
    run: (target) => runConnects(target, connects.count, connects.concurrency),
    summary: (r) =>
      `${int(r.connected)} connections (${connects.concurrency} at a time) in ${r.seconds.toFixed(2)} s: ${int(r.connectsPerSecond)}/s`,
    figure: (r) => r.connectsPerSecond,
    rounds: 5,
    problems: (r) => [
      ...(r.aborted ? [r.aborted] : []),
      ...(r.failed ? [`${r.failed} connections failed; the first: ${r.firstFailure}`] : []),
    ],
  } satisfies Scenario<'connects'>,
  {
    key: 'fanOut',
    title: 'fan-out',
    run: (target, round) =>
      runDelivery(target, {
        name: `fan-out${round}`,
        rooms: [target.rooms.fanOut],
        subscribersPerRoom: fanOut.subscribers,
        window: fanOut.window,
        warmup: fanOut.warmup,
        messages: fanOut.messages,
      }),
    summary: deliverySummary,
    problems: deliveryProblems,
    figure: (r) => r.deliveriesPerSecond,
  } satisfies Scenario<'fanOut'>,
  {
    key: 'rooms',
    title: 'rooms',
    run: (target, round) =>
      runDelivery(target, {
        name: `rooms${round}`,
        rooms: target.rooms.rooms.slice(0, rooms.rooms),
        subscribersPerRoom: rooms.subscribersPerRoom,
        window: rooms.window,
        warmup: rooms.warmup,
        messages: rooms.messages,
      }),
    summary: deliverySummary,
    problems: deliveryProblems,
    figure: (r) => r.deliveriesPerSecond,
  } satisfies Scenario<'rooms'>,
  {
    key: 'burst',
    title: 'burst',
    run: (target) => runBurst(target, burst.count),
    summary: (r) =>
      `${int(r.acks)} of ${int(r.posts)} posts acked in ${r.seconds.toFixed(2)} s (${int(r.acksPerSecond)} acks/s); ` +
      `RSS ${int(r.rssBeforeKiB)} → peak ${int(r.rssPeakKiB)} → ${int(r.rssAfterKiB)} KiB`,
    problems: (r) => [
      ...(r.aborted ? [r.aborted] : []),
      ...(r.refused ? [`${int(r.refused)} refused posts: ${counts(r.errors)}`] : []),
      ...(r.acks + r.refused < r.posts ? [`${int(r.posts - r.acks - r.refused)} posts never answered`] : []),
      ...(r.outOfOrder ? [`${int(r.outOfOrder)} acks with a message_id not above an earlier post's`] : []),
      ...(r.unexpectedCloses ? [`${r.unexpectedCloses} unexpected closes`] : []),
    ],
  } satisfies Scenario<'burst'>,
];

function failed(line: string): void {
  process.stdout.write(`  FAILED ${line}\n`);
  process.exitCode = 1;
}

/** Every scenario against every target, in turn; a scenario that throws is reported and skipped. */
export async function runGenerator(targets: Target[]): Promise<Map<string, Results>> {
  const results = new Map<string, Results>(targets.map((target) => [target.name, { errors: {}, otherCores: {} }]));
  const width = Math.max(...targets.map((target) => target.name.length));
  // PRIZMAI_BENCH_SCENARIOS=fanOut,rooms and PRIZMAI_BENCH_TARGETS=prizmai narrow a run (profiling).
  const only = (name: string) => process.env[name]?.split(',').filter(Boolean);
  const [someScenarios, someTargets] = [only('PRIZMAI_BENCH_SCENARIOS'), only('PRIZMAI_BENCH_TARGETS')];
  for (const scenario of scenarios) {
    if (someScenarios && !someScenarios.includes(scenario.key)) continue;
    // One generic call over the table: each scenario's run, summary and problems agree on its result.
    const { key, run, summary, problems, figure, rounds: ownRounds } = scenario as unknown as Scenario<'fanOut'>;
    const rounds = new Map<string, { result: DeliveryResult; busy: number }[]>();
    for (let round = 1; round <= (figure ? (ownRounds ?? ROUNDS) : 1); round++) {
      for (const target of targets) {
        if (someTargets && !someTargets.includes(target.name)) continue;
        const mine = results.get(target.name) as Results;
        const label = `${scenario.title} on ${target.name.padEnd(width)}${figure ? ` (round ${round})` : ''}`;
        try {
          // Every system quiet first: the other one may still be closing the last scenario's sockets.
          for (const other of targets) await settle(other.pid);
          const others = otherProcessesCpu();
          const server = processCpu(target.pid);
          const generator = processCpu(process.pid);
          const result = await run(target, round);
          const busy = Math.round(others() * 100) / 100;
          const [serverCores, generatorCores] = [server(), generator()];
          rounds.set(target.name, [...(rounds.get(target.name) ?? []), { result, busy }]);
          process.stdout.write(
            `  ${label}: ${summary(result)}; server ${serverCores.toFixed(2)} cores, generator ${generatorCores.toFixed(2)}\n`,
          );
          if (busy > BUSY_CORES) {
            process.stdout.write(
              `    note: other processes used ${busy.toFixed(1)} cores meanwhile: unreliable figures\n`,
            );
          }
          for (const problem of problems(result)) failed(`${label}: ${problem}`);
        } catch (error) {
          mine.errors[key] = (error as Error).message;
          failed(`${label}: ${(error as Error).stack ?? String(error)}`);
        }
      }
    }
    for (const [name, runs] of rounds) {
      const mine = results.get(name) as Results;
      const sorted = figure ? [...runs].sort((a, b) => figure(a.result) - figure(b.result)) : runs;
      const median = sorted[Math.floor((sorted.length - 1) / 2)] as { result: DeliveryResult; busy: number };
      (mine as unknown as Record<string, unknown>)[key] = median.result;
      mine.otherCores[key] = median.busy;
    }
  }
  return results;
}
