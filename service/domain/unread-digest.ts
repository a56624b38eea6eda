import { DIGEST_SOURCE_PREFIX, DIGEST_TYPE, type DigestGroup, digestGroups, usersToDigest } from '../db/digests.js';
import { insertNotifications } from '../db/notifications.js';
import { type NotificationDeps, pushCreated } from './notification-push.js';

// beat's unreadDigest job (SPEC §8): each user with unread notifications older than `olderThanMinutes`
// that no digest of theirs covered yet gets one ACTIVITY notification summarising them ("3 unread
// mentions in roadmap/general, 1 comment on task "Ship it""), over the normal notification path (row +
// push). At most one per period per user: its source is `digest:<period>`, and the unique (recipient,
// source, type) key turns a second run in the same period — another beat's, a retry — into a no-op.

/** Users summarised per statement batch. */
export const DIGEST_BATCH = 500;
/** Groups named in one digest; the rest are counted. */
const GROUPS_NAMED = 5;

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

function describe(group: DigestGroup): string {
  const where = group.room_name
    ? ` in ${group.board_name}/${group.room_name}`
    : group.task_title
      ? ` on task "${group.task_title}"`
      : '';
  if (group.type === 'MENTION') return `${plural(group.n, 'unread mention', 'unread mentions')}${where}`;
  if (group.type === 'COMMENT') return `${plural(group.n, 'comment', 'comments')}${where}`;
  return `${plural(group.n, 'unread notification', 'unread notifications')}${where}`;
}

/** The digest's text: the largest groups first, the rest as "and N more". */
export function digestText(groups: DigestGroup[]): string {
  const named = groups.slice(0, GROUPS_NAMED).map(describe);
  const rest = groups.slice(GROUPS_NAMED).reduce((sum, group) => sum + group.n, 0);
  return rest > 0 ? `${named.join(', ')} and ${plural(rest, 'more', 'more')}` : named.join(', ');
}

/** Sends the period's digests; answers how many users got one now. */
export async function sendUnreadDigests(
  deps: NotificationDeps,
  options: { olderThanMinutes: number; everyMs: number; now?: number },
): Promise<number> {
  const now = options.now ?? Date.now();
  const cutoff = new Date(now - options.olderThanMinutes * 60_000);
  const source = `${DIGEST_SOURCE_PREFIX}${Math.floor(now / options.everyMs)}`;
  let sent = 0;
  let after = 0;
  for (;;) {
    const users = await usersToDigest(deps.db, cutoff, after, DIGEST_BATCH);
    if (users.length === 0) return sent;
    const byUser = new Map<number, DigestGroup[]>();
    for (const group of await digestGroups(deps.db, users, cutoff)) {
      byUser.set(group.recipient_id, [...(byUser.get(group.recipient_id) ?? []), group]);
    }
    const rows = await insertNotifications(
      deps.db,
      [...byUser].map(([recipient_id, groups]) => ({
        recipient_id,
        sender_id: null,
        type: DIGEST_TYPE,
        text: digestText(groups),
        source,
        room_id: null,
        message_id: null,
        task_id: null,
        comment_id: null,
      })),
    );
    await pushCreated(deps, rows);
    sent += rows.length;
    after = users.at(-1) as number;
    if (users.length < DIGEST_BATCH) return sent;
  }
}
