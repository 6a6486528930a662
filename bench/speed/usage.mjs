// Preloaded (node --import) into the processes the speed benchmark times: on exit, writes the
// process's resource usage (peak RSS, CPU) to the file named by REDIS_LUAGEN_USAGE.
import { writeFileSync } from 'node:fs';

const file = process.env.REDIS_LUAGEN_USAGE;
if (file) process.on('exit', () => writeFileSync(file, JSON.stringify(process.resourceUsage())));
