import { type ChildProcess, spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { askToStop, childSpawnOptions, killTree, lowerPriority, processStartTime } from '../platform.js';
import { Backoff } from './backoff.js';
import { forkInstance } from './cluster.js';
import { probeLiveness } from './liveness.js';
import type { ProcessLog } from './log-writer.js';
import { anyHost, getHealth, pingRedis } from './probes.js';
import { nextState } from './states.js';
import type { LivenessPolicy, ProcessSpec, ProcessState, ProcessStatus } from './types.js';

/** How often readiness is probed: fast at first, then calmer. */
const PROBE_FAST_MS = 5;
const PROBE_SLOW_MS = 100;
const PROBE_FAST_FOR_MS = 3000;

/**
 * One supervised process: spawn, readiness, liveness once ready, restart with backoff, stop. Its states
 * and the moves between them are the table of states.ts; every change goes through `transition`.
 */
export class ManagedProcess extends EventEmitter<{ change: [ProcessStatus] }> {
  private state: ProcessState = 'stopped';
  private child: ChildProcess | undefined;
  private pid: number | null = null;
  private startTime: number | null = null;
  private startedAt: number | null = null;
  private restarts = 0;
  private exitCode: number | null = null;
  private signal: string | null = null;
  private lastError: string | null = null;
  /** Whether the process should be running; false once a stop is requested. */
  private wanted = false;
  /** Bumped on every spawn and stop, so callbacks of an earlier run do nothing. */
  private generation = 0;
  private timer: NodeJS.Timeout | undefined;
  /** Resolves once the current child has exited and its process group is gone. */
  private exited: Promise<void> = Promise.resolve();
  private lastExit: { code: number | null; signal: NodeJS.Signals | null } = { code: null, signal: null };

  constructor(
    readonly spec: ProcessSpec,
    private readonly log: ProcessLog,
    readonly logFile: string,
    private readonly backoff = new Backoff(),
  ) {
    super();
  }

  get current(): ProcessState {
    return this.state;
  }

  get isWanted(): boolean {
    return this.wanted;
  }

  status(): ProcessStatus {
    return {
      name: this.spec.name,
      state: this.state,
      pid: this.pid,
      start_time: this.startTime,
      port: this.spec.port ?? null,
      started_at: this.startedAt,
      restarts: this.restarts,
      exit_code: this.exitCode,
      signal: this.signal,
      last_error: this.lastError,
      log_file: this.logFile,
    };
  }

  /** Marks the process as wanted and waiting for its dependencies (shown as `starting`). */
  queue(waitingFor: string[]): void {
    if (this.wanted && this.state !== 'failed' && this.state !== 'stopped') return;
    this.wanted = true;
    this.backoff.reset();
    this.lastError = waitingFor.length ? `waiting for ${waitingFor.join(', ')}` : null;
    this.transition('starting');
  }

  /** Dependencies are ready: run it (does nothing if it already runs or was stopped meanwhile). */
  launch(): void {
    if (!this.wanted || this.child || this.timer) return;
    void this.spawnOnce(++this.generation);
  }

  private transition(state: ProcessState): void {
    this.state = nextState(this.spec.name, this.state, state);
    this.emit('change', this.status());
  }

  private async spawnOnce(generation: number): Promise<void> {
    const { spec } = this;
    this.exitCode = null;
    this.signal = null;
    this.lastError = null;
    if (this.state !== 'starting') this.transition('starting');
    if (spec.skip) {
      const skip = await spec.skip().catch(() => false);
      if (generation !== this.generation || !this.wanted) return;
      if (skip) {
        this.log.note('nothing to do');
        this.exitCode = 0;
        this.startedAt = Date.now();
        this.transition('ready');
        return;
      }
    }
    this.log.note(`starting: ${[spec.command, ...spec.args].join(' ')}`);
    let child: ChildProcess;
    try {
      child = spec.cluster
        ? forkInstance(spec)
        : spawn(spec.command, spec.args, {
            cwd: spec.cwd,
            env: spec.env,
            stdio: spec.ipc ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'pipe', 'pipe'],
            ...childSpawnOptions,
          });
    } catch (error) {
      this.cannotSpawn(error as Error);
      return;
    }
    this.child = child;
    this.log.attach(child.stdout);
    this.log.attach(child.stderr);
    let settle: () => void = () => {};
    this.exited = new Promise((resolve) => {
      settle = resolve;
    });
    child.once('error', (error) => {
      // Spawning failed (e.g. ENOENT): retrying cannot help.
      if (child.pid === undefined) {
        this.child = undefined;
        settle();
        if (generation === this.generation) this.cannotSpawn(error);
      }
    });
    if (child.pid === undefined) return;
    const pid = child.pid;
    if (spec.background) lowerPriority(pid);
    const startTime = processStartTime(pid) ?? Date.now();
    this.pid = pid;
    this.startTime = startTime;
    this.startedAt = Date.now();
    this.emit('change', this.status());
    child.on('message', (message: unknown) => {
      const ready = (message as { type?: string })?.type === 'ready' && spec.readiness.kind === 'signal';
      if (ready && generation === this.generation) this.becomeReady();
    });
    child.once('exit', (code, signal) => {
      this.child = undefined;
      this.lastExit = { code, signal };
      // Whatever the child left in its process group goes with it.
      void killTree(pid, startTime).finally(settle);
      if (generation === this.generation) this.onExit(code, signal);
    });
    if (spec.readiness.kind === 'redis' || spec.readiness.kind === 'http') this.probe(generation, Date.now());
  }

  private cannotSpawn(error: Error): void {
    this.lastError = `cannot start ${this.spec.command}: ${error.message}`;
    this.log.note(this.lastError);
    this.wanted = false;
    this.pid = null;
    this.startTime = null;
    this.transition('failed');
  }

  private probe(generation: number, since: number): void {
    const { readiness } = this.spec;
    const attempt =
      readiness.kind === 'redis'
        ? pingRedis(readiness.host, readiness.port, 1000, readiness.password)
        : readiness.kind === 'http'
          ? anyHost(readiness.hosts, (host) => getHealth(host, readiness.port, readiness.path))
          : Promise.resolve();
    attempt.then(
      () => {
        if (generation === this.generation && this.state === 'starting') this.becomeReady();
      },
      (error: Error) => {
        if (generation !== this.generation || this.state !== 'starting' || !this.child) return;
        this.lastError = error.message;
        const delay = Date.now() - since < PROBE_FAST_FOR_MS ? PROBE_FAST_MS : PROBE_SLOW_MS;
        setTimeout(() => this.probe(generation, since), delay);
      },
    );
  }

  private becomeReady(): void {
    if (this.state !== 'starting' || !this.wanted) return;
    this.lastError = null;
    this.log.note('ready');
    this.transition('ready');
    if (this.spec.liveness && this.spec.readiness.kind !== 'exit0') this.watch(this.generation, this.spec.liveness);
  }

  /**
   * Liveness: a probe every `everyMs` while this run lasts. An answer that names something degraded
   * (the service's /healthz answering 503) shows as `unhealthy` but is no reason to restart; no answer
   * within `timeoutMs`, `failures` times in a row, and the process tree is killed — a hung process
   * handles no signal — so the exit takes the normal backoff path and it is started again.
   */
  private watch(generation: number, policy: LivenessPolicy): void {
    let misses = 0;
    const current = () => generation === this.generation && this.child !== undefined && this.wanted;
    const next = () => {
      const timer = setTimeout(() => void round(), policy.everyMs);
      timer.unref();
    };
    const round = async () => {
      const child = this.child;
      if (!current() || !child) return;
      const outcome = await probeLiveness(this.spec.readiness, child, policy.timeoutMs).then(
        (degraded) => ({ answered: true as const, degraded }),
        (error: Error) => ({ answered: false as const, error }),
      );
      if (!current()) return;
      if (outcome.answered) {
        misses = 0;
        this.setHealth(outcome.degraded);
        next();
        return;
      }
      misses++;
      if (misses < policy.failures) {
        this.setHealth(`not answering (${misses} of ${policy.failures} probes): ${outcome.error.message}`);
        next();
        return;
      }
      const { pid, startTime } = this;
      this.setHealth(
        `answered no liveness probe ${misses} times in a row (${outcome.error.message}); killed to restart it`,
      );
      this.log.note(this.lastError ?? 'unresponsive: killing its process tree');
      if (pid !== null && startTime !== null) void killTree(pid, startTime);
    };
    next();
  }

  /** `ready` with nothing to say, or `unhealthy` with what is wrong; a change is announced. */
  private setHealth(problem: string | null): void {
    const state = problem === null ? 'ready' : 'unhealthy';
    if (state === this.state && problem === this.lastError) return;
    if (state === 'ready' && this.state === 'unhealthy') this.log.note('healthy again');
    if (state === 'unhealthy' && this.state === 'ready') this.log.note(`unhealthy: ${problem}`);
    this.lastError = problem;
    if (state !== this.state) this.transition(state);
    else this.emit('change', this.status());
  }

  private onExit(code: number | null, signal: NodeJS.Signals | null): void {
    this.exitCode = code;
    this.signal = signal;
    this.pid = null;
    this.startTime = null;
    const how = signal ? `killed by ${signal}` : `exited with code ${code}`;
    if (!this.wanted) {
      this.log.note(`stopped (${how})`);
      this.transition('stopped');
      return;
    }
    if (this.spec.readiness.kind === 'exit0' && code === 0) {
      this.log.note('done');
      this.transition('ready');
      return;
    }
    const delay = this.backoff.next(Date.now());
    if (delay === undefined) {
      this.lastError = `${how}; crashed too often, gave up`;
      this.log.note(`${how}; crashed too often in a short time: giving up (failed)`);
      this.wanted = false;
      this.transition('failed');
      return;
    }
    if (!this.lastError) this.lastError = how;
    this.log.note(`${how}; restarting in ${delay} ms`);
    this.transition('backoff');
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (!this.wanted) return;
      this.restarts++;
      void this.spawnOnce(++this.generation);
    }, delay);
  }

  /** SIGTERM, then the whole tree is killed after `timeoutMs`. Safe to call at any time, and twice. */
  async stop(timeoutMs: number): Promise<void> {
    this.wanted = false;
    this.generation++;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const child = this.child;
    const { pid, startTime } = this;
    if (!child || pid === null || startTime === null) {
      await this.exited;
      if (this.state !== 'stopped') {
        this.transition('stopped');
      }
      return;
    }
    this.log.note(`stopping (${askToStop(child, pid)})`);
    let timeout: NodeJS.Timeout | undefined;
    const inTime = await Promise.race([
      this.exited.then(() => true),
      new Promise<false>((resolve) => {
        timeout = setTimeout(() => resolve(false), timeoutMs);
      }),
    ]);
    clearTimeout(timeout);
    if (!inTime) {
      this.log.note(`did not stop within ${timeoutMs} ms: killing its process tree`);
      await killTree(pid, startTime);
      await this.exited;
    }
    const { code, signal } = this.lastExit;
    this.exitCode = code;
    this.signal = signal;
    this.pid = null;
    this.startTime = null;
    this.log.note(`stopped (${signal ? `killed by ${signal}` : `exited with code ${code}`})`);
    this.transition('stopped');
  }
}
