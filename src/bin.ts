#!/usr/bin/env node
// The `elevenlabs-webhooks` executable: runs the CLI on this process's arguments and streams.
import { exitQuietlyOnBrokenPipe, main } from './cli.js'

exitQuietlyOnBrokenPipe(process.stdout, (code) => process.exit(code))

process.exitCode = await main(process.argv.slice(2), {
  stdout: (text) => { process.stdout.write(text) },
  stderr: (text) => { process.stderr.write(text) },
  readStdin: async () => {
    const chunks: Buffer[] = []
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer)
    return Buffer.concat(chunks)
  },
  env: process.env
})
