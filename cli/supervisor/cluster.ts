// `service.instances` > 1: the service processes are node:cluster workers of the supervisor (the
// daemon, or the foreground CLI), which holds the service port and hands each connection to one of them
// (round-robin on Linux and macOS; the OS decides on Windows). Each is a process of its own to the
// supervisor — readiness and liveness over its IPC channel, restarted alone — and a listen() in it
// reaches the shared port through the primary. Node 20 has no SO_REUSEPORT option; this works everywhere.
import type { ChildProcess } from 'node:child_process';
import cluster from 'node:cluster';
import type { ProcessSpec } from './types.js';

/**
 * Forks one instance: `spec.args` is the Node flags, then the script and its arguments. Its stdout and
 * stderr are pipes (for its log), its IPC channel carries cluster's messages and ours.
 */
export function forkInstance(spec: ProcessSpec): ChildProcess {
  const script = spec.args.findIndex((arg) => !arg.startsWith('-'));
  cluster.setupPrimary({
    exec: spec.args[script] as string,
    args: spec.args.slice(script + 1),
    execArgv: spec.args.slice(0, script),
    silent: true,
    cwd: spec.cwd,
    windowsHide: true,
  });
  return cluster.fork(spec.env).process;
}
