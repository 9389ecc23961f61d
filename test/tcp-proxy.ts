import net from 'node:net'
import { once } from 'node:events'

/** A TCP proxy on 127.0.0.1 in front of one upstream server, for fault injection in tests. */
export interface TcpProxy {
  /** The port clients connect to; the same across stop() and start(). */
  readonly port: number
  /** Client connections accepted so far. */
  readonly connections: number
  /** With `record`: every chunk the clients sent upstream, in order; empty it to watch what comes next. */
  readonly sent: Buffer[]
  /**
   * The next data the upstream sends to a client is thrown away and that client's connection is
   * reset (RST): the upstream has done the work, the client never hears of it. Resolves once it
   * happened. A chunk is a reply when replies are small and one is in flight at a time.
   */
  dropNextReply: () => Promise<void>
  /** Stops accepting connections and destroys the open ones: the upstream looks unreachable. */
  stop: () => Promise<void>
  /** Accepts connections again, on the same port. */
  start: () => Promise<void>
}

export async function startTcpProxy (upstream: { host: string, port: number }, options: { record?: boolean } = {}): Promise<TcpProxy> {
  const sockets = new Set<net.Socket>()
  let server: net.Server | undefined
  let port = 0
  let connections = 0
  let drop: (() => void) | undefined
  const sent: Buffer[] = []

  function relay (client: net.Socket): void {
    connections++
    const target = net.connect(upstream.port, upstream.host)
    for (const socket of [client, target]) {
      sockets.add(socket)
      // A reset or a stopped proxy is the point of this proxy: its errors are expected.
      socket.on('error', () => {})
      socket.on('close', () => {
        sockets.delete(socket)
        client.destroy()
        target.destroy()
      })
    }
    client.on('data', (chunk: Buffer) => {
      if (options.record === true) sent.push(chunk)
      target.write(chunk)
    })
    target.on('data', (chunk: Buffer) => {
      if (drop === undefined) {
        client.write(chunk)
        return
      }
      const dropped = drop
      drop = undefined
      client.resetAndDestroy()
      target.destroy()
      dropped()
    })
  }

  async function start (): Promise<void> {
    if (server !== undefined) return
    const listening = net.createServer(relay)
    listening.listen(port, '127.0.0.1')
    await once(listening, 'listening')
    port = (listening.address() as net.AddressInfo).port
    server = listening
  }

  async function stop (): Promise<void> {
    if (server === undefined) return
    const closing = server
    server = undefined
    const closed = once(closing, 'close')
    closing.close()
    for (const socket of sockets) socket.destroy()
    await closed
  }

  await start()
  return {
    get port () { return port },
    get connections () { return connections },
    sent,
    dropNextReply: () => new Promise((resolve) => { drop = resolve }),
    stop,
    start
  }
}
