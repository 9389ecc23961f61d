import t from 'tap'
import fc from 'fast-check'
import * as crypto from 'node:crypto'
import { createRequire, syncBuiltinESMExports } from 'node:module'
import { createKeyedHmac, ONE_SHOT_MAX_BYTES } from '../src/hmac.js'

const reference = (secret: string, prefix: string, payload: string | Buffer): Buffer =>
  crypto.createHmac('sha256', secret).update(prefix).update(payload).digest()

// Lengths on both sides of every boundary: SHA-256's 64-byte block and the one-shot limit.
const payloadLength = fc.oneof(
  fc.nat({ max: 200 }),
  fc.integer({ min: ONE_SHOT_MAX_BYTES - 80, max: ONE_SHOT_MAX_BYTES + 80 })
)
const payload = payloadLength.chain((length) => fc.uint8Array({ minLength: length, maxLength: length }))
  .map((bytes) => Buffer.from(bytes))
// Secrets of any length in UTF-8 bytes: keys over the 64-byte block are hashed first.
const secret = fc.string({ unit: 'binary', minLength: 1, maxLength: 100 })
const prefix = fc.oneof(
  fc.nat().map((n) => `${n}.`),
  fc.string({ unit: 'binary', maxLength: 80 })
)

t.test('gives createHmac\'s digest for any key, prefix and payload', async (t) => {
  fc.assert(fc.property(secret, prefix, payload, (key, start, bytes) => {
    return createKeyedHmac(key)(start, bytes).equals(reference(key, start, bytes))
  }), { numRuns: 400 })
})

t.test('gives createHmac\'s digest for string payloads', async (t) => {
  fc.assert(fc.property(secret, fc.string({ unit: 'binary', maxLength: 300 }), (key, text) => {
    return createKeyedHmac(key)('1700000000.', text).equals(reference(key, '1700000000.', text))
  }), { numRuns: 200 })
})

t.test('any byte view a JavaScript caller passes: Uint8Array, DataView, a Buffer inside a larger one', async (t) => {
  const keyed = createKeyedHmac('wsec_views')
  const bytes = Buffer.from('{"type":"test","data":{}}')
  const backing = Buffer.concat([Buffer.from('xx'), bytes, Buffer.from('yy')])
  const views: Array<[string, unknown]> = [
    ['Uint8Array', new Uint8Array(bytes)],
    ['DataView', new DataView(backing.buffer, backing.byteOffset + 2, bytes.length)],
    ['empty Uint8Array', new Uint8Array(0)],
    ['Buffer inside a larger one', backing.subarray(2, 2 + bytes.length)]
  ]
  for (const [name, view] of views) {
    const expected = crypto.createHmac('sha256', 'wsec_views').update('1.').update(view as Uint8Array).digest()
    t.same(keyed('1.', view as Buffer), expected, name)
  }
})

t.test('prefixes longer than the room kept for them', async (t) => {
  const keyed = createKeyedHmac('wsec_prefix')
  const body = Buffer.from('{"type":"test","data":{}}')
  for (const start of ['9'.repeat(64) + '.', 'é'.repeat(40), '']) {
    t.same(keyed(start, body), reference('wsec_prefix', start, body), `${Buffer.byteLength(start)}-byte prefix`)
  }
})

t.test('two keys in turn do not disturb each other\'s digests', async (t) => {
  const one = createKeyedHmac('wsec_one')
  const two = createKeyedHmac('wsec_two_'.repeat(10))
  const body = Buffer.from('{"type":"test","data":{}}')
  const first = one('1.', body)
  const second = two('1.', body)
  t.same(first, reference('wsec_one', '1.', body))
  t.same(second, reference('wsec_two_'.repeat(10), '1.', body))
  t.notSame(first, second)
})

t.test('falls back to createHmac where crypto.hash does not exist (Node < 20.12)', async (t) => {
  // node:crypto's CommonJS exports are writable; syncBuiltinESMExports carries a change to the
  // `import * as crypto` the module reads (when a key is created).
  const exports = createRequire(import.meta.url)('node:crypto') as { hash?: unknown }
  const hash = exports.hash
  t.type(hash, 'function', 'this runtime has crypto.hash, so the quick path is what the other tests check')
  exports.hash = undefined
  syncBuiltinESMExports()
  t.teardown(() => {
    exports.hash = hash
    syncBuiltinESMExports()
  })
  t.equal((crypto as { hash?: unknown }).hash, undefined)
  const keyed = createKeyedHmac('wsec_fallback')
  const body = Buffer.from('{"type":"test","data":{}}')
  t.same(keyed('1700000000.', body), reference('wsec_fallback', '1700000000.', body))
})
