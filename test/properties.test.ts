import t from 'tap'
import fc from 'fast-check'
import { constructEvent, generateSignatureHeader, WebhookVerificationError, eventSchemas, type EventType } from '../src/index.js'
import { fixtures } from '../src/fixtures.js'
import { build, secret, signed } from './helpers.js'

const nowS = 1_700_000_000
const body = JSON.stringify({ type: 'voice.cloned', event_timestamp: nowS, data: { voice_id: 'voice_123' } })
const header = generateSignatureHeader({ payload: body, secret, timestamp: nowS })

t.test('any one-character change to a valid header never verifies', async (t) => {
  fc.assert(fc.property(
    fc.nat({ max: header.length - 1 }),
    fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code)),
    (index, replacement) => {
      fc.pre(header[index] !== replacement)
      const mutated = header.slice(0, index) + replacement + header.slice(index + 1)
      try {
        constructEvent(body, mutated, secret, { now: nowS })
      } catch (err) {
        return err instanceof WebhookVerificationError
      }
      return false
    }
  ), { numRuns: 2000 })
})

t.test('any change to the body\'s bytes never verifies', async (t) => {
  const bytes = Buffer.from(body)
  fc.assert(fc.property(
    fc.nat({ max: bytes.length - 1 }),
    fc.integer({ min: 1, max: 255 }),
    (index, delta) => {
      const mutated = Buffer.from(bytes)
      mutated[index] = ((mutated[index] as number) + delta) % 256
      try {
        constructEvent(mutated, header, secret, { now: nowS })
      } catch (err) {
        return err instanceof WebhookVerificationError && err.code === 'ELEVENLABS_SIGNATURE_MISMATCH'
      }
      return false
    }
  ), { numRuns: 1000 })
})

t.test('random bytes and random headers never produce a 5xx or run a handler', async (t) => {
  const { app } = await build({ bodyLimit: 4096 })
  let runs = 0
  app.elevenlabs.onAny(() => { runs++ })
  await fc.assert(fc.asyncProperty(
    fc.uint8Array({ maxLength: 6000 }),
    fc.oneof(fc.constant(undefined), fc.string(), fc.constant(header)),
    fc.constantFrom('application/json', 'text/plain', 'application/json; charset=utf-8'),
    async (payload, signature, contentType) => {
      const headers: Record<string, string> = { 'content-type': contentType }
      if (signature !== undefined) headers['elevenlabs-signature'] = signature
      const res = await app.inject({ method: 'POST', url: '/webhook', headers, payload: Buffer.from(payload) })
      return res.statusCode >= 400 && res.statusCode < 500
    }
  ), { numRuns: 300 })
  t.equal(runs, 0)
})

t.test('valid events with random extra fields still validate and reach their handler', async (t) => {
  const { app } = await build({ idempotency: false })
  let runs = 0
  app.elevenlabs.onAny(() => { runs++ })
  const types = Object.keys(eventSchemas)
  const samples = new Map(types.map((type) => [type, fixtures[type as EventType] as { data: Record<string, unknown> }]))
  const extraKey = fc.string({ minLength: 1 }).filter((k) => !['__proto__', 'constructor', 'prototype'].includes(k))
  // Nowhere a `__proto__` or `constructor` key: the app refuses those (Fastify's default
  // onProtoPoisoning / onConstructorPoisoning), and keeps such a body as invalid.
  const extraValue = fc.jsonValue().filter((value) => !/"(__proto__|constructor)":/.test(JSON.stringify(value)))
  let sent = 0
  await fc.assert(fc.asyncProperty(
    fc.constantFrom(...types),
    fc.dictionary(extraKey, extraValue),
    fc.dictionary(extraKey, extraValue),
    async (type, extraTop, extraData) => {
      const fixture = samples.get(type)!
      // Extra fields never replace documented ones: those have their own types.
      const data = { ...Object.fromEntries(Object.entries(extraData).filter(([k]) => !(k in fixture.data))), ...fixture.data }
      const event = { ...Object.fromEntries(Object.entries(extraTop).filter(([k]) => !['type', 'event_timestamp', 'data'].includes(k))), ...fixture, data }
      sent++
      const res = await app.inject(signed(event))
      // 200 is also the answer to an invalid event: the body says whether it was processed.
      return res.statusCode === 200 && res.json().success === true
    }
  ), { numRuns: 200 })
  t.equal(runs, sent)
})

t.test('signed bodies of any JSON, with any type name, never produce a 5xx', async (t) => {
  const { app } = await build()
  app.elevenlabs.onAny(() => {})
  const typeName = fc.oneof(
    fc.string(),
    fc.constantFrom('constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf', 'prototype', ...Object.keys(eventSchemas))
  )
  const body = fc.oneof(
    fc.jsonValue(),
    fc.record({ type: typeName, data: fc.jsonValue() }, { requiredKeys: ['type'] }),
    fc.record({ type: typeName, event_timestamp: fc.oneof(fc.integer(), fc.string()), data: fc.dictionary(fc.string(), fc.jsonValue()) })
  )
  await fc.assert(fc.asyncProperty(body, async (value) => {
    const res = await app.inject(signed(JSON.stringify(value)))
    return res.statusCode === 200 || res.statusCode === 400
  }), { numRuns: 500 })
})
