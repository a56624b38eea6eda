/** Environment variables that override a config key (SPEC §3). */
export const envOverrides: Record<string, string> = {
  stateDir: 'PRIZMAI_STATE_DIR',
  'service.host': 'PRIZMAI_HOST',
  'service.port': 'PRIZMAI_PORT',
  'redis.url': 'PRIZMAI_REDIS_URL',
  'redis.port': 'PRIZMAI_REDIS_PORT',
  'redis.bin': 'PRIZMAI_REDIS_BIN',
  'database.url': 'PRIZMAI_DATABASE_URL',
  'limits.postsPerSecond': 'PRIZMAI_POSTS_PER_SECOND',
  'limits.connectionsPerUser': 'PRIZMAI_CONNECTIONS_PER_USER',
};

/** CLI flags (as commander names them) that override a config key (SPEC §4). */
export const flagOverrides: Record<string, { option: string; flag: string }> = {
  stateDir: { option: 'stateDir', flag: '--state-dir' },
  'service.host': { option: 'host', flag: '--host' },
  'service.port': { option: 'port', flag: '--port' },
  'redis.url': { option: 'redisUrl', flag: '--redis-url' },
  'redis.port': { option: 'redisPort', flag: '--redis-port' },
  'database.url': { option: 'databaseUrl', flag: '--database-url' },
};

/** Keys whose values are numbers: a numeric string from env or a flag becomes a number. */
export const numericKeys = new Set([
  'service.port',
  'redis.port',
  'limits.postsPerSecond',
  'limits.connectionsPerUser',
]);
