import { ExitCode } from '../errors.js';

/**
 * Ctrl-C (SIGINT) runs `cleanup` once and ends the process with exit code 130. A second Ctrl-C exits at
 * once. Returns a function that removes the handler.
 */
export function onInterrupt(cleanup: () => Promise<void>): () => void {
  let interrupted = false;
  const handler = () => {
    if (interrupted) process.exit(ExitCode.interrupted);
    interrupted = true;
    void cleanup()
      .catch(() => {})
      .finally(() => process.exit(ExitCode.interrupted));
  };
  process.on('SIGINT', handler);
  return () => process.off('SIGINT', handler);
}
