// vitest global setup: one standalone redis-server and one Redis Cluster for the whole run.
import type { TestProject } from 'vitest/node';
import { startServers, type Servers } from './support/redis-servers.js';

let servers: Servers | undefined;

export async function setup(project: TestProject): Promise<void> {
  servers = await startServers();
  project.provide('redisStandalonePort', servers.standalone);
  project.provide('redisClusterPorts', servers.cluster);
}

export async function teardown(): Promise<void> {
  await servers?.stop();
}

declare module 'vitest' {
  export interface ProvidedContext {
    redisStandalonePort: number;
    redisClusterPorts: number[];
  }
}
