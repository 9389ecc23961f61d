import type { ClaimState, IdempotencyStore } from './store.js'

export interface MemoryStoreOptions {
  /** Most keys kept; past it the oldest entry is evicted. Default 10 000. */
  maxEntries?: number
  /** The clock, in milliseconds. For tests. */
  now?: () => number
}

interface Entry {
  state: 'processing' | 'done'
  token: string
  expiresAt: number
}

/**
 * The default store: one process's memory. Bounded (evicts the oldest entry), expiry checked
 * on access, so no timer keeps the process alive; synchronous, so a delivery waits on nothing. Several instances behind a load balancer
 * each have their own: use the Redis store there.
 */
export class MemoryStore implements IdempotencyStore {
  readonly #entries = new Map<string, Entry>()
  readonly #maxEntries: number
  readonly #now: () => number

  constructor (options: MemoryStoreOptions = {}) {
    const maxEntries = options.maxEntries ?? 10_000
    if (!Number.isInteger(maxEntries) || maxEntries < 1) {
      throw new RangeError(`maxEntries must be a positive integer, got ${maxEntries}`)
    }
    this.#maxEntries = maxEntries
    this.#now = options.now ?? Date.now
  }

  /** How many keys are held (expired ones included until they are touched or evicted). */
  get size (): number {
    return this.#entries.size
  }

  #live (key: string): Entry | undefined {
    const entry = this.#entries.get(key)
    if (entry !== undefined && entry.expiresAt <= this.#now()) {
      this.#entries.delete(key)
      return undefined
    }
    return entry
  }

  #set (key: string, entry: Entry): void {
    // Re-insert so that Map order stays oldest-first for eviction.
    this.#entries.delete(key)
    this.#entries.set(key, entry)
    for (const oldest of this.#entries.keys()) {
      if (this.#entries.size <= this.#maxEntries) break
      this.#entries.delete(oldest)
    }
  }

  claim (key: string, token: string, leaseMs: number): ClaimState {
    const entry = this.#live(key)
    if (entry !== undefined) return entry.state
    this.#set(key, { state: 'processing', token, expiresAt: this.#now() + leaseMs })
    return 'claimed'
  }

  complete (key: string, token: string, ttlMs: number): void {
    const entry = this.#live(key)
    if (entry === undefined || entry.token === token) {
      this.#set(key, { state: 'done', token, expiresAt: this.#now() + ttlMs })
    }
  }

  release (key: string, token: string): void {
    const entry = this.#live(key)
    if (entry?.token === token && entry.state === 'processing') this.#entries.delete(key)
  }
}
