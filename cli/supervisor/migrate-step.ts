// The `migrate` step of the stack: a one-shot child that applies pending migrations and exits 0.
import { loadRuntimeConfig } from '../../config/runtime.js';

async function main(): Promise<void> {
  const config = await loadRuntimeConfig();
  const { openDatabase } = await import('../../service/db/orm.js');
  const orm = await openDatabase(config.database.url);
  try {
    const ran = await orm.getMigrator().up();
    process.stdout.write(
      ran.length === 0 ? 'database is up to date\n' : `applied ${ran.map((m) => m.name).join(', ')}\n`,
    );
  } finally {
    await orm.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`migrate failed: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
