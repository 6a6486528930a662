// A generic pre-order walk over luaparse nodes that passes each node's parent.

import type { Node } from '../parse/parse-lua.js';

export type Visitor = (node: Node, parent: Node | undefined) => void;

export function walk(root: Node, visit: Visitor): void {
  const stack: Array<[Node, Node | undefined]> = [[root, undefined]];
  while (stack.length) {
    const [node, parent] = stack.pop() as [Node, Node | undefined];
    visit(node, parent);
    const children: Node[] = [];
    for (const [key, value] of Object.entries(node)) {
      if (key === 'range' || key === 'loc' || key === 'comments' || key === 'globals') continue;
      if (Array.isArray(value)) {
        for (const v of value) if (isNode(v)) children.push(v);
      } else if (isNode(value)) {
        children.push(value);
      }
    }
    for (let i = children.length - 1; i >= 0; i--) stack.push([children[i] as Node, node]);
  }
}

function isNode(v: unknown): v is Node {
  return typeof v === 'object' && v !== null && typeof (v as { type?: unknown }).type === 'string';
}
