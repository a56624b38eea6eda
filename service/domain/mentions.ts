import type { Executor } from '../db/database.js';
import { type Audience, audienceMembers } from '../db/users.js';

/** What `@all` expands to: every member who can see the message. */
export const MENTION_ALL = 'all';

// `@` not glued to a preceding name character (so `bob@example.com` mentions nobody), then a run of
// username characters. A trailing `.` or `-` ends the mention, as at the end of a sentence (SPEC §6).
const MENTION = /(?<![A-Za-z0-9_.-])@([A-Za-z0-9_.-]+)/g;
const MAX_USERNAME = 150;

export interface ParsedMentions {
  /** Lower-cased usernames named in the text, without duplicates, in order of appearance. */
  names: string[];
  all: boolean;
}

/** Cuts a run of `.`/`-` off the end — a loop, where `/[.-]+$/` would take quadratic time on `@----…-a`. */
function withoutTrailingDotsOrDashes(name: string): string {
  let end = name.length;
  while (end > 0 && (name[end - 1] === '.' || name[end - 1] === '-')) end--;
  return name.slice(0, end);
}

/** `@john.doe` → john.doe; `@john.` → john; `@all` → everyone who can see the message. */
export function parseMentions(content: string): ParsedMentions {
  const names = new Set<string>();
  let all = false;
  for (const match of content.matchAll(MENTION)) {
    const name = withoutTrailingDotsOrDashes(match[1] ?? '');
    if (name.length === 0 || name.length > MAX_USERNAME) continue;
    const key = name.toLowerCase();
    if (key === MENTION_ALL) all = true;
    else names.add(key);
  }
  return { names: [...names], all };
}

export interface MentionedUser {
  id: number;
  username: string;
}

/**
 * The mention rule, over the audience rows found (members of the room, or of
 * the task's board): `@all` is everyone but the author, plus any user named explicitly; ordered by name.
 */
export function pickMentioned(
  found: { id: number; username: string; username_key: string }[],
  parsed: ParsedMentions,
  authorId: number,
): MentionedUser[] {
  const named = new Set(parsed.names);
  return found
    .filter((user) => named.has(user.username_key) || (parsed.all && user.id !== authorId))
    .sort((a, b) => (a.username_key < b.username_key ? -1 : a.username_key > b.username_key ? 1 : 0))
    .map((user) => ({ id: user.id, username: user.username }));
}

/**
 * The users a text mentions, among the audience only (room members, or board members for task
 * comments): unknown names and outsiders are ignored. `@all` expands to the audience minus the author;
 * an explicit self-mention is kept (the author is still never notified of it). The rule is
 * `pickMentioned`'s, shared with the post writer.
 */
export async function resolveMentions(
  q: Executor,
  parsed: ParsedMentions,
  audience: Audience,
  authorId: number,
): Promise<MentionedUser[]> {
  if (!parsed.all && parsed.names.length === 0) return [];
  return pickMentioned(await audienceMembers(q, audience, parsed.all ? null : parsed.names), parsed, authorId);
}
