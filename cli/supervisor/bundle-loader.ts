// The entry point of the supervised Node.js processes: `node bundle-loader.js <bundle.cjs>` runs a
// one-file CommonJS build of the service, worker, beat or daemon (scripts/bundle.mjs) with a V8 code
// cache (bundle-runner.ts): without one, V8 parses and compiles ~3 MB of JavaScript (MikroORM, knex,
// BullMQ, Hono…) on every start and crash restart; with one, a third of the load time. The cache lives
// in PRIZMAI_CODE_CACHE_DIR (the supervisor sets <stateDir>/cache).
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { runBundle } from './bundle-runner.js';
import { CODE_CACHE_DIR_ENV } from './paths.js';

if (!process.argv[2]) {
  process.stderr.write('usage: node bundle-loader.js <bundle.cjs>\n');
  process.exit(2);
}
const bundle = resolve(process.argv[2]);
// The bundle sees the argv it would have had when run directly: [node, bundle, ...args].
process.argv.splice(1, 1);
if (process.sourceMapsEnabled) {
  // Node maps stack traces only for modules its own loader compiled (not vm.Script): with
  // --enable-source-maps, errors point into the TypeScript sources, at the price of the code cache.
  createRequire(import.meta.url)(bundle);
} else {
  runBundle(bundle, process.env[CODE_CACHE_DIR_ENV]);
}
