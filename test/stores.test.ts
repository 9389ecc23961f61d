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
  // No timer: a fresh process with a full store exits on its own (checked by tap finishing at all)
  t.throws(() => new MemoryStore({ maxEntries: 0 }), RangeError)
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
