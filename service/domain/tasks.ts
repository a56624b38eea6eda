import { boardOfMember, notFound, taskOfMember } from './access.js';
import type { Actor } from './actor.js';
import { now, type Sql } from './db.js';
import type { DomainDeps } from './deps.js';
import { DomainError } from './errors.js';
import { taskView } from './presenters.js';
import type { TaskView } from './views.js';

function tasksQuery(sql: Sql) {
  return sql('tasks as t')
    .join('users as c', 'c.id', 't.creator_id')
    .leftJoin('users as a', 'a.id', 't.assignee_id')
    .select(
      't.id',
      't.board_id',
      't.title',
      't.assignee_id',
      'a.username as assignee_username',
      't.creator_id',
      'c.username as creator_username',
      't.created_at',
    );
}

/** Board members create tasks; an assignee must be a member of the board too. */
export async function createTask(
  deps: DomainDeps,
  actor: Actor,
  boardId: number,
  input: { title: string; assignee?: string | undefined },
): Promise<TaskView> {
  const sql = deps.db.knex;
  await boardOfMember(sql, boardId, actor);
  let assigneeId: number | null = null;
  if (input.assignee !== undefined) {
    const row = await sql('users as u')
      .join('board_members as bm', 'bm.user_id', 'u.id')
      .where({ 'bm.board_id': boardId, 'u.username_key': input.assignee.toLowerCase() })
      .first('u.id');
    if (!row)
      throw new DomainError('invalid_request', `assignee "${input.assignee}" is not a board member`, 'assignee');
    assigneeId = row.id;
  }
  const [inserted] = await sql('tasks')
    .insert({
      board_id: boardId,
      title: input.title,
      assignee_id: assigneeId,
      creator_id: actor.id,
      created_at: now(deps.db),
    })
    .returning('id');
  return getTask(deps, actor, (inserted as { id: number }).id);
}

export async function listTasks(deps: DomainDeps, actor: Actor, boardId: number): Promise<TaskView[]> {
  await boardOfMember(deps.db.knex, boardId, actor);
  const rows = await tasksQuery(deps.db.knex).where('t.board_id', boardId).orderBy('t.id');
  return rows.map(taskView);
}

export async function getTask(deps: DomainDeps, actor: Actor, taskId: number): Promise<TaskView> {
  await taskOfMember(deps.db.knex, taskId, actor);
  const row = await tasksQuery(deps.db.knex).where('t.id', taskId).first();
  if (!row) throw notFound('task');
  return taskView(row);
}
