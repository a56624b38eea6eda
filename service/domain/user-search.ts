import { autocompleteUsers as searchUsers } from '../db/users.js';
import { boardOfMember, roomOfMember } from './access.js';
import type { Actor } from './actor.js';
import type { DomainDeps } from './deps.js';
import { userView } from './presenters.js';
import type { UserView } from './views.js';

export const AUTOCOMPLETE_LIMIT = 10;

/**
 * Mention autocomplete: users whose username or display name starts with `q`, only among members of
 * boards the caller belongs to — or of the given board or room, which the caller must belong to.
 */
export async function autocompleteUsers(
  deps: DomainDeps,
  actor: Actor,
  query: { q?: string | undefined; board?: number | undefined; room?: number | undefined },
): Promise<UserView[]> {
  if (query.board !== undefined) await boardOfMember(deps.db, query.board, actor);
  if (query.room !== undefined) await roomOfMember(deps.db, query.room, actor);
  const rows = await searchUsers(deps.db, {
    userId: actor.id,
    prefix: query.q?.trim().toLowerCase() ?? '',
    board: query.board,
    room: query.room,
    limit: AUTOCOMPLETE_LIMIT,
  });
  return rows.map(userView);
}
