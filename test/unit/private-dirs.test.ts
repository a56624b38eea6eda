// The state dir is made without Node 20's recursive mkdir (which spins forever under /proc): nested,
// private, idempotent, and a clear error where the kernel will not make it.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CliError } from '../../cli/errors.js';
import { makePrivateDirs } from '../../cli/supervisor/private-files.js';
import { tempDir } from '../fixtures/tmp.js';

describe('makePrivateDirs', () => {
  it('makes every missing level, private, and a second call is a no-op', () => {
    const dir = tempDir('prizmai-dirs-');
    try {
      const deep = join(dir.path, 'a', 'b', 'c');
      makePrivateDirs(deep);
      makePrivateDirs(deep);
      expect(statSync(deep).isDirectory()).toBe(true);
      expect(statSync(deep).mode & 0o777).toBe(0o700);
      expect(statSync(join(dir.path, 'a')).mode & 0o777).toBe(0o700);
    } finally {
      dir.remove();
    }
  });

  it.skipIf(process.platform !== 'linux')('refuses a dir the kernel will not make (/proc), naming the key', () => {
    const attempt = () => makePrivateDirs('/proc/prizmai-no-such/state');
    expect(attempt).toThrow(CliError);
    expect(attempt).toThrow(
      'cannot create /proc/prizmai-no-such: /proc does not accept new directories; choose another stateDir',
    );
  });
});
