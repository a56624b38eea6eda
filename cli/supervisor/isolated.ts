// `prizmai run --isolated`: a private throw-away stack — temporary state dir, free ports, fresh database.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ResolvedConfig } from '../../config/types.js';
import { freePorts } from './free-ports.js';

export interface IsolatedStack {
  config: ResolvedConfig;
  /** Removes the state dir and drops the database; safe to call twice. */
  dispose(): Promise<void>;
  /** New ports, for a retry after another job took one first. */
  reroll(): Promise<void>;
}

export async function isolate(base: ResolvedConfig): Promise<IsolatedStack> {
  const stateDir = mkdtempSync(join(tmpdir(), 'prizmai-run-'));
  let drop: (() => Promise<void>) | undefined;
  let databaseUrl = `sqlite:${join(stateDir, 'prizmai.db')}`;
  try {
    if (!base.database.url.startsWith('sqlite:')) {
      const { createThrowawayPgDatabase } = await import('../../service/db/pg-databases.js');
      const database = await createThrowawayPgDatabase(base.database.url, 'prizmai_run');
      databaseUrl = database.url;
      drop = database.drop;
    }
  } catch (error) {
    rmSync(stateDir, { recursive: true, force: true });
    throw error;
  }
  const [servicePort, redisPort] = (await freePorts(2)) as [number, number];
  const stack: IsolatedStack = {
    config: {
      ...base,
      stateDir,
      service: { ...base.service, port: servicePort },
      // A managed Redis of its own: a shared one would mix the queues of parallel jobs.
      redis: { ...base.redis, url: undefined, port: redisPort },
      database: { url: databaseUrl },
    },
    async reroll() {
      const [s, r] = (await freePorts(2)) as [number, number];
      stack.config = {
        ...stack.config,
        service: { ...stack.config.service, port: s },
        redis: { ...stack.config.redis, port: r },
      };
    },
    async dispose() {
      const dropping = drop;
      drop = undefined;
      await dropping?.().catch(() => {});
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
  return stack;
}
