import type { ProcessRow } from '../supervisor/types.js';
import { colors, stateColour } from './colors.js';

function duration(seconds: number | null): string {
  if (seconds === null) return '-';
  if (seconds < 60) return `${seconds}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m${seconds % 60}s`;
  return `${Math.floor(seconds / 3600)}h${Math.floor((seconds % 3600) / 60)}m`;
}

function memory(bytes: number | null): string {
  if (bytes === null) return '-';
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** The `status` table: one row per process. */
export function renderStatusTable(rows: ProcessRow[]): string {
  const chalk = colors();
  const header = ['NAME', 'STATE', 'PID', 'PORT', 'UPTIME', 'RESTARTS', 'RSS', 'EXIT'];
  const cells = rows.map((r) => [
    r.name,
    r.state,
    r.pid === null ? '-' : String(r.pid),
    r.port === null ? '-' : String(r.port),
    duration(r.uptime_s),
    String(r.restarts),
    memory(r.rss_bytes),
    r.signal ?? (r.exit_code === null ? '-' : String(r.exit_code)),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] as string).length)));
  const line = (values: string[], paint?: (value: string, i: number) => string) =>
    values.map((v, i) => (paint ? paint(v.padEnd(widths[i] as number), i) : v.padEnd(widths[i] as number))).join('  ');
  const out = [chalk.bold(line(header))];
  for (const [index, row] of cells.entries()) {
    out.push(line(row, (v, i) => (i === 1 ? v.replace(v.trim(), stateColour(chalk, v.trim())) : v)).trimEnd());
    const source = rows[index] as ProcessRow;
    if (source.state === 'failed' || source.state === 'backoff' || source.state === 'unhealthy') {
      out.push(chalk.dim(`  ↳ ${source.last_error ?? 'crashed'}; see ${source.log_file}`));
    }
  }
  return out.join('\n');
}
