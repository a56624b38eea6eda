import { tailLines } from './log-reader.js';
import type { ProcessStatus } from './types.js';

export interface FailureEntry {
  name: string;
  state: string;
  exit_code: number | null;
  signal: string | null;
  last_error: string | null;
  log_file: string;
  last_lines: string[];
}

/** Each failing process with its state, last probe error, exit code or signal, and last log lines. */
export function failureEntries(failures: ProcessStatus[], logsDir: string, lines = 20): FailureEntry[] {
  return failures.map((p) => ({
    name: p.name,
    state: p.state,
    exit_code: p.exit_code,
    signal: p.signal,
    last_error: p.last_error,
    log_file: p.log_file,
    last_lines: tailLines(logsDir, p.name, lines).map((l) => l.text),
  }));
}

function exitOf(entry: FailureEntry): string {
  if (entry.signal) return `killed by ${entry.signal}`;
  if (entry.exit_code !== null) return `exit code ${entry.exit_code}`;
  return 'no exit';
}

/** The report as text; with `github`, wrapped in GitHub Actions `::error::` / `::group::` annotations. */
export function formatFailureReport(entries: FailureEntry[], options: { github: boolean }): string {
  const out: string[] = [];
  for (const entry of entries) {
    const summary = `${entry.name} is ${entry.state} (${exitOf(entry)})${entry.last_error ? `: ${entry.last_error}` : ''}`;
    if (options.github) out.push(`::error title=prizmai: ${entry.name} ${entry.state}::${escapeAnnotation(summary)}`);
    else out.push(`✖ ${summary}`);
    out.push(`  log: ${entry.log_file}`);
    if (options.github) out.push(`::group::${entry.name}: last ${entry.last_lines.length} log lines`);
    else out.push(`  last ${entry.last_lines.length} log lines of ${entry.name}:`);
    for (const line of entry.last_lines) out.push(`    ${line}`);
    if (options.github) out.push('::endgroup::');
  }
  return out.join('\n');
}

function escapeAnnotation(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

export const underGithubActions = (env: NodeJS.ProcessEnv = process.env) => env.GITHUB_ACTIONS === 'true';
