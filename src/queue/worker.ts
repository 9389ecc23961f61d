/**
 * The worker's half of queue mode: a BullMQ `Worker` that runs a router's handlers on the events
 * a receiver queued (see ./job.ts for the job format). The router validates each body with the
 * worker's own schemas, so a schema fixed here fixes the replays of what failed before.
 */
import { UnrecoverableError, Worker, type Job, type WorkerOptions } from 'bullmq'
import { WebhookConfigError, WebhookPayloadError } from '../errors.js'
import type { EventSchemaMap, WebhookContext, WebhookLogger, WebhookRouter } from '../router.js'
import type { WebhookJobData } from './job.js'
import { deadline, TIMED_OUT } from '../async.js'
import { positiveMs } from '../options.js'

/** A queued ElevenLabs event: its `name` is the event type, its `data` the stored delivery. */
export type WebhookJob = Job<WebhookJobData, void, string>

/** The worker `createWorker` returns: BullMQ's own, typed with this package's jobs. */
export type WebhookWorker = Worker<WebhookJobData, void, string>

/**
 * What handlers get beside the event when they run in a worker. It satisfies `WebhookContext`,
 * so a handler module typed with that runs in the receiver (inline mode) and in a worker alike;
 * make the router with `createRouter<JobContext>()` to use `job` and `attempt` in handlers.
 */
export interface JobContext extends WebhookContext {
  /** The worker's logger, adding `jobId`, `eventType` and `attempt` to every line. */
  log: WebhookLogger
  /** The BullMQ job being processed. */
  job: WebhookJob
  /**
   * 1 for the first run, 2 for the first retry after a handler failure… (`job.attemptsMade + 1`).
   * A run that follows a stall (the worker died mid-job) has the number of the run that died.
   */
  attempt: number
}

export interface CreateWorkerOptions extends WorkerOptions {
  /**
   * Where the worker logs handler failures, invalid events and BullMQ's own errors (never `data`).
   * A pino logger fits. Default: JSON lines of errors and warnings on stderr.
   */
  log?: WebhookLogger | undefined
  /**
   * Keep the body of a completed job in Redis. By default it is dropped on completion: the job
   * (kept for the idempotency ttl, so that a copy of the event is a duplicate) then holds only
   * its id and small fields, which matters for audio events of many MB.
   */
  keepCompletedBodies?: boolean | undefined
  /**
   * Milliseconds `worker.close()` waits for the jobs running; past it, it resolves anyway (and
   * logs which jobs were still running), so that a deploy is not held up by a hung handler.
   * Nothing is lost: a job whose worker goes away unfinished is handed to another worker by
   * BullMQ's stalled-job check. Default 30 000. `worker.close(true)` does not wait at all.
   */
  closeTimeout?: number | undefined
}

export const DEFAULT_WORKER_CLOSE_TIMEOUT_MS = 30_000

/**
 * Jobs one worker runs at once, when `concurrency` is not set. BullMQ's own default, 1, makes
 * one slow handler (a CRM call, an LLM) hold up every event behind it, while webhook handlers
 * mostly wait on I/O. Not more: each job in flight holds its body a few times over (the string
 * from Redis, its bytes, the parsed event), which counts with audio events of tens of MB.
 */
export const DEFAULT_WORKER_CONCURRENCY = 4

/**
 * A BullMQ worker that runs `router`'s handlers on the jobs of `queueName`. A handler failure
 * fails the attempt, and BullMQ retries it with the job's `attempts` and `backoff`; an event
 * that its schema refuses (or that is not an event at all) fails at once with an
 * `UnrecoverableError` after the router's `onInvalid` hooks ran: retries could not mend it, a
 * schema fixed in a worker can (`retryFailed`). Close it with `worker.close()`, which waits for
 * the running jobs; a worker that dies mid-job leaves the job to BullMQ's stalled-job check
 * (`stalledInterval`, `lockDuration`), which hands it to another worker: handlers run at least
 * once, so make them idempotent.
 *
 * Options are BullMQ's `WorkerOptions` (`connection` is required). Left to BullMQ: `lockDuration`
 * (30 s, renewed while the job runs), `stalledInterval` (30 s) and `maxStalledCount` (1: a job
 * whose worker died twice while running it, an audio event too big for the worker's memory for
 * instance, goes to the failed set instead of killing worker after worker).
 */
export function createWorker<S extends EventSchemaMap<S>, Ctx extends WebhookContext> (
  queueName: string,
  router: WebhookRouter<S, Ctx> & HandlersRunInAJob<Ctx>,
  options: CreateWorkerOptions
): WebhookWorker {
  if (typeof (router as Partial<WebhookRouter<S, Ctx>> | null)?.receive !== 'function') {
    throw new WebhookConfigError('createWorker needs a router made with createRouter() as its second argument')
  }
  const { log = stderrLogger(), keepCompletedBodies = false, closeTimeout = DEFAULT_WORKER_CLOSE_TIMEOUT_MS, ...workerOptions } = options
  positiveMs('closeTimeout', closeTimeout)
  // Typed loosely inside: HandlersRunInAJob has checked that handlers can take a JobContext.
  const receive = router.receive.bind(router) as unknown as (body: string, context: JobContext) => Promise<void>

  async function processJob (job: WebhookJob): Promise<void> {
    const attempt = job.attemptsMade + 1
    const jobLog = withBindings(log, { jobId: job.id, eventType: job.name, attempt })
    const { body } = job.data
    if (typeof body !== 'string') {
      // Its handlers succeeded before (the body is dropped only then): retried by hand once it
      // completed, or its worker died between dropping the body and marking the job completed.
      jobLog.error({}, 'A queued ElevenLabs event has no body to run: its handlers succeeded before; the job fails')
      throw new UnrecoverableError(`Job ${job.id} has no body to run: its handlers succeeded before and its body was dropped (keepCompletedBodies is off)`)
    }
    try {
      await receive(body, { log: jobLog, job, attempt })
    } catch (err) {
      if (err instanceof WebhookPayloadError) {
        jobLog.error({ code: err.code, path: err.path }, 'The queued ElevenLabs event is invalid: the job fails without retries; fix the schema, then retry it')
        // The message names the code and the path, never values from the body.
        const failure = new UnrecoverableError(`${err.code} at "${err.path}": ${err.message}`)
        failure.cause = err
        throw failure
      }
      // A WebhookHandlerError (the onError hooks have run): BullMQ retries with the job's backoff.
      jobLog.error({ err, attempts: job.opts.attempts }, 'Handlers of a queued ElevenLabs event failed; BullMQ retries it while attempts remain')
      throw err
    }
    if (keepCompletedBodies) return
    try {
      await job.updateData({ ...job.data, body: undefined })
    } catch (err) {
      // The handlers ran: the job completes. Only its body stays in Redis until it is removed.
      jobLog.warn({ err }, 'Could not drop the body of a completed ElevenLabs job; it stays until the job is removed')
    }
  }

  const worker: WebhookWorker = new Worker<WebhookJobData, void, string>(queueName, processJob, {
    ...workerOptions,
    concurrency: workerOptions.concurrency ?? DEFAULT_WORKER_CONCURRENCY
  })
  // Without a listener, BullMQ prints these with console.error; through `log` they are JSON.
  worker.on('error', (err) => { log.error({ err }, 'BullMQ worker error') })
  worker.on('stalled', (jobId) => {
    log.warn({ jobId }, 'A job stalled (its worker stopped renewing its lock) and is back in the queue: its handlers run again')
  })
  // BullMQ's close() waits for running jobs without a bound, and a second call returns the first's
  // promise, so a bound is a race: past it, close() resolves and leaves the jobs to the stalled check.
  const close = worker.close.bind(worker)
  worker.close = async (force = false) => {
    if (force) return await close(true)
    const limit = deadline(closeTimeout)
    try {
      if (await Promise.race([close(false), limit.promise]) === TIMED_OUT) {
        log.error({ closeTimeout }, 'ElevenLabs webhook jobs still running after closeTimeout; closing anyway: BullMQ\'s stalled-job check hands them to another worker')
      }
    } finally {
      limit.clear()
    }
  }
  return worker
}

/**
 * A router whose handlers need more than a job gives them (the Fastify request's fields, say)
 * cannot serve a worker: this makes the call fail to type-check instead of the handlers at run time.
 */
export type HandlersRunInAJob<Ctx> = JobContext extends Ctx
  ? unknown
  : { 'the handlers of this router need a context that a queue worker cannot give (JobContext)': Ctx }

function withBindings (log: WebhookLogger, bindings: object): WebhookLogger {
  // pino's log.error(err) form: the error goes under `err`, as pino would put it.
  const bind = (obj: object): object => obj instanceof Error ? { ...bindings, err: obj } : { ...bindings, ...obj }
  return {
    error: (obj, msg) => { log.error(bind(obj), msg) },
    warn: (obj, msg) => { log.warn(bind(obj), msg) },
    info: (obj, msg) => { log.info(bind(obj), msg) }
  }
}

/** JSON lines of errors and warnings on stderr; info is dropped. Enough until a real logger is passed. */
function stderrLogger (): WebhookLogger {
  const write = (level: string) => (obj: object, msg?: string): void => {
    const fields: Record<string, unknown> = { level, time: Date.now(), msg, ...obj }
    let line: string
    try {
      line = JSON.stringify(fields, errorFields)
    } catch {
      // A field that cannot be serialised (a cycle, a BigInt) must not cost the line, nor throw in a job.
      for (const [name, value] of Object.entries(fields)) {
        try { JSON.stringify(value, errorFields) } catch { fields[name] = '[not serialisable]' }
      }
      line = JSON.stringify(fields, errorFields)
    }
    process.stderr.write(line + '\n')
  }
  return { error: write('error'), warn: write('warn'), info: () => {} }
}

/** Errors as pino serialises them, with only the fields that say what failed (an HTTP client's error holds sockets). */
function errorFields (_key: string, value: unknown): unknown {
  if (!(value instanceof Error)) return value
  const { code, errors } = value as { code?: unknown, errors?: unknown }
  return { type: value.name, message: value.message, code, stack: value.stack, errors }
}
