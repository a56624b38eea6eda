/**
 * Set on every SQLite connection: WAL, so readers never wait for the writer; synchronous=NORMAL, the
 * setting WAL is designed for — a commit survives a crash of any process, only an OS crash or power
 * loss can take the last commits since the previous checkpoint; busy_timeout, so a writer waits up to
 * 5 s for another process's write lock instead of failing; foreign keys enforced.
 */
export const SQLITE_PRAGMAS = [
  'journal_mode = WAL',
  'synchronous = NORMAL',
  'busy_timeout = 5000',
  'foreign_keys = ON',
];
