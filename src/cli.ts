/**
 * The `elevenlabs-webhooks` command: send signed sample events to a local endpoint, sign a body,
 * print sample events. `main` takes its arguments and streams, so that it can be tested; the
 * `bin.ts` entry runs it on the process.
 */
import { readFile } from 'node:fs/promises'
import { inspect, parseArgs, type ParseArgsConfig } from 'node:util'
import { computeSignature, generateSignatureHeader } from './signature.js'
import { fixtures } from './fixtures.js'
import { eventSchemas } from './events/index.js'
import { DEFAULT_PATH } from './options.js'
import { queueCommand, QUEUE_HELP, QUEUE_OPTIONS, type QueueCommandValues } from './cli-queue.js'

export const DEFAULT_URL = `http://127.0.0.1:3000${DEFAULT_PATH}`
const DEFAULT_SEND_TIMEOUT_S = 10

/** Exit codes: 0 delivered (2xx), 1 the endpoint refused the delivery or answered {"success":false}, 2 bad usage, 3 the endpoint could not be reached or did not answer, 4 an unexpected failure. */
export const ExitCode = { OK: 0, REJECTED: 1, USAGE: 2, UNREACHABLE: 3, UNEXPECTED: 4 } as const

export interface CliIo {
  stdout: (text: string) => void
  stderr: (text: string) => void
  /** The whole of standard input, for `-`. */
  readStdin: () => Promise<Buffer>
  env: Record<string, string | undefined>
}

class UsageError extends Error {}
/** Redis (for the queue commands) could not be reached: exit 3, as for an endpoint. */
class UnreachableError extends Error {}

const HELP = {
  main: `Usage: elevenlabs-webhooks <command> [options]
       (installed as both elevenlabs-webhooks and fastify-elevenlabs-webhooks: npx fastify-elevenlabs-webhooks …)

Send signed ElevenLabs webhook events to your endpoint, sign bodies, and print sample events.

Commands:
  send <type>      sign and POST an event (the sample of <type>, or your --data) and print the answer
  sign <file|->    print the ElevenLabs-Signature header for the exact bytes of a body
  fixtures [type]  list the event types, or print the sample event of one
  queue failed|retry  list a queue-mode queue's failed jobs, or retry them (needs bullmq)

Run "elevenlabs-webhooks <command> --help" for the options of a command.
Exit codes: 0 delivered (2xx), 1 refused or not processed by the endpoint, 2 bad usage, 3 endpoint unreachable
or silent, 4 an unexpected failure.
`,
  send: `Usage: elevenlabs-webhooks send <type> [options]

Signs an event of <type> and POSTs it like ElevenLabs does, then prints the status and body.

Options:
  --url <url>           endpoint (default ${DEFAULT_URL})
  --secret <secret>     webhook secret (default: $ELEVENLABS_WEBHOOK_SECRET)
  --data <file|->       JSON file (or - for stdin): the event's data, or a whole event
                        (with "type" and "data", sent byte for byte, as "fixtures <type>" prints);
                        default: the sample's data
  --timestamp <seconds> signature and event timestamp, unix seconds (default: now)
  --tamper              send a wrong signature, to see the endpoint refuse it
  --timeout <seconds>   how long to wait for the answer (default ${DEFAULT_SEND_TIMEOUT_S})
  -h, --help            show this help

Example:
  elevenlabs-webhooks send voice.cloned --secret wsec_123
`,
  sign: `Usage: elevenlabs-webhooks sign [options] <file|->

Prints the ElevenLabs-Signature header value (t=…,v0=…) for the exact bytes of a file or stdin.

Options:
  --secret <secret>     webhook secret (default: $ELEVENLABS_WEBHOOK_SECRET)
  --timestamp <seconds> unix seconds (default: now)
  -h, --help            show this help
`,
  fixtures: `Usage: elevenlabs-webhooks fixtures [type]

Without a type, lists the event types that have a sample; with one, prints its sample event (JSON).

Options:
  -h, --help            show this help
`
}

function parse (args: string[], options: NonNullable<ParseArgsConfig['options']>): ReturnType<typeof parseArgs> {
  try {
    return parseArgs({ args, options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true })
  } catch (err) {
    throw new UsageError((err as Error).message)
  }
}

function secretOf (values: Record<string, unknown>, io: CliIo): string {
  const secret = (values.secret as string | undefined) ?? io.env.ELEVENLABS_WEBHOOK_SECRET
  if (secret === undefined || secret === '') {
    throw new UsageError('no secret: pass --secret or set ELEVENLABS_WEBHOOK_SECRET to the secret your endpoint verifies with (its ElevenLabs webhook\'s secret, or the one your test setup passes to the plugin)')
  }
  return secret
}

function timestampOf (values: Record<string, unknown>): number {
  const raw = values.timestamp as string | undefined
  if (raw === undefined) return Math.floor(Date.now() / 1000)
  if (!/^\d{1,11}$/.test(raw)) throw new UsageError(`--timestamp must be unix seconds (a whole number), got "${raw}"`)
  return Number(raw)
}

async function readInput (source: string, io: CliIo): Promise<Buffer> {
  if (source === '-') return await io.readStdin()
  try {
    return await readFile(source)
  } catch (err) {
    throw new UsageError(`cannot read ${source}: ${String((err as NodeJS.ErrnoException).code)}`)
  }
}

function onePositional (positionals: string[], what: string): string {
  if (positionals.length !== 1) throw new UsageError(`expected ${what}, got ${positionals.length === 0 ? 'nothing' : positionals.join(' ')}`)
  return positionals[0] as string
}

async function send (args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, {
    url: { type: 'string' },
    secret: { type: 'string' },
    data: { type: 'string' },
    timestamp: { type: 'string' },
    tamper: { type: 'boolean' },
    timeout: { type: 'string' }
  })
  if (values.help === true) { io.stdout(HELP.send); return ExitCode.OK }
  const type = onePositional(positionals, 'one event type (see "elevenlabs-webhooks fixtures")')
  const secret = secretOf(values, io)
  const timestamp = timestampOf(values)
  const url = (values.url as string | undefined) ?? DEFAULT_URL
  if (!/^https?:\/\//i.test(url) || !URL.canParse(url)) throw new UsageError(`--url must be an http:// or https:// URL, got "${url}"`)
  const timeout = Number(values.timeout ?? DEFAULT_SEND_TIMEOUT_S)
  if (!(timeout > 0 && timeout <= 3600)) throw new UsageError(`--timeout must be a number of seconds above 0, at most 3600, got "${values.timeout as string}"`)

  let body: string | Buffer
  if (values.data !== undefined) {
    const bytes = await readInput(values.data as string, io)
    let parsed: unknown
    try {
      parsed = JSON.parse(bytes.toString('utf8'))
    } catch {
      throw new UsageError(`--data ${values.data as string} is not JSON`)
    }
    const envelope = parsed as { type?: unknown, data?: unknown } | null
    if (typeof envelope === 'object' && envelope !== null && typeof envelope.type === 'string' && 'data' in envelope) {
      // A whole event (what "fixtures <type>" prints): sent exactly as it is.
      if (envelope.type !== type) throw new UsageError(`--data holds a "${envelope.type}" event, not "${type}"`)
      body = bytes
    } else {
      body = JSON.stringify({ type, event_timestamp: timestamp, data: parsed })
    }
  } else {
    const sample = (fixtures as Record<string, { data: unknown } | undefined>)[type]
    if (sample === undefined) throw new UsageError(`no sample for "${type}": pass --data with its data. Types with a sample: ${Object.keys(fixtures).join(', ')}`)
    body = JSON.stringify({ type, event_timestamp: timestamp, data: sample.data })
  }

  const signature = values.tamper === true
    ? `t=${timestamp},v0=${computeSignature(body, `${secret}-tampered`, timestamp)}`
    : generateSignatureHeader({ payload: body, secret, timestamp })

  let response: Response
  let answer: string
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'elevenlabs-signature': signature },
      body,
      // A redirect would turn the POST into a GET elsewhere: report it, do not follow it.
      redirect: 'manual',
      signal: AbortSignal.timeout(Math.ceil(timeout * 1000))
    })
    answer = await response.text()
  } catch (err) {
    const cause = (err as Error & { cause?: { code?: string, message?: string } }).cause
    const reason = cause?.code ?? cause?.message ?? (err as Error).message
    io.stderr(`elevenlabs-webhooks: no answer from ${url} (${reason}). Is your service listening there? (--url sets the endpoint)\n`)
    return ExitCode.UNREACHABLE
  }
  const out = `POST ${url} ${type}${values.tamper === true ? ' (tampered signature)' : ''} → ${response.status} ${response.statusText}\n${answer}\n`
  if (response.ok && !notProcessed(answer)) { io.stdout(out); return ExitCode.OK }
  io.stderr(response.ok
    ? `${out}The endpoint acknowledged the delivery but did not process it (an invalid event, or a failed handler): its log says why.\n`
    : out)
  return ExitCode.REJECTED
}

/** The plugin answers 200 `{"success":false}` for a verified event it could not process: no 4xx, which ElevenLabs holds against the webhook. */
function notProcessed (answer: string): boolean {
  try {
    return (JSON.parse(answer) as { success?: unknown } | null)?.success === false
  } catch {
    return false
  }
}

async function sign (args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, { secret: { type: 'string' }, timestamp: { type: 'string' } })
  if (values.help === true) { io.stdout(HELP.sign); return ExitCode.OK }
  const source = onePositional(positionals, 'a file or - for stdin')
  const secret = secretOf(values, io)
  const timestamp = timestampOf(values)
  io.stdout(generateSignatureHeader({ payload: await readInput(source, io), secret, timestamp }) + '\n')
  return ExitCode.OK
}

function listFixtures (args: string[], io: CliIo): number {
  const { values, positionals } = parse(args, {})
  if (values.help === true) { io.stdout(HELP.fixtures); return ExitCode.OK }
  if (positionals.length > 1) throw new UsageError(`expected at most one type, got ${positionals.join(' ')}`)
  const type = positionals[0]
  if (type === undefined) {
    const width = Math.max(...Object.keys(fixtures).map((k) => k.length))
    for (const key of Object.keys(fixtures) as Array<keyof typeof fixtures>) {
      io.stdout(`${key.padEnd(width)}  ${String(eventSchemas[key].description)}\n`)
    }
    return ExitCode.OK
  }
  const sample = (fixtures as Record<string, unknown>)[type]
  if (sample === undefined) throw new UsageError(`no sample for "${type}". Types: ${Object.keys(fixtures).join(', ')}`)
  io.stdout(JSON.stringify(sample, null, 2) + '\n')
  return ExitCode.OK
}

/**
 * `elevenlabs-webhooks fixtures | head` closes the pipe early: that is the reader's choice, not
 * an error worth a stack trace.
 */
export function exitQuietlyOnBrokenPipe (stream: NodeJS.EventEmitter, exit: (code: number) => void): void {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err
    exit(ExitCode.OK)
  })
}

/** Runs the command line `args` (without node and the script); resolves to the exit code. */
export async function main (args: string[], io: CliIo): Promise<number> {
  const [command, ...rest] = args
  try {
    switch (command) {
      case 'send': return await send(rest, io)
      case 'sign': return await sign(rest, io)
      case 'fixtures': return listFixtures(rest, io)
      case 'queue': {
        const { values, positionals } = parse(rest, QUEUE_OPTIONS)
        if (values.help === true) { io.stdout(QUEUE_HELP); return ExitCode.OK }
        await queueCommand(values as QueueCommandValues, positionals, { stdout: io.stdout, env: io.env, usage: (message) => new UsageError(message), unreachable: (message) => new UnreachableError(message) })
        return ExitCode.OK
      }
      case 'help':
        if (rest[0] === 'send' || rest[0] === 'sign' || rest[0] === 'fixtures') { io.stdout(HELP[rest[0]]); return ExitCode.OK }
        if (rest[0] === 'queue') { io.stdout(QUEUE_HELP); return ExitCode.OK }
        io.stdout(HELP.main)
        return ExitCode.OK
      case undefined: case '-h': case '--help':
        io.stdout(HELP.main)
        return command === undefined ? ExitCode.USAGE : ExitCode.OK
      default:
        throw new UsageError(`unknown command "${command}"`)
    }
  } catch (err) {
    if (err instanceof UnreachableError) {
      io.stderr(`elevenlabs-webhooks: ${err.message}\n`)
      return ExitCode.UNREACHABLE
    }
    if (!(err instanceof UsageError)) {
      io.stderr(`elevenlabs-webhooks: unexpected failure: ${inspect(err)}\n`)
      return ExitCode.UNEXPECTED
    }
    io.stderr(`elevenlabs-webhooks: ${err.message}\nRun "elevenlabs-webhooks ${command === 'send' || command === 'sign' || command === 'fixtures' || command === 'queue' ? `${command} ` : ''}--help" for usage.\n`)
    return ExitCode.USAGE
  }
}
