import { describe, expect, it } from 'vitest';
import { contentProblem, normaliseContent } from '../../service/domain/content.js';
import { parseMentions } from '../../service/domain/mentions.js';

describe('parseMentions (SPEC §6)', () => {
  it('reads dotted and dashed usernames whole: @john.doe is john.doe', () => {
    expect(parseMentions('hi @john.doe and @mary-ann_2').names).toEqual(['john.doe', 'mary-ann_2']);
  });

  it('a trailing . or - ends the mention, as at the end of a sentence', () => {
    expect(parseMentions('thanks @bob. see @carol- ok @dan...').names).toEqual(['bob', 'carol', 'dan']);
  });

  it('is case-insensitive and without duplicates, in order of appearance', () => {
    expect(parseMentions('@Bob @bob @BOB @alice').names).toEqual(['bob', 'alice']);
  });

  it('is linear in the content: 30 pathological 10,000-character messages parse at once', () => {
    // `@----…-a` made the old trailing-punctuation regex quadratic: 70–115 ms each, 2 s for these 30.
    // Linear parsing takes well under a millisecond each; the bound leaves 40× for a slow machine.
    const hostile = [`@${'-'.repeat(9998)}a`, `@${'.'.repeat(9999)}`, `@a${'-'.repeat(9997)}a`];
    const started = performance.now();
    for (let i = 0; i < 10; i++) for (const content of hostile) parseMentions(content);
    expect(performance.now() - started).toBeLessThan(50);
    expect(parseMentions(`@bob${'-'.repeat(9990)}`).names).toEqual(['bob']);
  });

  it('@all is a flag, not a name', () => {
    expect(parseMentions('@all look')).toEqual({ names: [], all: true });
    expect(parseMentions('@ALL and @x')).toEqual({ names: ['x'], all: true });
  });

  it('ignores e-mail addresses, bare @, over-long names and other punctuation', () => {
    expect(parseMentions('mail bob@example.com or @ or @. now').names).toEqual([]);
    expect(parseMentions(`@${'a'.repeat(151)}`).names).toEqual([]);
    expect(parseMentions(`@${'a'.repeat(150)}`).names).toEqual(['a'.repeat(150)]);
    expect(parseMentions('(@eve), "@frank"! @gina?').names).toEqual(['eve', 'frank', 'gina']);
  });
});

describe('content limits (SPEC §10)', () => {
  it('trims, refuses empty and over 10,000 characters, counting code points', () => {
    expect(normaliseContent('  hi  ')).toBe('hi');
    expect(contentProblem('   ')).toMatch(/empty/);
    expect(contentProblem('x'.repeat(10_000))).toBeNull();
    expect(contentProblem(` ${'x'.repeat(10_000)} `)).toBeNull();
    expect(contentProblem('x'.repeat(10_001))).toMatch(/10000/);
    expect(contentProblem('😀'.repeat(10_000))).toBeNull();
    expect(contentProblem('😀'.repeat(10_001))).toMatch(/10000/);
  });
});
