/**
 * What a queued ElevenLabs event looks like in BullMQ, shared by the receiver (the plugin, in the
 * main entry) and the worker (the `./bullmq` subpath). Imports nothing of BullMQ: the main entry
 * must load without it; the receiver only calls methods of the `Queue` the user made.
 */

/** A job's `data`. Its `name` is the event type. */
export interface WebhookJobData {
  /**
   * The verified request body, as received (UTF-8 text). The worker parses and validates it with
   * its own schemas, so a schema fixed in the worker fixes replays. Dropped from a job that
   * completed (unless the worker keeps it), which then holds only its id and these fields.
   */
  body?: string | undefined
  /** Bytes of the body as received. */
  bytes: number
  /** When the receiver verified it, in ms since the epoch. */
  receivedAt: number
  /** The event's idempotency key, which the job id is made from (none with `idempotency: false`). */
  key?: string | undefined
}

/** What the receiver needs of a BullMQ `Queue` (a `Queue` is one as it is). */
export interface WebhookQueue {
  readonly name: string
  /** BullMQ's `defaultJobOptions` of the queue: what the user set wins over this package's defaults. */
  readonly defaultJobOptions: object
  add (name: string, data: WebhookJobData, opts?: object): Promise<{ id?: string | undefined }>
  getJob (jobId: string): Promise<object | undefined>
}

/**
 * BullMQ refuses a custom job id that contains ':' or is an integer. Keys are `type:id`, so ':'
 * (and '%', to stay reversible) are percent-encoded, and a leading "k_" keeps any key from
 * reading as a number.
 */
export function jobIdOf (key: string): string {
  return `k_${key.replaceAll('%', '%25').replaceAll(':', '%3A')}`
}

/**
 * Retries that cover hours: 12 attempts with exponential backoff from 10 s (the 12th starts
 * about 5 h 41 min after the first); the failed set keeps what exhausts them, for replay.
 */
export const DEFAULT_JOB_ATTEMPTS = 12
export const DEFAULT_JOB_BACKOFF = Object.freeze({ type: 'exponential', delay: 10_000 })

/**
 * The job options the receiver passes: this package's defaults for what the queue's own
 * `defaultJobOptions` leave unset (BullMQ merges them, the job's winning). Completed jobs are kept
 * for the idempotency `ttl`, so that a copy within it is a duplicate; failed jobs are kept.
 */
export function jobOptions (queue: WebhookQueue, ttlMs: number): Record<string, unknown> {
  const set = queue.defaultJobOptions
  const defaults: Record<string, unknown> = {
    attempts: DEFAULT_JOB_ATTEMPTS,
    backoff: DEFAULT_JOB_BACKOFF,
    removeOnComplete: { age: Math.ceil(ttlMs / 1000) },
    removeOnFail: false
  }
  for (const name of Object.keys(set)) delete defaults[name]
  return defaults
}
