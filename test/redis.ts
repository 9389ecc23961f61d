import type { Test } from 'tap'
import { Redis } from 'ioredis'

/**
 * A connected ioredis client for 127.0.0.1:6379 (TEST_REDIS_PORT changes the port), closed at the end of `t`. When Redis is
 * unreachable the tests are skipped with a visible message, unless CI is set: there they must run.
 */
export async function connectRedis (t: Test): Promise<Redis | undefined> {
  const port = Number(process.env.TEST_REDIS_PORT ?? 6379)
  const redis = new Redis({ host: '127.0.0.1', port, lazyConnect: true, connectTimeout: 1000, maxRetriesPerRequest: 1, retryStrategy: () => null })
  try {
    await redis.connect()
    await redis.ping()
  } catch (err) {
    redis.disconnect()
    if (process.env.CI !== undefined && process.env.CI !== '' && process.env.CI !== 'false') {
      throw new Error(`Redis on 127.0.0.1:${port} is required under CI and is unreachable: ${(err as Error).message}`)
    }
    await t.skip(`Redis on 127.0.0.1:${port} is unreachable (${(err as Error).message}): Redis tests skipped. Start redis-server to run them; under CI=true they must run.`, async () => {})
    return undefined
  }
  t.teardown(() => redis.quit())
  return redis
}
