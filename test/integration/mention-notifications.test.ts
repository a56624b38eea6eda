// Mentions end to end inside one process: the service's write path enqueues the real BullMQ job, a real
// BullMQ Worker runs the worker process's processor on it against the real database, and the
// recipient sees the notification over HTTP and receives its push on Redis — on SQLite and PostgreSQL.
import { type Job, Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMentionNotifications } from '../../service/domain/mention-notifications.js';
import { type ChatEvent, redisPublisher, userChannel } from '../../service/events.js';
import { MENTION_QUEUE, type MentionJob } from '../../service/queue/mentions.js';
import { mentionProcessor } from '../../worker/jobs/mentions.js';
import { databaseFactories } from '../fixtures/databases.js';
import { eventually } from '../fixtures/eventually.js';
import { knexOf } from './support/harness.js';
import { buildWorld, useService, type World } from './support/world.js';

describe.each(databaseFactories())('mention notifications on $dialect', (factory) => {
  const ctx = useService(factory);
  let w: World;
  let connection: Redis;
  let publisher: Redis;
  let subscriber: Redis;
  let worker: Worker<MentionJob, { created: number }>;
  let queue: Queue<MentionJob>;
  const pushed: { channel: string; event: ChatEvent }[] = [];
  const api = (method: string, path: string, token: string, json?: unknown) =>
    ctx.service.call(method, `/api/v1${path}`, { token, json });
  const deps = () => ({
    db: ctx.service.db,
    events: redisPublisher(publisher),
  });
  const notificationsOf = async (token: string) => (await api('GET', '/notifications', token)).body.notifications;
  // Read again once completed: a job read before it finished carries no return value.
  const completed = (jobId: string) =>
    eventually(async () =>
      (await (await queue.getJob(jobId))?.isCompleted())
        ? ((await queue.getJob(jobId)) as Job<MentionJob, { created: number }>)
        : undefined,
    );

  beforeAll(async () => {
    w = await buildWorld(ctx.service);
    connection = new Redis(ctx.redis.url, { maxRetriesPerRequest: null });
    publisher = new Redis(ctx.redis.url);
    subscriber = new Redis(ctx.redis.url);
    await subscriber.psubscribe('prizmai:user:*');
    subscriber.on('pmessage', (_pattern, channel, message) => pushed.push({ channel, event: JSON.parse(message) }));
    queue = new Queue<MentionJob>(MENTION_QUEUE, { connection });
    worker = new Worker(
      MENTION_QUEUE,
      mentionProcessor(async () => deps()),
      { connection },
    );
    await worker.waitUntilReady();
  });

  afterAll(async () => {
    await worker?.close();
    await queue?.close();
    subscriber?.disconnect();
    publisher?.disconnect();
    connection?.disconnect();
  });

  it('a mention in a room becomes one MENTION notification for the mentioned member, pushed with the unread count', async () => {
    const posted = await api('POST', `/rooms/${w.roomId}/messages`, w.alice.token, { content: 'hi @bob and @alice' });
    expect(posted.status).toBe(201);
    const messageId = posted.body.message.id as number;
    const job = await completed(`message-${messageId}`);
    expect(job.returnvalue).toEqual({ created: 1 });

    const [notification, ...rest] = await notificationsOf(w.bob.token);
    expect(rest).toEqual([]);
    expect(notification).toMatchObject({
      type: 'MENTION',
      text: 'alice mentioned you in #general',
      sender: { id: w.alice.id, username: 'alice' },
      room_id: w.roomId,
      message_id: messageId,
      task_id: null,
      comment_id: null,
      is_read: false,
    });
    expect((await api('GET', '/notifications/count', w.bob.token)).body.count).toBe(1);
    // The author is never notified of their own mention.
    expect(await notificationsOf(w.alice.token)).toEqual([]);

    const push = await eventually(async () => pushed.find((p) => p.channel === userChannel(w.bob.id)));
    expect(push.event).toEqual({ type: 'notification.created', user_id: w.bob.id, notification, unread_count: 1 });
  });

  it('sizes past SQLite’s 500-row insert limit: a room of 600 members, @all in it, an edit, 600 notifications', async () => {
    const knex = knexOf(ctx.service);
    const at = ctx.service.dialect === 'sqlite' ? Date.now() : new Date();
    const names = Array.from({ length: 600 }, (_, i) => `crowd${i}`);
    const ids: number[] = [];
    for (let i = 0; i < names.length; i += 100) {
      const rows = await knex('users')
        .insert(
          names
            .slice(i, i + 100)
            .map((name) => ({ username: name, username_key: name, display_name: name, created_at: at })),
        )
        .returning('id');
      ids.push(...rows.map((row: { id: number } | number) => Number(typeof row === 'object' ? row.id : row)));
    }
    for (let i = 0; i < ids.length; i += 100) {
      await knex('board_members').insert(
        ids.slice(i, i + 100).map((user_id) => ({ board_id: w.boardId, user_id, created_at: at })),
      );
    }
    const room = await api('POST', `/boards/${w.boardId}/rooms`, w.alice.token, { name: 'crowd', members: names });
    expect(room.status).toBe(201);
    const roomId = room.body.room.id;
    const posted = await api('POST', `/rooms/${roomId}/messages`, w.alice.token, { content: '@all the crowd' });
    expect(posted.status).toBe(201);
    expect(posted.body.message.mentions).toHaveLength(600);
    const job = await completed(`message-${posted.body.message.id}`);
    expect(job.returnvalue.created).toBe(600);
    const edited = await api('PATCH', `/messages/${posted.body.message.id}`, w.alice.token, { content: '@all again' });
    expect(edited.status).toBe(200);
    expect(edited.body.message.mentions).toHaveLength(600);
    const stored = await knex('notifications').where('message_id', posted.body.message.id).count('id as n').first();
    expect(Number(stored?.n)).toBe(600);
  }, 60_000);

  it('a retried job creates no duplicate and pushes nothing again', async () => {
    const posted = await api('POST', `/rooms/${w.roomId}/messages`, w.alice.token, { content: '@bob again' });
    const messageId = posted.body.message.id as number;
    const first = await completed(`message-${messageId}`);
    expect(first.returnvalue).toEqual({ created: 1 });
    const before = (await notificationsOf(w.bob.token)).length;
    const pushesBefore = pushed.length;

    // The same work again, as BullMQ runs it after a failed attempt: through the queue, and directly.
    await queue.add('mention', first.data, { jobId: `retry-${messageId}` });
    expect((await completed(`retry-${messageId}`)).returnvalue).toEqual({ created: 0 });
    expect(await createMentionNotifications(deps(), first.data)).toEqual([]);

    expect(await notificationsOf(w.bob.token)).toHaveLength(before);
    const rows = await knexOf(ctx.service)('notifications').where({ source: `message:${messageId}` });
    expect(rows).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 100));
    expect(pushed.length).toBe(pushesBefore);
  });

  it('a mention in a task comment notifies the mentioned board member, linking task and comment', async () => {
    const posted = await api('POST', `/tasks/${w.taskId}/comments`, w.alice.token, { content: 'over to you @carol' });
    expect(posted.status).toBe(201);
    const commentId = posted.body.comment.id as number;
    expect((await completed(`comment-${commentId}`)).returnvalue).toEqual({ created: 1 });
    const [notification] = await notificationsOf(w.carol.token);
    expect(notification).toMatchObject({
      type: 'MENTION',
      text: 'alice mentioned you on task "Ship it"',
      sender: { id: w.alice.id, username: 'alice' },
      room_id: null,
      message_id: null,
      task_id: w.taskId,
      comment_id: commentId,
    });
  });

  it('a comment notifies the task’s assignee and creator (COMMENT): never its author, never twice, not when mentioned', async () => {
    const task = async (token: string, title: string, assignee: string) =>
      (await api('POST', `/boards/${w.boardId}/tasks`, token, { title, assignee })).body.task.id as number;
    const comment = async (token: string, taskId: number, content: string) => {
      const posted = await api('POST', `/tasks/${taskId}/comments`, token, { content });
      expect(posted.status).toBe(201);
      const job = await completed(`comment-${posted.body.comment.id}`);
      return { id: posted.body.comment.id as number, job };
    };
    const ofComment = async (token: string, commentId: number) =>
      ((await notificationsOf(token)) as { comment_id: number; type: string; text: string }[])
        .filter((n) => n.comment_id === commentId)
        .map((n) => ({ type: n.type, text: n.text }));

    // alice's task, assigned to bob. carol mentions bob: bob is told once (MENTION), alice is told (COMMENT).
    const review = await task(w.alice.token, 'Review', 'bob');
    const first = await comment(w.carol.token, review, 'see this @bob');
    expect(first.job.returnvalue).toEqual({ created: 2 });
    expect(await ofComment(w.bob.token, first.id)).toEqual([
      { type: 'MENTION', text: 'carol mentioned you on task "Review"' },
    ]);
    expect(await ofComment(w.alice.token, first.id)).toEqual([
      { type: 'COMMENT', text: 'carol commented on task "Review"' },
    ]);
    expect(await ofComment(w.carol.token, first.id)).toEqual([]);
    // The assignee comments: the creator is told, the author is not.
    const second = await comment(w.bob.token, review, 'done');
    expect(second.job.returnvalue).toEqual({ created: 1 });
    expect(await ofComment(w.alice.token, second.id)).toEqual([
      { type: 'COMMENT', text: 'bob commented on task "Review"' },
    ]);
    expect(await ofComment(w.bob.token, second.id)).toEqual([]);
    // Creator and assignee one person: one notification.
    const own = await task(w.carol.token, 'Own', 'carol');
    const third = await comment(w.alice.token, own, 'a thought');
    expect(third.job.returnvalue).toEqual({ created: 1 });
    expect(await ofComment(w.carol.token, third.id)).toEqual([
      { type: 'COMMENT', text: 'alice commented on task "Own"' },
    ]);
    // The job again (a retry): nothing new, nothing pushed again.
    expect(await createMentionNotifications(deps(), first.job.data)).toEqual([]);
  });

  it('nothing is created for a message deleted, or a recipient gone, before the job runs', async () => {
    const deleted = await api('POST', `/rooms/${w.roomId}/messages`, w.alice.token, { content: '@bob soon gone' });
    const deletedId = deleted.body.message.id as number;
    const job: MentionJob = {
      kind: 'message',
      message_id: deletedId,
      room_id: w.roomId,
      author_id: w.alice.id,
      recipient_ids: [w.bob.id],
    };
    await completed(`message-${deletedId}`);
    await knexOf(ctx.service)('notifications')
      .where({ source: `message:${deletedId}` })
      .delete();
    expect((await api('DELETE', `/messages/${deletedId}`, w.alice.token)).status).toBe(200);
    expect(await createMentionNotifications(deps(), job)).toEqual([]);

    // dave is no member of the room: a job naming him (stale or forged) notifies nobody.
    const kept = await api('POST', `/rooms/${w.roomId}/messages`, w.alice.token, { content: 'no mention' });
    const forged: MentionJob = { ...job, message_id: kept.body.message.id, recipient_ids: [w.dave.id] };
    expect(await createMentionNotifications(deps(), forged)).toEqual([]);
    expect(await notificationsOf(w.dave.token)).toEqual([]);
  });
});
