import * as tasks from '../db/tasks.js';
import { audienceMembers } from '../db/users.js';
import { boardOfMember, notFound, taskOfMember } from './access.js';
import type { Actor } from './actor.js';
import type { DomainDeps } from './deps.js';
import { DomainError } from './errors.js';
import { taskView } from './presenters.js';
import type { TaskView } from './views.js';

/** Board members create tasks; an assignee must be a member of the board too. */
export async function createTask(
  deps: DomainDeps,
  actor: Actor,
  boardId: number,
  input: { title: string; assignee?: string | undefined },
): Promise<TaskView> {
  await boardOfMember(deps.db, boardId, actor);
  let assigneeId: number | null = null;
  if (input.assignee !== undefined) {
    const [member] = await audienceMembers(deps.db, { kind: 'board', id: boardId }, [input.assignee.toLowerCase()]);
    if (!member)
      throw new DomainError('invalid_request', `assignee "${input.assignee}" is not a board member`, 'assignee');
    assigneeId = member.id;
  }
  const id = await tasks.insertTask(deps.db, { boardId, title: input.title, assigneeId, creatorId: actor.id });
  return getTask(deps, actor, id);
}

export async function listTasks(deps: DomainDeps, actor: Actor, boardId: number): Promise<TaskView[]> {
  await boardOfMember(deps.db, boardId, actor);
  return (await tasks.tasksOfBoard(deps.db, boardId)).map(taskView);
}

export async function getTask(deps: DomainDeps, actor: Actor, taskId: number): Promise<TaskView> {
  await taskOfMember(deps.db, taskId, actor);
  const row = await tasks.taskById(deps.db, taskId);
  if (!row) throw notFound('task');
  return taskView(row);
}
