// The start and stop of the long-running processes (service, worker, beat), written once.
import cluster from 'node:cluster';

/** Runs a process's `main`; a start-up failure is printed and exits 1, so the supervisor sees it. */
export function runProcess(name: string, main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    process.stderr.write(`${name} failed to start: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  });
}

/** Whether this process is one of several service instances (a node:cluster worker of the supervisor). */
export function isClusterInstance(): boolean {
  return cluster.isWorker && process.connected;
}

/** A message from the supervisor over the IPC channel (when the process has one). */
type SupervisorMessage = { type?: string; id?: unknown } | null | undefined;

/**
 * Answers the supervisor's liveness heartbeats (`ping` → `pong`) over the IPC channel, from the event
 * loop — so a blocked loop answers nothing — naming what `degraded` says is wrong (Redis reconnecting).
 */
export function answerHeartbeats(degraded: () => string | null = () => null): void {
  if (!process.connected) return;
  process.on('message', (message: SupervisorMessage) => {
    if (message?.type !== 'ping') return;
    const problem = degraded();
    process.send?.({ type: 'pong', id: message.id, ...(problem ? { degraded: problem } : {}) });
  });
}

/** What a process's Redis connection says of itself, when it is not connected. */
export function redisDegraded(connections: { status: string }[]): () => string | null {
  return () => {
    const down = connections.find((connection) => connection.status !== 'ready');
    return down ? `Redis ${down.status}` : null;
  };
}

/**
 * On SIGTERM, SIGINT or the supervisor's `shutdown` message over IPC (once, whichever comes first; on
 * Windows the message is the only graceful way): `announce`, then each stage in order — every step of a
 * stage runs even if another fails — then exit 0.
 */
export function stopOnSignals(announce: (signal: string) => void, stages: (() => Promise<unknown>)[][]): void {
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    announce(signal);
    for (const stage of stages) await Promise.allSettled(stage.map((step) => step()));
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
  if (process.connected) {
    process.on('message', (message: SupervisorMessage) => {
      if (message?.type === 'shutdown') void stop('shutdown request');
    });
  }
}
