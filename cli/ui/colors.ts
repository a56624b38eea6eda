import { Chalk, type ChalkInstance } from 'chalk';

/** Colours on stdout: off when NO_COLOR is set or stdout is not a TTY, on when FORCE_COLOR says so. */
export function colors(stream: NodeJS.WriteStream = process.stdout, env = process.env): ChalkInstance {
  const force = env.FORCE_COLOR;
  if (force !== undefined && force !== '' && force !== '0' && force !== 'false') {
    return new Chalk({ level: Math.min(3, Math.max(1, Number(force) || 1)) as 1 | 2 | 3 });
  }
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return new Chalk({ level: 0 });
  if (force === '0' || force === 'false' || !stream.isTTY) return new Chalk({ level: 0 });
  return new Chalk({ level: 1 });
}

const PALETTE = ['cyan', 'magenta', 'yellow', 'green', 'blue', 'redBright'] as const;
const FIXED: Record<string, (typeof PALETTE)[number]> = {
  redis: 'redBright',
  migrate: 'blue',
  service: 'cyan',
  worker: 'magenta',
  beat: 'yellow',
};

/** `name | ` in the process's own colour, padded so merged logs line up. */
export function prefixer(chalk: ChalkInstance, names: string[]): (name: string) => string {
  const width = Math.max(7, ...names.map((n) => n.length));
  return (name) => {
    const colour = FIXED[name] ?? PALETTE[[...name].reduce((h, c) => h + c.charCodeAt(0), 0) % PALETTE.length];
    return chalk[colour ?? 'cyan'](`${name.padEnd(width)} |`);
  };
}

export function stateColour(chalk: ChalkInstance, state: string): string {
  switch (state) {
    case 'ready':
      return chalk.green(state);
    case 'failed':
    case 'unhealthy':
      return chalk.red(state);
    case 'backoff':
    case 'starting':
      return chalk.yellow(state);
    default:
      return chalk.dim(state);
  }
}
