import type { ClaimState, IdempotencyStore } from './store.js'

export interface MemoryStoreOptions {
  /**
   * Most keys kept. Past it finished or expired entries are evicted in the order they were
   * claimed (one still in progress when the walk passed it goes on the next pass), never a claim
   * in progress. Default 50 000: remembers every event for the default 2 h TTL up to about 7 events/s.
   */
  maxEntries?: number
  /** The clock, in milliseconds. For tests. */
  now?: () => number
}

/**
 * A claim in progress, or (a bare number: when it expires) an event done. Done entries are most
 * of a full store, so they are kept as small as they can be: about half the memory per entry.
 */
type Entry = { token: string, expiresAt: number } | number

const expiresAt = (entry: Entry): number => typeof entry === 'number' ? entry : entry.expiresAt

/**
 * The default store: one process's memory. Bounded (evicts finished entries, in claim order), expiry checked
 * on access, so no timer keeps the process alive; synchronous, so a delivery waits on nothing. Several instances behind a load balancer
 * each have their own: use the Redis store there.
 */
export class MemoryStore implements IdempotencyStore {
  readonly #entries = new Map<string, Entry>()
  readonly #maxEntries: number
  readonly #now: () => number
  /** Where the eviction walk stopped (see #makeRoom). */
  #cursor: IterableIterator<[string, Entry]> | undefined

  constructor (options: MemoryStoreOptions = {}) {
    const maxEntries = options.maxEntries ?? 50_000
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

  // Each operation reads the clock once and hands the time on.
  #live (key: string, now: number): Entry | undefined {
    const entry = this.#entries.get(key)
    if (entry !== undefined && expiresAt(entry) <= now) {
      this.#entries.delete(key)
      return undefined
    }
    return entry
  }

  /**
   * Evicts finished or expired entries, walking the store in claim order, until there is room for one more.
   * The walk goes on from where the last one stopped: a Map leaves a deleted slot in place until
   * it next resizes, so walking from the start every time would step over every entry evicted
   * since (tens of µs per event in a full store). A second pass, from the start, finds what the
   * first passed over while it was still in progress.
   */
  #makeRoom (now: number): boolean {
    if (this.#entries.size < this.#maxEntries) {
      // Not full: let go of the walk, and of the old Map storage it may still hold on to.
      this.#cursor = undefined
      return true
    }
    for (let pass = 0; pass < 2; pass++) {
      const cursor = this.#cursor ??= this.#entries.entries()
      for (let next = cursor.next(); next.done !== true; next = cursor.next()) {
        const [key, entry] = next.value
        if (typeof entry === 'number' || entry.expiresAt <= now) {
          this.#entries.delete(key)
          if (this.#entries.size < this.#maxEntries) return true
        }
      }
      this.#cursor = undefined
    }
    return false
  }

  claim (key: string, token: string, leaseMs: number): ClaimState {
    const now = this.#now()
    const entry = this.#live(key, now)
    if (entry !== undefined) return typeof entry === 'number' ? 'done' : 'processing'
    // Dropping a claim in progress would let a copy run beside it: refuse instead (a 503, retried).
    if (!this.#makeRoom(now)) throw new Error(`MemoryStore is full: ${this.#entries.size} claims in progress (maxEntries)`)
    this.#entries.set(key, { token, expiresAt: now + leaseMs })
    return 'claimed'
  }

  complete (key: string, token: string, ttlMs: number): void {
    const now = this.#now()
    const entry = this.#live(key, now)
    // An entry evicted or expired meanwhile is recorded again if there is room; if not, a later
    // copy may run again, which is the most a full store can promise.
    const ours = entry !== undefined && typeof entry !== 'number' && entry.token === token
    // Set in place: the entry keeps its place in the eviction order (when it was claimed).
    if (ours || (entry === undefined && this.#makeRoom(now))) this.#entries.set(key, now + ttlMs)
  }

  release (key: string, token: string): void {
    const entry = this.#live(key, this.#now())
    if (entry !== undefined && typeof entry !== 'number' && entry.token === token) this.#entries.delete(key)
  }
}
