// The generator's WebSocket clients (`ws`), the same for both systems: one Clients per scenario opens
// them, counts the closes it did not ask for, and terminates every one of them at the end.
import { type RawData, WebSocket } from 'ws';

/** No compression (neither server offers it); frames are our own JSON, so no UTF-8 check either. */
const OPTIONS = { perMessageDeflate: false, skipUTF8Validation: true } as const;

/** The fields of a server frame the generator looks at. */
export interface Frame {
  type: string;
  stream?: string;
  client_id?: string | null;
  message_id?: number;
  mentioned_users?: unknown[];
  code?: string;
  message?: string;
  ref?: string | null;
}

const UNPARSABLE: Frame = { type: 'unparsable' };

/** A received frame; one that is not JSON reads as type "unparsable" (a throw here would end the bench). */
export function parse(data: RawData): Frame {
  try {
    return JSON.parse(data.toString()) as Frame;
  } catch {
    return UNPARSABLE;
  }
}

export class Clients {
  private readonly sockets = new Set<WebSocket>();
  private stopping = false;
  /** Closes of open connections that the generator did not ask for, by close code. */
  readonly unexpectedCloses = new Map<number, number>();

  /** True once closeAll has begun: closes from then on are the generator's own. */
  get closing(): boolean {
    return this.stopping;
  }

  get unexpectedCloseCount(): number {
    let count = 0;
    for (const n of this.unexpectedCloses.values()) count += n;
    return count;
  }

  /** A connection, authenticated with `Authorization: Bearer <token>`; rejects if the handshake fails. */
  open(url: string, token: string): Promise<WebSocket> {
    if (this.stopping) return Promise.reject(new Error('the scenario is over'));
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { ...OPTIONS, headers: { authorization: `Bearer ${token}` } });
      this.sockets.add(ws);
      let opened = false;
      let failure: Error | undefined;
      ws.on('error', (error) => {
        failure = error;
      });
      ws.once('open', () => {
        opened = true;
        resolve(ws);
      });
      ws.once('close', (code) => {
        this.sockets.delete(ws);
        if (!opened) reject(failure ?? new Error(`closed (${code}) during the handshake`));
        else if (!this.stopping) this.unexpectedCloses.set(code, (this.unexpectedCloses.get(code) ?? 0) + 1);
      });
    });
  }

  /** Sends `subscribe` and waits for `subscribed` (other frames meanwhile are ignored). */
  subscribe(ws: WebSocket, stream: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const onMessage = (data: RawData) => {
        const frame = parse(data);
        if (frame.type === 'subscribed' && frame.stream === stream) {
          done();
          resolve();
        } else if (frame.type === 'error') {
          done();
          reject(new Error(`subscribe ${stream} refused: ${frame.code}: ${frame.message}`));
        }
      };
      const onClose = (code: number) => {
        done();
        reject(new Error(`closed (${code}) before subscribed`));
      };
      const done = () => {
        ws.off('message', onMessage);
        ws.off('close', onClose);
      };
      ws.on('message', onMessage);
      ws.on('close', onClose);
      ws.send(JSON.stringify({ type: 'subscribe', stream }));
    });
  }

  async openSubscribed(url: string, token: string, stream: string): Promise<WebSocket> {
    const ws = await this.open(url, token);
    await this.subscribe(ws, stream);
    return ws;
  }

  /** Terminates every connection and waits (at most 5 s) for their closes; no open succeeds after it. */
  async closeAll(): Promise<void> {
    this.stopping = true;
    const closed = [...this.sockets].map(
      (ws) =>
        new Promise<void>((resolve) => {
          if (ws.readyState === WebSocket.CLOSED) return resolve();
          ws.once('close', () => resolve());
          ws.terminate();
        }),
    );
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.all(closed), new Promise((resolve) => (timer = setTimeout(resolve, 5000)))]);
    clearTimeout(timer);
  }
}

/** Runs task(0…count-1), at most `concurrency` at a time, until done or `signal` aborts. */
export async function pool(
  count: number,
  concurrency: number,
  task: (i: number) => Promise<void>,
  signal?: AbortSignal,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count && !signal?.aborted) await task(next++);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
}
