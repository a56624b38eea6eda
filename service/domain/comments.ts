import type { Executor } from '../db/database.js';
import type { PostRow } from '../db/posts.js';
import * as posts from '../db/posts.js';
import type { MentionJob } from '../queue/mentions.js';
import { taskOfMember } from './access.js';
import type { Actor } from './actor.js';
import { checkClientId, normaliseContent } from './content.js';
import type { DomainDeps } from './deps.js';
import { DomainError } from './errors.js';
import type { PageRequest } from './keyset.js';
import { parseMentions } from './mentions.js';
import { commentView, insertedPostRow } from './presenters.js';
import { publishStored } from './publish.js';
import type { CommentView, Page } from './views.js';

/** Comments as views, with their mentions (one query for the page). */
async function present(q: Executor, rows: PostRow[]): Promise<CommentView[]> {
  const mentions = await posts.mentionsOf(q, 'comment', rows);
  return rows.map((row) => commentView(row, mentions.get(row.id) ?? []));
}

export interface CommentResult {
  comment: CommentView;
  created: boolean;
  /** Settles once `comment.created` is published and the mention job queued (see PostResult). */
  announced: Promise<void>;
}

async function loadComment(q: Executor, commentId: number): Promise<CommentView> {
  const row = await posts.postById(q, 'comment', commentId);
  if (!row) throw new DomainError('not_found', 'comment not found');
  const [view] = await present(q, [row]);
  return view as CommentView;
}

/**
 * Posts a task comment: the same write path as a message — rate limit, idempotency by client_id,
 * mentions among the board's members, `comment.created` published after commit with the task's
 * previous comment id, its notification job (mentions, assignee, creator) written to the outbox with it
 * and handed to the worker's queue.
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
    // Every comment has a job: besides its mentions, the task's assignee and creator are told of it.
    handOver: ({ id, mentioned }) => {
      const data: MentionJob = {
        kind: 'comment',
        comment_id: id,
        task_id: taskId,
        author_id: actor.id,
        recipient_ids: mentioned.map((user) => user.id).filter((userId) => userId !== actor.id),
      };
      return { jobId: `comment-${id}`, data };
    },
  });
  if ('existing' in outcome) {
    if (outcome.existing.parentId !== taskId) {
      throw new DomainError('conflict', 'client_id was already used for a comment on another task', 'client_id');
    }
    return {
      comment: await loadComment(deps.db, outcome.existing.id),
      created: false,
      announced: Promise.resolve(),
    };
  }
  const { id, prevId, createdAt, mentioned, handOver } = outcome.created;
  const comment = commentView(
    insertedPostRow(id, taskId, actor, content, clientId, createdAt),
    mentioned.map((user) => user.username),
  );
  const announced = Promise.all([
    publishStored(deps, { type: 'comment.created', task_id: taskId, prev_id: prevId, comment }),
    handOver ? deps.jobs.handOver(handOver) : undefined,
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
  await taskOfMember(deps.db, taskId, actor);
  const { rows, has_more } = await posts.postPage(deps.db, 'comment', taskId, page);
  return { items: await present(deps.db, rows), has_more };
}

/** A task's comments after `after`, oldest first, for the task's real-time feed (see roomMessagesAfter). */
export async function taskCommentsAfter(deps: DomainDeps, taskId: number, after: number, limit: number) {
  const { rows, has_more } = await posts.postPage(deps.db, 'comment', taskId, { after, limit });
  return { items: await present(deps.db, rows), has_more };
}

/** The id of a task's newest comment, 0 when it has none. */
export function latestCommentId(deps: DomainDeps, taskId: number): Promise<number> {
  return posts.latestPostId(deps.db, 'comment', taskId);
}
