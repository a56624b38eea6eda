import type { ProcessState } from './types.js';

// The named states of a supervised process and the only moves between them (SPEC §4). Every change of
// state goes through `nextState`, so a new state is a new row here, not a new flag in five files.
//
//   stopped ──▶ starting ──▶ ready ◀──▶ unhealthy
//                 ▲  │          │           │
//                 │  ▼          ▼           ▼
//              backoff ◀── (it exited, or was killed for not answering) ──▶ failed (gave up)
//
//   any running state ──▶ stopped (stop requested); failed ──▶ starting (started again);
//   ready ──▶ starting (a one-shot step, done, run again by a later start)

export const TRANSITIONS: Readonly<Record<ProcessState, readonly ProcessState[]>> = {
  /** Not running and not wanted. */
  stopped: ['starting'],
  /** Wanted: waiting for its dependencies, spawned, or probed until ready. */
  starting: ['ready', 'backoff', 'failed', 'stopped'],
  /** Ready, and (with liveness on) answering its probes; a one-shot step that is done runs again from here. */
  ready: ['unhealthy', 'backoff', 'failed', 'stopped', 'starting'],
  /** Running, but its last liveness probe failed; killed and restarted after enough failures in a row. */
  unhealthy: ['ready', 'backoff', 'failed', 'stopped'],
  /** Exited while wanted: restarted after a delay. */
  backoff: ['starting', 'stopped'],
  /** Gave up (crashed too often, or cannot be spawned). */
  failed: ['starting', 'stopped'],
};

/** Whether `from` may move to `to`. */
export function canTransition(from: ProcessState, to: ProcessState): boolean {
  return TRANSITIONS[from].includes(to);
}

/** `to`, when the table allows the move; otherwise an error naming the process and the move. */
export function nextState(name: string, from: ProcessState, to: ProcessState): ProcessState {
  if (!canTransition(from, to)) {
    throw new Error(
      `${name}: ${from} → ${to} is not a transition (allowed from ${from}: ${TRANSITIONS[from].join(', ')})`,
    );
  }
  return to;
}
