// `prizmai send | history | notifications | unread` (SPEC §9).
import { randomUUID } from 'node:crypto';
import { unwrap } from '../../service/client.js';
import type { MessageView, NotificationView } from '../../service/domain/views.js';
import { pageQuery, wholeNumber } from '../chat/pages.js';
import { roomIdOf } from '../chat/refs.js';
import { api, signedInSession } from '../chat/session.js';
import { CliError, ExitCode } from '../errors.js';
import { readStdin } from '../input.js';
import { jsonFieldsOf, printJsonList } from '../json-fields.js';
import { optionsOf } from '../options.js';
import { printJson, printLine } from '../output.js';

function messageLine(message: MessageView): string {
  const text = message.deleted ? '(deleted)' : message.content;
  return `#${message.id} ${message.created_at} ${message.author.username}: ${text}`;
}

/** `send <room> <text | ->`: `-` reads the message from standard input. */
export async function send(roomRef: unknown, text: unknown, ...args: unknown[]): Promise<number> {
  const options = optionsOf(args);
  const session = await signedInSession(options);
  const content = text === '-' ? await readStdin() : String(text);
  const id = String(await roomIdOf(session, String(roomRef)));
  // One client_id per invocation: the service stores the message once even if the request is retried.
  const json = { content, client_id: randomUUID() };
  const { message } = await api(session, () =>
    unwrap(session.client.rooms[':id'].messages.$post({ param: { id }, json })),
  );
  if (options.json) printJson({ message });
  else printLine(String(message.id));
  return 0;
}

/** `history <room> [--limit --before]`: one page, oldest first. */
export async function history(roomRef: unknown, ...args: unknown[]): Promise<number> {
  const options = optionsOf(args);
  const fields = jsonFieldsOf(options, 'messages');
  const query = pageQuery(options);
  const session = await signedInSession(options);
  const id = String(await roomIdOf(session, String(roomRef)));
  const page = await api(session, () => unwrap(session.client.rooms[':id'].messages.$get({ param: { id }, query })));
  if (options.json) printJsonList(fields, page.messages, page);
  // Pages come oldest first (the API's order).
  else for (const message of page.messages) printLine(messageLine(message));
  return 0;
}

function notificationLine(notification: NotificationView): string {
  return `${notification.id}\t${notification.is_read ? ' ' : '*'} ${notification.created_at} ${notification.text}`;
}

/** `notifications [--unread]`: newest first; `*` marks the unread ones. */
export async function notifications(...args: unknown[]): Promise<number> {
  const options = optionsOf(args);
  const fields = jsonFieldsOf(options, 'notifications');
  const session = await signedInSession(options);
  const query = options.unread ? { unread: 'true' as const } : {};
  const page = await api(session, () => unwrap(session.client.notifications.$get({ query })));
  if (options.json) printJsonList(fields, page.notifications, page);
  else for (const notification of page.notifications) printLine(notificationLine(notification));
  return 0;
}

/** `notifications read <id> | --all`. */
export async function notificationsRead(id: unknown, ...args: unknown[]): Promise<number> {
  const options = optionsOf(args);
  if ((id === undefined) === !options.all) {
    throw new CliError('give either a notification id or --all', ExitCode.usage);
  }
  const session = await signedInSession(options);
  if (options.all) {
    const { count } = await api(session, () => unwrap(session.client.notifications['read-all'].$post()));
    if (options.json) printJson({ count });
    else printLine(`${count} marked read`);
    return 0;
  }
  const notificationId = String(wholeNumber('notification id', id));
  const { notification } = await api(session, () =>
    unwrap(session.client.notifications[':id'].read.$post({ param: { id: notificationId } })),
  );
  if (options.json) printJson({ notification });
  else printLine(notificationLine(notification));
  return 0;
}

/** `unread`: unread messages and mentions per room, and the total. */
export async function unread(...args: unknown[]): Promise<number> {
  const options = optionsOf(args);
  const session = await signedInSession(options);
  const answer = await api(session, () => unwrap(session.client.unread.$get()));
  if (options.json) printJson(answer);
  else {
    for (const room of answer.rooms) printLine(`${room.room_id}\t${room.unread} unread\t${room.mentions} mentions`);
    printLine(`total\t${answer.total}`);
  }
  return 0;
}
