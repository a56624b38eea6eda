import type { DialectName } from './database.js';

// Where the two dialects' SQL differs, the query modules ask here: everything else they write once.

/** Case-insensitive LIKE: SQLite's LIKE already is for ASCII; PostgreSQL needs ILIKE. */
export function ilike(dialect: DialectName): string {
  return dialect === 'postgresql' ? 'ilike' : 'like';
}

/** The larger of two values: `max(a, b)` in SQLite, `greatest(a, b)` in PostgreSQL. */
export function greatest(dialect: DialectName): string {
  return dialect === 'postgresql' ? 'greatest' : 'max';
}

/** Row locks until commit (PostgreSQL); SQLite's one writer already holds the whole database. */
export function forUpdate(dialect: DialectName, of?: string): string {
  return dialect === 'postgresql' ? ` for update${of ? ` of ${of}` : ''}` : '';
}

/** Escapes `%`, `_` and `\` for a LIKE pattern used with `escape '\'`. */
export function likeEscape(text: string): string {
  return text.replace(/[\\%_]/g, (ch) => `\\${ch}`);
}
