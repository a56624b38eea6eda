import type { Executor } from './database.js';

/** A task as the views read it. */
export interface TaskRow {
  id: number;
  board_id: number;
  title: string;
  assignee_id: number | null;
  assignee_username: string | null;
  creator_id: number;
  creator_username: string;
  created_at: number;
}

const TASK = `select t.id, t.board_id, t.title, t.assignee_id, a.username as assignee_username,
  t.creator_id, c.username as creator_username, t.created_at
  from tasks t join users c on c.id = t.creator_id left join users a on a.id = t.assignee_id`;

export async function insertTask(
  q: Executor,
  task: { boardId: number; title: string; assigneeId: number | null; creatorId: number },
): Promise<number> {
  const row = await q.get<{ id: number }>(
    'insert into tasks (board_id, title, assignee_id, creator_id, created_at) values (?, ?, ?, ?, ?) returning id',
    [task.boardId, task.title, task.assigneeId, task.creatorId, new Date()],
  );
  return row?.id as number;
}

export function taskById(q: Executor, taskId: number) {
  return q.get<TaskRow>(`${TASK} where t.id = ?`, [taskId]);
}

export function tasksOfBoard(q: Executor, boardId: number) {
  return q.all<TaskRow>(`${TASK} where t.board_id = ? order by t.id`, [boardId]);
}
