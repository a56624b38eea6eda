// The package's public entry: kept free of heavy imports so that a config file loads fast.
export { defineConfig } from './define.js';
export type { LoadedConfig, ResolvedConfig, Schedule, ScheduleName, UserConfig, ValueSource } from './types.js';
