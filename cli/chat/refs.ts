import { unwrap } from '../../service/client.js';
import { CliError, ExitCode } from '../errors.js';
import { api, type ChatSession } from './session.js';

// Boards and rooms as users name them (SPEC §9): by id, or by name — a room as `board-name/room-name`.

const isId = (ref: string) => /^\d+$/.test(ref);

export async function boardIdOf(session: ChatSession, ref: string): Promise<number> {
  if (isId(ref)) return Number(ref);
  const { boards } = await api(session, () => unwrap(session.client.boards.$get()));
  const found = boards.filter((board) => board.name === ref);
  if (found.length === 0) throw new CliError(`no board named "${ref}" that you can see`, ExitCode.notFound);
  if (found.length > 1) {
    throw new CliError(`${found.length} boards are named "${ref}"; use an id: ${found.map((b) => b.id).join(', ')}`);
  }
  return (found[0] as { id: number }).id;
}

/** `board-name/room-name` (or `<board id>/room-name`) split at its last slash. */
export function splitRoomRef(ref: string): { board: string; room: string } {
  const slash = ref.lastIndexOf('/');
  if (slash <= 0 || slash === ref.length - 1) {
    throw new CliError(`a room is an id or board-name/room-name, got ${JSON.stringify(ref)}`, ExitCode.usage);
  }
  return { board: ref.slice(0, slash), room: ref.slice(slash + 1) };
}

export async function roomIdOf(session: ChatSession, ref: string): Promise<number> {
  if (isId(ref)) return Number(ref);
  const { board, room: name } = splitRoomRef(ref);
  const boardId = await boardIdOf(session, board);
  const { rooms } = await api(session, () =>
    unwrap(session.client.boards[':id'].rooms.$get({ param: { id: String(boardId) } })),
  );
  const room = rooms.find((r) => r.name === name);
  if (!room) throw new CliError(`no room "${name}" on board ${board} that you can see`, ExitCode.notFound);
  return room.id;
}
