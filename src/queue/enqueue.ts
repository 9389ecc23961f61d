/**
 * The receiver's half of queue mode: a verified event becomes a BullMQ job whose id is made from
 * its idempotency key, so that BullMQ itself keeps copies out. Framework-free, and free of BullMQ:
 * it only calls the methods of the user's `Queue`.
 */
import type { WebhookEnvelope } from '../envelope.js'
import { jobIdOf, jobOptions, type WebhookJobData, type WebhookQueue } from './job.js'

export type HandOff = (event: WebhookEnvelope, rawBody: Buffer, key: string | undefined) => Promise<'queued' | 'duplicate'>

export function createHandOff (queue: WebhookQueue, ttlMs: number): HandOff {
  const options = jobOptions(queue, ttlMs)
  return async (event, rawBody, key) => {
    const data: WebhookJobData = { body: rawBody.toString('utf8'), bytes: rawBody.length, receivedAt: Date.now(), key }
    if (key === undefined) {
      await queue.add(event.type, data, options)
      return 'queued'
    }
    const jobId = jobIdOf(key)
    // BullMQ ignores an add whose id exists, without saying so, so the job is looked up too, in
    // the same round trip: both are sent at once on the queue's one connection, the lookup first
    // (its call is made first and reaches Redis first), so it tells whether the job was there
    // before this add. The lookup reads the job's own hash, whatever the backlog; BullMQ's
    // getJobState would search the waiting list, a cost that grows with every job waiting.
    // Two copies at the same moment may both be told "queued"; there is still one job.
    const [existing] = await Promise.all([queue.getJob(jobId), queue.add(event.type, data, { ...options, jobId })])
    return existing === undefined ? 'queued' : 'duplicate'
  }
}
