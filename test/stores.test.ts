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

t.test('MemoryStore evicts finished or expired entries, oldest first, never a claim in progress', async (t) => {
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
  t.throws(() => store.claim('one-more', 'tok', 1000), /full/, 'only claims in progress left: refuse, do not drop one')
  now = 1000 // the leases ended: expired claims make room
  t.equal(store.claim('one-more', 'tok', 1000), 'claimed')
  // complete for an entry that was evicted meanwhile records it again when there is room
  const small = new MemoryStore({ maxEntries: 1 })
  small.claim('a', 'tok', 1000)
  small.complete('b', 'tok', 1000)
  t.throws(() => small.claim('b', 'tok', 1000), /full/, 'no room (a is in progress): b was not recorded, and a is kept')
  small.release('a', 'tok')
  small.complete('b', 'tok', 1000)
  t.equal(small.claim('b', 'tok', 1000), 'done', 'with room, a complete for an evicted entry records it')
})

t.test('MemoryStore eviction goes back for an entry that finished after it was passed over', async (t) => {
  const store = new MemoryStore({ maxEntries: 3 })
  store.claim('a', 'tok', 60_000)
  for (const key of ['b', 'c']) {
    store.claim(key, 'tok', 60_000)
    store.complete(key, 'tok', 60_000)
  }
  t.equal(store.claim('d', 'tok', 60_000), 'claimed', 'b evicted; a, in progress, passed over')
  store.complete('a', 'tok', 60_000)
  t.equal(store.claim('e', 'tok', 60_000), 'claimed', 'c evicted, the next finished one after b')
  t.equal(store.claim('f', 'tok', 60_000), 'claimed', 'd and e are in progress: a new pass from the start evicts a')
  t.equal(store.size, 3)
  store.release('f', 'tok')
  t.equal(store.claim('a', 'tok2', 60_000), 'claimed', 'a was evicted, so it is new again')
  t.same(['d', 'e'].map((key) => store.claim(key, 'tok2', 60_000)), ['processing', 'processing'], 'the claims in progress stayed')
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
