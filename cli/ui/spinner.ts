import type { Ora } from 'ora';

export interface Progress {
  update(name: string, state: string, detail?: string | null): void;
  stop(): void;
}

/**
 * One line per process as it comes up, on stderr and only on a TTY (no-op otherwise). ora loads only
 * when it will be shown: it costs ~80 ms, a tenth of a whole `start`.
 */
export async function startProgress(title: string, enabled = process.stderr.isTTY === true): Promise<Progress> {
  if (!enabled) return { update() {}, stop() {} };
  const { default: ora } = await import('ora');
  const states = new Map<string, string>();
  const spinner: Ora = ora({ text: title, stream: process.stderr }).start();
  const render = () => {
    const parts = [...states].map(([name, state]) => `${name}: ${state}`);
    spinner.text = `${title} ${parts.join('  ')}`;
  };
  return {
    update(name, state) {
      if (states.get(name) === state) return;
      const previous = states.get(name);
      states.set(name, state);
      if (state === 'ready' && previous !== 'ready') {
        spinner.stopAndPersist({ symbol: '✔', text: `${name} ready` });
        spinner.start();
      }
      render();
    },
    stop() {
      spinner.stop();
    },
  };
}
