// How the webhook route reads its body: once, through fastify-raw-body, with Fastify's own limits
// and errors. Streams stand in for chunked uploads, truncated bodies and decompressing hooks.
import t from 'tap'
import { connect } from 'node:net'
import { PassThrough, Readable, Writable } from 'node:stream'
import { createGunzip, gzipSync } from 'node:zlib'
import type { FastifyRequest, InjectOptions } from 'fastify'
import fastifyRawBody from 'fastify-raw-body'
import elevenlabsWebhooks, { generateSignatureHeader } from '../src/index.js'
import { createBodyParser } from '../src/body-parser.js'
import { appWithLogs, build, secret, signed, sleep } from './helpers.js'

const event = { type: 'voice.cloned', event_timestamp: 1_700_000_000, data: { voice_id: 'voice_body', name: 'Ada' } }
const body = Buffer.from(JSON.stringify(event))
const signature = (bytes: Buffer = body): string => generateSignatureHeader({ payload: bytes, secret })

/** The bytes as a stream of small chunks, with no Content-Length: a chunked upload. */
function chunked (bytes: Buffer, size = 16): InjectOptions {
  const chunks: Buffer[] = []
  for (let at = 0; at < bytes.length; at += size) chunks.push(bytes.subarray(at, at + size))
  return {
    method: 'POST',
    url: '/webhook',
    headers: { 'content-type': 'application/json', 'elevenlabs-signature': signature(bytes) },
    payload: Readable.from(chunks)
  }
}

t.test('a body in many chunks, without Content-Length, is verified over all its bytes', async (t) => {
  const { app } = await build()
  const seen: string[] = []
  app.elevenlabs.on('voice.cloned', (e, request) => {
    seen.push(e.data.voice_id)
    t.same(request.rawBody, body, 'the handler sees the exact bytes')
  })
  const res = await app.inject(chunked(body))
  t.equal(res.statusCode, 200)
  t.same(seen, ['voice_body'])
  // A chunk changed in flight fails verification, wherever it is.
  const tampered = Buffer.from(body)
  tampered[body.length - 5] = 0x41
  const forged = chunked(tampered)
  ;(forged.headers as Record<string, string>)['elevenlabs-signature'] = signature()
  t.equal((await app.inject(forged)).statusCode, 400)
})

t.test('beside an app\'s own fastify-raw-body that keeps strings, the parser\'s own bytes are verified, in one chunk or many', async (t) => {
  const { app } = appWithLogs()
  await app.register(fastifyRawBody, { global: true })
  await app.register(elevenlabsWebhooks, { secret })
  const seen: Buffer[] = []
  app.elevenlabs.on('voice.cloned', (_e, request) => { seen.push(request.rawBody as Buffer) })
  const second = Buffer.from(JSON.stringify({ ...event, data: { voice_id: 'voice_body_2' } }))
  t.equal((await app.inject(signed(event))).statusCode, 200)
  t.equal((await app.inject(chunked(second, 7))).statusCode, 200)
  t.same(seen, [body, second])
})

t.test('bodyLimit: 413 before reading when Content-Length says so, and while streaming when it does not', async (t) => {
  const { app } = await build({ bodyLimit: 64 })
  let ran = 0
  app.elevenlabs.onAny(() => { ran++ })
  const declared = await app.inject(signed(event))
  t.equal(declared.statusCode, 413)
  t.equal(declared.json().code, 'FST_ERR_CTP_BODY_TOO_LARGE')
  const streamed = await app.inject(chunked(body))
  t.equal(streamed.statusCode, 413)
  t.equal(streamed.json().code, 'FST_ERR_CTP_BODY_TOO_LARGE')
  t.equal(streamed.headers.connection, 'close', 'the client may still be sending: the connection is closed')
  t.equal(ran, 0)
})

t.test('a body shorter or longer than its Content-Length: 400, nothing runs', async (t) => {
  const { app } = await build()
  let ran = 0
  app.elevenlabs.onAny(() => { ran++ })
  for (const length of [body.length + 10, body.length - 10]) {
    const res = await app.inject({
      method: 'POST',
      url: '/webhook',
      headers: { 'content-type': 'application/json', 'content-length': String(length), 'elevenlabs-signature': signature() },
      payload: Readable.from([body])
    })
    t.equal(res.statusCode, 400, `Content-Length ${length} for ${body.length} bytes`)
    t.equal(res.json().code, 'FST_ERR_CTP_INVALID_CONTENT_LENGTH')
  }
  t.equal(ran, 0)
})

t.test('a body stream that fails: 400 unless the error carries its own 4xx/5xx status', async (t) => {
  const { app } = await build()
  let ran = 0
  app.elevenlabs.onAny(() => { ran++ })
  const failing = (error: Error): InjectOptions => ({
    method: 'POST',
    url: '/webhook',
    headers: { 'content-type': 'application/json', 'elevenlabs-signature': signature() },
    payload: new Readable({
      read () {
        this.push(body.subarray(0, 10))
        this.destroy(error)
      }
    })
  })
  t.equal((await app.inject(failing(new Error('socket hang up')))).statusCode, 400)
  t.equal((await app.inject(failing(Object.assign(new Error('slow'), { statusCode: 408 })))).statusCode, 408)
  t.equal((await app.inject(failing(Object.assign(new Error('redirect?'), { statusCode: 302 })))).statusCode, 400)
  t.equal(ran, 0)
})

t.test('behind a decompressing preParsing hook, bodyLimit and Content-Length count the bytes received', async (t) => {
  const { app } = await build({ bodyLimit: 4096 })
  // Stands in for a decompressor: passes bytes on and reports how many it received, as Fastify asks.
  let received: number
  app.addHook('preParsing', async (_request, _reply, payload) => {
    const out = new PassThrough() as PassThrough & { receivedEncodedLength: number }
    out.receivedEncodedLength = received
    payload.pipe(out)
    return out
  })
  received = body.length + 3
  t.equal((await app.inject(signed(event))).statusCode, 400, 'Content-Length differs from what the stream says it received')
  received = body.length
  t.equal((await app.inject(signed(event))).statusCode, 200)
  received = 5000
  const res = await app.inject(signed(event))
  t.equal(res.statusCode, 413)
  t.equal(res.json().code, 'FST_ERR_CTP_BODY_TOO_LARGE')
})

t.test('a preParsing hook that turns the body into text: fastify-raw-body gives up, the parser reads on, no hang', async (t) => {
  const { app } = await build()
  const seen: string[] = []
  app.elevenlabs.on('voice.cloned', (e) => { seen.push(e.data.voice_id) })
  app.addHook('preParsing', async (_request, _reply, payload) => {
    payload.setEncoding('utf8')
    return payload
  })
  // UTF-8 text comes back as the same bytes: verified and handled.
  t.equal((await app.inject(signed(event))).statusCode, 200)
  t.same(seen, ['voice_body'])
  // Bytes that are not UTF-8 do not survive the text round trip (0xff became U+FFFD, 3 bytes):
  // refused, not hung, and nothing runs.
  const latin1 = Buffer.concat([Buffer.from('{"type":"voice.cloned","data":{"voice_id":"'), Buffer.from([0xff]), Buffer.from('x"}}')])
  const res = await app.inject(signed(latin1))
  t.equal(res.statusCode, 400)
  t.equal(res.json().code, 'FST_ERR_CTP_INVALID_CONTENT_LENGTH')
  t.same(seen, ['voice_body'])
})

t.test('the route takes only this request\'s bytes for its body, not a value an app\'s hook left in request.rawBody', async (t) => {
  const { app } = await build()
  const seen: string[] = []
  app.elevenlabs.onAny((e) => { seen.push(e.type) })
  // A hook that leaves bytes in request.rawBody, and one that makes fastify-raw-body give up on
  // the stream (so that nothing replaces them): the request's own signed bytes are what is handled.
  app.addHook('onRequest', async (request) => { request.rawBody = Buffer.from(JSON.stringify({ type: 'forged.event', data: {} })) })
  app.addHook('preParsing', async (_request, _reply, payload) => {
    payload.setEncoding('utf8')
    return payload
  })
  t.equal((await app.inject(signed(event))).statusCode, 200)
  t.same(seen, ['voice.cloned'])
})

t.test('a signed body behind a byte-order mark is verified over those bytes, then kept as not JSON, as the official SDK\'s JSON.parse reads it', async (t) => {
  // RFC 8259 lets a parser ignore a byte-order mark, and Fastify's own JSON parser does; ElevenLabs
  // sends none, and this route keeps to what the SDK's constructEvent accepts.
  const { app } = await build()
  let ran = 0
  const kept: Array<{ code: string, rawBody: Buffer }> = []
  app.elevenlabs.onAny(() => { ran++ })
  app.elevenlabs.onInvalid((invalid) => { kept.push({ code: invalid.error.code, rawBody: invalid.rawBody }) })
  const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), body])
  const res = await app.inject(signed(bytes))
  t.same([res.statusCode, res.json()], [200, { success: false }], 'the signature held: the bytes were not stripped before it was checked')
  t.equal(kept[0]?.code, 'ELEVENLABS_PAYLOAD_INVALID_JSON')
  t.ok(kept[0]?.rawBody.equals(bytes), 'kept with its byte-order mark')
  t.equal(ran, 0)
})

t.test('a body is read as UTF-8 whatever its size: non-ASCII text in a large body (in chunks that split its characters) arrives intact, as does ASCII', async (t) => {
  const { app } = await build()
  const names: string[] = []
  // A field its schema does not name: kept as sent, and read here as it arrived.
  app.elevenlabs.on('voice.cloned', (e) => { names.push((e.data as { name?: string }).name ?? '') })
  const cases: Array<[string, string]> = [
    ['small, accents and an emoji', 'Zoë Grüße 🎙️'],
    ['large, accents and an emoji', `Zoë Grüße 🎙️ ${'ü'.repeat(3000)}`],
    ['large, ASCII only', `Ada ${'x'.repeat(6000)}`]
  ]
  for (const [what, name] of cases) {
    const bytes = Buffer.from(JSON.stringify({ type: 'voice.cloned', data: { voice_id: `voice_${what}`, name } }))
    // Chunks of 7 bytes split most multi-byte characters between two chunks.
    const res = await app.inject(chunked(bytes, 7))
    t.equal(res.statusCode, 200, what)
    t.equal(names.pop(), name, what)
  }
})

t.test('over real HTTP: a client that disconnects mid-body runs nothing, and the server carries on', async (t) => {
  const { app, logs } = await build({ closeTimeout: 2000 })
  let ran = 0
  app.elevenlabs.onAny(() => { ran++ })
  const address = await app.listen({ host: '127.0.0.1', port: 0 })
  t.teardown(() => app.close())
  const { port } = new URL(address)
  await new Promise<void>((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1', () => {
      socket.write(`POST /webhook HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nElevenLabs-Signature: ${signature()}\r\n\r\n`)
      socket.write(body.subarray(0, 20), () => setTimeout(() => { socket.destroy(); resolve() }, 50))
    })
    socket.on('error', reject)
  })
  // The cut request is finished, not left waiting: its stream's error reaches Fastify, which logs it.
  for (let i = 0; i < 100 && !logs.some((line) => JSON.stringify(line).includes('aborted')); i++) await sleep(10)
  t.ok(logs.some((line) => JSON.stringify(line).includes('aborted')), 'the cut request ended with its error')
  const res = await fetch(`${address}/webhook`, { method: 'POST', headers: { 'content-type': 'application/json', 'elevenlabs-signature': signature() }, body })
  t.equal(res.status, 200)
  t.equal(ran, 1, 'only the complete delivery ran')
  // Each request released its hold on close() exactly once, the cut one included (its abort and
  // its error answer both release it): close finds nothing running and waits for nothing.
  await app.close()
  t.notOk(logs.some((line) => String(line.msg).includes('still running after closeTimeout')), 'close waited for nothing')
})

t.test('over real HTTP: a client that disconnects while its handler runs releases close() once', async (t) => {
  const { app, logs } = await build({ closeTimeout: 2000 })
  let finish = (): void => {}
  let started = (): void => {}
  const running = new Promise<void>((resolve) => { started = resolve })
  app.elevenlabs.on('voice.cloned', async () => {
    started()
    await new Promise<void>((resolve) => { finish = resolve })
  })
  const address = await app.listen({ host: '127.0.0.1', port: 0 })
  const { port } = new URL(address)
  const socket = connect(Number(port), '127.0.0.1', () => {
    socket.write(`POST /webhook HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nElevenLabs-Signature: ${signature()}\r\n\r\n`)
    socket.end(body)
  })
  socket.on('error', () => {})
  await running
  socket.destroy()
  // The abort is seen (onRequestAbort), then the handler ends and its answer goes nowhere (onResponse).
  for (let i = 0; i < 100 && !logs.some((line) => String(line.msg).includes('aborted')); i++) await sleep(10)
  finish()
  await sleep(50)
  // Released once, not twice: a second release would leave the count below zero, and close
  // would wait out closeTimeout for deliveries that are not there.
  await app.close()
  t.notOk(logs.some((line) => String(line.msg).includes('still running after closeTimeout')), 'close waited for nothing')
})

t.test('the parser alone: done exactly once, no listener left behind, nothing read past Content-Length over the limit', async (t) => {
  const parse = createBodyParser(10, true)
  const run = async (headers: Record<string, string>, feed: (stream: PassThrough) => void): Promise<{ calls: string[], stream: PassThrough }> => {
    const stream = new PassThrough()
    stream.on('error', () => {})
    const calls: string[] = []
    parse({ headers } as unknown as FastifyRequest, stream, (err, bytes) => {
      calls.push(err === null ? `ok ${String(bytes)}` : `${(err as Error & { code: string }).code} ${String((err as Error & { statusCode: number }).statusCode)}`)
    })
    feed(stream)
    await sleep(20)
    for (const name of ['data', 'end', 'pause']) t.equal(stream.listenerCount(name), 0, `no ${name} listener left`)
    t.equal(stream.listenerCount('error'), 1, 'only the test\'s own error listener')
    return { calls, stream }
  }
  t.same((await run({}, (s) => s.end('abc'))).calls, ['ok abc'])
  t.same((await run({}, (s) => { s.write(Buffer.alloc(8)); s.write(Buffer.alloc(8)); s.write(Buffer.alloc(8)); s.end() })).calls, ['FST_ERR_CTP_BODY_TOO_LARGE 413'])
  t.same((await run({}, (s) => { s.write('ab'); setTimeout(() => s.destroy(new Error('cut')), 5) })).calls, ['undefined 400'])
  const early = await run({ 'content-length': '11' }, (s) => { s.write(Buffer.alloc(11)) })
  t.same(early.calls, ['FST_ERR_CTP_BODY_TOO_LARGE 413'])
  t.equal(early.stream.readableLength, 11, 'refused before reading: the bytes are still in the stream')
})

t.test('body chunks that are plain Uint8Arrays (from an app\'s preParsing stream) are bytes like any other', async (t) => {
  for (const appRawBody of [false, true]) {
    const { app } = appWithLogs()
    if (appRawBody) await app.register(fastifyRawBody, { global: true })
    await app.register(elevenlabsWebhooks, { secret })
    const seen: string[] = []
    app.elevenlabs.on('voice.cloned', (e) => { seen.push(e.data.voice_id) })
    app.addHook('preParsing', async () => Readable.from([new Uint8Array(body)]))
    t.equal((await app.inject(signed(event))).statusCode, 200, appRawBody ? 'beside an app\'s fastify-raw-body' : 'with the plugin\'s own')
    t.same(seen, ['voice_body'])
  }
})

t.test('an app\'s own fastify-raw-body reading another stream (runFirst, before a decompressing hook): the route verifies what it parses', async (t) => {
  const { app } = appWithLogs()
  await app.register(fastifyRawBody, { global: true, encoding: false, runFirst: true })
  await app.register(elevenlabsWebhooks, { secret })
  app.addHook('preParsing', async (request, _reply, payload) => request.headers['content-encoding'] === 'gzip' ? payload.pipe(createGunzip()) : payload)
  const seen: unknown[] = []
  app.elevenlabs.on('voice.cloned', (_e, request) => { seen.push(request.rawBody) })
  const res = await app.inject({
    method: 'POST',
    url: '/webhook',
    headers: { 'content-type': 'application/json', 'content-encoding': 'gzip', 'elevenlabs-signature': signature() },
    payload: Readable.from([gzipSync(body)])
  })
  t.equal(res.statusCode, 200)
  t.same(seen, [body], 'the decompressed bytes, which were signed, not the gzip bytes fastify-raw-body read')
})

t.test('an app hook that pipes the body elsewhere keeps its backpressure', async (t) => {
  const { app } = await build()
  const big = Buffer.from(JSON.stringify({ ...event, data: { voice_id: 'voice_big', pad: 'x'.repeat(800_000) } }))
  let queued = 0
  let received = 0
  const sink = new Writable({
    highWaterMark: 16 * 1024,
    write (chunk: Buffer, _encoding, callback) {
      received += chunk.length
      setTimeout(callback, 1)
    }
  })
  app.addHook('preParsing', async (_request, _reply, payload) => {
    payload.on('data', () => { queued = Math.max(queued, sink.writableLength) })
    payload.pipe(sink)
    return payload
  })
  const res = await app.inject(chunked(big, 16 * 1024))
  t.equal(res.statusCode, 200)
  await new Promise((resolve) => sink.end(resolve))
  t.equal(received, big.length, 'the other reader got the whole body')
  t.ok(queued < 200_000, `its queue stayed bounded by backpressure (${queued} bytes at most)`)
})
