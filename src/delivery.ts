/**
 * One delivery, from a validated envelope to an outcome: the duplicate check, the handlers, the
 * acknowledgement deadline, and the bookkeeping that makes sure nothing acknowledged is lost.
 * Framework-free; the plugin turns outcomes into replies.
 */
import type { WebhookEnvelope } from './envelope.js'
import { WebhookRetryableError, type WebhookHandlerError } from './errors.js'
import { newClaimToken, type ResolvedIdempotency } from './idempotency.js'
import type { EventRunner } from './router.js'

export interface DeliveryLogger {
  error (obj: object, msg: string): void
}

export type DeliveryOutcome =
  /** All handlers succeeded. `known`: the type had a schema. */
  | { status: 'handled', known: boolean }
  /** This event was already processed: handlers not run. */
  | { status: 'duplicate' }
  /** Handlers are still running past `ackTimeout`; they go on in the background. */
  | { status: 'accepted' }
  /** At least one handler failed; the claim was released so that a retry runs them again. */
  | { status: 'failed', error: WebhookHandlerError }

/** Seconds a copy of an event that is still being processed is told to wait. */
export const IN_PROGRESS_RETRY_AFTER_S = 10
/** Seconds a delivery is told to wait when the store does not answer. */
export const STORE_RETRY_AFTER_S = 5

const TIMED_OUT = Symbol('timed out')

function timeout (ms: number): { promise: Promise<typeof TIMED_OUT>, clear: () => void } {
  let timer: NodeJS.Timeout | undefined
  const promise = new Promise<typeof TIMED_OUT>((resolve) => { timer = setTimeout(resolve, ms, TIMED_OUT) })
  return { promise, clear: () => clearTimeout(timer) }
}

async function withTimeout<T> (work: Promise<T>, ms: number): Promise<T> {
  const t = timeout(ms)
  try {
    const result = await Promise.race([work, t.promise])
    if (result === TIMED_OUT) throw new Error(`the idempotency store did not answer within ${ms} ms`)
    return result
  } finally {
    t.clear()
  }
}

export interface DeliveryProcessorOptions<Ctx> {
  router: EventRunner<Ctx>
  idempotency: ResolvedIdempotency | undefined
  /** Milliseconds to wait for handlers before acknowledging anyway; false waits for ever. */
  ackTimeout: number | false
}

export interface DeliveryProcessor<Ctx> {
  deliver (event: WebhookEnvelope, rawBody: Buffer, context: Ctx, log: DeliveryLogger): Promise<DeliveryOutcome>
  /** Waits for every delivery still running, at most `ms`. Resolves false if some were still running. */
  drain (ms: number): Promise<boolean>
  /** Deliveries whose handlers are running now. */
  readonly running: number
}

export function createDeliveryProcessor<Ctx> (options: DeliveryProcessorOptions<Ctx>): DeliveryProcessor<Ctx> {
  const { router, idempotency, ackTimeout } = options
  const running = new Set<Promise<unknown>>()

  async function claim (key: string, token: string, log: DeliveryLogger): Promise<'claimed' | 'processing' | 'done'> {
    const store = idempotency!
    try {
      return await withTimeout(store.store.claim(key, token, store.lease), store.storeTimeout)
    } catch (err) {
      log.error({ err, idempotencyKey: key }, 'The ElevenLabs webhook idempotency store failed; answering 503 so that ElevenLabs retries')
      throw new WebhookRetryableError('ELEVENLABS_STORE_UNAVAILABLE', 503,
        'The webhook receiver cannot check for duplicates right now; retry later', STORE_RETRY_AFTER_S, { cause: err })
    }
  }

  /** Runs the handlers and settles the claim; never rejects. */
  async function settle (event: WebhookEnvelope, context: Ctx, log: DeliveryLogger,
    claimed: { key: string, token: string } | undefined, acknowledged: { value: boolean }): Promise<WebhookHandlerError | undefined> {
    const error = await router.run(event, context)
    if (claimed !== undefined) {
      const { store, ttl, storeTimeout } = idempotency!
      try {
        await withTimeout(error === undefined
          ? store.complete(claimed.key, claimed.token, ttl)
          : store.release(claimed.key, claimed.token), storeTimeout)
      } catch (err) {
        log.error({ err, idempotencyKey: claimed.key }, error === undefined
          ? 'Could not mark an ElevenLabs webhook event as processed; a copy may run its handlers again'
          : 'Could not release the claim of a failed ElevenLabs webhook event; its retries wait for the lease to end')
      }
    }
    if (error !== undefined) {
      const msg = acknowledged.value
        ? 'An ElevenLabs webhook handler failed after the delivery was acknowledged (ackTimeout); ElevenLabs will not retry it'
        : 'An ElevenLabs webhook handler failed'
      for (const err of error.errors) log.error({ err, eventType: event.type }, msg)
      for (const err of await router.reportError(error, context)) {
        log.error({ err, eventType: event.type }, 'An ElevenLabs webhook onError hook threw')
      }
    }
    return error
  }

  async function deliver (event: WebhookEnvelope, rawBody: Buffer, context: Ctx, log: DeliveryLogger): Promise<DeliveryOutcome> {
    const known = router.validate(event)

    let claimed: { key: string, token: string } | undefined
    if (idempotency !== undefined) {
      claimed = { key: idempotency.key(event, rawBody), token: newClaimToken() }
      const state = await claim(claimed.key, claimed.token, log)
      if (state === 'done') return { status: 'duplicate' }
      if (state === 'processing') {
        throw new WebhookRetryableError('ELEVENLABS_DELIVERY_IN_PROGRESS', 429,
          'Another copy of this event is being processed; retry later', IN_PROGRESS_RETRY_AFTER_S)
      }
    }

    const acknowledged = { value: false }
    const settled = settle(event, context, log, claimed, acknowledged)
    running.add(settled)
    settled.then(() => running.delete(settled))

    let error: WebhookHandlerError | undefined
    if (ackTimeout === false) {
      error = await settled
    } else {
      const deadline = timeout(ackTimeout)
      const first = await Promise.race([settled, deadline.promise])
      deadline.clear()
      if (first === TIMED_OUT) {
        acknowledged.value = true
        return { status: 'accepted' }
      }
      error = first
    }
    return error === undefined ? { status: 'handled', known } : { status: 'failed', error }
  }

  async function drain (ms: number): Promise<boolean> {
    if (running.size === 0) return true
    const deadline = timeout(ms)
    const result = await Promise.race([Promise.allSettled([...running]), deadline.promise])
    deadline.clear()
    return result !== TIMED_OUT
  }

  return {
    deliver,
    drain,
    get running () { return running.size }
  }
}
