/**
 * `elevenlabs-webhooks queue failed|retry`: the failed set of a queue-mode queue, and its replay.
 * Loads bullmq (an optional peer dependency) only when run, so that the rest of the command works
 * without it.
 */
export const QUEUE_HELP = `Usage: elevenlabs-webhooks queue <failed|retry> --queue <name> [options]

The failed jobs of a queue-mode queue (BullMQ on Redis), and their replay.

  queue failed   list the failed jobs: id, event type, when, attempts, why
  queue retry    move the failed jobs back to the queue (each gets its attempts afresh)

Options:
  --queue <name>        the BullMQ queue's name (required)
  --redis <url>         Redis URL (default: $REDIS_URL, else redis://127.0.0.1:6379)
  --type <type>         only jobs of this event type (repeatable)
  --limit <n>           queue failed: list at most n jobs, newest failure first (default 50)
  -h, --help            show this help

Needs the bullmq package, as the workers do.
`

/** The options of the command, as cli.ts parses them. */
export const QUEUE_OPTIONS = {
  queue: { type: 'string' },
  redis: { type: 'string' },
  type: { type: 'string', multiple: true },
  limit: { type: 'string' }
} as const

export interface QueueCommandValues {
  queue?: string | undefined
  redis?: string | undefined
  type?: string[] | undefined
  limit?: string | undefined
}

/** What the command needs of its caller, so that cli.ts keeps its exit codes and streams in one place. */
export interface QueueCommandIo {
  stdout: (text: string) => void
  env: Record<string, string | undefined>
  usage: (message: string) => Error
  unreachable: (message: string) => Error
}

export async function queueCommand (values: QueueCommandValues, positionals: string[], io: QueueCommandIo): Promise<void> {
  const [action, ...extra] = positionals
  if (action !== 'failed' && action !== 'retry') throw io.usage(`expected "queue failed" or "queue retry", got "queue ${positionals.join(' ')}"`)
  if (extra.length > 0) throw io.usage(`unexpected ${extra.join(' ')}`)
  if (values.queue === undefined || values.queue === '') throw io.usage('--queue <name> is required: the name your receiver\'s Queue was made with')
  const limit = values.limit === undefined ? 50 : Number(values.limit)
  if (!Number.isInteger(limit) || limit < 1) throw io.usage(`--limit must be a positive whole number, got "${values.limit}"`)
  const url = values.redis ?? io.env.REDIS_URL ?? 'redis://127.0.0.1:6379'

  let bullmq: typeof import('bullmq')
  let Redis: typeof import('ioredis').Redis
  try {
    bullmq = await import('bullmq')
    Redis = (await import('ioredis')).Redis
  } catch {
    throw io.usage('the queue commands need the bullmq package: npm i bullmq')
  }
  // Fail fast: a command should say Redis is unreachable, not retry for ever.
  const connection = new Redis(url, { maxRetriesPerRequest: 1, retryStrategy: () => null, connectTimeout: 3000, lazyConnect: true })
  connection.on('error', () => {})
  try {
    await connection.connect()
  } catch (err) {
    connection.disconnect()
    throw io.unreachable(`cannot reach Redis at ${url.replace(/\/\/[^@/]*@/, '//…@')} (${(err as Error).message})`)
  }
  const queue = new bullmq.Queue(values.queue, { connection })
  try {
    const types = values.type === undefined ? undefined : new Set(values.type)
    if (action === 'retry') {
      const { retryFailed } = await import('./queue/replay.js')
      const retried = await retryFailed(queue, types === undefined ? {} : { types: [...types] })
      io.stdout(`retried ${retried} failed job${retried === 1 ? '' : 's'} of queue "${values.queue}"\n`)
      return
    }
    const total = await queue.getFailedCount()
    const lines: string[] = []
    // Newest failure first, a page of ids at a time, each job loaded alone: a failed audio event
    // holds its whole body, and a page of them at once would be gigabytes.
    for (let start = 0; lines.length < limit && start < total; start += 100) {
      for (const id of await queue.getRanges(['failed'], start, start + 99, false)) {
        const job = await queue.getJob(id)
        // Gone meanwhile (retried or removed by someone else), or of another type.
        if (job === undefined || (types !== undefined && !types.has(job.name))) continue
        lines.push(`${id}  ${job.name}  failed ${new Date(job.finishedOn!).toISOString()}  attempts ${job.attemptsMade}  ${job.failedReason}`)
        if (lines.length === limit) break
      }
    }
    io.stdout(`${total} failed job${total === 1 ? '' : 's'} in queue "${values.queue}"${lines.length < total ? `, ${lines.length} listed` : ''}\n${lines.map((line) => `${line}\n`).join('')}`)
  } finally {
    await queue.close()
    connection.disconnect()
  }
}
