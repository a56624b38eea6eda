import type { EntitySchema as EntitySchemaClass } from '@mikro-orm/core';
import { requireCjs } from '../cjs.js';

const { EntitySchema } = requireCjs('@mikro-orm/core') as { EntitySchema: typeof EntitySchemaClass };

// Plain classes described by EntitySchema: no decorators, no reflect-metadata, nothing at import time.
// Column names are snake_case (MikroORM's default naming strategy) to match the API's field names.

export class User {
  id!: number;
  username!: string;
  /** Lower-cased username: the unique key, so usernames are unique case-insensitively. */
  usernameKey!: string;
  displayName!: string;
  /** scrypt hash, `scrypt$N$r$p$salt$hash`; null for users created without a password. */
  passwordHash?: string | null;
  createdAt: Date = new Date();
}

export class ApiToken {
  id!: number;
  user!: User;
  /** sha256 of the token: the token itself is never stored. */
  tokenHash!: string;
  name?: string | null;
  createdAt: Date = new Date();
  lastUsedAt?: Date | null;
  revokedAt?: Date | null;
}

export class Board {
  id!: number;
  name!: string;
  owner!: User;
  createdAt: Date = new Date();
}

export class BoardMember {
  id!: number;
  board!: Board;
  user!: User;
  createdAt: Date = new Date();
}

export class Task {
  id!: number;
  board!: Board;
  title!: string;
  assignee?: User | null;
  creator!: User;
  createdAt: Date = new Date();
}

export class ChatRoom {
  id!: number;
  board!: Board;
  name!: string;
  description = '';
  createdBy!: User;
  createdAt: Date = new Date();
}

export class RoomMember {
  id!: number;
  room!: ChatRoom;
  user!: User;
  createdAt: Date = new Date();
}

export class ChatMessage {
  id!: number;
  room!: ChatRoom;
  author!: User;
  /** Empty once deleted: a deleted message stays as a tombstone. */
  content!: string;
  clientId?: string | null;
  createdAt: Date = new Date();
  editedAt?: Date | null;
  deletedAt?: Date | null;
}

export class MessageMention {
  id!: number;
  message!: ChatMessage;
  user!: User;
  /** Denormalised from the message, so unread mention counts need no join. */
  room!: ChatRoom;
}

export class TaskComment {
  id!: number;
  task!: Task;
  author!: User;
  content!: string;
  clientId?: string | null;
  createdAt: Date = new Date();
  editedAt?: Date | null;
  deletedAt?: Date | null;
}

export class CommentMention {
  id!: number;
  comment!: TaskComment;
  user!: User;
}

export type NotificationType = 'MENTION' | 'COMMENT' | 'CHAT_MESSAGE' | 'ACTIVITY';

export class Notification {
  id!: number;
  recipient!: User;
  sender?: User | null;
  type!: NotificationType;
  text!: string;
  /** What the notification is about, e.g. `message:42`: at most one per recipient, source and type. */
  source!: string;
  room?: ChatRoom | null;
  message?: ChatMessage | null;
  task?: Task | null;
  comment?: TaskComment | null;
  isRead = false;
  createdAt: Date = new Date();
}

export class ReadMarker {
  id!: number;
  user!: User;
  room!: ChatRoom;
  lastReadMessageId = 0;
  updatedAt: Date = new Date();
}

/**
 * Work the worker must be handed that a commit promised — a post's or an edit's notifications —
 * written in the same transaction, deleted once the queue holds the job, swept by the worker when a
 * crash or a Redis failure came in between (service/domain/hand-over.ts).
 */
export class JobOutbox {
  id!: number;
  /** The queue's job id: a job handed over twice is still one job, and its processor is idempotent. */
  jobId!: string;
  /** The job's data as JSON. */
  payload!: string;
  createdAt: Date = new Date();
}

const id = { type: 'integer', primary: true, autoincrement: true } as const;
const createdAt = { type: 'datetime', onCreate: () => new Date() } as const;
const optionalDate = { type: 'datetime', nullable: true } as const;

export const UserSchema = new EntitySchema<User>({
  class: User,
  tableName: 'users',
  properties: {
    id,
    username: { type: 'string', length: 150 },
    usernameKey: { type: 'string', length: 150, unique: 'users_username_key_unique' },
    displayName: { type: 'string', length: 150 },
    passwordHash: { type: 'string', length: 255, nullable: true },
    createdAt,
  },
});

export const ApiTokenSchema = new EntitySchema<ApiToken>({
  class: ApiToken,
  tableName: 'api_tokens',
  properties: {
    id,
    user: { kind: 'm:1', entity: () => User, deleteRule: 'cascade' },
    tokenHash: { type: 'string', length: 64, unique: 'api_tokens_token_hash_unique' },
    name: { type: 'string', length: 100, nullable: true },
    createdAt,
    lastUsedAt: optionalDate,
    revokedAt: optionalDate,
  },
});

export const BoardSchema = new EntitySchema<Board>({
  class: Board,
  tableName: 'boards',
  properties: {
    id,
    name: { type: 'string', length: 100 },
    owner: { kind: 'm:1', entity: () => User },
    createdAt,
  },
});

export const BoardMemberSchema = new EntitySchema<BoardMember>({
  class: BoardMember,
  tableName: 'board_members',
  uniques: [{ name: 'board_members_board_user_unique', properties: ['board', 'user'] }],
  // "Which boards is this user in" is the first step of most authorisation checks.
  indexes: [{ name: 'board_members_user_index', properties: ['user'] }],
  properties: {
    id,
    board: { kind: 'm:1', entity: () => Board, deleteRule: 'cascade' },
    user: { kind: 'm:1', entity: () => User, deleteRule: 'cascade' },
    createdAt,
  },
});

export const TaskSchema = new EntitySchema<Task>({
  class: Task,
  tableName: 'tasks',
  properties: {
    id,
    board: { kind: 'm:1', entity: () => Board, deleteRule: 'cascade' },
    title: { type: 'string', length: 200 },
    assignee: { kind: 'm:1', entity: () => User, nullable: true, deleteRule: 'set null' },
    creator: { kind: 'm:1', entity: () => User },
    createdAt,
  },
});

export const ChatRoomSchema = new EntitySchema<ChatRoom>({
  class: ChatRoom,
  tableName: 'chat_rooms',
  uniques: [{ name: 'chat_rooms_board_name_unique', properties: ['board', 'name'] }],
  properties: {
    id,
    board: { kind: 'm:1', entity: () => Board, deleteRule: 'cascade' },
    name: { type: 'string', length: 100 },
    description: { type: 'text', default: '' },
    createdBy: { kind: 'm:1', entity: () => User },
    createdAt,
  },
});

export const RoomMemberSchema = new EntitySchema<RoomMember>({
  class: RoomMember,
  tableName: 'room_members',
  uniques: [{ name: 'room_members_room_user_unique', properties: ['room', 'user'] }],
  indexes: [{ name: 'room_members_user_index', properties: ['user'] }],
  properties: {
    id,
    room: { kind: 'm:1', entity: () => ChatRoom, deleteRule: 'cascade' },
    user: { kind: 'm:1', entity: () => User, deleteRule: 'cascade' },
    createdAt,
  },
});

export const ChatMessageSchema = new EntitySchema<ChatMessage>({
  class: ChatMessage,
  tableName: 'chat_messages',
  // room + id: keyset history and unread counts; author + client_id: idempotent send.
  indexes: [{ name: 'chat_messages_room_history_index', properties: ['room', 'id'] }],
  uniques: [{ name: 'chat_messages_author_client_id_unique', properties: ['author', 'clientId'] }],
  properties: {
    id,
    room: { kind: 'm:1', entity: () => ChatRoom, deleteRule: 'cascade' },
    author: { kind: 'm:1', entity: () => User },
    content: { type: 'text' },
    clientId: { type: 'string', length: 100, nullable: true },
    createdAt,
    editedAt: optionalDate,
    deletedAt: optionalDate,
  },
});

export const MessageMentionSchema = new EntitySchema<MessageMention>({
  class: MessageMention,
  tableName: 'message_mentions',
  uniques: [{ name: 'message_mentions_message_user_unique', properties: ['message', 'user'] }],
  // user + room + message: "how many messages after my read marker mention me" per room.
  indexes: [{ name: 'message_mentions_user_room_message_index', properties: ['user', 'room', 'message'] }],
  properties: {
    id,
    message: { kind: 'm:1', entity: () => ChatMessage, deleteRule: 'cascade' },
    user: { kind: 'm:1', entity: () => User, deleteRule: 'cascade' },
    room: { kind: 'm:1', entity: () => ChatRoom, deleteRule: 'cascade' },
  },
});

export const TaskCommentSchema = new EntitySchema<TaskComment>({
  class: TaskComment,
  tableName: 'task_comments',
  indexes: [{ name: 'task_comments_task_history_index', properties: ['task', 'id'] }],
  uniques: [{ name: 'task_comments_author_client_id_unique', properties: ['author', 'clientId'] }],
  properties: {
    id,
    task: { kind: 'm:1', entity: () => Task, deleteRule: 'cascade' },
    author: { kind: 'm:1', entity: () => User },
    content: { type: 'text' },
    clientId: { type: 'string', length: 100, nullable: true },
    createdAt,
    editedAt: optionalDate,
    deletedAt: optionalDate,
  },
});

export const CommentMentionSchema = new EntitySchema<CommentMention>({
  class: CommentMention,
  tableName: 'comment_mentions',
  uniques: [{ name: 'comment_mentions_comment_user_unique', properties: ['comment', 'user'] }],
  indexes: [{ name: 'comment_mentions_user_index', properties: ['user'] }],
  properties: {
    id,
    comment: { kind: 'm:1', entity: () => TaskComment, deleteRule: 'cascade' },
    user: { kind: 'm:1', entity: () => User, deleteRule: 'cascade' },
  },
});

export const NotificationSchema = new EntitySchema<Notification>({
  class: Notification,
  tableName: 'notifications',
  uniques: [{ name: 'notifications_recipient_source_type_unique', properties: ['recipient', 'source', 'type'] }],
  indexes: [
    { name: 'notifications_recipient_is_read_index', properties: ['recipient', 'isRead'] },
    { name: 'notifications_recipient_history_index', properties: ['recipient', 'id'] },
  ],
  properties: {
    id,
    recipient: { kind: 'm:1', entity: () => User, deleteRule: 'cascade' },
    sender: { kind: 'm:1', entity: () => User, nullable: true, deleteRule: 'set null' },
    type: { type: 'string', length: 20 },
    text: { type: 'text' },
    source: { type: 'string', length: 100 },
    room: { kind: 'm:1', entity: () => ChatRoom, nullable: true, deleteRule: 'cascade' },
    message: { kind: 'm:1', entity: () => ChatMessage, nullable: true, deleteRule: 'cascade' },
    task: { kind: 'm:1', entity: () => Task, nullable: true, deleteRule: 'cascade' },
    comment: { kind: 'm:1', entity: () => TaskComment, nullable: true, deleteRule: 'cascade' },
    isRead: { type: 'boolean', default: false },
    createdAt,
  },
});

export const ReadMarkerSchema = new EntitySchema<ReadMarker>({
  class: ReadMarker,
  tableName: 'read_markers',
  uniques: [{ name: 'read_markers_user_room_unique', properties: ['user', 'room'] }],
  properties: {
    id,
    user: { kind: 'm:1', entity: () => User, deleteRule: 'cascade' },
    room: { kind: 'm:1', entity: () => ChatRoom, deleteRule: 'cascade' },
    lastReadMessageId: { type: 'integer', default: 0 },
    updatedAt: { type: 'datetime', onCreate: () => new Date(), onUpdate: () => new Date() },
  },
});

export const JobOutboxSchema = new EntitySchema<JobOutbox>({
  class: JobOutbox,
  tableName: 'job_outbox',
  properties: {
    id,
    jobId: { type: 'string', length: 200, unique: 'job_outbox_job_id_unique' },
    payload: { type: 'text' },
    createdAt,
  },
});

export const entities = [
  UserSchema,
  ApiTokenSchema,
  BoardSchema,
  BoardMemberSchema,
  TaskSchema,
  ChatRoomSchema,
  RoomMemberSchema,
  ChatMessageSchema,
  MessageMentionSchema,
  TaskCommentSchema,
  CommentMentionSchema,
  NotificationSchema,
  ReadMarkerSchema,
  JobOutboxSchema,
];
