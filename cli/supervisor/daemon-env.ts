/** Environment variable naming the processes the daemon starts (JSON list; all when empty). */
export const DAEMON_NAMES_ENV = 'PRIZMAI_SUPERVISOR_NAMES';
