// The managed stack is private to its owner (SPEC §3): a password on the managed Redis that appears on
// no command line, a state dir of 0700, its database, logs and secrets 0600.
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { createStack, type TestStack } from '../fixtures/cli.js';

const stacks: TestStack[] = [];
afterEach(async () => {
  await Promise.all(stacks.splice(0).map((s) => s.cleanup()));
});

const mode = (path: string) => statSync(path).mode & 0o777;

describe.runIf(process.platform !== 'win32')('a private stack', () => {
  it('the managed Redis wants its password, which no command line shows; the state dir is 0700, its files 0600', async () => {
    const stack = await createStack();
    stacks.push(stack);
    expect((await stack.cli(['start'])).exitCode).toBe(0);
    const password = readFileSync(join(stack.stateDir, 'redis.password'), 'utf8').trim();
    expect(password).toMatch(/^[0-9a-f]{48}$/);

    expect(mode(stack.stateDir)).toBe(0o700);
    for (const file of ['redis.password', 'redis.conf', 'prizmai.db', 'supervisor.json', 'logs/service.log']) {
      expect(mode(join(stack.stateDir, file)), file).toBe(0o600);
    }
    const status = JSON.parse((await stack.cli(['status', '--json'])).stdout) as {
      processes: { name: string; pid: number | null }[];
    };
    for (const { name, pid } of status.processes) {
      if (pid === null) continue;
      const commandLine = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      expect(commandLine, name).not.toContain(password);
    }

    // Without the password: refused; a forged publish cannot be made.
    const anonymous = new Redis({ port: stack.redisPort, lazyConnect: true, maxRetriesPerRequest: 0 });
    anonymous.on('error', () => {});
    await anonymous.connect().catch(() => {});
    await expect(anonymous.publish('prizmai:room:1', '{"type":"message.edited"}')).rejects.toThrow(/NOAUTH/);
    anonymous.disconnect();
    const owner = new Redis({ port: stack.redisPort, password, maxRetriesPerRequest: 0 });
    expect(await owner.ping()).toBe('PONG');
    owner.disconnect();
  });
});
