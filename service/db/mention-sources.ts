import type { Executor } from './database.js';
import { selectIn } from './statements.js';

// What a mention job refers to, as it is now (the worker's reads): the live post and who can still see it.

/** A live (not deleted) message's room name and author. */
export function liveMessage(q: Executor, messageId: number) {
  return q.get<{ room_name: string; username: string }>(
    `select r.name as room_name, u.username from chat_messages m join chat_rooms r on r.id = m.room_id
     join users u on u.id = m.author_id where m.id = ? and m.deleted_at is null`,
    [messageId],
  );
}

/** A live comment's task (title, board, assignee, creator), and its author. */
export function liveComment(q: Executor, commentId: number) {
  return q.get<{ title: string; board_id: number; assignee_id: number | null; creator_id: number; username: string }>(
    `select t.title, t.board_id, t.assignee_id, t.creator_id, u.username from task_comments c
     join tasks t on t.id = c.task_id join users u on u.id = c.author_id where c.id = ? and c.deleted_at is null`,
    [commentId],
  );
}

/** Those of `userIds` who are members of the room or board. */
export async function membersAmong(
  q: Executor,
  audience: { kind: 'room' | 'board'; id: number },
  userIds: number[],
): Promise<number[]> {
  const table = audience.kind === 'room' ? 'room_members where room_id' : 'board_members where board_id';
  const rows = await selectIn<{ user_id: number }>(
    q,
    userIds,
    (ids) => `select user_id from ${table} = ? and user_id in (${ids})`,
    [audience.id],
  );
  return rows.map((row) => row.user_id);
}
