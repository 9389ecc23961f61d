// Counts requests and, on SIGTERM, prints the server's CPU time per request: steadier than
// req/s on a small machine shared with the load generator. Also its minor page faults per
// request: on bodies of tens of KiB, glibc may give its heap top back to the kernel and take it
// back page by page, in one process and not the next (bench/README.md). And the size V8's young
// generation has grown to: the memory of a Buffer goes back to glibc when a scavenge collects it,
// so the larger that generation, the more bodies' memory is freed at once.
import { getHeapSpaceStatistics } from 'node:v8'

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
    process.stdout.write(`cpu ${JSON.stringify({ requests, usPerRequest: (used.user + used.system) / n, faultsPerRequest: (process.resourceUsage().minorPageFault - faults) / n, newSpaceMiB: newSpaceMiB() })}\n`)
  }
  // SIGHUP reports so far; SIGTERM reports and exits.
  process.on('SIGHUP', report)
  process.on('SIGTERM', () => {
    report()
    process.exit(0)
  })
}

/** The capacity V8 reports for its young generation (new_space), in MiB. */
function newSpaceMiB () {
  return (getHeapSpaceStatistics().find((space) => space.space_name === 'new_space')?.space_size ?? 0) / 2 ** 20
}
