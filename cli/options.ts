import type { Command } from 'commander';
import type { LoadedConfig } from '../config/types.js';

/** Options every command takes (SPEC §4), declared once on the program. */
export interface GlobalOptions {
  config?: string;
  json?: boolean;
}

export type CommandOptions = GlobalOptions & Record<string, unknown>;

/** The command's own options merged with the program's (--config, --json). */
export function optionsOf(args: unknown[]): CommandOptions {
  const command = args[args.length - 1] as Command;
  return command.optsWithGlobals() as CommandOptions;
}

/** The flag layer of SPEC §3, for commands that resolve the configuration. */
export function withConfigFlags(command: Command): Command {
  return command
    .option('--state-dir <dir>', 'state directory (stateDir)')
    .option('--host <host>', 'service host (service.host)')
    .option('--port <port>', 'service port (service.port)')
    .option('--redis-url <url>', 'use this Redis and manage none (redis.url)')
    .option('--redis-port <port>', 'managed Redis port (redis.port)')
    .option('--database-url <url>', 'sqlite:<path> or postgres://… (database.url)');
}

/** Resolves the configuration from the command's options: --config, the flag layer, env, file. */
export async function resolveConfig(options: CommandOptions): Promise<LoadedConfig> {
  const { loadConfig } = await import('../config/load.js');
  return loadConfig({ configFile: options.config, flags: options });
}
