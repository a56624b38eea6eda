// The beat process: keeps the BullMQ job schedulers in step with `beat.schedules`, then reports ready to
// its supervisor, answers its heartbeats, and stays up until SIGTERM or its shutdown request.
import type * as BullMQ from 'bullmq';
import type * as IORedis from 'ioredis';
import { redisUrlFor } from '../config/managed-redis.js';
import { loadRuntimeConfig } from '../config/runtime.js';
import { requireCjs } from '../service/cjs.js';
import { answerHeartbeats, redisDegraded, runProcess, stopOnSignals } from '../service/lifecycle.js';
import { SCHEDULED_QUEUE } from '../service/queue/names.js';

// Through require: BullMQ's and ioredis' CommonJS builds load without Node's ESM export scan.
const { Queue } = requireCjs('bullmq') as typeof BullMQ;
const { Redis } = requireCjs('ioredis') as typeof IORedis;

async function main(): Promise<void> {
  const config = await loadRuntimeConfig();
  const connection = new Redis(redisUrlFor(config), { maxRetriesPerRequest: null });
  const queue = new Queue(SCHEDULED_QUEUE, { connection });
  queue.on('error', (error) => process.stderr.write(`beat error: ${error.message}\n`));
  const schedules = Object.entries(config.beat.schedules);
  for (const [name, schedule] of schedules) {
    if (schedule.enabled) await queue.upsertJobScheduler(name, { every: schedule.everyMs }, { name });
  }
  // Schedulers no longer configured (or disabled) are removed, so Redis matches the config.
  const wanted = new Set(schedules.filter(([, s]) => s.enabled).map(([name]) => name));
  for (const existing of await queue.getJobSchedulers()) {
    const id = existing.id ?? existing.key;
    if (id && !wanted.has(id)) await queue.removeJobScheduler(id);
  }
  process.stdout.write(`beat ready: ${[...wanted].join(', ') || 'no schedules'}\n`);
  if (process.connected) process.send?.({ type: 'ready' });
  answerHeartbeats(redisDegraded([connection]));

  stopOnSignals(
    (signal) => process.stdout.write(`beat stopping (${signal})\n`),
    [[() => queue.close()], [() => connection.quit()]],
  );
}

runProcess('beat', main);
