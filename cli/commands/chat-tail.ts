// `prizmai tail <room> [--after <id>]` (SPEC §9): a room's new messages as they arrive, over the
// WebSocket. It resubscribes with `after` the last id it printed whenever the connection drops (or the
// service closes it for falling behind), so nothing is lost and nothing printed twice. Ctrl-C ends it.
import { unwrap } from '../../service/client.js';
import { messageFrame } from '../../service/realtime/protocol.js';
import { wholeNumber } from '../chat/pages.js';
import { roomIdOf } from '../chat/refs.js';
import { api, signedInSession } from '../chat/session.js';
import { CliError, ExitCode } from '../errors.js';
import { optionsOf } from '../options.js';
import { note, printLine } from '../output.js';
import { onInterrupt } from '../supervisor/interrupt.js';

const RETRY_FIRST_MS = 250;
const RETRY_MAX_MS = 5000;

type Frame = { type: string; message_id?: number; code?: string; message?: string } & Record<string, unknown>;

export async function tail(roomRef: unknown, ...args: unknown[]): Promise<number> {
  const options = optionsOf(args);
  let after = options.after === undefined ? undefined : wholeNumber('--after', options.after);
  const session = await signedInSession(options);
  const roomId = await roomIdOf(session, String(roomRef));
  /** A `chat_message` frame, printed once: as JSON with --json, else as `history` prints a message. */
  const show = (frame: Frame) => {
    const id = frame.message_id;
    if (frame.type !== 'chat_message' || typeof id !== 'number' || (after !== undefined && id <= after)) return;
    printLine(
      options.json
        ? JSON.stringify(frame)
        : `#${id} ${String(frame.timestamp)} ${String(frame.username)}: ${String(frame.message)}`,
    );
    after = id;
  };
  if (after === undefined) {
    // The last 10 first, as `tail -f` shows the end of a file.
    const latest = await api(session, () =>
      unwrap(session.client.rooms[':id'].messages.$get({ param: { id: String(roomId) }, query: { limit: '10' } })),
    );
    after = 0;
    for (const message of latest.messages) show(messageFrame(message) as Frame);
  }
  onInterrupt(async () => {});
  const { WebSocket } = await import('ws');
  const url = `${session.url.replace(/^http/, 'ws')}/ws`;
  let delay = RETRY_FIRST_MS;
  for (;;) {
    const outcome = await new Promise<'dropped' | CliError>((resolve) => {
      const ws = new WebSocket(url, { headers: { authorization: `Bearer ${session.token}` } });
      ws.on('unexpected-response', (_request, response) => {
        ws.terminate();
        resolve(
          response.statusCode === 401
            ? new CliError('the token was refused by the service', ExitCode.unauthenticated)
            : 'dropped',
        );
      });
      ws.on('open', () => ws.send(JSON.stringify({ type: 'subscribe', stream: `room:${roomId}`, after })));
      ws.on('message', (data) => {
        const frame = JSON.parse(data.toString()) as Frame;
        if (frame.type === 'subscribed') {
          if (delay > RETRY_FIRST_MS) note('prizmai: reconnected');
          delay = RETRY_FIRST_MS;
        } else if (frame.type === 'chat_message') {
          show(frame);
        } else if (frame.type === 'error') {
          const exitCode = frame.code === 'not_found' ? ExitCode.notFound : ExitCode.failure;
          ws.terminate();
          resolve(new CliError(frame.message ?? 'the service refused the subscription', exitCode));
        }
      });
      ws.on('error', () => {});
      ws.on('close', () => resolve('dropped'));
    });
    if (outcome instanceof CliError) throw outcome;
    if (delay === RETRY_FIRST_MS) note(`prizmai: connection to ${session.url} lost; retrying`);
    await new Promise((resolve) => setTimeout(resolve, delay));
    delay = Math.min(delay * 2, RETRY_MAX_MS);
  }
}
