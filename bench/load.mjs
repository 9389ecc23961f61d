// The load generator, in its own process: autocannon against one server with one payload,
// every request a distinct event with its own signature. Prints one JSON line of results.
import autocannon from 'autocannon'
import { payloads } from './payloads.mjs'
import { prefixSigner } from './sign.mjs'

const { url, payload: name, secret, duration, connections, timestamp, start } = JSON.parse(process.argv[2])
const payload = payloads().find((p) => p.name === name)
const sign = prefixSigner(secret, Buffer.concat([Buffer.from(`${timestamp}.`), payload.prefix]))
let n = start

const result = await autocannon({
  url,
  connections,
  duration,
  pipelining: 1,
  requests: [{
    method: 'POST',
    setupRequest (request) {
      const suffix = payload.suffix(n++)
      request.body = Buffer.concat([payload.prefix, Buffer.from(suffix)])
      request.headers = {
        'content-type': 'application/json',
        'elevenlabs-signature': `t=${timestamp},v0=${sign(suffix)}`
      }
      return request
    }
  }]
})

process.stdout.write(JSON.stringify({
  requests: result.requests.average,
  total: result.requests.total,
  p50: result.latency.p50,
  p99: result.latency.p99,
  errors: result.errors + result.timeouts + result.non2xx,
  non2xx: result.non2xx,
  next: n
}) + '\n')
