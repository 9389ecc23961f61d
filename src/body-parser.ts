/**
 * The webhook route's body parser: Fastify's own checks on the body stream (body limit,
 * `Content-Length`, failed streams, with Fastify's errors and statuses), without a second copy
 * of the bytes.
 *
 * `fastify-raw-body` already collects the body into one Buffer (`request.rawBody`) from the same
 * stream, and its listener runs first (its hook runs before any parser), so that Buffer is in
 * place when the stream's `end` reaches this parser. Fastify's `parseAs: 'buffer'` would copy
 * every body once more: on a 49 KiB body that fresh allocation per request costs about a
 * twentieth of the request's CPU time (page faults included). The chunks are kept here only as
 * references, for the cases where `request.rawBody` is not that Buffer: an app's own
 * `fastify-raw-body` keeping a string or another field, or one that gave up on the stream.
 */
import { errorCodes, type FastifyRequest } from 'fastify'
import type { Readable } from 'node:stream'

type Done = (err: Error | null, body?: Buffer) => void

/** Fastify asks a stream returned by a `preParsing` hook (a decompressor, say) to report the bytes it received. */
type PayloadStream = Readable & { receivedEncodedLength?: number }

export function createBodyParser (limit: number) {
  return function parseElevenLabsBody (request: FastifyRequest, payload: PayloadStream, done: Done): void {
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
    function onData (chunk: Buffer | string): void {
      // A stream whose encoding was set (by an app's preParsing hook) emits strings.
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk
      received += bytes.length
      if (received > limit || (payload.receivedEncodedLength ?? 0) > limit) {
        stop()
        return done(new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE())
      }
      chunks.push(bytes)
    }
    // fastify-raw-body pauses the stream when it gives up on it (at its limit, or on a stream
    // whose encoding was set): the body must still be read to its end here, or the request hangs.
    function onPause (): void {
      payload.resume()
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
      if (Buffer.isBuffer(request.rawBody)) return done(null, request.rawBody)
      // Node's HTTP parser hands out each chunk as a Buffer of its own, so one chunk needs no copy.
      done(null, chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, received))
    }
    payload.on('data', onData)
    payload.on('end', onEnd)
    payload.on('error', onEnd)
    payload.on('pause', onPause)
    payload.resume()
  }
}
