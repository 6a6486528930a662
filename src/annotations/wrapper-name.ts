// Wrapper names: the camelCase of a file name, or a ---@name. A name must be an identifier
// that works as a function and an export in every module format the generated code is used
// in; the names that cannot are refused here, each with the reason.

const RESERVED = new Set(
  'break case catch class const continue debugger default delete do else enum export extends false finally for function if import in instanceof new null return super switch this throw true try typeof var void while with yield let static implements interface package private protected public await arguments eval'.split(' '),
);

/** Identifiers that are valid but break the generated modules, and why. */
const BREAKS = new Map<string, string>([
  ['then', "a module that exports 'then' is a thenable: `await import()` of the generated index would call the wrapper instead of returning the module"],
  ['require', "in CommonJS output a function named 'require' replaces the module's own require"],
  ['module', "'module' is a variable of every CommonJS module"],
  ['exports', "'exports' is a variable of every CommonJS module"],
  ['__filename', "'__filename' is a variable of every CommonJS module"],
  ['__dirname', "'__dirname' is a variable of every CommonJS module"],
  ['__proto__', "exporting '__proto__' from CommonJS output replaces the prototype of the exports object"],
  ['__esModule', "'__esModule' is the flag TypeScript and bundlers set on CommonJS exports"],
]);

/** Why `name` cannot be a wrapper name, or undefined when it can. */
export function wrapperNameProblem(name: string): string | undefined {
  if (!/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name)) return 'it is not a TypeScript identifier';
  if (RESERVED.has(name)) return 'it is a reserved word of JavaScript or TypeScript';
  return BREAKS.get(name);
}

/** camelCase of a file's base name: `sliding-window.lua` -> `slidingWindow`. */
export function wrapperNameFromPath(path: string): string {
  const base = path.replace(/\\/g, '/').split('/').pop() as string;
  return camelCase(base.replace(/\.lua$/i, ''));
}

/** `sliding-window` -> `slidingWindow`. */
export function camelCase(stem: string): string {
  const parts = stem.split(/[^A-Za-z0-9]+/).filter(Boolean);
  return parts
    .map((p, i) => (i === 0 ? p.charAt(0).toLowerCase() + p.slice(1) : p.charAt(0).toUpperCase() + p.slice(1)))
    .join('');
}
