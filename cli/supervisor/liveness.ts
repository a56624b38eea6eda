// Liveness: probing a process that is ready, on an interval, each probe within a deadline. A probe
// answers "alive" (perhaps degraded: it answered, but says a dependency is down — restarting it would
// not help), or rejects when nothing answered. Raw sockets and the IPC channel: the daemon stays light.
import type { ChildProcess } from 'node:child_process';
import { httpStatus, pingRedis } from './probes.js';
import type { Readiness } from './types.js';

/** What a probe that was answered says: null when all is well, else what is degraded. */
export type Degraded = string | null;

let heartbeats = 0;

/**
 * A heartbeat over the child's IPC channel: `{type: "ping", id}` out, `{type: "pong", id}` back from its
 * event loop (service/lifecycle.ts), so a blocked loop or a stopped process answers nothing. The pong
 * may name what is degraded (`{degraded: "Redis reconnecting"}`).
 */
export function heartbeat(child: ChildProcess | undefined, timeoutMs: number): Promise<Degraded> {
  return new Promise((resolve, reject) => {
    if (!child?.connected) {
      reject(new Error('its IPC channel is closed'));
      return;
    }
    const id = ++heartbeats;
    const done = () => {
      clearTimeout(timer);
      child.off('message', onMessage);
    };
    const onMessage = (message: unknown) => {
      const pong = message as { type?: string; id?: number; degraded?: unknown };
      if (pong?.type !== 'pong' || pong.id !== id) return;
      done();
      resolve(typeof pong.degraded === 'string' ? pong.degraded : null);
    };
    const timer = setTimeout(() => {
      done();
      reject(new Error(`no answer to a heartbeat within ${timeoutMs} ms`));
    }, timeoutMs);
    child.on('message', onMessage);
    child.send({ type: 'ping', id }, (error) => {
      if (!error) return;
      done();
      reject(error);
    });
  });
}

/** One liveness probe of a ready process, as its readiness kind says. */
export function probeLiveness(
  readiness: Readiness,
  child: ChildProcess | undefined,
  timeoutMs: number,
): Promise<Degraded> {
  switch (readiness.kind) {
    case 'redis':
      return pingRedis(readiness.host, readiness.port, timeoutMs, readiness.password).then(() => null);
    case 'http':
      return httpAlive(readiness.hosts, readiness.port, readiness.path, timeoutMs);
    case 'signal':
      return heartbeat(child, timeoutMs);
    case 'exit0':
      return Promise.resolve(null);
  }
}

/** Any answer is life; /healthz answers 503 when the database or Redis is down: degraded, not dead. */
async function httpAlive(hosts: string[], port: number, path: string, timeoutMs: number): Promise<Degraded> {
  const outcomes = await Promise.allSettled(hosts.map((host) => httpStatus(host, port, path, timeoutMs)));
  const answers = outcomes.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value] : []));
  if (answers.length === 0) {
    throw new Error(outcomes.map((outcome) => (outcome as PromiseRejectedResult).reason.message).join('; '));
  }
  const best = answers.find((answer) => answer.status === 200) ?? (answers[0] as { status: number; body: string });
  return best.status === 200 ? null : `GET ${path} answered ${best.status}: ${best.body}`;
}
