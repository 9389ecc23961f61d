import type { ClaimState, IdempotencyStore } from './store.js'

/**
 * The one method the store needs, as ioredis spells it (`redis.eval(script, numKeys, ...args)`).
 * An ioredis `Redis` or `Cluster` fits as is; wrap another client in an object with this method.
 */
export interface RedisEvalClient {
  eval (script: string, numKeys: number, ...args: Array<string | number>): Promise<unknown>
}

export interface RedisStoreOptions {
  /**
   * Prefix of every key. Default `elevenlabs-webhooks:`. Give each webhook (and each environment
   * sharing a Redis) its own, or their events deduplicate each other.
   */
  prefix?: string | undefined
}

// Values are "processing:<token>" or "done:<token>". Each script is one atomic step.
//
// CLAIM may run twice for one call: a client that loses the reply to a connection reset sends the
// script again on reconnect (ioredis does, by default). So its own `processing:<token>` answers
// 'claimed': answered 'processing', the owner would be refused and nobody would release the key
// until the lease ends. The lease is not renewed: it runs from the first run, which can only
// end it sooner. Its own `done:<token>` answers 'done': a delivery completes only after its
// claim was answered, so this run is a stale copy of an answered claim, and 'claimed' would let
// the handlers run a second time (SET NX leaves done as it is).
const CLAIM = `
if redis.call('SET', KEYS[1], 'processing:' .. ARGV[1], 'PX', ARGV[2], 'NX') then return 'claimed' end
local value = redis.call('GET', KEYS[1])
if not value then return 'processing' end
if value == 'processing:' .. ARGV[1] then return 'claimed' end
if string.sub(value, 1, 5) == 'done:' then return 'done' end
return 'processing'`

const COMPLETE = `
local value = redis.call('GET', KEYS[1])
if (not value) or value == 'processing:' .. ARGV[1] then
  redis.call('SET', KEYS[1], 'done:' .. ARGV[1], 'PX', ARGV[2])
end
return 0`

const RELEASE = `
if redis.call('GET', KEYS[1]) == 'processing:' .. ARGV[1] then redis.call('DEL', KEYS[1]) end
return 0`

/**
 * Idempotency across every instance of a service, in Redis. Bring your own connected client;
 * the store never closes it. Keys expire in Redis itself (PX), so nothing needs cleaning up.
 */
export class RedisStore implements IdempotencyStore {
  readonly #client: RedisEvalClient
  readonly #prefix: string

  constructor (client: RedisEvalClient, options: RedisStoreOptions = {}) {
    if (client === null || typeof client !== 'object' || typeof client.eval !== 'function') {
      throw new TypeError('RedisStore needs a Redis client with an eval(script, numKeys, ...args) method, such as an ioredis instance')
    }
    this.#client = client
    this.#prefix = options.prefix ?? 'elevenlabs-webhooks:'
  }

  async claim (key: string, token: string, leaseMs: number): Promise<ClaimState> {
    // A key that expires between SET NX and GET reads as 'processing': a retry will find it free.
    const reply = await this.#client.eval(CLAIM, 1, this.#prefix + key, token, Math.max(1, Math.ceil(leaseMs)))
    // Anything else (a client that answers Buffers, a proxy that mangles replies) must not pass for a claim.
    if (reply === 'claimed' || reply === 'processing' || reply === 'done') return reply
    throw new Error(`RedisStore: unexpected reply to a claim: ${String(reply).slice(0, 64)}`)
  }

  async complete (key: string, token: string, ttlMs: number): Promise<void> {
    await this.#client.eval(COMPLETE, 1, this.#prefix + key, token, Math.max(1, Math.ceil(ttlMs)))
  }

  async release (key: string, token: string): Promise<void> {
    await this.#client.eval(RELEASE, 1, this.#prefix + key, token)
  }
}
