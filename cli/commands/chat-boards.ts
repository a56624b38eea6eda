// `prizmai boards list | create | add-member` and `prizmai rooms list | create | join | leave` (SPEC §9).
import { unwrap } from '../../service/client.js';
import { boardIdOf, roomIdOf, splitRoomRef } from '../chat/refs.js';
import { api, type ChatSession, signedInSession } from '../chat/session.js';
import { jsonFieldsOf, printJsonList } from '../json-fields.js';
import { optionsOf } from '../options.js';
import { printJson, printLine } from '../output.js';

export async function boardsList(...args: unknown[]): Promise<number> {
  const options = optionsOf(args);
  const fields = jsonFieldsOf(options, 'boards');
  const session = await signedInSession(options);
  const { boards } = await api(session, () => unwrap(session.client.boards.$get()));
  if (options.json) printJsonList(fields, boards, { boards });
  else for (const board of boards) printLine(`${board.id}\t${board.name}\t(owner ${board.owner.username})`);
  return 0;
}

export async function boardsCreate(name: unknown, ...args: unknown[]): Promise<number> {
  const options = optionsOf(args);
  const session = await signedInSession(options);
  const { board } = await api(session, () => unwrap(session.client.boards.$post({ json: { name: String(name) } })));
  if (options.json) printJson({ board });
  else printLine(String(board.id));
  return 0;
}

export async function boardsAddMember(boardRef: unknown, username: unknown, ...args: unknown[]): Promise<number> {
  const options = optionsOf(args);
  const session = await signedInSession(options);
  const id = String(await boardIdOf(session, String(boardRef)));
  const answer = await api(session, () =>
    unwrap(session.client.boards[':id'].members.$post({ param: { id }, json: { username: String(username) } })),
  );
  if (options.json) printJson(answer);
  else printLine(answer.user.username);
  return 0;
}

/** The board `ref` names (by id or name), or every board one can see. */
async function boardsNamed(session: ChatSession, ref: unknown) {
  if (!ref) return (await api(session, () => unwrap(session.client.boards.$get()))).boards;
  const id = String(await boardIdOf(session, String(ref)));
  return [(await api(session, () => unwrap(session.client.boards[':id'].$get({ param: { id } })))).board];
}

export async function roomsList(boardRef: unknown, ...args: unknown[]): Promise<number> {
  const options = optionsOf(args);
  const fields = jsonFieldsOf(options, 'rooms');
  const session = await signedInSession(options);
  const boards = await boardsNamed(session, boardRef);
  const rooms = [];
  for (const board of boards) {
    const answer = await api(session, () =>
      unwrap(session.client.boards[':id'].rooms.$get({ param: { id: String(board.id) } })),
    );
    for (const room of answer.rooms) rooms.push({ ...room, board_name: board.name });
  }
  if (options.json) printJsonList(fields, rooms, { rooms });
  else for (const room of rooms) printLine(`${room.id}\t${room.board_name}/${room.name}`);
  return 0;
}

export async function roomsCreate(boardRef: unknown, roomName: unknown, ...args: unknown[]): Promise<number> {
  const options = optionsOf(args);
  // `rooms create roadmap/general`, as a room is named everywhere else, or `rooms create roadmap general`.
  const { board, room: name } =
    roomName === undefined ? splitRoomRef(String(boardRef)) : { board: String(boardRef), room: String(roomName) };
  const session = await signedInSession(options);
  const id = String(await boardIdOf(session, board));
  const members = options.members ? String(options.members).split(',').filter(Boolean) : undefined;
  const json = {
    name: String(name),
    ...(options.description !== undefined ? { description: String(options.description) } : {}),
    ...(members ? { members } : {}),
  };
  const { room } = await api(session, () => unwrap(session.client.boards[':id'].rooms.$post({ param: { id }, json })));
  if (options.json) printJson({ room });
  else printLine(String(room.id));
  return 0;
}

async function myName(session: ChatSession): Promise<string> {
  return session.username ?? (await api(session, () => unwrap(session.client.me.$get()))).user.username;
}

export async function roomsJoin(roomRef: unknown, ...args: unknown[]): Promise<number> {
  const options = optionsOf(args);
  const session = await signedInSession(options);
  const id = String(await roomIdOf(session, String(roomRef)));
  const username = await myName(session);
  const answer = await api(session, () =>
    unwrap(session.client.rooms[':id'].members.$post({ param: { id }, json: { username } })),
  );
  if (options.json) printJson(answer);
  else printLine(`joined room ${id}`);
  return 0;
}

export async function roomsLeave(roomRef: unknown, ...args: unknown[]): Promise<number> {
  const options = optionsOf(args);
  const session = await signedInSession(options);
  const id = String(await roomIdOf(session, String(roomRef)));
  const username = await myName(session);
  await api(session, () =>
    unwrap(session.client.rooms[':id'].members[':username'].$delete({ param: { id, username } })),
  );
  if (options.json) printJson({ room_id: Number(id), left: true });
  else printLine(`left room ${id}`);
  return 0;
}
