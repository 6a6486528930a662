// The ioredis majors the runtime is tested with: it relies on how ioredis settles and retries
// pipelines and transactions, so every runtime test runs against each.
import * as ioredis5 from 'ioredis';
import * as ioredis6 from 'ioredis6';

export interface IoredisLib {
  Redis: typeof ioredis5.Redis;
  Cluster: typeof ioredis5.Cluster;
}

export const IOREDIS: Array<[string, IoredisLib]> = [
  ['ioredis 5', ioredis5],
  ['ioredis 6', ioredis6 as unknown as IoredisLib],
];
