import type { UserConfig } from './types.js';

/** Typed identity for prizmai.config.ts: `export default defineConfig({ service: { port: 8080 } })`. */
export function defineConfig(config: UserConfig): UserConfig {
  return config;
}
