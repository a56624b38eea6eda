import { boardOfMember, roomOfMember } from './access.js';
import type { Actor } from './actor.js';
import { likeEscape } from './db.js';
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
  const sql = deps.db.knex;
  if (query.board !== undefined) await boardOfMember(sql, query.board, actor);
  if (query.room !== undefined) await roomOfMember(sql, query.room, actor);
  const q = sql('users as u').select('u.id', 'u.username', 'u.display_name', 'u.created_at');
  if (query.room !== undefined) {
    q.whereIn('u.id', sql('room_members').select('user_id').where('room_id', query.room));
  }
  if (query.board !== undefined) {
    q.whereIn('u.id', sql('board_members').select('user_id').where('board_id', query.board));
  }
  // Always within the caller's boards, whatever else narrows it.
  q.whereIn(
    'u.id',
    sql('board_members as others')
      .join('board_members as mine', 'mine.board_id', 'others.board_id')
      .where('mine.user_id', actor.id)
      .select('others.user_id'),
  );
  const prefix = query.q?.trim().toLowerCase() ?? '';
  if (prefix.length > 0) {
    const pattern = `${likeEscape(prefix)}%`;
    q.where((w) =>
      w
        .whereRaw(`u.username_key like ? escape '\\'`, [pattern])
        .orWhereRaw(`lower(u.display_name) like ? escape '\\'`, [pattern]),
    );
  }
  const rows = await q.orderBy('u.username_key').limit(AUTOCOMPLETE_LIMIT);
  return rows.map(userView);
}
