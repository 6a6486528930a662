// What the command line says about itself: the general help, one page per command, and a
// "did you mean" for a mistyped command or option. Loads nothing else, so `--help` and
// `--version` answer at once.

export const HELP = `redis-luagen: compile annotated Redis Lua scripts into typed ioredis wrappers

Usage:
  redis-luagen build [paths..] [--config file] [--out dir] [--target t] [--format f] [--max-warnings n]
  redis-luagen check [paths..] [--config file] [--out dir] [--target t] [--format f] [--max-warnings n]
  redis-luagen watch [paths..] [--config file] [--out dir] [--target t]
  redis-luagen minify <file.lua> [--mode full|none]
  redis-luagen init [--client ioredis|node-redis]
  redis-luagen explain <rule>
  redis-luagen help [command]

Commands:
  build   check the scripts and write the wrappers (only files whose content changed)
  check   check the scripts and compare the wrappers on disk with what build would write;
          writes nothing, fails on errors, on too many warnings and on stale output
  watch   build, then rebuild on every change until stopped (Ctrl-C)
  minify  print exactly the bytes that would be sent for one script
  init    write a config and a first annotated script
  explain print a rule's page (explain RL101)
  help    show this help, or one command's page

Options:
  --config <file>       config file (default: redis-luagen.config.json, or the
                        "redis-luagen" key of package.json)
  --out <dir>           output folder (overrides outDir in the config)
  --target <server>     check for this server's commands (overrides target in the config):
                        redis@7.0 (default), redis@7.2, redis@7.4, redis@8, valkey@7.2, valkey@8,
                        valkey@9, dragonfly, elasticache-serverless
  --client <c>          build, check, watch: the client the wrappers take, ioredis
                        (default) or node-redis (overrides client in the config)
  --format <f>          diagnostics as pretty (default), plain, json, github or sarif
  --max-warnings <n>    fail when there are more than n warnings
  --mode <m>            minify: full (default) or none; build, check, watch: how wrappers
                        call, eval (EVALSHA, default) or functions (FCALL)
  -q, --quiet           errors only, no summary line
  --verbose             one line per script: built, kept (its last good wrapper) or failed,
                        and how many were compiled and how many came from the cache
  --color, --no-color   force colour on or off (default: on a terminal, unless NO_COLOR;
                        FORCE_COLOR turns it on)
  --stdin-filename <p>  check -: the path the script from stdin is checked as
  -h, --help            show this help
  -v, --version         show the version

Exit codes: 0 clean, 1 findings or stale output, 2 usage, config or internal error.
`;


export const COMMANDS = ['build', 'check', 'watch', 'minify', 'init', 'explain', 'help'] as const;

const PAGES: Record<string, string> = {
  build: `Usage: redis-luagen build [paths..] [--config file] [--out dir] [--target t] [--format f] [--max-warnings n]

Checks the scripts and writes their wrappers, the index and the runtime into the output
folder: only files whose content changed, each atomically; removes wrappers whose script is
gone. Paths narrow the build to those scripts (nothing else is written or removed).
Exit 0 clean, 1 findings, 2 usage, config or internal error.
`,
  check: `Usage: redis-luagen check [paths..] [--config file] [--out dir] [--target t] [--format f] [--max-warnings n]

Checks the scripts and compares the output folder with what build would write; writes
nothing. Fails on errors, on more warnings than --max-warnings, and on a missing, stale or
extra generated file (RL011). Formats: pretty, plain, json, github, sarif.
\`check - [--stdin-filename path]\` checks one script read from standard input.
Exit 0 clean, 1 findings or stale output, 2 usage, config or internal error.
`,
  watch: `Usage: redis-luagen watch [paths..] [--config file] [--out dir] [--target t] [--format f]

Builds, then rebuilds on every change to a script, an included file or the config, until
stopped (Ctrl-C). A script that breaks keeps its last good wrapper.
`,
  minify: `Usage: redis-luagen minify <file.lua> [--mode full|none]

Prints exactly the bytes that would be sent to Redis for one script.
`,
  init: `Usage: redis-luagen init [--client ioredis|node-redis]

Writes redis-luagen.config.json (with its JSON Schema, for editors) and a first annotated
script, scripts/rate-limit.lua, in the working directory; refuses to overwrite either. The
config names the client: --client, else node-redis when package.json has redis and not
ioredis, else ioredis.
`,
  explain: `Usage: redis-luagen explain <code or name>

Prints a rule's page: what it finds, why, and a wrong and a right example
(redis-luagen explain RL101, or explain undeclared-key).
`,
  help: `Usage: redis-luagen help [command]

Prints the help, or one command's page.
`,
};

/** One command's help page (the general help for an unknown one). */
export function commandHelp(command: string | undefined): string {
  return (command && PAGES[command]) || HELP;
}

/** " (did you mean x?)" when one of `known` is one or two edits from `word`. */
export function suggestion(word: string, known: readonly string[]): string {
  let best: string | undefined;
  let bestDistance = 3;
  for (const k of known) {
    const d = distance(word, k);
    if (d < bestDistance) [best, bestDistance] = [k, d];
  }
  return best ? ` (did you mean ${best}?)` : '';
}

/** Edit distance (insertions, deletions, substitutions, swaps of neighbours). */
function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) (d[0] as number[])[j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const row = d[i] as number[];
      const up = d[i - 1] as number[];
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row[j] = Math.min((up[j] as number) + 1, (row[j - 1] as number) + 1, (up[j - 1] as number) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) row[j] = Math.min(row[j] as number, ((d[i - 2] as number[])[j - 2] as number) + 1);
    }
  }
  return (d[a.length] as number[])[b.length] as number;
}
