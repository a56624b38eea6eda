import { optionsOf, resolveConfig } from '../options.js';
import { note, printJson, printLine } from '../output.js';
import { hello, send, versionMismatch } from '../supervisor/client.js';
import { launch, StartFailure } from '../supervisor/launch.js';
import { failureEntries } from '../supervisor/report.js';
import { statusDocument } from '../supervisor/rows.js';
import type { StackStatus, WaitResult } from '../supervisor/types.js';
import { startProgress } from '../ui/spinner.js';
import { reportStartFailure, timeoutOf } from './start.js';

/** `prizmai restart [names…]`: stop + start of those processes (all by default), waiting for readiness. */
export async function run(names: unknown, ...args: unknown[]): Promise<number> {
  const options = optionsOf(args);
  const list = (names as string[] | undefined) ?? [];
  const timeoutMs = timeoutOf(options.timeout);
  const { config } = await resolveConfig(options);
  const progress = await startProgress('restarting', !options.json && process.stderr.isTTY === true);
  let status: StackStatus;
  try {
    const live = await hello(config.stateDir);
    if (live) {
      const mismatch = versionMismatch(live.version);
      if (mismatch) throw mismatch;
      const { value } = await send(config.stateDir, 'restart', { names: list, timeoutMs }, (event) => {
        const e = event as { type?: string; process?: { name: string; state: string } };
        if (e.type === 'change' && e.process) progress.update(e.process.name, e.process.state);
      });
      const result = value as { wait: WaitResult; status: StackStatus };
      if (!result.wait.ok) {
        throw new StartFailure(
          `restart failed: ${result.wait.reason ?? 'not ready'}`,
          failureEntries(result.wait.failures, `${config.stateDir}/logs`),
        );
      }
      status = result.status;
    } else {
      note('prizmai: not running; starting');
      status = (await launch(config, { names: list, timeoutMs, onChange: (p) => progress.update(p.name, p.state) }))
        .status;
    }
  } catch (error) {
    progress.stop();
    reportStartFailure(error);
  }
  progress.stop();
  if (options.json) printJson(statusDocument(status));
  else printLine(status.url ?? '');
  return 0;
}
