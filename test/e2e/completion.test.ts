// `prizmai completion bash|zsh|fish` (issue #11): scripts generated from the command table; bash's is
// run in a real bash, completing as a user's Tab would.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { prizmai } from '../fixtures/cli.js';
import { tempDir } from '../fixtures/tmp.js';

/** What bash offers for the words typed so far (the last one being completed). */
function bashCompletes(script: string, words: string[]): string[] {
  const dir = tempDir('prizmai-completion-');
  try {
    const file = join(dir.path, 'prizmai.bash');
    writeFileSync(file, script);
    const array = words.map((word) => `'${word}'`).join(' ');
    const out = execFileSync(
      'bash',
      [
        '-c',
        `source ${file}; COMP_WORDS=(${array}); COMP_CWORD=${words.length - 1}; _prizmai; echo "\${COMPREPLY[*]}"`,
      ],
      { encoding: 'utf8' },
    );
    return out.trim().split(/\s+/).filter(Boolean);
  } finally {
    dir.remove();
  }
}

describe('prizmai completion', () => {
  it('bash: completes commands, subcommands, process names and flags from the command table', async () => {
    const result = await prizmai(['completion', 'bash']);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(new Set(bashCompletes(result.stdout, ['prizmai', 'st']))).toEqual(new Set(['start', 'status', 'stop']));
    expect(bashCompletes(result.stdout, ['prizmai', 'users', ''])).toEqual(['add']);
    expect(bashCompletes(result.stdout, ['prizmai', 'restart', 'w'])).toEqual(['worker']);
    expect(bashCompletes(result.stdout, ['prizmai', '--json', 'jobs', 'r'])).toEqual(['retry']);
    expect(bashCompletes(result.stdout, ['prizmai', 'start', '--fo'])).toEqual(['--foreground']);
    expect(bashCompletes(result.stdout, ['prizmai', 'rooms', ''])).toContain('list');
  });

  it('zsh and fish: scripts for every command; an unknown shell is a usage error', async () => {
    const zsh = await prizmai(['completion', 'zsh']);
    expect(zsh.exitCode).toBe(0);
    expect(zsh.stdout).toContain('bashcompinit');
    expect(zsh.stdout).toContain('complete -F _prizmai prizmai');
    const fish = await prizmai(['completion', 'fish']);
    expect(fish.exitCode).toBe(0);
    expect(fish.stdout).toMatch(/^complete -c prizmai -n '__fish_use_subcommand' -a '.*\bstart\b.*\bstatus\b.*'$/m);
    expect(fish.stdout).toMatch(/^complete -c prizmai -n '__fish_seen_subcommand_from start' -l foreground$/m);
    expect(fish.stdout).toMatch(
      /^complete -c prizmai -n '__fish_seen_subcommand_from users; and not __fish_seen_subcommand_from add' -a 'add'$/m,
    );
    const bad = await prizmai(['completion', 'tcsh']);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain('expected bash, zsh or fish, got "tcsh"');
  });
});
