import { shownUrl } from '../../config/managed-redis.js';
import { CliError } from '../errors.js';
import { optionsOf, resolveConfig } from '../options.js';
import { note, printJson, printLine } from '../output.js';

/** `prizmai migrate [--status]`: apply pending migrations, or list applied and pending ones. */
export async function run(...args: unknown[]): Promise<number> {
  const options = optionsOf(args);
  const { config } = await resolveConfig(options);
  const [{ openDatabase }, { isDatabaseUnavailable, isPgUnavailable }] = await Promise.all([
    import('../../service/db/orm.js'),
    import('../../service/db/errors.js'),
  ]);
  const unreachable = (error: unknown): never => {
    if (!isDatabaseUnavailable(error) && !isPgUnavailable(error)) throw error;
    const where = shownUrl(config.database.url);
    throw new CliError(
      `the database at ${where} cannot be reached (${(error as Error).message}); start it or correct database.url (prizmai doctor checks it)`,
    );
  };
  const orm = await openDatabase(config.database.url).catch(unreachable);
  try {
    const migrator = orm.getMigrator();
    if (options.status) {
      const applied = await migrator.getExecutedMigrations();
      const pending = await migrator.getPendingMigrations();
      if (options.json) {
        printJson({
          applied: applied.map((m) => ({ name: m.name, executed_at: new Date(m.executed_at).toISOString() })),
          pending: pending.map((m) => m.name),
        });
      } else {
        for (const m of applied) printLine(`applied  ${m.name}  ${new Date(m.executed_at).toISOString()}`);
        for (const m of pending) printLine(`pending  ${m.name}`);
        if (applied.length + pending.length === 0) printLine('no migrations');
      }
      return 0;
    }
    const ran = await migrator.up();
    if (options.json) printJson({ applied: ran.map((m) => m.name) });
    else if (ran.length === 0) note('database is up to date');
    else for (const m of ran) printLine(`applied  ${m.name}`);
    return 0;
  } catch (error) {
    return unreachable(error);
  } finally {
    await orm.close();
  }
}
