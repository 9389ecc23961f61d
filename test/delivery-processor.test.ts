/**
 * The delivery processor on its own, with a stand-in router: the acknowledgement deadline that
 * one timer keeps for all deliveries waiting on async handlers, and the count that close() drains.
 */
import t from 'tap'
import { setTimeout as sleep } from 'node:timers/promises'
import { createDeliveryProcessor, type DeliveryOutcome } from '../src/delivery.js'
import type { EventRunner } from '../src/router.js'
import type { WebhookEnvelope } from '../src/envelope.js'
import type { WebhookHandlerError } from '../src/errors.js'

type Run = (event: WebhookEnvelope) => PromiseLike<WebhookHandlerError | undefined> | WebhookHandlerError | undefined

const log = { error: () => {}, warn: () => {} }

function processor (run: Run, ackTimeout: number | false = 50): ReturnType<typeof createDeliveryProcessor<null>> {
  const router: EventRunner<null> = {
    validate: () => true,
    run,
    reportError: async () => [],
    runInvalid: () => [],
    keepsInvalid: false
  }
  return createDeliveryProcessor<null>({
    router,
    idempotency: undefined,
    ackTimeout,
    isRetried: () => false,
    parse: (rawBody) => JSON.parse(rawBody.toString()) as WebhookEnvelope
  })
}

const body = (id: string): Buffer => Buffer.from(JSON.stringify({ type: 'voice.cloned', data: { voice_id: id } }))

function gate (): { promise: Promise<undefined>, open: () => void } {
  let open!: () => void
  const promise = new Promise<undefined>((resolve) => { open = () => { resolve(undefined) } })
  return { promise, open }
}

t.test('one timer serves every waiting delivery: each is acknowledged at its own deadline, or answered when its handlers finish', async (t) => {
  const gates = new Map<string, ReturnType<typeof gate>>()
  const deliveries = processor((event) => {
    const g = gate()
    gates.set((event.data as { voice_id: string }).voice_id, g)
    return g.promise
  })
  const quick = deliveries.deliver(body('quick'), null, log)
  gates.get('quick')!.open()
  t.same(await quick, { status: 'handled' }, 'answered as soon as its handler finished')
  t.equal(deliveries.running, 0)

  // Started later than the first, whose deadline the timer was set for: when that passes, this
  // one is not due yet and is acknowledged at its own.
  await sleep(20)
  const slow = deliveries.deliver(body('slow'), null, log)
  const alongside = deliveries.deliver(body('alongside'), null, log)
  gates.get('alongside')!.open()
  t.same(await alongside, { status: 'handled' })
  t.same(await slow, { status: 'accepted' }, 'acknowledged while its handler still runs')
  t.equal(deliveries.running, 1, 'still counted as running')
  gates.get('slow')!.open()
  t.equal(await deliveries.drain(1000), true)
  t.equal(deliveries.running, 0)

  // Nothing waits when the timer fires now; a later delivery gets its full ackTimeout again.
  await sleep(80)
  const late = deliveries.deliver(body('late'), null, log)
  t.same(await late, { status: 'accepted' } satisfies DeliveryOutcome)
  gates.get('late')!.open()
  t.equal(await deliveries.drain(1000), true)
})

t.test('a router that rejects: the delivery rejects and is no longer counted as running', async (t) => {
  const deliveries = processor(async () => { throw new Error('router broke') })
  await t.rejects(Promise.resolve(deliveries.deliver(body('v'), null, log)), { message: 'router broke' })
  t.equal(deliveries.running, 0)
  const waitsForEver = processor(async () => { throw new Error('router broke') }, false)
  await t.rejects(Promise.resolve(waitsForEver.deliver(body('v'), null, log)), { message: 'router broke' })
  t.equal(waitsForEver.running, 0)
})

t.test('a hold counts as running until it is released: drain waits for every one', async (t) => {
  const deliveries = processor(() => undefined)
  deliveries.hold()
  deliveries.hold()
  deliveries.release()
  t.equal(deliveries.running, 1)
  const drained = deliveries.drain(1000)
  deliveries.release()
  t.equal(await drained, true)
  t.equal(deliveries.running, 0)
})
