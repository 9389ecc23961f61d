import t from 'tap'
import { randomUUID } from 'node:crypto'
import { MemoryStore, RedisStore } from '../src/index.js'
import { storeContract } from './store-contract.js'
import { connectRedis } from './redis.js'

t.test('MemoryStore keeps the store contract', async (t) => {
  await storeContract(t, new MemoryStore(), (key) => key)
})

t.test('MemoryStore is bounded: past maxEntries the oldest entry goes', async (t) => {
  const store = new MemoryStore({ maxEntries: 3 })
  for (const key of ['a', 'b', 'c']) {
    await store.claim(key, 'tok', 10_000)
    await store.complete(key, 'tok', 10_000)
  }
  t.equal(store.size, 3)
  await store.claim('d', 'tok', 10_000)
  t.equal(store.size, 3)
  t.equal(await store.claim('a', 'tok', 10_000), 'claimed', 'a was the oldest: evicted, so it is new again')
  t.equal(await store.claim('c', 'tok', 10_000), 'done', 'c is still remembered')
})

t.test('MemoryStore evicts finished entries first, then an expired claim, never a claim in progress', async (t) => {
  let now = 0
  const store = new MemoryStore({ maxEntries: 3, now: () => now })
  store.claim('running', 'tok', 1000)
  store.claim('done-old', 'tok', 1000)
  store.complete('done-old', 'tok', 10_000)
  store.claim('done-new', 'tok', 1000)
  store.complete('done-new', 'tok', 10_000)
  t.equal(store.claim('next', 'tok', 1000), 'claimed')
  t.equal(store.claim('running', 'tok2', 1000), 'processing', 'the claim in progress stayed')
  t.equal(store.claim('done-new', 'tok2', 1000), 'done', 'the newer finished entry stayed')
  t.equal(store.claim('done-old', 'tok2', 1000), 'claimed', 'the oldest finished entry went')
  // Held now: running, next, done-old (all in progress); done-new was the one finished entry.
  t.equal(store.size, 3)
  t.throws(() => store.claim('one-more', 'tok', 1000), /full: 3 claims in progress/, 'only claims in progress left: refuse, do not drop one')
  now = 1000 // the oldest lease ended: that claim makes room
  t.equal(store.claim('one-more', 'tok', 1000), 'claimed')
  t.equal(store.size, 3, 'one expired claim went, for the one new claim')
  // complete for an entry that was evicted meanwhile records it again when there is room
  const small = new MemoryStore({ maxEntries: 1 })
  small.claim('a', 'tok', 1000)
  small.complete('b', 'tok', 1000)
  t.throws(() => small.claim('b', 'tok', 1000), /full/, 'no room (a is in progress): b was not recorded, and a is kept')
  small.release('a', 'tok')
  small.complete('b', 'tok', 1000)
  t.equal(small.claim('b', 'tok', 1000), 'done', 'with room, a complete for an evicted entry records it')
})

t.test('MemoryStore evicts finished entries in the order they finished, not the order they were claimed', async (t) => {
  const store = new MemoryStore({ maxEntries: 3 })
  store.claim('a', 'tok', 60_000)
  for (const key of ['b', 'c']) {
    store.claim(key, 'tok', 60_000)
    store.complete(key, 'tok', 60_000)
  }
  t.equal(store.claim('d', 'tok', 60_000), 'claimed', 'b evicted, the first to finish; a, in progress, kept')
  store.complete('a', 'tok', 60_000) // a finishes last although it was claimed first
  t.equal(store.claim('e', 'tok', 60_000), 'claimed', 'c evicted, the next to finish')
  t.equal(store.claim('f', 'tok', 60_000), 'claimed', 'a evicted, the last to finish')
  t.equal(store.size, 3)
  store.release('f', 'tok')
  t.equal(store.claim('a', 'tok2', 60_000), 'claimed', 'a was evicted, so it is new again')
  t.same(['d', 'e'].map((key) => store.claim(key, 'tok2', 60_000)), ['processing', 'processing'], 'the claims in progress stayed')
})

t.test('a MemoryStore evicts finished entries before any claim, even one older than they are', async (t) => {
  let now = 0
  const store = new MemoryStore({ maxEntries: 3, now: () => now })
  store.claim('oldest', 'tok', 1000)
  store.claim('finished', 'tok', 1000)
  store.complete('finished', 'tok', 60_000)
  store.claim('newest', 'tok', 1000)
  now = 999 // every lease still runs
  t.equal(store.claim('new', 'tok', 1000), 'claimed', 'room was made')
  t.same(['oldest', 'newest'].map((key) => store.claim(key, 'tok2', 1000)), ['processing', 'processing'], 'no claim was dropped')
  t.throws(() => store.claim('finished', 'tok2', 1000), /full/, 'finished went: a finished entry kept would answer done')
})

t.test('a MemoryStore evicts its oldest claim once its lease has ended, and skips one released or finished meanwhile', async (t) => {
  let now = 0
  const store = new MemoryStore({ maxEntries: 3, now: () => now })
  store.claim('a', 'tok', 100) // ends at 100
  now = 10
  store.claim('b', 'tok', 100) // ends at 110
  now = 20
  store.claim('c', 'tok', 100) // ends at 120
  store.release('a', 'tok') // the oldest claim is b now
  store.claim('d', 'tok', 100) // room left by a; ends at 120
  t.equal(store.size, 3)
  now = 109
  t.throws(() => store.claim('e', 'tok', 100), /full: 3 claims in progress/, 'the oldest claim (b) still runs: refused at once')
  now = 110
  t.equal(store.claim('e', 'tok', 100), 'claimed', 'b\'s lease ended: it made room')
  t.same(['c', 'd', 'e'].map((key) => store.claim(key, 'tok2', 100)), ['processing', 'processing', 'processing'])
  // The holder of an evicted claim finishes late: no room, so nothing is dropped for it.
  store.complete('b', 'tok', 60_000)
  t.equal(store.size, 3)
  t.throws(() => store.claim('b', 'tok2', 100), /full/, 'b was not recorded over a claim in progress')
  // A claim in the middle is released, then the oldest finishes: neither is looked at again.
  store.release('d', 'tok')
  store.complete('c', 'tok', 60_000)
  now = 130 // e ended at 210: nothing has expired
  t.equal(store.claim('f', 'tok', 100), 'claimed', 'room left by d')
  t.equal(store.claim('g', 'tok', 100), 'claimed', 'c, finished, evicted')
  t.throws(() => store.claim('h', 'tok', 100), /full: 3 claims in progress/, 'e, f, g all run')
  now = 210
  t.equal(store.claim('h', 'tok', 100), 'claimed', 'e, the oldest claim left, ended')
  t.same(['f', 'g', 'h'].map((key) => store.claim(key, 'tok2', 100)), ['processing', 'processing', 'processing'])
})

/** A method replaced by a counting wrapper for the duration of `run`; no clock. */
function counting<T extends object> (target: T, method: keyof T, wrap: (original: Function) => Function, run: () => void): void {
  const original = target[method] as Function
  Object.defineProperty(target, method, { value: wrap(original), configurable: true, writable: true })
  try { run() } finally { Object.defineProperty(target, method, { value: original, configurable: true, writable: true }) }
}

/**
 * How many entries any Map steps through while `run` runs: every `next()` of a Map iterator
 * (entries, keys, values, `for…of`, spread) and every `forEach` callback.
 */
function mapSteps (run: () => void): number {
  let steps = 0
  const iterators = Object.getPrototypeOf(new Map().keys()) as object
  counting(iterators, 'next' as keyof object, (next) => function (this: unknown) { steps++; return next.call(this) }, () => {
    counting(Map.prototype, 'forEach', (forEach) => function (this: unknown, callback: Function, thisArg: unknown) {
      return forEach.call(this, function (...args: unknown[]) { steps++; return callback.apply(thisArg, args) })
    }, run)
  })
  return steps
}

t.test('a MemoryStore full of claims in progress refuses in O(1), whatever its size', async (t) => {
  const steps = [10, 10_000].map((size) => {
    const store = new MemoryStore({ maxEntries: size })
    // A store that has lived: finished entries evicted, claims released, so the Maps have gaps.
    for (let i = 0; i < size; i++) {
      store.claim(`old${i}`, 'tok', 60_000)
      if (i % 2 === 0) store.complete(`old${i}`, 'tok', 60_000)
      else store.release(`old${i}`, 'tok')
    }
    for (let i = 0; i < size; i++) store.claim(`k${i}`, 'tok', 60_000)
    t.equal(store.size, size)
    const taken = mapSteps(() => {
      for (let i = 0; i < 100; i++) {
        t.throws(() => store.claim(`new${i}`, 'tok', 60_000), new RegExp(`full: ${size} claims in progress`))
        // A late complete for an evicted key meets the same full store: it records nothing.
        store.complete(`old${i}`, 'tok', 60_000)
      }
    })
    t.equal(store.size, size)
    t.equal(store.claim('k0', 'tok2', 60_000), 'processing', 'the oldest claim stayed')
    t.equal(store.claim(`k${size - 1}`, 'tok2', 60_000), 'processing', 'the newest claim stayed')
    return taken
  })
  t.equal(steps[1], steps[0], `Map entries stepped through in 100 refusals: ${steps.join(' with 10 entries, ')} with 10 000`)
})

t.test('MemoryStore stays correct through many evictions in a full store', async (t) => {
  const store = new MemoryStore({ maxEntries: 100 })
  let claimed = 0
  for (let i = 0; i < 5000; i++) {
    const key = `k${i}`
    if (store.claim(key, 'tok', 60_000) === 'claimed') claimed++
    // Every tenth event is still running; the others finished.
    if (i % 10 !== 0) store.complete(key, 'tok', 60_000)
    else if (i >= 50) store.complete(`k${i - 50}`, 'tok', 60_000)
  }
  t.equal(claimed, 5000, 'every new event was claimed: finished ones always made room')
  t.equal(store.size, 100)
  // The newest 90-odd events are remembered; the oldest are gone.
  t.equal(store.claim('k4999', 'tok2', 60_000), 'done')
  t.equal(store.claim('k4990', 'tok2', 60_000), 'processing', 'still running')
  t.equal(store.claim('k0', 'tok2', 60_000), 'claimed', 'long evicted')
})

t.test('MemoryStore expiry follows its clock, with no timers', async (t) => {
  let now = 1_000
  const store = new MemoryStore({ now: () => now })
  t.equal(await store.claim('k', 'tok', 100), 'claimed')
  now += 99
  t.equal(await store.claim('k', 'tok2', 100), 'processing')
  now += 1
  t.equal(await store.claim('k', 'tok2', 100), 'claimed', 'the lease ended at exactly 100 ms')
  await store.complete('k', 'tok2', 500)
  now += 499
  t.equal(await store.claim('k', 'tok3', 100), 'done')
  now += 1
  t.equal(await store.claim('k', 'tok3', 100), 'claimed')
  t.throws(() => new MemoryStore({ maxEntries: 0 }), RangeError)
  // No timer: claims and completes add no active handle that would keep the process alive.
  const timers = (): number => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length
  const before = timers()
  const busy = new MemoryStore()
  for (let i = 0; i < 100; i++) { busy.claim(`k${i}`, 'tok', 60_000); busy.complete(`k${i}`, 'tok', 60_000) }
  t.equal(timers(), before)
})

t.test('RedisStore refuses something that is not a Redis client', async (t) => {
  t.throws(() => new RedisStore({} as never), TypeError)
  t.throws(() => new RedisStore(null as never), TypeError)
})

t.test('RedisStore sends one atomic script per operation, with the prefixed key and whole milliseconds', async (t) => {
  // Runs without a Redis server, so that the store's own code is covered everywhere; the
  // behaviour of the scripts is proven against a real Redis below.
  const calls: unknown[][] = []
  const replies: unknown[] = ['claimed', 0, 0]
  const store = new RedisStore({ eval: async (...args) => { calls.push(args); return replies.shift() } }, { prefix: 'p:' })
  t.equal(await store.claim('k', 'tok', 1500.2), 'claimed')
  await store.complete('k', 'tok', 0.4)
  await store.release('k', 'tok')
  t.same(calls.map(([script, ...rest]) => [typeof script, ...rest]), [
    ['string', 1, 'p:k', 'tok', 1501],
    ['string', 1, 'p:k', 'tok', 1],
    ['string', 1, 'p:k', 'tok']
  ])
  t.match(calls[0]?.[0], /SET.*NX/)
  // A reply that is not one of the three states is an error (answered 503), never a silent claim.
  const odd = new RedisStore({ eval: async () => Buffer.from('claimed') })
  await t.rejects(odd.claim('k', 'tok', 1000), /unexpected reply/)
  t.equal(new RedisStore({ eval: async () => 0 }) instanceof RedisStore, true)
})

t.test('RedisStore keeps the store contract against a real Redis', async (t) => {
  const redis = await connectRedis(t)
  if (redis === undefined) return
  const run = randomUUID()
  await storeContract(t, new RedisStore(redis), (key) => `${run}:${key}`)

  await t.test('keys carry the prefix and expire in Redis itself', async (t) => {
    const store = new RedisStore(redis, { prefix: `test:${run}:` })
    await store.claim('k', 'tok', 5000)
    t.equal(await redis.get(`test:${run}:k`), 'processing:tok')
    const ttl = await redis.pttl(`test:${run}:k`)
    t.ok(ttl > 0 && ttl <= 5000, `pttl ${ttl}`)
    await store.complete('k', 'tok', 60_000)
    t.equal(await redis.get(`test:${run}:k`), 'done:tok')
    t.ok(await redis.pttl(`test:${run}:k`) > 5000)
    await redis.del(`test:${run}:k`)
  })
})
