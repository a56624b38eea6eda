/** Writes one JSON document on stdout: under --json nothing else goes there. */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

export function printLine(text = ''): void {
  process.stdout.write(`${text}\n`);
}

/** Progress and notes go to stderr so stdout stays scriptable. */
export function note(text: string): void {
  process.stderr.write(`${text}\n`);
}
