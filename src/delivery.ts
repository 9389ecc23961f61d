/**
 * One delivery, from a validated envelope to an outcome: the duplicate check, the handlers, the
 * acknowledgement deadline, and the bookkeeping that makes sure nothing acknowledged is lost.
 * Framework-free; the plugin turns outcomes into replies. When the handlers and the store are
 * synchronous, so is all of this: no promise, no timer on the way.
 */
import type { WebhookEnvelope } from './envelope.js'
import { WebhookRetryableError, type WebhookHandlerError } from './errors.js'
import { newClaimToken, type ResolvedIdempotency } from './idempotency.js'
import type { EventRunner } from './router.js'
import type { ClaimState } from './stores/store.js'
import { deadline, isThenable, TIMED_OUT, withTimeout, type MaybePromise } from './async.js'

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

export interface DeliveryProcessorOptions<Ctx> {
  router: EventRunner<Ctx>
  idempotency: ResolvedIdempotency | undefined
  /** Milliseconds to wait for handlers before acknowledging anyway; false waits for ever. */
  ackTimeout: number | false
}

export interface DeliveryProcessor<Ctx> {
  deliver (event: WebhookEnvelope, rawBody: Buffer, context: Ctx, log: DeliveryLogger): MaybePromise<DeliveryOutcome>
  /** Waits for every delivery still running, at most `ms`. Resolves false if some were still running. */
  drain (ms: number): Promise<boolean>
  /** Deliveries whose handlers are running now. */
  readonly running: number
}

interface Claim { key: string, token: string }

// The outcomes without an error are constants: one object fewer per delivery.
const HANDLED_KNOWN: DeliveryOutcome = Object.freeze({ status: 'handled', known: true })
const HANDLED_UNKNOWN: DeliveryOutcome = Object.freeze({ status: 'handled', known: false })
const DUPLICATE: DeliveryOutcome = Object.freeze({ status: 'duplicate' })
const ACCEPTED: DeliveryOutcome = Object.freeze({ status: 'accepted' })

export function createDeliveryProcessor<Ctx> (options: DeliveryProcessorOptions<Ctx>): DeliveryProcessor<Ctx> {
  const { router, idempotency, ackTimeout } = options
  const running = new Set<PromiseLike<unknown>>()

  /** Keeps `work` in `running` until it settles, so that close() waits for it. */
  function track<T> (work: PromiseLike<T>): PromiseLike<T> {
    running.add(work)
    work.then(() => running.delete(work))
    return work
  }

  /** A store call: a promise is bounded by storeTimeout, a plain value is taken as it is. */
  function storeCall<T> (call: () => MaybePromise<T>): MaybePromise<T> {
    const result = call()
    return isThenable(result) ? withTimeout(result, idempotency!.storeTimeout, 'the idempotency store') : result
  }

  function storeUnavailable (err: unknown, claim: Claim, log: DeliveryLogger): WebhookRetryableError {
    log.error({ err, idempotencyKey: claim.key }, 'The ElevenLabs webhook idempotency store failed; answering 503 so that ElevenLabs retries')
    return new WebhookRetryableError('ELEVENLABS_STORE_UNAVAILABLE', 503,
      'The webhook receiver cannot check for duplicates right now; retry later', STORE_RETRY_AFTER_S, { cause: err })
  }

  /** Marks the claim done (after success) or releases it (otherwise). Never throws: a failure is logged. */
  function settleClaim (claim: Claim | undefined, succeeded: boolean, log: DeliveryLogger): MaybePromise<void> {
    if (claim === undefined) return
    const { store, ttl } = idempotency!
    try {
      const done = storeCall(() => succeeded ? store.complete(claim.key, claim.token, ttl) : store.release(claim.key, claim.token))
      if (isThenable(done)) return done.then(undefined, (err: unknown) => { settleFailed(err, claim, succeeded, log) })
    } catch (err) {
      settleFailed(err, claim, succeeded, log)
    }
  }

  function settleFailed (err: unknown, claim: Claim, succeeded: boolean, log: DeliveryLogger): void {
    log.error({ err, idempotencyKey: claim.key }, succeeded
      ? 'Could not mark an ElevenLabs webhook event as processed; a copy may run its handlers again'
      : 'Could not release the claim of a failed ElevenLabs webhook event; its retries wait for the lease to end')
  }

  /**
   * Logs each handler failure and passes it to the onError hooks. Detached from the answer: a
   * slow or hanging hook must not delay the 500 that makes ElevenLabs retry. close() waits for it.
   */
  async function report (event: WebhookEnvelope, error: WebhookHandlerError, context: Ctx, log: DeliveryLogger, acknowledged: boolean): Promise<void> {
    const msg = acknowledged
      ? 'An ElevenLabs webhook handler failed after the delivery was acknowledged (ackTimeout); ElevenLabs will not retry it'
      : 'An ElevenLabs webhook handler failed'
    for (const err of error.errors) log.error({ err, eventType: event.type }, msg)
    for (const err of await router.reportError(error, context)) {
      log.error({ err, eventType: event.type }, 'An ElevenLabs webhook onError hook threw')
    }
  }

  /** After the handlers: settle the claim; report failures on the side. */
  function afterRun (event: WebhookEnvelope, error: WebhookHandlerError | undefined, context: Ctx, log: DeliveryLogger,
    claim: Claim | undefined, acknowledged: () => boolean): MaybePromise<WebhookHandlerError | undefined> {
    const settled = settleClaim(claim, error === undefined, log)
    if (error !== undefined) track(report(event, error, context, log, acknowledged()))
    return isThenable(settled) ? settled.then(() => error) : error
  }

  function outcomeOf (error: WebhookHandlerError | undefined, known: boolean): DeliveryOutcome {
    if (error !== undefined) return { status: 'failed', error }
    return known ? HANDLED_KNOWN : HANDLED_UNKNOWN
  }

  function runHandlers (event: WebhookEnvelope, known: boolean, context: Ctx, log: DeliveryLogger, claim: Claim | undefined): MaybePromise<DeliveryOutcome> {
    const ran = router.run(event, context)
    if (!isThenable(ran)) {
      const after = afterRun(event, ran, context, log, claim, () => false)
      return isThenable(after) ? after.then((error) => outcomeOf(error, known)) : outcomeOf(after, known)
    }

    let acknowledged = false
    const settled = track(ran.then((error) => afterRun(event, error, context, log, claim, () => acknowledged)))
    if (ackTimeout === false) return settled.then((error) => outcomeOf(error, known))

    const limit = deadline(ackTimeout)
    return Promise.race([settled, limit.promise]).then((first) => {
      limit.clear()
      if (first !== TIMED_OUT) return outcomeOf(first, known)
      acknowledged = true
      return ACCEPTED
    })
  }

  function afterClaim (state: ClaimState, event: WebhookEnvelope, known: boolean, context: Ctx, log: DeliveryLogger, claim: Claim): MaybePromise<DeliveryOutcome> {
    if (state === 'done') return DUPLICATE
    if (state === 'processing') {
      throw new WebhookRetryableError('ELEVENLABS_DELIVERY_IN_PROGRESS', 429,
        'Another copy of this event is being processed; retry later', IN_PROGRESS_RETRY_AFTER_S)
    }
    return runHandlers(event, known, context, log, claim)
  }

  function deliver (event: WebhookEnvelope, rawBody: Buffer, context: Ctx, log: DeliveryLogger): MaybePromise<DeliveryOutcome> {
    const known = router.validate(event)
    if (idempotency === undefined) return runHandlers(event, known, context, log, undefined)

    const claim = { key: idempotency.key(event, rawBody), token: newClaimToken() }
    let state: MaybePromise<ClaimState>
    try {
      state = idempotency.store.claim(claim.key, claim.token, idempotency.lease)
    } catch (err) {
      throw storeUnavailable(err, claim, log)
    }
    if (!isThenable(state)) return afterClaim(state, event, known, context, log, claim)
    const late = state
    return withTimeout(late, idempotency.storeTimeout, 'the idempotency store').then(
      (found) => afterClaim(found, event, known, context, log, claim),
      (err) => {
        // A claim that succeeds after we gave up on it must not hold the key for a whole lease:
        // every retry in that time would be told 429.
        late.then((found) => { if (found === 'claimed') settleClaim(claim, false, log) }, () => {})
        throw storeUnavailable(err, claim, log)
      })
  }

  async function drain (ms: number): Promise<boolean> {
    if (running.size === 0) return true
    const limit = deadline(ms)
    const result = await Promise.race([Promise.allSettled([...running]), limit.promise])
    limit.clear()
    return result !== TIMED_OUT
  }

  return {
    deliver,
    drain,
    get running () { return running.size }
  }
}
