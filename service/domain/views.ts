// The shapes the use cases return: SPEC §6's resource objects, snake_case, timestamps as ISO strings.
// HTTP serialises them as they are; the WebSocket protocol maps them onto its own frames.

export interface UserRef {
  id: number;
  username: string;
}

export interface UserView extends UserRef {
  display_name: string;
  created_at: string;
}

export interface BoardView {
  id: number;
  name: string;
  owner: UserRef;
  created_at: string;
}

export interface TaskView {
  id: number;
  board_id: number;
  title: string;
  assignee: UserRef | null;
  creator: UserRef;
  created_at: string;
}

export interface RoomView {
  id: number;
  board_id: number;
  name: string;
  description: string;
  created_by: UserRef;
  created_at: string;
}

/** What a chat message and a task comment have in common. */
export interface PostView {
  id: number;
  author: UserRef;
  content: string;
  mentions: string[];
  client_id: string | null;
  created_at: string;
  edited_at: string | null;
  deleted: boolean;
}

export interface MessageView extends PostView {
  room_id: number;
}

export interface CommentView extends PostView {
  task_id: number;
}

export interface NotificationView {
  id: number;
  type: string;
  text: string;
  sender: UserRef | null;
  room_id: number | null;
  message_id: number | null;
  task_id: number | null;
  comment_id: number | null;
  is_read: boolean;
  created_at: string;
}

export interface Page<T> {
  items: T[];
  has_more: boolean;
}

export interface RoomUnread {
  room_id: number;
  unread: number;
  mentions: number;
}

export interface ReadMarkerView extends RoomUnread {
  last_read_message_id: number;
}
