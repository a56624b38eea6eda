/** Exit codes of SPEC §4, in one table. */
export const ExitCode = {
  ok: 0,
  failure: 1,
  usage: 2,
  notRunning: 3,
  unauthenticated: 4,
  notFound: 5,
  interrupted: 130,
} as const;

/** An error the CLI reports as its message alone (no stack) with the given exit code. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = ExitCode.failure,
    /** Machine-readable details printed under --json. */
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'CliError';
  }
}
