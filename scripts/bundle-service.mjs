// Bundles the compiled service entry (dist/service/main.js) into one file. Loading ~150 small ESM files
// (ours, Hono, zod) costs the service ~70 ms of every start and crash restart; one file does not.
// CommonJS packages (MikroORM, knex, ioredis, BullMQ) stay external: the service loads them with
// require (service/cjs.ts), and they keep their own dynamic requires working.
import { build } from 'esbuild';

const bundled = /^(hono|@hono\/[^/]+|zod|@asteasolutions\/zod-to-openapi|openapi3-ts)(\/|$)/;

await build({
  entryPoints: ['dist/service/main.js'],
  outfile: 'dist/service/main.bundle.mjs',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  minifyWhitespace: true,
  minifySyntax: true,
  keepNames: true,
  sourcemap: 'linked',
  logLevel: 'warning',
  plugins: [
    {
      name: 'external-unless-bundled',
      setup(builder) {
        builder.onResolve({ filter: /^[^./]/ }, (args) =>
          bundled.test(args.path) ? undefined : { path: args.path, external: true },
        );
      },
    },
  ],
});
