// `prizmai register | login | logout | whoami` (SPEC §9).
import { unwrap } from '../../service/client.js';
import { forgetLogin, saveLogin } from '../chat/credentials.js';
import { anonymousSession, api, signedInSession } from '../chat/session.js';
import { CliError, ExitCode } from '../errors.js';
import { promptHidden, readStdin } from '../input.js';
import { type CommandOptions, optionsOf } from '../options.js';
import { note, printJson, printLine } from '../output.js';

async function passwordOf(options: CommandOptions): Promise<string> {
  if (options.passwordStdin) return readStdin();
  if (process.stdin.isTTY) return promptHidden('Password: ');
  throw new CliError('no password: pass --password-stdin and write it to standard input', ExitCode.usage);
}

async function signIn(kind: 'register' | 'login', username: unknown, args: unknown[]): Promise<number> {
  const options = optionsOf(args);
  const session = await anonymousSession(options);
  const json = { username: String(username), password: await passwordOf(options) };
  const auth = session.client.auth;
  const answer = await api(session, () =>
    kind === 'register' ? unwrap(auth.register.$post({ json })) : unwrap(auth.login.$post({ json })),
  );
  saveLogin(session.url, { token: answer.token, username: answer.user.username });
  if (options.json) printJson({ url: session.url, user: answer.user });
  else
    note(
      `${kind === 'register' ? 'registered and logged in' : 'logged in'} as ${answer.user.username} at ${session.url}`,
    );
  return 0;
}

export const register = (username: unknown, ...args: unknown[]) => signIn('register', username, args);
export const login = (username: unknown, ...args: unknown[]) => signIn('login', username, args);

/** Revokes the saved token on the service and forgets it here. */
export async function logout(...args: unknown[]): Promise<number> {
  const options = optionsOf(args);
  const session = await signedInSession(options);
  await api(session, () => unwrap(session.client.auth.logout.$post()));
  forgetLogin(session.url);
  if (options.json) printJson({ url: session.url, logged_out: true });
  else note(`logged out of ${session.url}`);
  return 0;
}

export async function whoami(...args: unknown[]): Promise<number> {
  const options = optionsOf(args);
  const session = await signedInSession(options);
  const { user } = await api(session, () => unwrap(session.client.me.$get()));
  if (options.json) printJson({ url: session.url, user });
  else printLine(user.username);
  return 0;
}
