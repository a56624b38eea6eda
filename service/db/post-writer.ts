import type { Actor } from '../domain/actor.js';
import { DomainError } from '../domain/errors.js';
import { type MentionedUser, type ParsedMentions, pickMentioned } from '../domain/mentions.js';
import type { Row } from './database.js';
import { OUTBOX_INSERT, type OutboxJob, outboxInsertParams } from './job-outbox.js';
import { MEMBER_ACCESS } from './member-access.js';
import { POST_TABLES, type PostKind } from './posts.js';
import { audienceMembersSql } from './users.js';

// The write path of a post (a chat message or a task comment), the one hot write of the service: it
// checks access, settles idempotency by client_id, resolves mentions among the audience, assigns the
// post's place in its stream (the id of the stream's previous post, so real-time feeds can tell a gap
// from the next item) and stores it — all in one transaction that holds the stream's write lock from
// its first statement, so it never fails for a concurrent writer (SQLite) and a stream's posts commit in
// id order (PostgreSQL's row lock). Posts submitted together are written in one transaction (a group
// commit), in the order submitted, each settled on its own: one refused post refuses nothing else.

export interface PostRequest {
  kind: PostKind;
  actor: Actor;
  /** The room (message) or task (comment). */
  parentId: number;
  /** Trimmed, checked content. */
  content: string;
  clientId: string | null;
  mentions: ParsedMentions;
  /**
   * The job the stored post promises the worker (its notifications), if any: written to the outbox in
   * the post's transaction, so no crash between the commit and the hand-over can lose it.
   */
  handOver?: (post: { id: number; mentioned: MentionedUser[] }) => OutboxJob | null;
}

export type PostOutcome =
  /** Stored now: its id, the id of the stream's previous post (0 for the first), its timestamp (epoch ms). */
  | {
      created: {
        id: number;
        prevId: number;
        createdAt: number;
        mentioned: MentionedUser[];
        /** The job written to the outbox with the post, for the caller to hand over. */
        handOver: OutboxJob | null;
      };
    }
  /** The author's earlier post with this client_id (possibly in another room or task). */
  | { existing: { id: number; parentId: number } };

export interface PostWriter {
  /** Settles with the outcome, or rejects with a DomainError (not_found) or a storage failure. */
  write(request: PostRequest): Promise<PostOutcome>;
}

/** The statements of the write path (`?` placeholders, SQL both dialects run as it is). */
function postStatements(kind: PostKind) {
  const t = POST_TABLES[kind];
  const audience = kind === 'message' ? 'room' : 'board';
  return {
    /** (parent id, author id) → the board, if the author may post there. */
    access: MEMBER_ACCESS[kind === 'message' ? 'room' : 'task'],
    /** (author id, client id) → the earlier post. */
    byClientId: `select id, ${t.parent} as parent_id from ${t.posts} where author_id = ? and client_id = ?`,
    /** (audience id, username key) → that member. */
    member: audienceMembersSql(audience, 1),
    /** (audience id) → every member. */
    members: audienceMembersSql(audience, null),
    /** (parent id) → the stream's newest post. */
    previous: `select id from ${t.posts} where ${t.parent} = ? order by id desc limit 1`,
    /** (parent id, author id, content, client id, created at) → id. */
    insert: `insert into ${t.posts} (${t.parent}, author_id, content, client_id, created_at) values (?, ?, ?, ?, ?) returning id`,
    /** (post id, user id[, room id]). */
    mention:
      kind === 'message'
        ? 'insert into message_mentions (message_id, user_id, room_id) values (?, ?, ?)'
        : 'insert into comment_mentions (comment_id, user_id) values (?, ?)',
  };
}
type PostStatements = ReturnType<typeof postStatements>;

const STATEMENTS: Record<PostKind, PostStatements> = {
  message: postStatements('message'),
  comment: postStatements('comment'),
};

/** One statement of the write path, for the dialect's writer to run. */
export interface Query {
  sql: string;
  params: unknown[];
}

/** Past this many distinct names, one query for the whole audience is cheaper than one per name. */
const NAMES_ONE_BY_ONE = 20;

/**
 * The steps of writing one post, as statements yielded to the caller, which runs each and sends back
 * its rows: SQLite's writer runs them synchronously inside its transaction, PostgreSQL's awaits them.
 */
export function* writePost(request: PostRequest, createdAt: Date): Generator<Query, PostOutcome, Row[]> {
  const statements = STATEMENTS[request.kind];
  const { actor, parentId, mentions } = request;
  const [access] = yield { sql: statements.access, params: [parentId, actor.id] };
  if (!access) throw new DomainError('not_found', `${request.kind === 'message' ? 'room' : 'task'} not found`);
  if (request.clientId !== null) {
    const [existing] = yield { sql: statements.byClientId, params: [actor.id, request.clientId] };
    if (existing) return { existing: { id: existing.id as number, parentId: existing.parent_id as number } };
  }
  const audienceId = request.kind === 'message' ? parentId : (access.board_id as number);
  let found: Row[] = [];
  if (mentions.all || mentions.names.length > NAMES_ONE_BY_ONE) {
    found = yield { sql: statements.members, params: [audienceId] };
  } else {
    for (const name of mentions.names) found.push(...(yield { sql: statements.member, params: [audienceId, name] }));
  }
  const mentioned = pickMentioned(
    found as { id: number; username: string; username_key: string }[],
    mentions,
    actor.id,
  );
  const [previous] = yield { sql: statements.previous, params: [parentId] };
  const [inserted] = yield {
    sql: statements.insert,
    params: [parentId, actor.id, request.content, request.clientId, createdAt],
  };
  const id = inserted?.id as number;
  for (const user of mentioned) {
    yield { sql: statements.mention, params: request.kind === 'message' ? [id, user.id, parentId] : [id, user.id] };
  }
  const handOver = request.handOver?.({ id, mentioned }) ?? null;
  if (handOver) yield { sql: OUTBOX_INSERT, params: outboxInsertParams(handOver, createdAt) };
  return {
    created: {
      id,
      prevId: (previous?.id as number | undefined) ?? 0,
      createdAt: createdAt.getTime(),
      mentioned,
      handOver,
    },
  };
}
