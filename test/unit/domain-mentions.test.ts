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
