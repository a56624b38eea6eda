// Who may follow or post in a room or a task, as one statement each (`?` placeholders, both dialects):
// (room or task id, user id) → the board it belongs to, if the user is a member of the room, or of the
// task's board. The write path and the WebSocket subscribe path both ask it.
export const MEMBER_ACCESS = {
  room: 'select r.board_id from chat_rooms r where r.id = ? and exists (select 1 from room_members m where m.room_id = r.id and m.user_id = ?)',
  task: 'select t.board_id from tasks t where t.id = ? and exists (select 1 from board_members m where m.board_id = t.board_id and m.user_id = ?)',
} as const;
