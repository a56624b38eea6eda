// The architecture's dependency rules (README "Architecture"), checked on the compiled JavaScript.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', from: {}, to: { circular: true } },
    {
      name: 'config-imports-nothing-of-ours',
      severity: 'error',
      from: { path: '^dist/config/' },
      to: { path: '^dist/(cli|service|worker|migrations|bench)/' },
    },
    {
      name: 'service-does-not-import-cli-or-worker',
      severity: 'error',
      from: { path: '^dist/service/' },
      to: { path: '^dist/(cli|worker|bench)/' },
    },
    {
      name: 'worker-does-not-import-cli',
      severity: 'error',
      from: { path: '^dist/worker/' },
      to: { path: '^dist/(cli|bench)/' },
    },
    {
      name: 'cli-runs-worker-as-a-process-never-by-import',
      severity: 'error',
      from: { path: '^dist/cli/' },
      to: { path: '^dist/worker/' },
    },
    {
      name: 'only-the-data-layer-reaches-the-database',
      comment:
        'service/db/ is the one way to the database (README "Data access"): no other module of the service or the worker loads a driver, knex or MikroORM.',
      severity: 'error',
      from: { path: '^dist/(service|worker)/', pathNot: '^dist/service/db/' },
      to: { path: '^node_modules/(better-sqlite3|pg|pg-[a-z-]+|knex|@mikro-orm/[^/]+)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // The one-file builds (scripts/bundle.mjs) are made of the modules checked here.
    exclude: { path: '\\.d\\.ts$|\\.map$|^dist/bundles/' },
    moduleSystems: ['es6', 'cjs'],
    // CommonJS packages load through service/cjs.ts's createRequire: follow those calls too.
    exoticRequireStrings: ['requireCjs'],
  },
};
