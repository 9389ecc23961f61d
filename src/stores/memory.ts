import type { ClaimState, IdempotencyStore } from './store.js'

export interface MemoryStoreOptions {
  /**
   * Most keys kept. Past it, finished entries are evicted first, in the order they finished;
   * when only claims are left, the oldest goes if its lease has ended, and otherwise the claim
   * is refused: a claim in progress is never dropped. Default 50 000: remembers every event for
   * the default 2 h TTL up to about 7 events/s.
   */
  maxEntries?: number | undefined
  /** The clock, in milliseconds. For tests. */
  now?: () => number
}

/**
 * A claim in progress, also a link of the list of claims in claim order (oldest first): the
 * oldest is then found, and any claim unlinked, in one step, whatever the store holds.
 */
interface Claim {
  readonly key: string
  readonly token: string
  readonly expiresAt: number
  older: Claim | undefined
  newer: Claim | undefined
}

/**
 * The default store: one process's memory. Bounded (evicts finished entries, in the order they
 * finished), expiry checked on access, so no timer keeps the process alive; synchronous, so a
 * delivery waits on nothing. Several instances behind a load balancer each have their own: use
 * the Redis store there.
 */
export class MemoryStore implements IdempotencyStore {
  /** Claims in progress. A key is in at most one of the two maps. */
  readonly #claims = new Map<string, Claim>()
  #oldest: Claim | undefined
  #newest: Claim | undefined
  /**
   * Events done, each as when it expires: a bare number, since they are most of a full store.
   * A Map keeps the order of insertion, so this is the order they finished.
   */
  readonly #done = new Map<string, number>()
  /** Where eviction of finished entries stopped (see #makeRoom). */
  #doneCursor: IterableIterator<string> | undefined
  readonly #maxEntries: number
  readonly #clock: () => number
  /**
   * Times are kept in ms since the store was made: small integers, which V8 stores in the entry
   * itself, where a Date.now() needs a number object of its own for each remembered event (for
   * the first 24 days of the store on 64-bit Node; later ones are numbers like any other).
   */
  readonly #epoch: number

  constructor (options: MemoryStoreOptions = {}) {
    const maxEntries = options.maxEntries ?? 50_000
    if (!Number.isInteger(maxEntries) || maxEntries < 1) {
      throw new RangeError(`maxEntries must be a positive integer, got ${maxEntries}`)
    }
    this.#maxEntries = maxEntries
    this.#clock = options.now ?? Date.now
    this.#epoch = this.#clock()
  }

  #now (): number {
    return this.#clock() - this.#epoch
  }

  /** How many keys are held (expired ones included until they are touched or evicted). */
  get size (): number {
    return this.#claims.size + this.#done.size
  }

  #addClaim (key: string, token: string, expiresAt: number): void {
    const claim: Claim = { key, token, expiresAt, older: this.#newest, newer: undefined }
    if (this.#newest === undefined) this.#oldest = claim
    else this.#newest.newer = claim
    this.#newest = claim
    this.#claims.set(key, claim)
  }

  #removeClaim (claim: Claim): void {
    this.#claims.delete(claim.key)
    if (claim.older === undefined) this.#oldest = claim.newer
    else claim.older.newer = claim.newer
    if (claim.newer === undefined) this.#newest = claim.older
    else claim.newer.older = claim.older
  }

  // Each operation reads the clock once and hands the time on.
  /** The claim in progress, or when the event done expires, or nothing (expired entries go here). */
  #live (key: string, now: number): Claim | number | undefined {
    const claim = this.#claims.get(key)
    if (claim !== undefined) {
      if (claim.expiresAt > now) return claim
      this.#removeClaim(claim)
      return undefined
    }
    const done = this.#done.get(key)
    if (done !== undefined && done <= now) {
      this.#done.delete(key)
      return undefined
    }
    return done
  }

  /**
   * Makes room for one more key, in one step whatever the size of the store. A claim whose lease
   * has ended holds nothing, so the oldest claim goes first if it has; only the oldest is looked
   * at, which with one lease for every claim is the first to end. Then the entry that finished
   * first. Then nothing: a full store of claims in progress refuses at once.
   * Finished entries are evicted through one iterator kept from call to call: a Map leaves a
   * deleted slot in place until it next resizes, so starting from the first key every time would
   * step over every entry evicted since, on every eviction. Every key before
   * the iterator was evicted through it or deleted, so the next one it gives is the oldest left.
   */
  #makeRoom (now: number): boolean {
    if (this.size < this.#maxEntries) {
      // Not full: let go of the iterator, and of the old Map storage it may still hold on to.
      this.#doneCursor = undefined
      return true
    }
    const oldest = this.#oldest
    if (oldest !== undefined && oldest.expiresAt <= now) {
      this.#removeClaim(oldest)
      return true
    }
    if (this.#done.size === 0) return false
    const cursor = this.#doneCursor ??= this.#done.keys()
    // Not done: a finished entry is left, and none is before the iterator (see above).
    this.#done.delete((cursor.next() as IteratorYieldResult<string>).value)
    return true
  }

  claim (key: string, token: string, leaseMs: number): ClaimState {
    const now = this.#now()
    const entry = this.#live(key, now)
    // Asked again with its own token (a caller resending a claim whose answer it lost): its own.
    if (entry !== undefined) return typeof entry === 'number' ? 'done' : entry.token === token ? 'claimed' : 'processing'
    // Dropping a claim in progress would let a copy run beside it: refuse instead, a store failure
    // to the delivery (a 503 where ElevenLabs retries).
    if (!this.#makeRoom(now)) throw new Error(`MemoryStore is full: ${this.#claims.size} claims in progress (maxEntries)`)
    this.#addClaim(key, token, now + leaseMs)
    return 'claimed'
  }

  complete (key: string, token: string, ttlMs: number): void {
    const now = this.#now()
    const entry = this.#live(key, now)
    if (typeof entry === 'object') {
      // Another delivery's claim (ours expired and was taken): leave it to its owner.
      if (entry.token !== token) return
      this.#removeClaim(entry)
    } else if (entry !== undefined || !this.#makeRoom(now)) {
      // Done already; or evicted or expired meanwhile and no room to record it again, so a later
      // copy may run again, which is the most a full store can promise.
      return
    }
    this.#done.set(key, now + ttlMs)
  }

  release (key: string, token: string): void {
    const entry = this.#live(key, this.#now())
    if (typeof entry === 'object' && entry.token === token) this.#removeClaim(entry)
  }
}
