import { taskOfMember } from './access.js';
import type { Actor } from './actor.js';
import { checkClientId, normaliseContent } from './content.js';
import { now, num, type Sql } from './db.js';
import type { DomainDeps } from './deps.js';
import { DomainError } from './errors.js';
import { idempotentWrite } from './idempotent.js';
import { keysetPage, type PageRequest } from './keyset.js';
import { parseMentions, resolveMentions } from './mentions.js';
import { commentView, insertedPostRow } from './presenters.js';
import { publishStored } from './publish.js';
import type { CommentView, Page } from './views.js';

type CommentRow = Record<string, unknown> & { id: number; task_id: number; author_id: number };

function commentsQuery(sql: Sql) {
  return sql('task_comments as c')
    .join('users as u', 'u.id', 'c.author_id')
    .select(
      'c.id',
      'c.task_id',
      'c.author_id',
      'u.username as author_username',
      'c.content',
      'c.client_id',
      'c.created_at',
      'c.edited_at',
      'c.deleted_at',
    );
}

async function present(sql: Sql, rows: CommentRow[]): Promise<CommentView[]> {
  const byComment = new Map<number, string[]>();
  const ids = rows.filter((row) => row.deleted_at === null || row.deleted_at === undefined).map((row) => row.id);
  if (ids.length > 0) {
    const mentions = (await sql('comment_mentions as cm')
      .join('users as u', 'u.id', 'cm.user_id')
      .whereIn('cm.comment_id', ids)
      .orderBy('cm.id')
      .select('cm.comment_id', 'u.username')) as { comment_id: number; username: string }[];
    for (const row of mentions) byComment.set(row.comment_id, [...(byComment.get(row.comment_id) ?? []), row.username]);
  }
  return rows.map((row) => commentView(row, byComment.get(row.id) ?? []));
}

async function byClientId(sql: Sql, authorId: number, clientId: string): Promise<CommentRow | undefined> {
  return (await commentsQuery(sql).where({ 'c.author_id': authorId, 'c.client_id': clientId }).first()) as
    | CommentRow
    | undefined;
}

async function idempotentAnswer(sql: Sql, existing: CommentRow, taskId: number): Promise<CommentView> {
  if (existing.task_id !== taskId) {
    throw new DomainError('conflict', 'client_id was already used for a comment on another task', 'client_id');
  }
  const [view] = await present(sql, [existing]);
  return view as CommentView;
}

export interface CommentResult {
  comment: CommentView;
  created: boolean;
}

/**
 * Posts a task comment: the same write path as a message — rate limit, idempotency by client_id,
 * mentions among the board's members, `comment.created` published after commit, mention job queued.
 * The task row is locked on PostgreSQL so a task's comments commit in id order.
 */
export async function postComment(
  deps: DomainDeps,
  actor: Actor,
  taskId: number,
  input: { content: string; client_id?: string | null | undefined },
): Promise<CommentResult> {
  const content = normaliseContent(input.content);
  const clientId = checkClientId(input.client_id);
  await deps.limiter.take(actor.id);
  const { db } = deps;
  let boardId = 0;
  const outcome = await idempotentWrite(db, clientId, {
    prepare: async (trx) => {
      boardId = (await taskOfMember(trx, taskId, actor)).board_id;
      if (db.dialect === 'postgresql') await trx('tasks').where('id', taskId).forUpdate().select('id');
    },
    find: (sql, id) => byClientId(sql, actor.id, id),
    write: async (trx) => {
      const mentioned = await resolveMentions(
        trx,
        parseMentions(content),
        { table: 'board_members', column: 'board_id', id: boardId },
        actor.id,
      );
      const createdAt = now(db);
      const [row] = await trx('task_comments')
        .insert({ task_id: taskId, author_id: actor.id, content, client_id: clientId, created_at: createdAt })
        .returning('id');
      const id = num((row as { id: unknown }).id);
      if (mentioned.length > 0) {
        await trx('comment_mentions').insert(mentioned.map((user) => ({ comment_id: id, user_id: user.id })));
      }
      const comment = commentView(
        { ...insertedPostRow(id, actor, content, clientId, createdAt), task_id: taskId },
        mentioned.map((user) => user.username),
      );
      return { comment, mentioned };
    },
  });
  if ('existing' in outcome) {
    return { comment: await idempotentAnswer(db.knex, outcome.existing, taskId), created: false };
  }
  const { comment, mentioned } = outcome.created;
  const recipient_ids = mentioned.map((user) => user.id).filter((id) => id !== actor.id);
  await Promise.all([
    publishStored(deps, { type: 'comment.created', task_id: taskId, comment }),
    recipient_ids.length === 0
      ? Promise.resolve()
      : deps.mentions
          .enqueue(
            { kind: 'comment', comment_id: comment.id, task_id: taskId, author_id: actor.id, recipient_ids },
            `comment-${comment.id}`,
          )
          .catch((error: unknown) => deps.reportError('enqueue mention job', error)),
  ]);
  return { comment, created: true };
}

/** Keyset history of a task's comments, for board members. */
export async function listComments(
  deps: DomainDeps,
  actor: Actor,
  taskId: number,
  page: PageRequest,
): Promise<Page<CommentView>> {
  const sql = deps.db.knex;
  await taskOfMember(sql, taskId, actor);
  const { rows, has_more } = await keysetPage<CommentRow>(commentsQuery(sql).where('c.task_id', taskId), 'c.id', page);
  return { items: await present(sql, rows), has_more };
}
