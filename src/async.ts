/**
 * Small helpers for values that may or may not be promises. The hot path stays synchronous when
 * nothing in it is asynchronous (sync handlers, the memory store): no promise, no timer.
 */

export type MaybePromise<T> = T | PromiseLike<T>

export function isThenable<T> (value: MaybePromise<T>): value is PromiseLike<T> {
  return typeof (value as PromiseLike<T> | null | undefined)?.then === 'function'
}

/** For a rejection that is handled elsewhere, or that nothing can be done about. */
export const ignore = (): void => {}

export const TIMED_OUT = Symbol('timed out')

/** A promise that resolves to TIMED_OUT after `ms`, and a way to cancel it. */
export function deadline (ms: number): { promise: Promise<typeof TIMED_OUT>, clear: () => void } {
  let timer: NodeJS.Timeout | undefined
  const promise = new Promise<typeof TIMED_OUT>((resolve) => { timer = setTimeout(resolve, ms, TIMED_OUT) })
  return { promise, clear: () => clearTimeout(timer) }
}

/** `work`, or a rejection saying what did not answer within `ms`. */
export function withTimeout<T> (work: PromiseLike<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => { reject(new Error(`${what} did not answer within ${ms} ms`)) }, ms)
    work.then((value) => { clearTimeout(timer); resolve(value) }, (err: unknown) => { clearTimeout(timer); reject(err) })
  })
}
