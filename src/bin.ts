#!/usr/bin/env node
// The `elevenlabs-webhooks` executable: runs the CLI on this process's arguments and streams.
import { main } from './cli.js'

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
