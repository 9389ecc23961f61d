/**
 * `fastify-elevenlabs-webhooks/bullmq`: the worker side of queue mode, and the job format for
 * those who enqueue events themselves. Requires `bullmq` (an optional peer dependency); the main
 * entry never loads it.
 */
export {
  createWorker,
  DEFAULT_WORKER_CONCURRENCY,
  DEFAULT_WORKER_CLOSE_TIMEOUT_MS,
  type CreateWorkerOptions,
  type HandlersRunInAJob,
  type JobContext,
  type WebhookJob,
  type WebhookWorker
} from './queue/worker.js'
export { retryFailed, type RetryFailedOptions } from './queue/replay.js'
export {
  jobIdOf,
  jobOptions,
  DEFAULT_JOB_ATTEMPTS,
  DEFAULT_JOB_BACKOFF,
  type WebhookJobData,
  type WebhookQueue
} from './queue/job.js'
