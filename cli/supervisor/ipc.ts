// The control channel between the CLI and the daemon: newline-delimited JSON over a Unix socket (a named
// pipe on Windows). One request per connection; the daemon may stream events before the result. Both
// sides put their version on every message, so a mismatch is seen on the first exchange.

import { rmSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { controlPathIsFile } from '../platform.js';
import { packageVersion } from './version.js';

export type Command = 'hello' | 'status' | 'start' | 'wait' | 'stop' | 'restart' | 'shutdown';

export interface ControlRequest {
  version: string;
  command: Command;
  names?: string[];
  timeoutMs?: number;
}

export type ControlMessage =
  | { type: 'event'; version: string; event: unknown }
  | { type: 'result'; version: string; value: unknown }
  | { type: 'error'; version: string; code: string; message: string };

export type RequestHandler = (request: ControlRequest, emit: (event: unknown) => void) => Promise<unknown>;

/** A daemon that cannot be reached: not running, or its channel is gone. */
export class DaemonUnreachable extends Error {
  constructor(override readonly cause: Error) {
    super(`supervisor daemon unreachable: ${cause.message}`);
    this.name = 'DaemonUnreachable';
  }
}

/** An error the daemon answered with. */
export class DaemonError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly daemonVersion: string,
  ) {
    super(message);
    this.name = 'DaemonError';
  }
}

function lines(socket: Socket, onLine: (line: string) => void): void {
  let rest = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    const parts = (rest + chunk).split('\n');
    rest = parts.pop() ?? '';
    for (const part of parts) if (part.trim()) onLine(part);
  });
}

/** Listens on `path`; refuses when a live daemon already answers there, removes a dead one's socket. */
export async function serveControl(path: string, handler: RequestHandler): Promise<Server> {
  if (controlPathIsFile) {
    const alive = await call(path, { version: packageVersion(), command: 'hello' }).then(
      () => true,
      () => false,
    );
    if (alive) throw new Error(`another supervisor already answers on ${path}`);
    rmSync(path, { force: true });
  }
  const server = createServer((socket) => {
    socket.on('error', () => {});
    const send = (message: ControlMessage) => {
      if (!socket.destroyed) socket.write(`${JSON.stringify(message)}\n`);
    };
    const version = packageVersion();
    let handled = false;
    lines(socket, (line) => {
      if (handled) return;
      handled = true;
      let request: ControlRequest;
      try {
        request = JSON.parse(line) as ControlRequest;
      } catch {
        send({ type: 'error', version, code: 'bad_request', message: 'not JSON' });
        socket.end();
        return;
      }
      // An immediate sign of life: the client's connect timeout ends here, long operations are bounded here.
      send({ type: 'event', version, event: { type: 'accepted', pid: process.pid } });
      handler(request, (event) => send({ type: 'event', version, event })).then(
        (value) => {
          send({ type: 'result', version, value });
          socket.end();
        },
        (error: Error & { code?: string }) => {
          send({ type: 'error', version, code: error.code ?? 'failed', message: error.message });
          socket.end();
        },
      );
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return server;
}

/** Sends one request and resolves with the daemon's result; `onEvent` sees streamed events. */
export function call(
  path: string,
  request: ControlRequest,
  onEvent?: (event: unknown) => void,
  connectTimeoutMs = 2000,
): Promise<{ version: string; value: unknown }> {
  return new Promise((resolve, reject) => {
    const socket = connect(path);
    let connected = false;
    let settled = false;
    const done = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      fn();
    };
    const timer = setTimeout(
      () => done(() => reject(new DaemonUnreachable(new Error(`no answer within ${connectTimeoutMs} ms`)))),
      connectTimeoutMs,
    );
    socket.on('connect', () => {
      connected = true;
      socket.write(`${JSON.stringify(request)}\n`);
    });
    socket.on('error', (error) =>
      done(() => reject(connected ? new Error(`control channel: ${error.message}`) : new DaemonUnreachable(error))),
    );
    socket.on('close', () =>
      done(() =>
        reject(
          connected
            ? new Error('the supervisor daemon closed the connection without an answer (did it die?)')
            : new DaemonUnreachable(new Error('closed')),
        ),
      ),
    );
    lines(socket, (line) => {
      const message = JSON.parse(line) as ControlMessage;
      // Any message proves the daemon is alive: long waits are bounded by the daemon, not here.
      clearTimeout(timer);
      if (message.type === 'event') onEvent?.(message.event);
      else if (message.type === 'result') done(() => resolve({ version: message.version, value: message.value }));
      else done(() => reject(new DaemonError(message.code, message.message, message.version)));
    });
  });
}
