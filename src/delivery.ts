/**
 * One delivery, from a validated envelope to an outcome: the duplicate check, the handlers, the
 * acknowledgement deadline, and the bookkeeping that makes sure nothing acknowledged is lost.
 * Framework-free; the plugin turns outcomes into replies. When the handlers and the store are
 * synchronous, so is all of this: no promise, no timer on the way.
 */
import { performance } from 'node:perf_hooks'
import { bodyText, type WebhookEnvelope } from './envelope.js'
import { WebhookRetryableError, type WebhookHandlerError, type WebhookPayloadError } from './errors.js'
import { DEFAULT_STORE_TIMEOUT_MS, eventIdOf, newClaimToken, type ResolvedIdempotency } from './idempotency.js'
import type { EventRunner, InvalidWebhookEvent } from './router.js'
import type { ClaimState } from './stores/store.js'
import { ignore, isThenable, withTimeout, type MaybePromise } from './async.js'
import type { HandOff } from './queue/enqueue.js'

export interface DeliveryLogger {
  error (obj: object, msg: string): void
  warn (obj: object, msg: string): void
}

export type DeliveryOutcome =
  /** All handlers succeeded. */
  | { status: 'handled' }
  /** This event was already processed (`inProgress`: another copy is processing it now): handlers not run. */
  | { status: 'duplicate', inProgress: boolean }
  /** Handlers are still running past `ackTimeout`; they go on in the background. */
  | { status: 'accepted' }
  /** Queue mode: the event is a job in the queue now. */
  | { status: 'queued' }
  /** At least one handler failed; the claim was released. `retry`: ElevenLabs retries this type, so answer 5xx. */
  | { status: 'failed', error: WebhookHandlerError, retry: boolean }
  /**
   * The verified body is not a valid event; only the `onInvalid` hooks ran. `retry`: one of
   * them failed (the event is kept nowhere) on a type ElevenLabs retries, so answer 5xx.
   */
  | { status: 'invalid', error: WebhookPayloadError, retry: boolean }

/** Seconds a copy of an event that is still being processed is told to wait. */
export const IN_PROGRESS_RETRY_AFTER_S = 10
/** Seconds a delivery is told to wait when the store (or the queue) does not answer. */
export const STORE_RETRY_AFTER_S = 5

export interface DeliveryProcessorOptions<Ctx> {
  router: EventRunner<Ctx>
  idempotency: ResolvedIdempotency | undefined
  /** Milliseconds to wait for handlers before acknowledging anyway; false waits for ever. */
  ackTimeout: number | false
  /**
   * Whether ElevenLabs retries deliveries of this type (for this webhook). Only there may a
   * failure a retry can mend be answered 5xx/429; elsewhere such an answer loses the event.
   */
  isRetried: (type: string) => boolean
  /** Parses and checks the envelope of a verified body's text; throws `WebhookPayloadError`. */
  parse: (text: string) => WebhookEnvelope
  /**
   * Queue mode: hands each event to a durable queue instead of running handlers here; the
   * queue's workers validate it. Bounded by `idempotency.storeTimeout`.
   */
  handOff?: HandOff | undefined
}

export interface DeliveryProcessor<Ctx> {
  /** Processes one verified body. Throws `WebhookRetryableError` (429, 503) only for retried types. */
  deliver (rawBody: Buffer, context: Ctx, log: DeliveryLogger): MaybePromise<DeliveryOutcome>
  /**
   * Counts a delivery as running from before it reaches `deliver` (its body may still be
   * arriving) until `release()`, so that `drain` waits for it too. One release per hold.
   */
  hold (): void
  release (): void
  /**
   * Waits until nothing is running (work that starts while it waits included), at most `ms`.
   * Resolves false if some was still running.
   */
  drain (ms: number): Promise<boolean>
  /** Deliveries whose handlers are running now. */
  readonly running: number
}

interface Claim { key: string, token: string }

/** What logs say of an event: its type and id, never its data. */
const identity = (event: WebhookEnvelope): { eventType: string, eventId: string | undefined } => ({ eventType: event.type, eventId: eventIdOf(event) })

// The outcomes without an error are constants: one object fewer per delivery.
const HANDLED: DeliveryOutcome = Object.freeze({ status: 'handled' })
const DUPLICATE: DeliveryOutcome = Object.freeze({ status: 'duplicate', inProgress: false })
const IN_PROGRESS: DeliveryOutcome = Object.freeze({ status: 'duplicate', inProgress: true })
const ACCEPTED: DeliveryOutcome = Object.freeze({ status: 'accepted' })
const QUEUED: DeliveryOutcome = Object.freeze({ status: 'queued' })

/** A delivery waiting for its async handlers, to be acknowledged at `deadline` if they are still running. */
interface Waiting { deadline: number, acknowledge: () => void }

export function createDeliveryProcessor<Ctx> (options: DeliveryProcessorOptions<Ctx>): DeliveryProcessor<Ctx> {
  const { router, idempotency, ackTimeout, isRetried, parse, handOff } = options
  // A count rather than a set of promises: the requests and handlers that close() waits for
  // cost no promise each, and draining waits for one event, the count reaching zero.
  let running = 0
  const onIdle = new Set<() => void>()

  function started (): void { running++ }
  function finished (): void {
    if (--running > 0 || onIdle.size === 0) return
    for (const wake of onIdle) wake()
    onIdle.clear()
  }

  /** Keeps `work` counted as running until it settles, so that close() waits for it. */
  function track (work: PromiseLike<unknown>): void {
    started()
    work.then(finished, finished)
  }

  // Every delivery waits the same ackTimeout, so deadlines come in the order deliveries start:
  // the set, in insertion order, is sorted by deadline, and one timer for its oldest entry serves
  // them all instead of a timer (and a promise race) per delivery. The timer is unref'd while
  // nothing waits, so that it never keeps the process alive on its own.
  const waiting = new Set<Waiting>()
  let ackTimer: NodeJS.Timeout | undefined

  function wait (entry: Waiting): void {
    waiting.add(entry)
    if (ackTimer === undefined) ackTimer = setTimeout(acknowledgeDue, ackTimeout as number)
    else if (waiting.size === 1) ackTimer.ref()
  }

  function stopWaiting (entry: Waiting): void {
    if (waiting.delete(entry) && waiting.size === 0) ackTimer!.unref()
  }

  function acknowledgeDue (): void {
    ackTimer = undefined
    const now = performance.now()
    for (const entry of waiting) {
      // Timers may fire up to a millisecond early by this clock: what is not due yet waits on.
      if (entry.deadline > now) {
        ackTimer = setTimeout(acknowledgeDue, Math.ceil(entry.deadline - now))
        return
      }
      waiting.delete(entry)
      entry.acknowledge()
    }
  }

  /** A store call: a promise is bounded by storeTimeout, a plain value is taken as it is. */
  function storeCall<T> (call: () => MaybePromise<T>): MaybePromise<T> {
    const result = call()
    return isThenable(result) ? withTimeout(result, idempotency!.storeTimeout, 'the idempotency store') : result
  }

  /** Marks the claim done (after success) or releases it (otherwise). Never throws: a failure is logged. */
  function settleClaim (claim: Claim | undefined, succeeded: boolean, event: WebhookEnvelope, log: DeliveryLogger): MaybePromise<void> {
    if (claim === undefined) return
    const { store, ttl } = idempotency!
    try {
      const done = storeCall(() => succeeded ? store.complete(claim.key, claim.token, ttl) : store.release(claim.key, claim.token))
      if (isThenable(done)) return done.then(undefined, (err: unknown) => { settleFailed(err, claim, succeeded, event, log) })
    } catch (err) {
      settleFailed(err, claim, succeeded, event, log)
    }
  }

  function settleFailed (err: unknown, claim: Claim, succeeded: boolean, event: WebhookEnvelope, log: DeliveryLogger): void {
    log.error({ err, ...identity(event), idempotencyKey: claim.key }, succeeded
      ? 'Could not mark an ElevenLabs webhook event as processed; a copy may run its handlers again'
      : 'Could not release the claim of an ElevenLabs webhook event; its copies wait for the lease to end')
  }

  /**
   * Logs each handler failure and passes it to the onError hooks. Detached from the answer: a
   * slow or hanging hook must not delay the 500 that makes ElevenLabs retry. close() waits for it.
   */
  async function report (event: WebhookEnvelope, error: WebhookHandlerError, context: Ctx, log: DeliveryLogger, acknowledged: boolean, retry: boolean): Promise<void> {
    const msg = acknowledged
      ? 'An ElevenLabs webhook handler failed after the delivery was acknowledged (ackTimeout); ElevenLabs will not retry it'
      : retry
        ? 'An ElevenLabs webhook handler failed; answering 500 so that ElevenLabs retries'
        : 'An ElevenLabs webhook handler failed; ElevenLabs does not retry this type, so the delivery is answered 200 and the event goes to onError'
    const who = identity(event)
    for (const err of error.errors) log.error({ err, ...who }, msg)
    for (const err of await router.reportError(error, context)) {
      log.error({ err, ...who }, 'An ElevenLabs webhook onError hook threw')
    }
  }

  /** After the handlers: settle the claim; report failures on the side. */
  function afterRun (event: WebhookEnvelope, error: WebhookHandlerError | undefined, context: Ctx, log: DeliveryLogger,
    claim: Claim | undefined, retry: boolean, acknowledged: boolean): MaybePromise<WebhookHandlerError | undefined> {
    const settled = settleClaim(claim, error === undefined, event, log)
    if (error !== undefined) track(report(event, error, context, log, acknowledged, retry))
    return isThenable(settled) ? settled.then(() => error) : error
  }

  function outcomeOf (error: WebhookHandlerError | undefined, retry: boolean): DeliveryOutcome {
    return error === undefined ? HANDLED : { status: 'failed', error, retry }
  }

  function runHandlers (event: WebhookEnvelope, context: Ctx, log: DeliveryLogger, claim: Claim | undefined, retry: boolean): MaybePromise<DeliveryOutcome> {
    const ran = router.run(event, context)
    if (!isThenable(ran)) {
      const after = afterRun(event, ran, context, log, claim, retry, false)
      return isThenable(after) ? after.then((error) => outcomeOf(error, retry)) : outcomeOf(after, retry)
    }

    // One promise for the answer, settled by whichever comes first: the handlers (and the claim's
    // settling) or the acknowledgement deadline. The handlers stay counted as running until both
    // are done, whatever the answer was.
    started()
    return new Promise<DeliveryOutcome>((resolve, reject) => {
      let entry: Waiting | undefined
      if (ackTimeout !== false) {
        entry = { deadline: performance.now() + ackTimeout, acknowledge: () => { entry = undefined; resolve(ACCEPTED) } }
        wait(entry)
      }
      const leave = (): void => {
        if (entry !== undefined) stopWaiting(entry)
        finished()
      }
      const done = (error: WebhookHandlerError | undefined): void => { leave(); resolve(outcomeOf(error, retry)) }
      const broke = (err: unknown): void => { leave(); reject(err) }
      ran.then((error) => {
        const after = afterRun(event, error, context, log, claim, retry, entry === undefined && ackTimeout !== false)
        if (isThenable(after)) after.then(done, broke)
        else done(after)
      }, broke)
    })
  }

  function afterClaim (state: ClaimState, event: WebhookEnvelope, context: Ctx, log: DeliveryLogger, claim: Claim, retry: boolean): MaybePromise<DeliveryOutcome> {
    if (state === 'done') return DUPLICATE
    if (state === 'processing') {
      // A retry can come only where ElevenLabs retries; elsewhere this copy is the duplicate of
      // one being processed, whose failure (if it fails) is reported like any other.
      if (!retry) return IN_PROGRESS
      throw new WebhookRetryableError('ELEVENLABS_DELIVERY_IN_PROGRESS', 429,
        'Another copy of this event is being processed; retry later', IN_PROGRESS_RETRY_AFTER_S)
    }
    return runHandlers(event, context, log, claim, retry)
  }

  /**
   * The store could not answer the claim. Where ElevenLabs retries, a 503 is safe: the retry
   * checks again. Elsewhere no retry will come, and running the handlers without a duplicate
   * check (at worst twice) beats never.
   */
  function claimFailed (err: unknown, event: WebhookEnvelope, context: Ctx, log: DeliveryLogger, claim: Claim, retry: boolean): MaybePromise<DeliveryOutcome> {
    if (retry) {
      log.error({ err, ...identity(event), idempotencyKey: claim.key }, 'The ElevenLabs webhook idempotency store failed; answering 503 so that ElevenLabs retries')
      throw new WebhookRetryableError('ELEVENLABS_STORE_UNAVAILABLE', 503,
        'The webhook receiver cannot check for duplicates right now; retry later', STORE_RETRY_AFTER_S, { cause: err })
    }
    log.error({ err, ...identity(event), idempotencyKey: claim.key }, 'The ElevenLabs webhook idempotency store failed; ElevenLabs does not retry this type, so its handlers run without a duplicate check')
    return runHandlers(event, context, log, undefined, retry)
  }

  function deliverEvent (event: WebhookEnvelope, rawBody: Buffer, context: Ctx, log: DeliveryLogger): MaybePromise<DeliveryOutcome> {
    const retry = isRetried(event.type)
    if (idempotency === undefined) return runHandlers(event, context, log, undefined, retry)

    let key: string
    try {
      key = idempotency.key(event, rawBody)
    } catch (err) {
      // A bug in a custom key function: a retry may not mend it, but a 500 is the most that
      // can be done where one may come; elsewhere the event is ours to run.
      if (retry) throw err
      log.error({ err, ...identity(event) }, 'The idempotency key of an ElevenLabs webhook event could not be computed; ElevenLabs does not retry this type, so its handlers run without a duplicate check')
      return runHandlers(event, context, log, undefined, retry)
    }
    const claim = { key, token: newClaimToken() }
    let state: MaybePromise<ClaimState>
    try {
      state = idempotency.store.claim(claim.key, claim.token, idempotency.lease)
    } catch (err) {
      // Even a claim that failed may have been recorded (a reply lost on the way back).
      settleClaim(claim, false, event, log)
      return claimFailed(err, event, context, log, claim, retry)
    }
    if (!isThenable(state)) return afterClaim(state, event, context, log, claim, retry)
    const late = state
    return withTimeout(late, idempotency.storeTimeout, 'the idempotency store').then(
      (found) => afterClaim(found, event, context, log, claim, retry),
      (err) => {
        // A claim may be recorded although we gave up on it (too slow) or its reply was lost
        // (a connection reset, a client that never settles it): it must not hold the key for a
        // whole lease, during which every retry would be told 429. Released now, and again if
        // it answers 'claimed' later (it may land after the first release).
        settleClaim(claim, false, event, log)
        late.then((found) => { if (found === 'claimed') settleClaim(claim, false, event, log) }, ignore)
        return claimFailed(err, event, context, log, claim, retry)
      })
  }

  /** A verified body that is not a valid event: only the onInvalid hooks see it. */
  function deliverInvalid (error: WebhookPayloadError, event: WebhookEnvelope | undefined, rawBody: Buffer, context: Ctx, log: DeliveryLogger): MaybePromise<DeliveryOutcome> {
    const type = error.eventType
    const eventId = event === undefined ? undefined : eventIdOf(event)
    log.error({ eventType: type, eventId, code: error.code, path: error.path, reason: error.message }, router.keepsInvalid
      ? 'A verified ElevenLabs webhook event is invalid: no handler ran, onInvalid has its raw body'
      : 'A verified ElevenLabs webhook event is invalid: no handler ran, and no onInvalid hook keeps it')
    const invalid: InvalidWebhookEvent = { error, type, eventId, rawBody }
    const outcome = (failures: unknown[]): DeliveryOutcome => {
      for (const err of failures) log.error({ err, eventType: type, eventId }, 'An ElevenLabs webhook onInvalid hook threw: the event was not kept')
      return { status: 'invalid', error, retry: failures.length > 0 && type !== undefined && isRetried(type) }
    }
    const failures = router.runInvalid(invalid, context)
    if (!isThenable(failures)) return outcome(failures)
    const answered = failures.then(outcome)
    track(answered)
    return answered
  }

  /**
   * Queue mode: the answer is 200 only once the queue has the job. A queue that fails or is slow
   * is a 503 for every type: no handler runs in this process to fall back on.
   */
  function queueEvent (hand: HandOff, event: WebhookEnvelope, rawBody: Buffer, text: string, log: DeliveryLogger): Promise<DeliveryOutcome> {
    const key = idempotency?.key(event, rawBody)
    const bound = idempotency?.storeTimeout ?? DEFAULT_STORE_TIMEOUT_MS
    return withTimeout(hand(event, text, rawBody.length, key), bound, 'the queue').then(
      (state) => state === 'queued' ? QUEUED : DUPLICATE,
      (err: unknown) => {
        log.error({ err, ...identity(event), idempotencyKey: key }, isRetried(event.type)
          ? 'Could not add an ElevenLabs webhook event to the queue; answering 503 so that ElevenLabs retries'
          : 'Could not add an ElevenLabs webhook event to the queue; answering 503, and ElevenLabs does not retry this type: the event is lost unless it is sent again')
        throw new WebhookRetryableError('ELEVENLABS_QUEUE_UNAVAILABLE', 503,
          'The webhook receiver cannot queue the event right now; retry later', STORE_RETRY_AFTER_S, { cause: err })
      })
  }

  function deliver (rawBody: Buffer, context: Ctx, log: DeliveryLogger): MaybePromise<DeliveryOutcome> {
    // Decoded once: the envelope is parsed from this text, and queue mode's job holds it.
    const text = bodyText(rawBody)
    let event: WebhookEnvelope
    try {
      event = parse(text)
    } catch (err) {
      return deliverInvalid(err as WebhookPayloadError, undefined, rawBody, context, log)
    }
    // The workers validate `data`, with their own schemas: a fix there mends replays.
    if (handOff !== undefined) return queueEvent(handOff, event, rawBody, text, log)
    try {
      if (!router.validate(event)) log.warn({ eventType: event.type }, 'Received an ElevenLabs webhook event of a type with no schema; its onAny handlers run')
    } catch (err) {
      return deliverInvalid(err as WebhookPayloadError, event, rawBody, context, log)
    }
    return deliverEvent(event, rawBody, context, log)
  }

  function drain (ms: number): Promise<boolean> {
    if (running === 0) return Promise.resolve(true)
    return new Promise((resolve) => {
      // What settles may start more (an onError report after a late failure): that is counted
      // before what started it finishes, so the count reaches zero only when all is done.
      const wake = (): void => { clearTimeout(timer); resolve(true) }
      const timer = setTimeout(() => { onIdle.delete(wake); resolve(false) }, ms)
      onIdle.add(wake)
    })
  }

  return {
    deliver,
    hold: started,
    release: finished,
    drain,
    get running () { return running }
  }
}
