import type { ChatEvent } from '../events.js';
import type { DomainDeps } from './deps.js';

/**
 * Publishes a change that is already stored. A Redis hiccup must not turn a stored post into an error
 * (the client would retry and get the original back anyway), so failures are reported, not thrown;
 * subscribers recover through history (`after`).
 */
export async function publishStored(deps: DomainDeps, event: ChatEvent): Promise<void> {
  try {
    await deps.events.publish(event);
  } catch (error) {
    deps.reportError(`publish ${event.type}`, error);
  }
}
