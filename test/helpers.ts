import Fastify, { type FastifyInstance, type InjectOptions } from 'fastify'
import { Writable } from 'node:stream'
import elevenlabsWebhooks, { type ElevenLabsWebhooksOptions } from '../src/index.js'
import { signedRequest } from '../src/testing.js'

export const secret = 'wsec_plugin_test_secret'

export interface LogLine {
  level: number
  msg: string
  [key: string]: unknown
}

/** A Fastify app whose log lines are kept in `logs`, for asserting what was logged. */
export function appWithLogs (): { app: FastifyInstance, logs: LogLine[] } {
  const logs: LogLine[] = []
  const stream = new Writable({
    write (chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (line !== '') logs.push(JSON.parse(line) as LogLine)
      }
      callback()
    }
  })
  return { app: Fastify({ logger: { level: 'info', stream } }), logs }
}

/** An app with the plugin registered at the root. */
export async function build (options: ElevenLabsWebhooksOptions = {}): Promise<{ app: FastifyInstance, logs: LogLine[] }> {
  const built = appWithLogs()
  await built.app.register(elevenlabsWebhooks, { secret, ...options })
  return built
}

export interface SignedOptions {
  url?: string
  secret?: string
  timestamp?: number
  headers?: Record<string, string>
}

/** The kit's signedRequest with this suite's secret and `url` for the path: every test signs through the shipped code. */
export function signed (body: unknown, options: SignedOptions = {}): InjectOptions {
  return signedRequest(body as object | string | Buffer, {
    secret: options.secret ?? secret,
    path: options.url,
    timestamp: options.timestamp,
    headers: options.headers
  })
}

/** A promise with its resolve exposed, to hold a handler until the test lets it go. */
export function deferred<T = void> (): { promise: Promise<T>, resolve: (value: T) => void } {
  let resolve!: (value: T) => void
  const promise = new Promise<T>((_resolve) => { resolve = _resolve })
  return { promise, resolve }
}

/** Resolves after `ms`. */
export function sleep (ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}
