import type { Knex } from '@mikro-orm/knex';

/** History cursor (SPEC §6): ids strictly before and/or after, at most `limit` rows. */
export interface PageRequest {
  before?: number | undefined;
  after?: number | undefined;
  limit: number;
}

export const PAGE_DEFAULT = 50;
export const PAGE_MAX = 100;

/**
 * One page of `query` by keyset on `idColumn`, never OFFSET: with `after`, the oldest rows newer than
 * it; otherwise the newest rows (older than `before` when given). The page is always ascending;
 * `has_more` says whether rows exist beyond it in the direction walked.
 */
export async function keysetPage<Row>(
  query: Knex.QueryBuilder,
  idColumn: string,
  page: PageRequest,
): Promise<{ rows: Row[]; has_more: boolean }> {
  if (page.after !== undefined) query.where(idColumn, '>', page.after);
  if (page.before !== undefined) query.where(idColumn, '<', page.before);
  const forward = page.after !== undefined;
  const rows = (await query.orderBy(idColumn, forward ? 'asc' : 'desc').limit(page.limit + 1)) as Row[];
  const has_more = rows.length > page.limit;
  const pageRows = rows.slice(0, page.limit);
  if (!forward) pageRows.reverse();
  return { rows: pageRows, has_more };
}
