/**
 * The webhook route's body parser: Fastify's own checks on the body stream (body limit,
 * `Content-Length`, failed streams, with Fastify's errors and statuses), without a second copy
 * of the bytes.
 *
 * When this plugin registered `fastify-raw-body` itself, that plugin collects the body into one
 * Buffer (`request.rawBody`) from this same stream, and its listener runs first (its hook runs
 * before any parser), so that Buffer is in place when the stream's `end` reaches this parser.
 * Fastify's `parseAs: 'buffer'` would copy every body once more: on a 49 KiB body that fresh
 * allocation per request costs about a twentieth of the request's CPU time (page faults
 * included). An app's own `fastify-raw-body` may keep a string, use another field, or read
 * another stream (`runFirst`, or before a decompressing hook): then the chunks kept here, as
 * references, are the body.
 */
import { errorCodes, type FastifyRequest } from 'fastify'
import type { Readable } from 'node:stream'

type Done = (err: Error | null, body?: Buffer) => void

/** Fastify asks a stream returned by a `preParsing` hook (a decompressor, say) to report the bytes it received. */
type PayloadStream = Readable & { receivedEncodedLength?: number }

/**
 * `useRawBody`: hand on `request.rawBody` when it is a Buffer (only when this plugin registered
 * fastify-raw-body). The field is cleared first, before any of the body is read, so that only
 * fastify-raw-body's Buffer of this very stream can stand there at its end, not a value an app's
 * hook left (fastify-raw-body sets nothing when it gives up on a stream).
 */
export function createBodyParser (limit: number, useRawBody: boolean) {
  return function parseElevenLabsBody (request: FastifyRequest, payload: PayloadStream, done: Done): void {
    if (useRawBody) request.rawBody = undefined
    const contentLength = Number(request.headers['content-length'])
    if (contentLength > limit) return done(new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE())

    const chunks: Buffer[] = []
    let received = 0
    const stop = (): void => {
      payload.removeListener('data', onData)
      payload.removeListener('end', onEnd)
      payload.removeListener('error', onEnd)
      payload.removeListener('pause', onPause)
    }
    function onData (chunk: Buffer | Uint8Array | string): void {
      // A stream whose encoding was set (by an app's preParsing hook) emits strings; one an app's
      // hook made may emit plain Uint8Arrays.
      const bytes = Buffer.isBuffer(chunk)
        ? chunk
        : typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength)
      received += bytes.length
      if (received > limit || (payload.receivedEncodedLength ?? 0) > limit) {
        stop()
        return done(new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE())
      }
      chunks.push(bytes)
    }
    // fastify-raw-body pauses the stream when it gives up on it (at its limit, or on a stream
    // whose encoding was set): the body must still be read to its end here, or the request hangs.
    // A pause from another reader (an app's hook piping the body elsewhere) is its backpressure,
    // and is left alone: that reader resumes the stream itself.
    function onPause (): void {
      if (payload.listenerCount('data') === 1) payload.resume()
    }
    function onEnd (err?: Error & { statusCode?: number }): void {
      stop()
      if (err != null) {
        if (!(typeof err.statusCode === 'number' && err.statusCode >= 400)) err.statusCode = 400
        return done(err)
      }
      if (!Number.isNaN(contentLength) && (payload.receivedEncodedLength || received) !== contentLength) {
        return done(new errorCodes.FST_ERR_CTP_INVALID_CONTENT_LENGTH())
      }
      if (useRawBody && Buffer.isBuffer(request.rawBody)) return done(null, request.rawBody)
      // Node's HTTP/1 parser hands out each chunk as a Buffer of its own (HTTP/2 and zlib, views
      // of a block never reused), so one chunk needs no copy.
      done(null, chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, received))
    }
    payload.on('data', onData)
    payload.on('end', onEnd)
    payload.on('error', onEnd)
    payload.on('pause', onPause)
    payload.resume()
  }
}
