// The realtime benchmark's report: the table of both systems' figures, one PASS/MISS per target, and
// one `realtime-json:` line with every figure for machines.
import { tableLines } from '../table.js';
import type { DeliveryResult } from './delivery.js';
import { BUSY_CORES, type Results, SETTINGS } from './generator.js';

interface Check {
  name: string;
  target: string;
  value: number | string | null;
  pass: boolean;
}

const int = (n: number | undefined) => (n === undefined ? '—' : Math.round(n).toLocaleString('en'));
const mib = (kib: number) => (kib / 1024).toFixed(0);
/** A figure of a scenario that ended early: what it had, marked. */
const mark = (text: string, result: { aborted?: string } | undefined) => (result?.aborted ? `${text}*` : text);

function ratioOf(prizmai: number | undefined, reference: number | undefined): number | null {
  return prizmai !== undefined && reference ? prizmai / reference : null;
}

const faults = (r: DeliveryResult | undefined) =>
  r ? { lost: r.lost, duplicated: r.duplicated, outOfOrder: r.outOfOrder, refused: r.refused } : undefined;

/** Lost / duplicated / out of order / refused over the delivery scenarios and the burst (its refusals). */
function correctness(results: Results) {
  const sum = { lost: 0, duplicated: 0, outOfOrder: 0, refused: results.burst?.refused ?? 0 };
  for (const r of [faults(results.fanOut), faults(results.rooms)]) {
    if (!r) continue;
    sum.lost += r.lost;
    sum.duplicated += r.duplicated;
    sum.outOfOrder += r.outOfOrder;
    sum.refused += r.refused;
  }
  return sum;
}

export function report(reference: Results, prizmai: Results): void {
  const rows: string[][] = [];
  const checks: Check[] = [];
  const ratioRow = (label: string, pick: (r: Results) => number | undefined, min: number, scenario: keyof Results) => {
    const ratio = ratioOf(pick(prizmai), pick(reference));
    const complete = !prizmai.errors[scenario] && !(prizmai[scenario] as { aborted?: string } | undefined)?.aborted;
    rows.push([
      label,
      mark(int(pick(reference)), reference[scenario] as { aborted?: string }),
      mark(int(pick(prizmai)), prizmai[scenario] as { aborted?: string }),
      ratio === null ? '—' : `${ratio.toFixed(2)}×`,
      `≥ ${min}×`,
    ]);
    checks.push({
      name: label,
      target: `≥ ${min}× reference`,
      value: ratio,
      pass: complete && ratio !== null && ratio >= min,
    });
  };
  const latencyRow = (pick: (r: Results) => DeliveryResult | undefined) => {
    const cell = (r: DeliveryResult | undefined) => (r ? `${r.p50Ms.toFixed(1)}/${r.p99Ms.toFixed(1)}` : '—');
    rows.push(['  p50 / p99 latency ms', cell(pick(reference)), cell(pick(prizmai)), '', '']);
    const rate = (r: DeliveryResult | undefined) => int(r?.messagesPerSecond);
    rows.push(['  messages/s', rate(pick(reference)), rate(pick(prizmai)), '', '']);
  };

  const { fanOut, rooms, idleMemory, burst } = SETTINGS;
  ratioRow(`fan-out 1 room × ${fanOut.subscribers}, deliveries/s`, (r) => r.fanOut?.deliveriesPerSecond, 0.9, 'fanOut');
  latencyRow((r) => r.fanOut);
  ratioRow(
    `rooms ${rooms.rooms} × ${rooms.subscribersPerRoom}, deliveries/s`,
    (r) => r.rooms?.deliveriesPerSecond,
    0.9,
    'rooms',
  );
  latencyRow((r) => r.rooms);
  ratioRow('connects/s', (r) => r.connects?.connectsPerSecond, 0.8, 'connects');

  const kib = (r: Results) => r.idleMemory?.kibPerConnection;
  const kibCell = (r: Results) => mark(kib(r)?.toFixed(1) ?? '—', r.idleMemory);
  rows.push([
    `KiB per idle subscribed connection (${idleMemory.count})`,
    kibCell(reference),
    kibCell(prizmai),
    '',
    '≤ 10 KiB (prizmai)',
  ]);
  const idle = kib(prizmai);
  checks.push({
    name: 'KiB per idle subscribed connection',
    target: '≤ 10 KiB',
    value: idle ?? null,
    pass: idle !== undefined && !prizmai.idleMemory?.aborted && idle <= 10,
  });

  rows.push([
    `burst ${int(burst.count)} posts, acks/s`,
    mark(int(reference.burst?.acksPerSecond), reference.burst),
    mark(int(prizmai.burst?.acksPerSecond), prizmai.burst),
    '',
    '',
  ]);
  const rss = (r: Results) =>
    r.burst ? `${mib(r.burst.rssBeforeKiB)}/${mib(r.burst.rssPeakKiB)}/${mib(r.burst.rssAfterKiB)}` : '—';
  rows.push(['  RSS before / peak / after MiB', rss(reference), rss(prizmai), '', '']);
  const inOrder = ({ burst: b }: Results) => {
    if (!b) return '—';
    if (b.outOfOrder) return `no: ${b.outOfOrder} out of order`;
    return b.acks === b.posts ? 'yes' : `no: ${b.posts - b.acks} missing`;
  };
  rows.push(['  acks all there, in order sent', inOrder(reference), inOrder(prizmai), '', 'yes']);
  checks.push({
    name: 'burst acks in order',
    target: 'yes',
    value: inOrder(prizmai),
    pass: inOrder(prizmai) === 'yes',
  });

  const sums = (r: Results) => {
    const c = correctness(r);
    return `${c.lost}/${c.duplicated}/${c.outOfOrder}/${c.refused}`;
  };
  rows.push(['lost / duplicated / out of order / refused', sums(reference), sums(prizmai), '', '= 0']);
  const c = correctness(prizmai);
  const delivered = prizmai.fanOut && prizmai.rooms && prizmai.burst;
  checks.push({
    name: 'lost / duplicated / out of order / refused',
    target: '= 0',
    value: sums(prizmai),
    pass: Boolean(delivered) && c.lost + c.duplicated + c.outOfOrder + c.refused === 0,
  });
  const closes = (r: Results) =>
    `${(r.fanOut?.unexpectedCloses ?? 0) + (r.rooms?.unexpectedCloses ?? 0) + (r.burst?.unexpectedCloses ?? 0)}/` +
    `${(r.fanOut?.missingAcks ?? 0) + (r.rooms?.missingAcks ?? 0)}`;
  rows.push(['unexpected closes / posts never acked', closes(reference), closes(prizmai), '', '']);

  const header = ['realtime (same generator, same machine, one run)', 'reference', 'prizmai', 'ratio', 'target'];
  process.stdout.write(`\n${tableLines(header, rows, [0, 4]).join('\n')}\n`);
  const aborted = [reference, prizmai].some((r) =>
    [r.fanOut, r.rooms, r.connects, r.idleMemory, r.burst].some((x) => x?.aborted),
  );
  if (aborted) process.stdout.write('  * the scenario ended early (stalled or failed): the figure is what it had\n');
  const errors = [reference, prizmai].some((r) => Object.keys(r.errors).length > 0);
  if (errors) process.stdout.write('  — no figure: the scenario failed (see its FAILED line)\n');

  const busiest = Math.max(0, ...[reference, prizmai].flatMap((r) => Object.values(r.otherCores)));
  if (busiest > BUSY_CORES) {
    process.stdout.write(
      `  other processes used up to ${busiest.toFixed(1)} cores during a scenario: unreliable figures\n`,
    );
  }

  process.stdout.write('\n');
  for (const check of checks) {
    const value = typeof check.value === 'number' ? check.value.toFixed(2) : (check.value ?? 'none');
    process.stdout.write(`  ${check.pass ? 'PASS' : 'MISS'}  ${check.name}: ${value} (target ${check.target})\n`);
  }
  const json = { settings: SETTINGS, reference, prizmai, targets: checks };
  process.stdout.write(`realtime-json: ${JSON.stringify(json)}\n`);
}
