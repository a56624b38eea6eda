import { ApiError, type Client, createClient } from '../../service/client.js';
import { CliError, ExitCode } from '../errors.js';
import { type CommandOptions, resolveConfig } from '../options.js';
import { savedLogin } from './credentials.js';

// What every chat command starts from (SPEC §9): the service URL (--url, PRIZMAI_URL, else the local
// stack's), the token (PRIZMAI_TOKEN, else the one `login` saved for that URL) and a typed client.

export interface ChatSession {
  url: string;
  client: Client;
  /** The token of a signed-in session (for the WebSocket). */
  token?: string | undefined;
  /** The signed-in user's name when the token came from `login` (unknown for PRIZMAI_TOKEN). */
  username?: string | undefined;
}

export async function serviceUrlOf(options: CommandOptions): Promise<string> {
  const given = (options.url as string | undefined) ?? process.env.PRIZMAI_URL;
  if (given) {
    let parsed: URL;
    try {
      parsed = new URL(given);
    } catch {
      throw new CliError(`--url: expected an http(s) URL, got ${JSON.stringify(given)}`, ExitCode.usage);
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      throw new CliError(`--url: expected an http(s) URL, got ${JSON.stringify(given)}`, ExitCode.usage);
    }
    return given.replace(/\/+$/, '');
  }
  const { config } = await resolveConfig(options);
  const { serviceUrl } = await import('../supervisor/specs.js');
  return serviceUrl(config);
}

/** A session without a token (register, login). */
export async function anonymousSession(options: CommandOptions): Promise<ChatSession> {
  const url = await serviceUrlOf(options);
  return { url, client: createClient(url) };
}

/** A signed-in session; refused (exit 4) when there is no token. */
export async function signedInSession(options: CommandOptions): Promise<ChatSession> {
  const url = await serviceUrlOf(options);
  const fromEnv = process.env.PRIZMAI_TOKEN;
  const saved = fromEnv ? undefined : savedLogin(url);
  const token = fromEnv || saved?.token;
  if (!token) {
    throw new CliError(`not logged in to ${url}: run \`prizmai login\` or set PRIZMAI_TOKEN`, ExitCode.unauthenticated);
  }
  return { url, client: createClient(url, { token }), token, username: saved?.username };
}

/** Runs one API call, turning its failure into the CLI's message and exit code (SPEC §4). */
export async function api<T>(session: ChatSession, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof ApiError) {
      const exitCode =
        error.status === 401 ? ExitCode.unauthenticated : error.status === 404 ? ExitCode.notFound : ExitCode.failure;
      const retry = error.retryAfter ? ` (retry after ${error.retryAfter} s)` : '';
      throw new CliError(`${error.message}${retry}`, exitCode, { status: error.status, code: error.code });
    }
    if (error instanceof TypeError && /fetch failed/.test(error.message)) {
      throw new CliError(`cannot reach ${session.url}: is the stack running? (\`prizmai start\`)`);
    }
    throw error;
  }
}
