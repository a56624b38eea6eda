import { createRequire } from 'node:module';

/**
 * `require` for CommonJS packages on the start-up path (MikroORM, pg, ioredis). When ESM `import`s a
 * CommonJS package, Node 20 first scans its source for named exports, following every re-export
 * (cjs-module-lexer): ~120 ms of each service start for MikroORM alone. `require` skips the scan.
 * Types still come from `import type`.
 */
export const requireCjs = createRequire(import.meta.url);
