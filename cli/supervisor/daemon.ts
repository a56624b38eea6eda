// The supervisor daemon's entry: started detached by `prizmai start` with the resolved config in its
// environment; owns the stack until `prizmai stop` (or a signal) shuts it down.

import { RESOLVED_CONFIG_ENV } from '../../config/runtime.js';
import type { ResolvedConfig } from '../../config/types.js';
import { stopSignals } from '../platform.js';
import { DAEMON_NAMES_ENV } from './daemon-env.js';
import { HostError, hostSupervisor } from './host.js';

async function main(): Promise<void> {
  const config = JSON.parse(process.env[RESOLVED_CONFIG_ENV] ?? 'null') as ResolvedConfig | null;
  if (!config) throw new Error(`${RESOLVED_CONFIG_ENV} is not set: the daemon is started by \`prizmai start\``);
  const names = JSON.parse(process.env[DAEMON_NAMES_ENV] ?? '[]') as string[];
  delete process.env[DAEMON_NAMES_ENV];
  let host: Awaited<ReturnType<typeof hostSupervisor>>;
  try {
    host = await hostSupervisor({ config, names, foreground: false });
  } catch (error) {
    const code = error instanceof HostError ? error.code : 'failed';
    process.send?.({ type: 'error', code, message: (error as Error).message });
    process.exitCode = 1;
    return;
  }
  log(`supervisor ${process.pid} started for ${config.stateDir}`);
  process.send?.({ type: 'listening', pid: process.pid });
  if (process.connected) process.disconnect();
  for (const signal of stopSignals) {
    process.on(signal, () => {
      log(`received ${signal}: stopping the stack`);
      void host.shutdown();
    });
  }
  process.on('uncaughtException', (error) => {
    log(`uncaught exception: ${error.stack ?? error.message}; stopping the stack`);
    void host.shutdown();
  });
  await host.closed;
  log('stack stopped; supervisor exits');
  // Give the answer to `stop` a moment to flush, then go, whatever handle may linger.
  setTimeout(() => process.exit(0), 20);
}

function log(text: string): void {
  process.stdout.write(`${new Date().toISOString()} ${text}\n`);
}

main().catch((error: unknown) => {
  log(`supervisor failed: ${(error as Error).stack ?? String(error)}`);
  process.send?.({ type: 'error', code: 'failed', message: (error as Error).message });
  process.exit(1);
});
