// `prizmai tasks list | create`, `prizmai comment` and `prizmai comments` (SPEC §9).
import { randomUUID } from 'node:crypto';
import { unwrap } from '../../service/client.js';
import { pageQuery, wholeNumber } from '../chat/pages.js';
import { boardIdOf } from '../chat/refs.js';
import { api, signedInSession } from '../chat/session.js';
import { readStdin } from '../input.js';
import { jsonFieldsOf, printJsonList } from '../json-fields.js';
import { optionsOf } from '../options.js';
import { printJson, printLine } from '../output.js';

const taskId = (ref: unknown) => String(wholeNumber('task id', ref));

export async function tasksList(boardRef: unknown, ...args: unknown[]): Promise<number> {
  const options = optionsOf(args);
  const fields = jsonFieldsOf(options, 'tasks');
  const session = await signedInSession(options);
  const id = String(await boardIdOf(session, String(boardRef)));
  const { tasks } = await api(session, () => unwrap(session.client.boards[':id'].tasks.$get({ param: { id } })));
  if (options.json) printJsonList(fields, tasks, { tasks });
  else
    for (const task of tasks)
      printLine(`${task.id}\t${task.title}${task.assignee ? `\t@${task.assignee.username}` : ''}`);
  return 0;
}

export async function tasksCreate(boardRef: unknown, title: unknown, ...args: unknown[]): Promise<number> {
  const options = optionsOf(args);
  const session = await signedInSession(options);
  const id = String(await boardIdOf(session, String(boardRef)));
  const json = { title: String(title), ...(options.assignee ? { assignee: String(options.assignee) } : {}) };
  const { task } = await api(session, () => unwrap(session.client.boards[':id'].tasks.$post({ param: { id }, json })));
  if (options.json) printJson({ task });
  else printLine(String(task.id));
  return 0;
}

/** `comment <task> <text | ->`: `-` reads the comment from standard input. */
export async function comment(taskRef: unknown, text: unknown, ...args: unknown[]): Promise<number> {
  const options = optionsOf(args);
  const id = taskId(taskRef);
  const session = await signedInSession(options);
  const content = text === '-' ? await readStdin() : String(text);
  const json = { content, client_id: randomUUID() };
  const answer = await api(session, () => unwrap(session.client.tasks[':id'].comments.$post({ param: { id }, json })));
  if (options.json) printJson({ comment: answer.comment });
  else printLine(String(answer.comment.id));
  return 0;
}

/** `comments <task> [--limit --before]`: one page, oldest first. */
export async function comments(taskRef: unknown, ...args: unknown[]): Promise<number> {
  const options = optionsOf(args);
  const fields = jsonFieldsOf(options, 'comments');
  const id = taskId(taskRef);
  const query = pageQuery(options);
  const session = await signedInSession(options);
  const page = await api(session, () => unwrap(session.client.tasks[':id'].comments.$get({ param: { id }, query })));
  if (options.json) printJsonList(fields, page.comments, page);
  else {
    // Pages come oldest first (the API's order).
    for (const c of page.comments) {
      printLine(`#${c.id} ${c.created_at} ${c.author.username}: ${c.content}`);
    }
  }
  return 0;
}
