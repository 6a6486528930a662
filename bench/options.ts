// Command-line options of the benchmark scripts: `--name value` numbers and `--flag` switches.
const argv = process.argv.slice(2);

export function numberOption(name: string, fallback: number): number {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? Number(argv[i + 1]) : fallback;
}

export function flag(name: string): boolean {
  return argv.includes(`--${name}`);
}
