import type { DomainDeps } from '../domain/deps.js';
import { authRoutes } from './auth.js';
import { boardsRoutes } from './boards.js';
import { commentsRoutes } from './comments.js';
import { messagesRoutes } from './messages.js';
import { notificationsRoutes } from './notifications.js';
import { router } from './openapi.js';
import { readsRoutes } from './reads.js';
import { roomsRoutes } from './rooms.js';
import { tasksRoutes } from './tasks.js';
import { usersRoutes } from './users.js';

/** Everything under `/api/v1` (SPEC §6), one validated sub-app per resource. */
export function apiRoutes(deps: DomainDeps) {
  return router()
    .route('/', authRoutes(deps))
    .route('/', usersRoutes(deps))
    .route('/', boardsRoutes(deps))
    .route('/', tasksRoutes(deps))
    .route('/', roomsRoutes(deps))
    .route('/', messagesRoutes(deps))
    .route('/', readsRoutes(deps))
    .route('/', commentsRoutes(deps))
    .route('/', notificationsRoutes(deps));
}

/** The API's type, for the typed client (`hc<ApiApp>`): a type only, so the client loads no server code. */
export type ApiApp = ReturnType<typeof apiRoutes>;
