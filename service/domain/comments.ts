import { taskOfMember } from './access.js';
import type { Actor } from './actor.js';
import { checkClientId, normaliseContent } from './content.js';
import { num, type Sql } from './db.js';
import type { DomainDeps } from './deps.js';
import { DomainError } from './errors.js';
import { keysetPage, type PageRequest } from './keyset.js';
import { parseMentions } from './mentions.js';
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

export interface CommentResult {
  comment: CommentView;
  created: boolean;
  /** Settles once `comment.created` is published and the mention job queued (see PostResult). */
  announced: Promise<void>;
}

async function loadComment(sql: Sql, commentId: number): Promise<CommentView> {
  const row = (await commentsQuery(sql).where('c.id', commentId).first()) as CommentRow | undefined;
  if (!row) throw new DomainError('not_found', 'comment not found');
  const [view] = await present(sql, [row]);
  return view as CommentView;
}

/**
 * Posts a task comment: the same write path as a message — rate limit, idempotency by client_id,
 * mentions among the board's members, `comment.created` published after commit with the task's
 * previous comment id, mention job queued.
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
  const outcome = await deps.posts.write({
    kind: 'comment',
    actor,
    parentId: taskId,
    content,
    clientId,
    mentions: parseMentions(content),
  });
  if ('existing' in outcome) {
    if (outcome.existing.parentId !== taskId) {
      throw new DomainError('conflict', 'client_id was already used for a comment on another task', 'client_id');
    }
    return {
      comment: await loadComment(deps.db.knex, outcome.existing.id),
      created: false,
      announced: Promise.resolve(),
    };
  }
  const { id, prevId, createdAt, mentioned } = outcome.created;
  const comment = commentView(
    { ...insertedPostRow(id, actor, content, clientId, createdAt), task_id: taskId },
    mentioned.map((user) => user.username),
  );
  const recipient_ids = mentioned.map((user) => user.id).filter((userId) => userId !== actor.id);
  const announced = Promise.all([
    publishStored(deps, { type: 'comment.created', task_id: taskId, prev_id: prevId, comment }),
    recipient_ids.length === 0
      ? Promise.resolve()
      : deps.mentions
          .enqueue(
            { kind: 'comment', comment_id: id, task_id: taskId, author_id: actor.id, recipient_ids },
            `comment-${id}`,
          )
          .catch((error: unknown) => deps.reportError('enqueue mention job', error)),
  ]).then(() => {});
  return { comment, created: true, announced };
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

/** A task's comments after `after`, oldest first, for the task's real-time feed (see roomMessagesAfter). */
export async function taskCommentsAfter(deps: DomainDeps, taskId: number, after: number, limit: number) {
  const sql = deps.db.knex;
  const { rows, has_more } = await keysetPage<CommentRow>(commentsQuery(sql).where('c.task_id', taskId), 'c.id', {
    after,
    limit,
  });
  return { items: await present(sql, rows), has_more };
}

/** The id of a task's newest comment, 0 when it has none. */
export async function latestCommentId(deps: DomainDeps, taskId: number): Promise<number> {
  const row = await deps.db.knex('task_comments').where('task_id', taskId).max('id as id').first();
  return num((row as { id: unknown } | undefined)?.id ?? 0);
}
