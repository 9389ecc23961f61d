// Counts requests and, on SIGTERM, prints the server's CPU time per request: steadier than
// req/s on a small machine shared with the load generator.
export function reportCpuOnExit (server) {
  let requests = 0
  let start = process.cpuUsage()
  server.on('request', () => { requests++ })
  process.on('SIGUSR2', () => { requests = 0; start = process.cpuUsage() })
  const report = () => {
    const used = process.cpuUsage(start)
    process.stdout.write(`cpu ${JSON.stringify({ requests, usPerRequest: (used.user + used.system) / Math.max(1, requests) })}\n`)
  }
  // SIGHUP reports so far; SIGTERM reports and exits.
  process.on('SIGHUP', report)
  process.on('SIGTERM', () => {
    report()
    process.exit(0)
  })
}
