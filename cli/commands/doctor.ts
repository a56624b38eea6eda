import { ConfigError } from '../../config/errors.js';
import type { LoadedConfig } from '../../config/types.js';
import {
  type Check,
  checkConfig,
  checkDaemon,
  checkDatabase,
  checkNode,
  checkPorts,
  checkRedis,
  checkStateDir,
} from '../doctor/checks.js';
import { ExitCode } from '../errors.js';
import { optionsOf, resolveConfig } from '../options.js';
import { printJson, printLine } from '../output.js';

/** `prizmai doctor`: each check with ✓/✗ and its fix, in order; exit 1 when one fails. */
export async function run(...args: unknown[]): Promise<number> {
  const options = optionsOf(args);
  const checks: Check[] = [checkNode()];
  let loaded: LoadedConfig | undefined;
  let configCheck: Check;
  try {
    loaded = await resolveConfig(options);
    configCheck = checkConfig(loaded);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    configCheck = {
      name: 'config',
      status: 'fail',
      detail: `invalid: ${error.problems.join('; ')}`,
      fix: 'correct the keys named (prizmai config shows every value and where it came from)',
    };
  }
  if (loaded) {
    const { config } = loaded;
    checks.push(await checkRedis(config), ...(await checkPorts(config)), checkStateDir(config));
    checks.push(await checkDatabase(config), await checkDaemon(config));
  } else {
    for (const name of ['redis', 'ports', 'state dir', 'database', 'daemon']) {
      checks.push({ name, status: 'skip', detail: 'not checked: the config is invalid' });
    }
  }
  checks.push(configCheck);

  const failed = checks.some((check) => check.status === 'fail');
  if (options.json) printJson({ ok: !failed, checks });
  else {
    const { colors } = await import('../ui/colors.js');
    const chalk = colors();
    const mark = { ok: chalk.green('✓'), fail: chalk.red('✗'), skip: chalk.dim('–') };
    for (const check of checks) {
      printLine(`${mark[check.status]} ${check.name}: ${check.detail}`);
      if (check.fix) printLine(`    fix: ${check.fix}`);
    }
  }
  return failed ? ExitCode.failure : ExitCode.ok;
}
