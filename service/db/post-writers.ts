import type { Database } from './database.js';
import { pgPostWriter } from './pg-post-writer.js';
import type { PostWriter } from './post-writer.js';
import { SqliteDatabase } from './sqlite-database.js';
import { sqlitePostWriter } from './sqlite-post-writer.js';

/** The post writer of the database's dialect. */
export function postWriterFor(db: Database): PostWriter {
  return db instanceof SqliteDatabase ? sqlitePostWriter(db) : pgPostWriter(db);
}
