/** An invalid configuration: each problem names the key path, the bad value and what was expected. */
export class ConfigError extends Error {
  readonly exitCode = 2;
  constructor(readonly problems: string[]) {
    super(
      problems.length === 1
        ? `invalid configuration: ${problems[0]}`
        : `invalid configuration:\n  ${problems.join('\n  ')}`,
    );
    this.name = 'ConfigError';
  }
}
