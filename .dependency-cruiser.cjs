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
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // The one-file builds (scripts/bundle.mjs) are made of the modules checked here.
    exclude: { path: '\\.d\\.ts$|\\.map$|^dist/bundles/' },
    moduleSystems: ['es6'],
  },
};
