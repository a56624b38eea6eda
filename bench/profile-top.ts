// Reads V8 CPU profiles (.cpuprofile, as `--cpu-prof` writes them: PRIZMAI_BENCH_CPU_PROF) and prints,
// for each, where the process spent its busy time: the top functions by self time, and self and
// inclusive (anywhere on the stack) time by package (node_modules/<pkg>) or by our source file. Frames
// of a one-file bundle (dist/bundles/*.cjs) are mapped back to their source through its source map when
// the source-map-js package can be loaded. Run as
// `node dist/bench/profile-top.js <file or folder>… [--top N] [--skip seconds]`.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** A frame's place: where it was in our source or which package, and its name with file:line. */
interface Place {
  group: string;
  label: string;
}

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));

interface SourceMapConsumer {
  originalPositionFor(position: { line: number; column: number }): {
    source: string | null;
    line: number | null;
    name: string | null;
  };
}
const consumers = new Map<string, SourceMapConsumer | null>();

/** The source map consumer of a bundle, or null without its map or source-map-js. */
function consumerOf(file: string): SourceMapConsumer | null {
  if (!consumers.has(file)) {
    let consumer: SourceMapConsumer | null = null;
    try {
      const { SourceMapConsumer } = createRequire(import.meta.url)('source-map-js') as {
        SourceMapConsumer: new (map: unknown) => SourceMapConsumer;
      };
      if (existsSync(`${file}.map`)) consumer = new SourceMapConsumer(JSON.parse(readFileSync(`${file}.map`, 'utf8')));
    } catch {
      consumer = null;
    }
    consumers.set(file, consumer);
  }
  return consumers.get(file) ?? null;
}

/** node_modules/<pkg> (scoped: @scope/pkg), or our source file (dist/x/y.js → x/y.ts). */
function groupOfPath(path: string): string {
  const at = path.lastIndexOf('node_modules/');
  if (at >= 0) {
    const [first, second] = path.slice(at + 'node_modules/'.length).split('/');
    return first?.startsWith('@') ? `${first}/${second}` : (first ?? path);
  }
  const local = relative(ROOT, path).replace(/^dist\//, '');
  return local.replace(/\.js$/, '.ts');
}

/** A package's file from its own folder on (knex/lib/…), ours from the project's (dist/service/…). */
function shortPath(path: string): string {
  const at = path.lastIndexOf('node_modules/');
  return at >= 0 ? path.slice(at + 'node_modules/'.length) : relative(ROOT, path);
}

function placeOf(frame: CallFrame): Place {
  const name = frame.functionName || '(anonymous)';
  const { url } = frame;
  if (!url) return { group: name.startsWith('(') ? name : '(native)', label: name };
  if (url.startsWith('node:')) return { group: 'node:internal', label: `${name} ${url}:${frame.lineNumber + 1}` };
  const path = url.startsWith('file://') ? fileURLToPath(url) : url;
  if (path.endsWith('.cjs')) {
    const original = consumerOf(path)?.originalPositionFor({ line: frame.lineNumber + 1, column: frame.columnNumber });
    if (original?.source) {
      const source = resolve(join(path, '..'), original.source);
      const label = `${original.name ?? name} ${shortPath(source)}:${original.line}`;
      return { group: groupOfPath(source), label };
    }
  }
  return { group: groupOfPath(path), label: `${name} ${shortPath(path)}:${frame.lineNumber + 1}` };
}

const pct = (part: number, whole: number) => `${((100 * part) / whole).toFixed(1).padStart(5)}%`;

function summarise(file: string, top: number, skipMs: number): void {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const places = new Map(profile.nodes.map((node) => [node.id, placeOf(node.callFrame)]));
  // A native function (JSON.parse, a write, a SQLite step) counts for the package or file that called it.
  for (const node of profile.nodes) {
    const place = places.get(node.id) as Place;
    if (place.group !== '(native)') continue;
    let at = parent.get(node.id);
    while (at !== undefined && (places.get(at) as Place).group === '(native)') at = parent.get(at);
    const caller = at === undefined ? undefined : places.get(at);
    if (caller && !caller.group.startsWith('(')) {
      places.set(node.id, { group: caller.group, label: `${place.label} (native, from ${caller.group})` });
    }
  }

  // Node's own code and natives charged to the package or file that called them, when one did (a write
  // or undici's Request made for a handler); without one, it is the HTTP server's or the event loop's.
  const charged = new Map<number, string>();
  const ours = (group: string) => !group.startsWith('(') && group !== 'node:internal';
  for (const node of profile.nodes) {
    let at: number | undefined = node.id;
    while (at !== undefined && !ours((places.get(at) as Place).group)) at = parent.get(at);
    charged.set(node.id, at === undefined ? (places.get(node.id) as Place).group : (places.get(at) as Place).group);
  }

  const selfByLabel = new Map<string, { time: number; group: string }>();
  const selfByGroup = new Map<string, number>();
  const chargedByGroup = new Map<string, number>();
  const inclusiveByGroup = new Map<string, number>();
  const add = (map: Map<string, number>, key: string, time: number) => map.set(key, (map.get(key) ?? 0) + time);
  let total = 0;
  let idle = 0;
  let clock = 0;
  profile.samples.forEach((id, i) => {
    const time = profile.timeDeltas[i] ?? 0;
    clock += time;
    if (clock < skipMs * 1000) return;
    const place = places.get(id) as Place;
    total += time;
    if (place.group === '(idle)') {
      idle += time;
      return;
    }
    const entry = selfByLabel.get(place.label) ?? { time: 0, group: place.group };
    entry.time += time;
    selfByLabel.set(place.label, entry);
    add(selfByGroup, place.group, time);
    add(chargedByGroup, charged.get(id) as string, time);
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const group = (places.get(at) as Place).group;
      if (!seen.has(group) && byId.get(at)?.callFrame.url) seen.add(group);
    }
    for (const group of seen) add(inclusiveByGroup, group, time);
  });
  const busy = total - idle;
  process.stdout.write(
    `\n${file}: ${(total / 1e6).toFixed(1)} s profiled${skipMs ? ` after the first ${skipMs / 1000} s` : ''}, ${(busy / 1e6).toFixed(1)} s busy (${pct(busy, total).trim()}); % of busy time\n`,
  );
  const sorted = <T>(map: Map<string, T>, time: (value: T) => number) =>
    [...map].sort((a, b) => time(b[1]) - time(a[1])).slice(0, top);
  process.stdout.write(
    `  ${'self time by package / file'.padEnd(40)}${'node + natives charged to caller'.padEnd(40)}inclusive (on the stack)\n`,
  );
  const columns = [selfByGroup, chargedByGroup, inclusiveByGroup].map((map) => sorted(map, (t) => t));
  const cell = (row: [string, number] | undefined) => (row ? `${pct(row[1], busy)}  ${row[0]}` : '');
  for (let i = 0; i < Math.min(20, Math.max(...columns.map((rows) => rows.length))); i++) {
    process.stdout.write(
      `  ${columns
        .map((rows) => cell(rows[i]).padEnd(40))
        .join('')
        .trimEnd()}\n`,
    );
  }
  process.stdout.write(`  top ${top} functions by self time\n`);
  for (const [label, { time, group }] of sorted(selfByLabel, (e) => e.time)) {
    process.stdout.write(`  ${pct(time, busy)}  ${label}  [${group}]\n`);
  }
}

/** The .cpuprofile files of `path`: itself, or those in it and its subfolders. */
function profilesOf(path: string): string[] {
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path, { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.cpuprofile'))
    .sort()
    .map((name) => join(path, name));
}

const args = process.argv.slice(2);
/** `--name value` taken out of args, or the fallback. */
function option(name: string, fallback: number): number {
  const at = args.indexOf(name);
  return at >= 0 ? Number(args.splice(at, 2)[1]) : fallback;
}
const top = option('--top', 25);
// The process's start (module loading, ORM discovery) is no part of serving requests: `--skip 2` leaves it out.
const skipMs = option('--skip', 0) * 1000;
if (args.length === 0) {
  process.stderr.write(
    'usage: node dist/bench/profile-top.js <file.cpuprofile or folder>… [--top N] [--skip seconds]\n',
  );
  process.exitCode = 2;
}
for (const path of args) for (const file of profilesOf(path)) summarise(file, top, skipMs);
