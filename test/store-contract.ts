import type { Test } from 'tap'
import type { IdempotencyStore } from '../src/index.js'
import { sleep } from './helpers.js'

/**
 * The behaviour every IdempotencyStore must have, run against each implementation.
 * `unique` makes keys that no other run of the suite uses (the Redis store outlives a test).
 */
export async function storeContract (t: Test, store: IdempotencyStore, unique: (key: string) => string): Promise<void> {
  await t.test('the first claim wins; later ones see processing, then done', async (t) => {
    const key = unique('a')
    t.equal(await store.claim(key, 'tok1', 10_000), 'claimed')
    t.equal(await store.claim(key, 'tok2', 10_000), 'processing')
    await store.complete(key, 'tok1', 10_000)
    t.equal(await store.claim(key, 'tok3', 10_000), 'done')
  })

  await t.test('a claim asked again with its own token (its answer lost on the way) is its own; once done, done', async (t) => {
    const key = unique('own')
    t.equal(await store.claim(key, 'tok1', 10_000), 'claimed')
    t.equal(await store.claim(key, 'tok1', 10_000), 'claimed')
    t.equal(await store.claim(key, 'tok2', 10_000), 'processing')
    await store.complete(key, 'tok1', 10_000)
    t.equal(await store.claim(key, 'tok1', 10_000), 'done', 'a stale resend never runs the handlers again')
  })

  await t.test('concurrent claims: exactly one wins', async (t) => {
    const key = unique('race')
    const results = await Promise.all(Array.from({ length: 25 }, (_, i) => store.claim(key, `tok${i}`, 10_000)))
    t.equal(results.filter((r) => r === 'claimed').length, 1)
    t.equal(results.filter((r) => r === 'processing').length, 24)
  })

  await t.test('release frees the key for the next claim; a stale token cannot release it', async (t) => {
    const key = unique('release')
    t.equal(await store.claim(key, 'tok1', 10_000), 'claimed')
    await store.release(key, 'someone-else')
    t.equal(await store.claim(key, 'tok2', 10_000), 'processing')
    await store.release(key, 'tok1')
    t.equal(await store.claim(key, 'tok2', 10_000), 'claimed')
  })

  await t.test('release does not undo done', async (t) => {
    const key = unique('done')
    await store.claim(key, 'tok1', 10_000)
    await store.complete(key, 'tok1', 10_000)
    await store.release(key, 'tok1')
    t.equal(await store.claim(key, 'tok2', 10_000), 'done')
  })

  await t.test('an expired lease frees the key; the old holder cannot complete over the new one', async (t) => {
    const key = unique('lease')
    t.equal(await store.claim(key, 'old', 100), 'claimed')
    await sleep(200)
    t.equal(await store.claim(key, 'new', 10_000), 'claimed')
    await store.complete(key, 'old', 10_000)
    t.equal(await store.claim(key, 'third', 10_000), 'processing', 'still held by the new claim')
    await store.release(key, 'new')
    t.equal(await store.claim(key, 'third', 10_000), 'claimed')
  })

  await t.test('done expires after its ttl', async (t) => {
    const key = unique('ttl')
    await store.claim(key, 'tok1', 10_000)
    // Wide margins: a loaded CI machine may take a while between two calls.
    await store.complete(key, 'tok1', 400)
    t.equal(await store.claim(key, 'tok2', 10_000), 'done')
    await sleep(500)
    t.equal(await store.claim(key, 'tok3', 10_000), 'claimed')
  })

  await t.test('complete after the lease expired still records done', async (t) => {
    const key = unique('late')
    await store.claim(key, 'tok1', 20)
    await sleep(50)
    await store.complete(key, 'tok1', 10_000)
    t.equal(await store.claim(key, 'tok2', 10_000), 'done')
  })
}
