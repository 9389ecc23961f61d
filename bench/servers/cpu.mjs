// Counts requests and, on SIGTERM, prints the server's CPU time per request: steadier than
// req/s on a small machine shared with the load generator. Also its page faults per request:
// on bodies of tens of KiB, glibc returning its heap top to the kernel and taking it back page
// by page can cost any server several µs a request, in one run and not the next (bench/README.md).
import { resourceUsage } from 'node:process'

export function reportCpuOnExit (server) {
  let requests = 0
  let start = process.cpuUsage()
  let faults = resourceUsage().minorPageFault
  server.on('request', () => { requests++ })
  process.on('SIGUSR2', () => {
    requests = 0
    start = process.cpuUsage()
    faults = resourceUsage().minorPageFault
  })
  const report = () => {
    const used = process.cpuUsage(start)
    const n = Math.max(1, requests)
    process.stdout.write(`cpu ${JSON.stringify({ requests, usPerRequest: (used.user + used.system) / n, faultsPerRequest: (resourceUsage().minorPageFault - faults) / n })}\n`)
  }
  // SIGHUP reports so far; SIGTERM reports and exits.
  process.on('SIGHUP', report)
  process.on('SIGTERM', () => {
    report()
    process.exit(0)
  })
}
