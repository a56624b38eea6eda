import { EventEmitter } from 'node:events';
import { Backoff, defaultRestartPolicy, type RestartPolicy } from './backoff.js';
import { ProcessLog } from './log-writer.js';
import { logFile } from './paths.js';
import { ManagedProcess } from './process.js';
import type { ProcessSpec, ProcessStatus, WaitResult } from './types.js';

export interface SupervisorOptions {
  stateDir: string;
  logsDir: string;
  stopTimeoutMs: number;
  restartPolicy?: RestartPolicy;
  /** Every line a child prints (foreground mode mirrors them). */
  onLine?: (name: string, line: string) => void;
}

/** Orders processes by their dependencies: starts each once its dependencies are ready, stops in reverse. */
export class Supervisor extends EventEmitter<{ change: [ProcessStatus] }> {
  readonly processes = new Map<string, ManagedProcess>();
  private readonly logs: ProcessLog[] = [];

  constructor(
    readonly specs: ProcessSpec[],
    private readonly options: SupervisorOptions,
  ) {
    super();
    this.setMaxListeners(100);
    for (const spec of specs) {
      const log = new ProcessLog(options.logsDir, spec.name, options.onLine);
      this.logs.push(log);
      const process = new ManagedProcess(
        spec,
        log,
        logFile(options.stateDir, spec.name),
        new Backoff(options.restartPolicy ?? defaultRestartPolicy),
      );
      process.on('change', (status) => this.emit('change', status));
      this.processes.set(spec.name, process);
    }
  }

  names(): string[] {
    return this.specs.map((s) => s.name);
  }

  /** The processes a name given by a user means: itself, or every instance (`service` → service.1 …). */
  expand(name: string): string[] {
    if (this.processes.has(name)) return [name];
    return this.names().filter((known) => known.startsWith(`${name}.`) && /^\d+$/.test(known.slice(name.length + 1)));
  }

  statuses(): ProcessStatus[] {
    return [...this.processes.values()].map((p) => p.status());
  }

  private get(name: string): ManagedProcess {
    const process = this.processes.get(name);
    if (!process) throw new Error(`unknown process "${name}"; known: ${this.names().join(', ')}`);
    return process;
  }

  /** `names` (all when empty) and everything they depend on, in declaration (dependency) order. */
  closure(names: string[]): string[] {
    if (names.length === 0) return this.names();
    const wanted = new Set<string>();
    const add = (name: string) => {
      if (wanted.has(name)) return;
      wanted.add(name);
      for (const dep of this.get(name).spec.dependsOn) for (const one of this.expand(dep)) add(one);
    };
    for (const name of names) add(name);
    return this.names().filter((n) => wanted.has(n));
  }

  /** Starts `names` and their dependencies; each process launches once its dependencies are ready. */
  start(names: string[] = []): void {
    for (const name of this.closure(names)) {
      const process = this.get(name);
      const deps = process.spec.dependsOn;
      const notReady = () => deps.filter((d) => this.get(d).current !== 'ready');
      process.queue(notReady());
      if (notReady().length === 0) {
        process.launch();
        continue;
      }
      const onChange = () => {
        if (!process.isWanted || process.current !== 'starting') return this.off('change', onChange);
        if (notReady().length === 0) {
          this.off('change', onChange);
          process.launch();
        }
      };
      this.on('change', onChange);
    }
  }

  /** Resolves when all of `names` (and dependencies) are ready, or one of them failed, or on timeout. */
  waitReady(names: string[], timeoutMs: number): Promise<WaitResult> {
    const targets = this.closure(names).map((n) => this.get(n));
    return new Promise((resolve) => {
      const check = (): WaitResult | undefined => {
        if (targets.every((p) => p.current === 'ready')) return { ok: true, failures: [] };
        const failed = targets.filter((p) => p.current === 'failed' || (p.current === 'stopped' && !p.isWanted));
        if (failed.length > 0) {
          return { ok: false, failures: failed.map((p) => p.status()), reason: `${failed[0]?.spec.name} failed` };
        }
        return undefined;
      };
      const finish = (result: WaitResult) => {
        clearTimeout(timer);
        this.off('change', onChange);
        resolve(result);
      };
      const onChange = () => {
        const result = check();
        if (result) finish(result);
      };
      const timer = setTimeout(() => {
        const late = targets.filter((p) => p.current !== 'ready');
        finish({
          ok: false,
          failures: late.map((p) => p.status()),
          reason: `not ready after ${Number((timeoutMs / 1000).toFixed(1))} s: ${late.map((p) => p.spec.name).join(', ')}`,
        });
      }, timeoutMs);
      this.on('change', onChange);
      onChange();
    });
  }

  /** Stops `names` (all when empty) in reverse dependency order: dependants first, each level in parallel. */
  async stop(names: string[] = []): Promise<void> {
    const chosen = names.length === 0 ? this.names() : names.map((n) => this.get(n).spec.name);
    const level = new Map<string, number>();
    const depth = (name: string): number => {
      const known = level.get(name);
      if (known !== undefined) return known;
      const deps = this.get(name).spec.dependsOn;
      const value = deps.length === 0 ? 0 : 1 + Math.max(...deps.map(depth));
      level.set(name, value);
      return value;
    };
    const levels = [...new Set(chosen.map(depth))].sort((a, b) => b - a);
    for (const current of levels) {
      await Promise.all(
        chosen.filter((n) => depth(n) === current).map((n) => this.get(n).stop(this.options.stopTimeoutMs)),
      );
    }
  }

  /** Stops everything and closes the logs; safe to call twice. */
  async close(): Promise<void> {
    await this.stop();
    await Promise.allSettled(this.logs.map((log) => log.close()));
  }
}
