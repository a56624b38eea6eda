import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { numberedPlaceholders } from '../../service/db/pg-database.js';

// README "Data access": service/db/ holds every SQL statement and every dialect difference. (That no
// other module loads a driver is the import check's rule `only-the-data-layer-reaches-the-database`.)

const root = join(import.meta.dirname, '..', '..');
const SQL = /\bselect\b[^;\n]*\bfrom\b|\binsert\s+into\b|\bdelete\s+from\b|\bupdate\s+\w+\s+set\b/i;
const DIALECT = /\bdialect\b|'postgresql'|'sqlite'/;

function sources(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return path === join('service', 'db') ? [] : sources(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

describe('the data layer boundary', () => {
  const files = [...sources('service'), ...sources('worker')];

  it('finds the sources it checks', () => {
    expect(files).toContain(join('service', 'domain', 'messages.ts'));
    expect(files).not.toContain(join('service', 'db', 'posts.ts'));
  });

  it('no module outside service/db holds SQL or asks for the dialect', () => {
    const offenders = files.flatMap((file) => {
      const lines = readFileSync(join(root, file), 'utf8').split('\n');
      return lines.flatMap((line, i) =>
        SQL.test(line) || DIALECT.test(line) ? [`${relative(root, join(root, file))}:${i + 1}: ${line.trim()}`] : [],
      );
    });
    expect(offenders).toEqual([]);
  });
});

describe('PostgreSQL placeholders', () => {
  it('numbers each ? outside quoted literals and identifiers', () => {
    expect(numberedPlaceholders(`select ? as a, '?' as "b?" where x like ? escape '\\'`)).toBe(
      `select $1 as a, '?' as "b?" where x like $2 escape '\\'`,
    );
  });
});
