// The innermost function around an offset, among a set of functions (their ranges nest or
// are disjoint): used to tell which function a read happens in.

import type * as L from 'luaparse';
import { rangeOf } from '../parse/parse-lua.js';

/**
 * The innermost of a set of nested functions around an offset, by binary search over their
 * starts and a walk up to the enclosing one (function ranges nest or are disjoint).
 */
export class Enclosing {
  private readonly fns: L.FunctionDeclaration[];
  private readonly starts: number[];
  private readonly parent: number[] = [];
  private readonly indexOf = new Map<L.FunctionDeclaration, number>();

  constructor(fns: Iterable<L.FunctionDeclaration>) {
    this.fns = [...fns].sort((a, b) => rangeOf(a)[0] - rangeOf(b)[0]);
    this.starts = this.fns.map((f) => rangeOf(f)[0]);
    this.fns.forEach((f, i) => {
      this.indexOf.set(f, i);
      this.parent.push(this.innermostBefore(i, rangeOf(f)[0]));
    });
  }

  /** The innermost function containing `offset`, or undefined (the main chunk). */
  at(offset: number): L.FunctionDeclaration | undefined {
    let lo = 0;
    let hi = this.starts.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.starts[mid] as number) <= offset) lo = mid + 1;
      else hi = mid;
    }
    const i = this.innermostBefore(lo, offset);
    return i < 0 ? undefined : this.fns[i];
  }

  /** The functions enclosing `fn` (innermost first). */
  *around(fn: L.FunctionDeclaration): Generator<L.FunctionDeclaration> {
    for (let i = this.parent[this.indexOf.get(fn) ?? -1] ?? -1; i >= 0; i = this.parent[i] as number) yield this.fns[i] as L.FunctionDeclaration;
  }

  /** Among the functions before index `end`, the innermost that contains `offset` (-1: none). */
  private innermostBefore(end: number, offset: number): number {
    for (let i = end - 1; i >= 0; i = this.parent[i] as number) {
      if (offset < rangeOf(this.fns[i] as L.FunctionDeclaration)[1]) return i;
    }
    return -1;
  }
}
