// What the publishers post: chat lines like the seed's, 40–80 characters, every 10th mentioning a member.
// A post's client_id is its publisher's prefix and its sequence number — `rooms.p3-17` — unique for the
// whole run: a client_id is an idempotency key per author (SPEC §5, §6), so a repeated one would be refused
// or answered with the earlier message.

const LINES = [
  'Hey team, the sprint board is updated, please have a look',
  'Deploy finished on staging, smoke tests are green so far',
  'Can someone review the pull request for the login page?',
  'Standup moved to 10:30 today, same room as usual, thanks',
  'I moved the card to done, the QA checklist is attached',
];

/** The client_id prefix of publisher `publisher` of a scenario: `<scenario>.p<publisher>-`. */
export const prefixOf = (scenario: string, publisher: number) => `${scenario}.p${publisher}-`;

/** The `chat_message` frame of the n-th post with client_id prefix `prefix`. */
export function postFrame(prefix: string, n: number, roomId: number, members: string[]): string {
  const line = LINES[n % LINES.length];
  const message = n % 10 === 0 ? `@${members[(n / 10) % members.length]} ${line} (#${n})` : `${line} (#${n})`;
  return `{"type":"chat_message","room_id":${roomId},"message":"${message}","client_id":"${prefix}${n}"}`;
}

/** n of a client_id `<prefix><n>`, or -1 for anything else; reads it in place, allocating nothing. */
export function sequenceOf(clientId: unknown, prefix: string): number {
  if (typeof clientId !== 'string' || clientId.length <= prefix.length || !clientId.startsWith(prefix)) return -1;
  let n = 0;
  for (let i = prefix.length; i < clientId.length; i++) {
    const c = clientId.charCodeAt(i);
    if (c < 48 || c > 57) return -1;
    n = n * 10 + c - 48;
  }
  return n;
}
