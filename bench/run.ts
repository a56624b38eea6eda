// `npm run bench`: every benchmark, one after the other (they share 2 cores), each printing its figures;
// `node dist/bench/run.js <name>` runs one.
import { runHttpBenchmark } from './http.js';
import { runInstancesBenchmark } from './instances.js';
import { runRealtimeBenchmark } from './realtime/suite.js';
import { runSupervisorBenchmark } from './supervisor.js';

const only = process.argv[2];
const benchmarks: Record<string, () => Promise<void>> = {
  supervisor: () => runSupervisorBenchmark(),
  http: () => runHttpBenchmark(),
  realtime: () => runRealtimeBenchmark(),
  instances: () => runInstancesBenchmark(),
};

if (only && !(only in benchmarks)) {
  process.stderr.write(`no benchmark "${only}"; there are: ${Object.keys(benchmarks).join(', ')}\n`);
  process.exitCode = 2;
}
for (const [name, run] of Object.entries(benchmarks)) {
  if (only && only !== name) continue;
  process.stdout.write(`\n== ${name} ==\n`);
  await run();
}
