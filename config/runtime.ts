import type { ResolvedConfig } from './types.js';

// No static imports of the loader here: service, worker, beat and the daemon import this module on
// their start-up path, where zod and jiti would cost ~50 ms on every start and every crash restart.

/** Environment variable through which the supervisor hands its resolved config to its children. */
export const RESOLVED_CONFIG_ENV = 'PRIZMAI_RESOLVED_CONFIG';

/**
 * The config a service, worker or beat process runs with: the supervisor's resolved config when it
 * started us (so every child sees exactly what `start` validated), otherwise loaded as the CLI does.
 */
export async function loadRuntimeConfig(env: NodeJS.ProcessEnv = process.env): Promise<ResolvedConfig> {
  const handed = env[RESOLVED_CONFIG_ENV];
  if (handed) return JSON.parse(handed) as ResolvedConfig;
  const { loadConfig } = await import('./load.js');
  return (await loadConfig({ env })).config;
}
