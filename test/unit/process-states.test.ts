// The supervisor's process states and the one table of moves between them (cli/supervisor/states.ts).
import { describe, expect, it } from 'vitest';
import { canTransition, nextState, TRANSITIONS } from '../../cli/supervisor/states.js';
import type { ProcessState } from '../../cli/supervisor/types.js';

const STATES: ProcessState[] = ['stopped', 'starting', 'ready', 'unhealthy', 'backoff', 'failed'];

describe('process state transitions', () => {
  it('name every state, and lead only to named states', () => {
    expect(Object.keys(TRANSITIONS).sort()).toEqual([...STATES].sort());
    for (const targets of Object.values(TRANSITIONS)) for (const to of targets) expect(STATES).toContain(to);
  });

  it('allow the life of a process: start, ready, unhealthy and back, crash, restart, give up, stop', () => {
    const life: ProcessState[] = ['stopped', 'starting', 'ready', 'unhealthy', 'ready', 'backoff', 'starting'];
    life.push('ready', 'unhealthy', 'backoff', 'starting', 'failed', 'starting', 'ready', 'stopped');
    let state: ProcessState = 'stopped';
    for (const to of life.slice(1)) state = nextState('service', state, to);
    expect(state).toBe('stopped');
  });

  it('let every state but stopped stop; let nothing but starting leave stopped', () => {
    for (const from of STATES) expect(canTransition(from, 'stopped'), from).toBe(from !== 'stopped');
    expect(TRANSITIONS.stopped).toEqual(['starting']);
  });

  it('refuse the moves the table does not have, naming the process and the move', () => {
    const refused: [ProcessState, ProcessState][] = [
      ['stopped', 'ready'],
      ['stopped', 'unhealthy'],
      ['starting', 'unhealthy'],
      ['backoff', 'ready'],
      ['backoff', 'unhealthy'],
      ['failed', 'ready'],
      ['unhealthy', 'starting'],
    ];
    for (const [from, to] of refused) {
      expect(canTransition(from, to), `${from} → ${to}`).toBe(false);
      expect(() => nextState('worker', from, to)).toThrow(`worker: ${from} → ${to} is not a transition`);
    }
  });

  it('only a running process is unhealthy: it is reached from ready alone', () => {
    const into = STATES.filter((from) => canTransition(from, 'unhealthy'));
    expect(into).toEqual(['ready']);
  });
});
