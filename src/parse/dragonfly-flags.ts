// Dragonfly's script flags: read only from a first line `--!df flags=a,b` (a Lua comment to
// every other server). Dragonfly reads no `#!lua` line. Its flags that matter to the checker:
// allow-undeclared-keys (the script may touch keys it was not given) and disable-atomicity.

const FLAGS_LINE = /^--!df[ \t]+flags=([A-Za-z0-9_,-]*)[ \t]*\r?$/;

/** The flags of a script's first line, or undefined when it has no `--!df flags=` line. */
export function dragonflyFlags(text: string): string[] | undefined {
  const nl = text.indexOf('\n');
  const m = FLAGS_LINE.exec(nl < 0 ? text : text.slice(0, nl));
  return m ? (m[1] as string).split(',').filter(Boolean) : undefined;
}

/** Where a `--!df flags=` first line ends (0 when there is none): the minifier keeps that line as written. */
export function dragonflyLineEnd(text: string): number {
  if (!dragonflyFlags(text)) return 0;
  const nl = text.indexOf('\n');
  return nl < 0 ? text.length : nl;
}
