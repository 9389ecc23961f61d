/**
 * The idempotency store interface: how one delivery of an event claims the right to run its
 * handlers, so that retried and replayed copies do not run them again. Small on purpose, like
 * @fastify/rate-limit's stores: an in-memory default and a Redis store implement it, and so can
 * yours (any database with an atomic "insert if absent").
 */

/** What a claim found: the key was free (now ours), or another copy is running, or is done. */
export type ClaimState = 'claimed' | 'processing' | 'done'

import type { MaybePromise } from '../async.js'

/** Each method may answer synchronously (the memory store does: no promise, no timer) or with a promise. */
export interface IdempotencyStore {
  /**
   * Atomically: if `key` is absent (or expired), record it as processing by `token` for
   * `leaseMs` and answer 'claimed'; otherwise answer its state. A lease that expires frees the
   * key, so a crashed process cannot block an event for ever.
   */
  claim (key: string, token: string, leaseMs: number): MaybePromise<ClaimState>
  /** The handlers succeeded: remember `key` as done for `ttlMs`, if `token` still holds it. */
  complete (key: string, token: string, ttlMs: number): MaybePromise<void>
  /** The handlers failed: free `key`, if `token` still holds it, so the next retry runs. */
  release (key: string, token: string): MaybePromise<void>
}
