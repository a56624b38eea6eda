import type { Job, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { ResolvedConfig } from '../../config/types.js';
import { JOB_STATES, WORKER_QUEUES } from '../../service/queue/names.js';
import { CliError, ExitCode } from '../errors.js';
import { jsonFieldsOf, printJsonList } from '../json-fields.js';
import { optionsOf, resolveConfig } from '../options.js';
import { note, printJson, printLine } from '../output.js';

// `prizmai jobs` (SPEC §8: failed jobs stay inspectable): the worker's BullMQ queues in Redis — never
// the database — their counts and last failures, and retrying or cleaning failed jobs.

/** The worker's queues, by full name (`prizmai-mentions`) or short name (`mentions`). */
const QUEUES = WORKER_QUEUES;
const STATES = JOB_STATES;
/** Failures listed per queue. */
const LAST_FAILURES = 5;
/** How long a command waits for Redis before saying it is not answering. */
const REDIS_WAIT_MS = 3000;

function queueName(name: unknown): (typeof QUEUES)[number] {
  const found = QUEUES.find((queue) => queue === name || queue === `prizmai-${String(name)}`);
  if (!found) throw new CliError(`no queue "${String(name)}"; the queues are: ${QUEUES.join(', ')}`, ExitCode.usage);
  return found;
}

async function withQueues<T>(config: ResolvedConfig, work: (open: (name: string) => Queue) => Promise<T>): Promise<T> {
  const { redisUrlFor, shownUrl } = await import('../../config/managed-redis.js');
  const { Redis: RedisClient } = await import('ioredis');
  const { Queue: BullQueue } = await import('bullmq');
  const url = redisUrlFor(config);
  const connection: Redis = new RedisClient(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 1,
    connectTimeout: REDIS_WAIT_MS,
    commandTimeout: REDIS_WAIT_MS,
    retryStrategy: () => null,
  });
  connection.on('error', () => {});
  const where = shownUrl(url);
  try {
    await connection.connect();
  } catch (error) {
    throw new CliError(
      `Redis is not answering at ${where} (${(error as Error).message}): is the stack running? (prizmai start, prizmai status)`,
    );
  }
  const opened: Queue[] = [];
  try {
    return await work((name) => {
      const queue = new BullQueue(name, { connection });
      opened.push(queue);
      return queue;
    });
  } finally {
    await Promise.allSettled(opened.map((queue) => queue.close()));
    connection.disconnect();
  }
}

function failureOf(job: Job) {
  return {
    id: job.id ?? null,
    name: job.name,
    error: job.failedReason ?? null,
    attempts: job.attemptsMade,
    failed_at: job.finishedOn ? new Date(job.finishedOn).toISOString() : null,
  };
}

/** `prizmai jobs`: per queue, counts by state and the last failures with their error and attempts. */
export async function list(...args: unknown[]): Promise<number> {
  const options = optionsOf(args);
  const fields = jsonFieldsOf(options, 'jobs');
  const { config } = await resolveConfig(options);
  const queues = await withQueues(config, (open) =>
    Promise.all(
      QUEUES.map(async (name) => {
        const queue = open(name);
        const counts = await queue.getJobCounts(...STATES);
        const failures = (await queue.getFailed(0, LAST_FAILURES - 1)).map(failureOf);
        return { name, counts: Object.fromEntries(STATES.map((state) => [state, counts[state] ?? 0])), failures };
      }),
    ),
  );
  if (options.json) {
    printJsonList(fields, queues, { queues });
    return 0;
  }
  for (const queue of queues) {
    printLine(`${queue.name}  ${STATES.map((state) => `${state} ${queue.counts[state]}`).join('  ')}`);
    for (const failure of queue.failures) {
      printLine(
        `  failed  ${failure.id}  ${failure.name}  after ${failure.attempts} attempt(s)  ${failure.failed_at ?? ''}  ${failure.error ?? ''}`,
      );
    }
  }
  return 0;
}

/** `prizmai jobs retry <queue> (--all | <job id>)`: failed jobs run again. */
export async function retry(queueArg: unknown, jobId: unknown, ...args: unknown[]): Promise<number> {
  const options = optionsOf(args);
  const name = queueName(queueArg);
  if ((jobId === undefined) === !options.all) {
    throw new CliError('name one failed job by its id, or pass --all (not both)', ExitCode.usage);
  }
  const { config } = await resolveConfig(options);
  const retried = await withQueues(config, async (open) => {
    const queue = open(name);
    if (options.all) {
      const count = (await queue.getJobCounts('failed')).failed ?? 0;
      await queue.retryJobs({ state: 'failed' });
      return count;
    }
    const job = await queue.getJob(String(jobId));
    if (!job) throw new CliError(`no job "${String(jobId)}" in ${name}`, ExitCode.notFound);
    const state = await job.getState();
    if (state !== 'failed') throw new CliError(`job "${String(jobId)}" in ${name} is ${state}, not failed`);
    await job.retry('failed');
    return 1;
  });
  if (options.json) printJson({ queue: name, retried });
  else note(`${retried} failed job(s) of ${name} queued again`);
  return 0;
}

/** `prizmai jobs clean <queue> --failed`: failed jobs removed. */
export async function clean(queueArg: unknown, ...args: unknown[]): Promise<number> {
  const options = optionsOf(args);
  const name = queueName(queueArg);
  if (!options.failed) throw new CliError('say what to clean: --failed', ExitCode.usage);
  const { config } = await resolveConfig(options);
  const removed = await withQueues(config, async (open) => (await open(name).clean(0, 0, 'failed')).length);
  if (options.json) printJson({ queue: name, removed });
  else note(`${removed} failed job(s) of ${name} removed`);
  return 0;
}
