import type { Executor } from './database.js';
import { placeholders } from './statements.js';

// The unread digest's reads (SPEC §8): who has unread notifications old enough that no digest of
// theirs has covered yet, and what those are, grouped for a summary. A digest is an ACTIVITY
// notification with source `digest:<period>`; "not covered yet" = newer than the user's last digest.

export const DIGEST_TYPE = 'ACTIVITY';
export const DIGEST_SOURCE_PREFIX = 'digest:';

const UNCOVERED = `n.is_read = ? and n.type <> 'ACTIVITY' and n.created_at < ?
  and n.id > coalesce((select max(d.id) from notifications d
    where d.recipient_id = n.recipient_id and d.type = 'ACTIVITY' and d.source like 'digest:%'), 0)`;

/** Up to `limit` users, after user id `after`, with unread notifications created before `cutoff` that no digest covered. */
export async function usersToDigest(q: Executor, cutoff: Date, after: number, limit: number): Promise<number[]> {
  const rows = await q.all<{ recipient_id: number }>(
    `select distinct n.recipient_id from notifications n where n.recipient_id > ? and ${UNCOVERED}
     order by n.recipient_id limit ?`,
    [after, false, cutoff, limit],
  );
  return rows.map((row) => row.recipient_id);
}

/** A group of a user's uncovered unread notifications: one kind, in one room or on one task. */
export interface DigestGroup {
  recipient_id: number;
  type: string;
  board_name: string | null;
  room_name: string | null;
  task_title: string | null;
  n: number;
}

/** The users' uncovered unread notifications created before `cutoff`, grouped by kind and room or task. */
export function digestGroups(q: Executor, userIds: number[], cutoff: Date) {
  if (userIds.length === 0) return Promise.resolve([]);
  return q.all<DigestGroup>(
    `select n.recipient_id, n.type, b.name as board_name, r.name as room_name, t.title as task_title, count(*) as n
     from notifications n left join chat_rooms r on r.id = n.room_id left join boards b on b.id = r.board_id
     left join tasks t on t.id = n.task_id
     where n.recipient_id in (${placeholders(userIds.length)}) and ${UNCOVERED}
     group by n.recipient_id, n.type, b.name, r.name, t.title
     order by n.recipient_id, count(*) desc, n.type, r.name, t.title`,
    [...userIds, false, cutoff],
  );
}
