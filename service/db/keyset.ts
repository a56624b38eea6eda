import type { Executor } from './database.js';

/** History cursor (SPEC §6): ids strictly before and/or after, at most `limit` rows. */
export interface PageRequest {
  before?: number | undefined;
  after?: number | undefined;
  limit: number;
}

/**
 * One page by keyset on `idColumn`, never OFFSET: `select` (ending in a where clause, with `params`)
 * narrowed to the oldest rows after `after`, or else the newest (before `before` when given). The page
 * is always ascending; `has_more` says whether rows exist beyond it in the direction walked.
 */
export async function keysetPage<T>(
  q: Executor,
  select: string,
  params: unknown[],
  idColumn: string,
  page: PageRequest,
): Promise<{ rows: T[]; has_more: boolean }> {
  let sql = select;
  const values = [...params];
  if (page.after !== undefined) {
    sql += ` and ${idColumn} > ?`;
    values.push(page.after);
  }
  if (page.before !== undefined) {
    sql += ` and ${idColumn} < ?`;
    values.push(page.before);
  }
  const forward = page.after !== undefined;
  values.push(page.limit + 1);
  const rows = await q.all<T>(`${sql} order by ${idColumn} ${forward ? 'asc' : 'desc'} limit ?`, values);
  const has_more = rows.length > page.limit;
  const pageRows = rows.slice(0, page.limit);
  if (!forward) pageRows.reverse();
  return { rows: pageRows, has_more };
}
