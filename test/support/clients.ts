// ioredis clients for the servers the global setup started.
import { inject } from 'vitest';
import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis';

export function standalone(options: RedisOptions = {}): Redis {
  return new Redis({ host: '127.0.0.1', port: inject('redisStandalonePort'), lazyConnect: false, maxRetriesPerRequest: 1, ...options });
}

export function cluster(options: ClusterOptions = {}): Cluster {
  const ports = inject('redisClusterPorts');
  return new Cluster(
    ports.map((port) => ({ host: '127.0.0.1', port })),
    { redisOptions: { maxRetriesPerRequest: 1 }, ...options },
  );
}

export function clusterPorts(): number[] {
  return inject('redisClusterPorts');
}
