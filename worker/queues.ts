/** The BullMQ queue of scheduled jobs (beat registers the schedulers, the worker runs them). */
export const SCHEDULED_QUEUE = 'prizmai-scheduled';
