// Builds the service, worker and beat — and the CLI and its supervisor daemon — into one CommonJS file
// each (dist/bundles/<name>.cjs), run by cli/supervisor/bundle-loader.ts (bin/prizmai.js for the CLI)
// with a V8 code cache. One file instead of ~1,000 modules (ours, Hono,
// zod, MikroORM, knex, ioredis, BullMQ) spares every start and crash restart the module resolution and
// Node's ESM export scan, and lets V8 cache the whole compiled program in one piece. Not for code that
// finds files next to its own: BullMQ's sandboxed (file) processors would look for BullMQ's child entry
// in dist/bundles/ (prizmai's processors are functions).

import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { build } from 'esbuild';

// Native addons find their binary relative to their own files; the migrator runs only in the migrate
// step, never in these processes. They load from node_modules as usual, should they ever be needed.
// jiti (TypeScript config files) loads its own pieces by path, so it stays a package too.
const external = ['better-sqlite3', 'msgpackr-extract', 'pg-native', '@mikro-orm/migrations', 'jiti'];

/** Whether Node 20's `require` can load the package file `path` resolves to (not an ES module). */
function requirable(path, resolveDir) {
  try {
    const file = createRequire(`${resolveDir}/`).resolve(path);
    if (file.endsWith('.mjs')) return false;
    if (file.endsWith('.cjs') || !file.endsWith('.js')) return true;
    for (let dir = dirname(file); dir !== dirname(dir); dir = dirname(dir)) {
      if (existsSync(join(dir, 'package.json')))
        return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).type !== 'module';
    }
    return true;
  } catch {
    return false;
  }
}

/** Packages every command loads (argument parsing): bundled. */
const ON_EVERY_PATH = new Set(['commander']);
const packageOf = (path) =>
  path
    .split('/')
    .slice(0, path.startsWith('@') ? 2 : 1)
    .join('/');

const common = {
  outdir: 'dist/bundles',
  outExtension: { '.js': '.cjs' },
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  // `import()` becomes `require`: a vm.Script (the loader's code cache) has no dynamic-import hook on Node 20.
  supported: { 'dynamic-import': false },
  // "use strict" first, as esbuild would put it: our modules are ES modules, strict throughout.
  banner: { js: '"use strict";' },
  minifyWhitespace: true,
  minifySyntax: true,
  keepNames: true,
  sourcemap: 'linked',
  external,
  logLevel: 'warning',
};

/**
 * `ownPackagesOnly`: the CLI and its daemon run a command and exit, so their bundle holds our code, the
 * package every command loads (commander) and those Node 20 cannot `require` (ES modules:
 * chalk, ora, execa); every other package is
 * required from node_modules only by the command that needs it (the ORM for `users add`, BullMQ for
 * `jobs`), and `status` reads a bundle of a few hundred KB, not megabytes.
 */
const plugin = ({ ownPackagesOnly }) => ({
  name: 'prizmai-bundle',
  setup(builder) {
    if (ownPackagesOnly) {
      builder.onResolve({ filter: /^[^./]/ }, (args) =>
        args.path.startsWith('node:') ||
        ON_EVERY_PATH.has(packageOf(args.path)) ||
        !requirable(args.path, args.resolveDir)
          ? undefined
          : { path: args.path, external: true },
      );
    }
    // The migrations (and @mikro-orm/migrations under them) load only where the migrator runs,
    // never in these processes; they stay outside, at their path as seen from dist/bundles/.
    builder.onResolve({ filter: /\/migrations\/index\.js$/ }, (args) =>
      /[/\\]dist[/\\]service[/\\]db[/\\]orm\.js$/.test(args.importer)
        ? { path: '../migrations/index.js', external: true }
        : undefined,
    );
    // Likewise the config loader (zod, jiti): under the supervisor a process gets the resolved config
    // in its environment and only loads config/load.js when started by hand.
    builder.onResolve({ filter: /^\.\/load\.js$/ }, (args) =>
      /[/\\]dist[/\\]config[/\\]runtime\.js$/.test(args.importer)
        ? { path: '../config/load.js', external: true }
        : undefined,
    );
    // Optional peer packages that are not installed (other SQL drivers, …) stay `require` calls that
    // throw at run time, exactly as they would unbundled, where the package catches it.
    builder.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path.startsWith('node:') || external.includes(args.path)) return undefined;
      try {
        createRequire(`${args.resolveDir}/`).resolve(args.path);
        return undefined;
      } catch {
        return { path: args.path, external: true };
      }
    });
    // A relative require that finds no file (packages probe for files that exist only in their own
    // development layout, inside try/catch) must fail as it would unbundled, not be left for run
    // time, where it would resolve from dist/bundles/ — MikroORM's `require('../../package.json')`
    // would find prizmai's package.json and take its version for MikroORM's.
    builder.onResolve({ filter: /^\.\.?\// }, (args) => {
      if (args.kind !== 'require-call' || !args.importer.includes('node_modules')) return undefined;
      try {
        createRequire(args.importer).resolve(args.path);
        return undefined;
      } catch {
        return { path: args.path, namespace: 'not-found' };
      }
    });
    builder.onLoad({ filter: /.*/, namespace: 'not-found' }, (args) => ({
      contents: `throw Object.assign(new Error(${JSON.stringify(`Cannot find module '${args.path}'`)}), { code: 'MODULE_NOT_FOUND' });`,
      loader: 'js',
    }));
    // Our CommonJS packages are loaded with `requireCjs` (service/cjs.ts) to skip Node's ESM export
    // scan; in a bundle they are plain `require`s, so that esbuild includes them.
    // And each module's `import.meta.url` stays its own file's URL (dist/cli/…), so the paths it
    // derives from it (the migrations, the daemon's entry, package.json) are what they are unbundled.
    builder.onLoad({ filter: /[/\\]dist[/\\].*\.js$/ }, async (args) => {
      const { readFile } = await import('node:fs/promises');
      const source = await readFile(args.path, 'utf8');
      const fromBundles = relative('dist/bundles', args.path).split('\\').join('/');
      const ownUrl = `require("node:url").pathToFileURL(require("node:path").join(__dirname, ${JSON.stringify(fromBundles)})).href`;
      return {
        contents: source.replace(/\brequireCjs\(/g, 'require(').replace(/\bimport\.meta\.url\b/g, ownUrl),
        loader: 'js',
        resolveDir: dirname(args.path),
      };
    });
  },
});

await build({
  ...common,
  entryPoints: { service: 'dist/service/main.js', worker: 'dist/worker/main.js', beat: 'dist/worker/beat.js' },
  plugins: [plugin({ ownPackagesOnly: false })],
});
await build({
  ...common,
  entryPoints: { cli: 'dist/cli/main.js', daemon: 'dist/cli/supervisor/daemon.js' },
  plugins: [plugin({ ownPackagesOnly: true })],
});
