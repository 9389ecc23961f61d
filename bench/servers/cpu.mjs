// Counts requests and, on SIGTERM, prints the server's CPU time per request: steadier than
// req/s on a small machine shared with the load generator. Also its minor page faults per
// request: on bodies of tens of KiB, glibc may give its heap top back to the kernel and take it
// back page by page, in one process and not the next (bench/README.md).
export function reportCpuOnExit (server) {
  let requests = 0
  let start = process.cpuUsage()
  let faults = process.resourceUsage().minorPageFault
  server.on('request', () => { requests++ })
  process.on('SIGUSR2', () => {
    requests = 0
    start = process.cpuUsage()
    faults = process.resourceUsage().minorPageFault
  })
  const report = () => {
    const used = process.cpuUsage(start)
    const n = Math.max(1, requests)
    process.stdout.write(`cpu ${JSON.stringify({ requests, usPerRequest: (used.user + used.system) / n, faultsPerRequest: (process.resourceUsage().minorPageFault - faults) / n })}\n`)
  }
  // SIGHUP reports so far; SIGTERM reports and exits.
  process.on('SIGHUP', report)
  process.on('SIGTERM', () => {
    report()
    process.exit(0)
  })
}
