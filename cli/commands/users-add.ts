import { CliError, ExitCode } from '../errors.js';
import { readStdin } from '../input.js';
import { optionsOf, resolveConfig } from '../options.js';
import { printJson, printLine } from '../output.js';

/** `prizmai users add <username> [--password-stdin]`: a user straight in the database, and a token. */
export async function run(username: unknown, ...args: unknown[]): Promise<number> {
  const options = optionsOf(args);
  const { config } = await resolveConfig(options);
  const password = options.passwordStdin ? await readStdin() : undefined;
  const { migrationsPending } = await import('../supervisor/migrations-check.js');
  if (await migrationsPending(config.database.url)) {
    throw new CliError('the database has pending migrations; run `prizmai migrate` first');
  }
  const { connectDatabase } = await import('../../service/db/database.js');
  const { createUser, issueToken } = await import('../../service/domain/users.js');
  const { DomainError } = await import('../../service/domain/errors.js');
  const db = await connectDatabase(config.database.url);
  try {
    const user = await createUser(db, {
      username: String(username),
      password,
      displayName: options.displayName as string | undefined,
    }).catch((error: unknown) => {
      if (error instanceof DomainError) {
        throw new CliError(error.message, error.code === 'conflict' ? ExitCode.failure : ExitCode.usage);
      }
      throw error;
    });
    const token = await issueToken(db, user.id, 'cli');
    if (options.json)
      printJson({ user: { id: user.id, username: user.username, display_name: user.display_name }, token });
    else printLine(token);
    return 0;
  } finally {
    await db.close();
  }
}
