// The worker's BullMQ queues, named once: the service enqueues, beat schedules, the worker runs, and
// `prizmai jobs` inspects them.

/** A post's notifications (the write path enqueues, the worker creates them). */
export const MENTION_QUEUE = 'prizmai-mentions';
/** The jobs beat schedules (its job schedulers), run by the worker. */
export const SCHEDULED_QUEUE = 'prizmai-scheduled';

export const WORKER_QUEUES = [MENTION_QUEUE, SCHEDULED_QUEUE] as const;

/** The job states counted by `prizmai jobs` and `/metrics`. */
export const JOB_STATES = ['waiting', 'active', 'delayed', 'failed', 'completed'] as const;
