/**
 * Replay of what failed: BullMQ's own `job.retry('failed')` over the failed set, optionally for
 * some event types only.
 */
import { ErrorCode, type Queue } from 'bullmq'

export interface RetryFailedOptions {
  /** Only the failed jobs of these event types (a job's name is its event type). Default: all. */
  types?: readonly string[] | undefined
}

/** Ids read per call from the failed set: one bounded command each, never the whole set at once. */
const PAGE = 1000

/**
 * Moves the failed jobs of `queue` (those of `types`, when given) back to the wait list, oldest
 * failure first, and resolves to how many it moved. Each gets its attempts afresh (`attemptsMade`
 * and `attemptsStarted` are reset), so that a replay that fails again is retried with the queue's
 * backoff as a new event would be. The failed set is read first (ids only), then each job is
 * loaded and retried one at a time: one body in memory at a time, however large the audio
 * events. A job that someone else retried or removed meanwhile (another replay, a UI over the
 * queue) is skipped; jobs that fail while it runs may or may not be included.
 */
export async function retryFailed (queue: Queue, options: RetryFailedOptions = {}): Promise<number> {
  const types = options.types === undefined ? undefined : new Set(options.types)
  const ids = new Set<string>()
  for (let start = 0; ; start += PAGE) {
    const page = await queue.getRanges(['failed'], start, start + PAGE - 1, true)
    if (page.length === 0) break
    for (const id of page) ids.add(id)
  }
  let retried = 0
  for (const id of ids) {
    const job = await queue.getJob(id)
    if (job === undefined || (types !== undefined && !types.has(job.name))) continue
    try {
      await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true })
      retried++
    } catch (err) {
      if (!retriedElsewhere(err)) throw err
    }
  }
  return retried
}

/** BullMQ's codes for a job that is gone or no longer in the failed set. */
function retriedElsewhere (err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code
  return code === ErrorCode.JobNotExist || code === ErrorCode.JobNotInState
}
