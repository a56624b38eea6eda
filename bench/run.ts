// `npm run bench`: every benchmark, one after the other (they share 2 cores), each printing its figures.
import { runHttpBenchmark } from './http.js';
import { runSupervisorBenchmark } from './supervisor.js';
import { runWebSocketBenchmark } from './ws.js';

const only = process.argv[2];
const benchmarks: Record<string, () => Promise<void>> = {
  supervisor: () => runSupervisorBenchmark(),
  http: () => runHttpBenchmark(),
  ws: () => runWebSocketBenchmark(),
};

for (const [name, run] of Object.entries(benchmarks)) {
  if (only && only !== name) continue;
  process.stdout.write(`\n== ${name} ==\n`);
  await run();
}
