import type { Executor, Row } from './database.js';

// Pieces of SQL text the query modules build from their inputs' sizes.

/** `?, ?, …` for an IN list of `count` values (`null` for none: `in (null)` matches nothing). */
export function placeholders(count: number): string {
  return count === 0 ? 'null' : new Array(count).fill('?').join(', ');
}

/**
 * Rows per multi-row INSERT, ids per IN list: SQLite allows at most 32,766 bound values per statement
 * and PostgreSQL 65,535; chunks keep every size the API accepts working on both, with few SQL texts.
 */
const CHUNK = 200;

/**
 * Inserts `rows` (each the values of `columns`, in order), a chunk per statement, `tail` after each
 * (`on conflict … returning …`); answers every row the statements returned.
 */
export async function insertRows<T = Row>(
  q: Executor,
  table: string,
  columns: readonly string[],
  rows: readonly unknown[][],
  tail = '',
): Promise<T[]> {
  const returned: T[] = [];
  const row = `(${placeholders(columns.length)})`;
  for (let i = 0; i < rows.length; i += CHUNK) {
    const chunk = rows.slice(i, i + CHUNK);
    returned.push(
      ...(await q.all<T>(
        `insert into ${table} (${columns.join(', ')}) values ${chunk.map(() => row).join(', ')}${tail ? ` ${tail}` : ''}`,
        chunk.flat(),
      )),
    );
  }
  return returned;
}

/** Runs `select` (ending in `in (`…`)`, given the placeholders) over `ids` a chunk at a time; every row. */
export async function selectIn<T = Row>(
  q: Executor,
  ids: readonly unknown[],
  select: (inList: string) => string,
  before: readonly unknown[] = [],
): Promise<T[]> {
  const rows: T[] = [];
  for (let i = 0; i < ids.length; i += CHUNK) {
    const chunk = ids.slice(i, i + CHUNK);
    rows.push(...(await q.all<T>(select(placeholders(chunk.length)), [...before, ...chunk])));
  }
  return rows;
}
