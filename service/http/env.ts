import type { Actor } from '../domain/actor.js';

/** What the HTTP middleware hands to handlers. */
export interface AppEnv {
  Variables: {
    /** Set by requireAuth: the caller. */
    actor: Actor;
    /** Set by requireAuth: the bearer token in use (for logout only; never logged). */
    token: string;
  };
}
