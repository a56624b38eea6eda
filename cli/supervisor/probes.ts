// Readiness probes: each tries once and resolves, or rejects with what went wrong. They know nothing
// of the process runner. Raw sockets, not ioredis or fetch, so the daemon stays light.
import { request } from 'node:http';
import { connect } from 'node:net';

/** The addresses to try for `host`: `localhost` means both loopbacks, a wildcard bind means loopback. */
export function probeHosts(host: string): string[] {
  if (host === 'localhost') return ['127.0.0.1', '::1'];
  if (host === '0.0.0.0') return ['127.0.0.1'];
  if (host === '::' || host === '[::]') return ['::1', '127.0.0.1'];
  return [host.replace(/^\[(.*)\]$/, '$1')];
}

/** Redis answers PING with +PONG (after AUTH, with a password). */
export function pingRedis(host: string, port: number, timeoutMs = 1000, password?: string): Promise<void> {
  const expected = password ? '+OK\r\n+PONG' : '+PONG';
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    let reply = '';
    const fail = (message: string) => {
      socket.destroy();
      reject(new Error(message));
    };
    socket.setTimeout(timeoutMs, () => fail(`PING to ${host}:${port} timed out after ${timeoutMs} ms`));
    socket.on('error', (error) => fail(`PING to ${host}:${port}: ${error.message}`));
    // AUTH as one RESP array, so a password is never split by the inline parser.
    const auth = password ? `*2\r\n$4\r\nAUTH\r\n$${Buffer.byteLength(password)}\r\n${password}\r\n` : '';
    socket.on('connect', () => socket.write(`${auth}PING\r\n`));
    socket.on('data', (data) => {
      reply += data.toString('utf8');
      if (reply.split('\r\n').length - 1 < (password ? 2 : 1) && !reply.startsWith('-')) return;
      socket.destroy();
      if (reply.startsWith(expected)) resolve();
      else reject(new Error(`PING to ${host}:${port} answered ${JSON.stringify(reply.trim())}`));
    });
  });
}

/** GET http://host:port/path: its status and (the start of) its body; rejects when nothing answered. */
export function httpStatus(
  host: string,
  port: number,
  path: string,
  timeoutMs = 1000,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host, port, path, method: 'GET', timeout: timeoutMs, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        if (body.length < 500) body += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: body.trim().slice(0, 200) }));
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${path} timed out after ${timeoutMs} ms`)));
    req.on('error', (error) => reject(new Error(`GET http://${host}:${port}${path}: ${error.message}`)));
    req.end();
  });
}

/** GET http://host:port/path answers 200. */
export async function getHealth(host: string, port: number, path: string, timeoutMs = 1000): Promise<void> {
  const { status, body } = await httpStatus(host, port, path, timeoutMs);
  if (status !== 200) throw new Error(`GET ${path} answered ${status}: ${body}`);
}

/** Resolves as soon as one of the hosts passes; rejects with every error when all fail. */
export async function anyHost(hosts: string[], probe: (host: string) => Promise<void>): Promise<void> {
  const errors: string[] = [];
  await new Promise<void>((resolve, reject) => {
    let pending = hosts.length;
    for (const host of hosts) {
      probe(host).then(resolve, (error: Error) => {
        errors.push(error.message);
        if (--pending === 0) reject(new Error(errors.join('; ')));
      });
    }
  });
}
