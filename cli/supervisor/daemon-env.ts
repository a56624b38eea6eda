/**
 * The environment variable through which children receive the resolved config: the value of
 * RESOLVED_CONFIG_ENV in config/runtime.ts, repeated here because importing that module loads the whole
 * config loader (zod, jiti) and the daemon and `status` must start fast. A unit test keeps them equal.
 */
export const CONFIG_ENV = 'PRIZMAI_RESOLVED_CONFIG';

/** Environment variable naming the processes the daemon starts (JSON list; all when empty). */
export const DAEMON_NAMES_ENV = 'PRIZMAI_SUPERVISOR_NAMES';
