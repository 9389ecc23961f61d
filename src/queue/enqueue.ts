/**
 * The receiver's half of queue mode: a verified event becomes a BullMQ job whose id is made from
 * its idempotency key, so that BullMQ itself keeps copies out. Framework-free, and imports nothing
 * of BullMQ: it calls the methods of the user's `Queue`, and corks the socket of its connection.
 */
import type { WebhookEnvelope } from '../envelope.js'
import { ignore, isThenable, type MaybePromise } from '../async.js'
import { jobIdOf, jobOptions, type WebhookJobData, type WebhookQueue } from './job.js'

/** `text`: the verified body as text; `bytes`: its length as received. */
export type HandOff = (event: WebhookEnvelope, text: string, bytes: number, key: string | undefined) => Promise<'queued' | 'duplicate'>

/** What cork() and uncork() need of the socket a queue writes its commands to. */
interface Corkable {
  readonly writable: boolean
  readonly writableCorked: number
  cork (): void
  uncork (): void
}

/**
 * The socket of a BullMQ `Queue` on ioredis, once connected: its `backend.client` resolves to
 * the ioredis client, whose `stream` is the socket of the moment (a reconnection replaces it).
 * Nothing for any other queue, which is used as it is.
 */
function socketOf (queue: WebhookQueue): () => Corkable | undefined {
  interface Client { readonly stream?: Corkable }
  let client: Client | undefined
  const connecting = (queue as { readonly backend?: { readonly client?: MaybePromise<Client> } }).backend?.client
  if (isThenable(connecting)) connecting.then((connected) => { client = connected }, ignore)
  return () => client?.stream
}

const uncork = (stream: Corkable): void => { stream.uncork() }

export function createHandOff (queue: WebhookQueue, ttlMs: number): HandOff {
  const options = jobOptions(queue, ttlMs)
  const socket = socketOf(queue)
  return async (event, text, bytes, key) => {
    // BullMQ writes each command on its own (a write to the socket, and a wake-up of Redis,
    // each). Corked until the end of this turn of the event loop, the lookup and the add, and
    // those of every other event received in the same turn, leave in one write.
    const stream = socket()
    if (stream?.writable === true && stream.writableCorked === 0) {
      stream.cork()
      setImmediate(uncork, stream)
    }
    const data: WebhookJobData = { body: text, bytes, receivedAt: Date.now(), key }
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
