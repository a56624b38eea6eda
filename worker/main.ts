// The worker process: runs BullMQ queues. Minimal for now (the supervisor's entry point): it connects to
// Redis, consumes the scheduled-jobs queue, reports ready to its supervisor and stops cleanly on SIGTERM.
import type * as BullMQ from 'bullmq';
import type * as IORedis from 'ioredis';
import { loadRuntimeConfig } from '../config/runtime.js';
import { requireCjs } from '../service/cjs.js';
import { runProcess, stopOnSignals } from '../service/lifecycle.js';
import { redisUrlOf } from '../service/redis-url.js';
import { SCHEDULED_QUEUE } from './queues.js';

// Through require: BullMQ's and ioredis' CommonJS builds load without Node's ESM export scan.
const { Worker } = requireCjs('bullmq') as typeof BullMQ;
const { Redis } = requireCjs('ioredis') as typeof IORedis;

async function main(): Promise<void> {
  const config = await loadRuntimeConfig();
  // BullMQ's blocking connection must retry forever rather than fail a request.
  const connection = new Redis(redisUrlOf(config), { maxRetriesPerRequest: null });
  const worker = new Worker(
    SCHEDULED_QUEUE,
    async (job) => {
      process.stdout.write(`job ${job.name} (${job.id}) ran\n`);
    },
    { connection, concurrency: config.worker.concurrency },
  );
  worker.on('error', (error) => process.stderr.write(`worker error: ${error.message}\n`));
  await worker.waitUntilReady();
  process.stdout.write(`worker ready on queue ${SCHEDULED_QUEUE}\n`);
  if (process.connected) process.send?.({ type: 'ready' });

  stopOnSignals(
    (signal) => process.stdout.write(`worker stopping (${signal})\n`),
    [[() => worker.close()], [() => connection.quit()]],
  );
}

runProcess('worker', main);
