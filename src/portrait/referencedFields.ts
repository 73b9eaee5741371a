import type { parse } from '@bufbuild/cel';

type Expr = ReturnType<typeof parse>['expr'];

/** A field an expression reads: `p.age` → { on: 'p', field: 'age' }; `m.age` inside members.map(m, …) → 'member'. */
export interface FieldReference {
  /** `name`: a free identifier (`members`, `as_of`, or a typo), in `field`. */
  on: 'p' | 'h' | 'member' | 'name';
  field: string;
}

const memberLists = new Set(['members', 'departed']);

/**
 * Every field the expression selects from a person or household map, and every free name it
 * uses (the loader decides which names are allowed where). Walks the
 * parsed AST; comprehension macros (map, filter, exists, all) bind their iteration variable to a
 * member when they range over `members` or `departed`.
 */
export function referencedFields(root: Expr): FieldReference[] {
  const found: FieldReference[] = [];
  const walk = (expr: Expr | undefined, locals: Map<string, 'member' | 'other'>): void => {
    if (!expr) return;
    const kind = expr.exprKind;
    switch (kind.case) {
      case 'identExpr': {
        const name = kind.value.name;
        if (!locals.has(name)) found.push({ on: 'name', field: name });
        return;
      }
      case 'selectExpr': {
        const operand = kind.value.operand;
        if (operand?.exprKind.case === 'identExpr') {
          const name = operand.exprKind.value.name;
          const local = locals.get(name);
          if (local === 'member') found.push({ on: 'member', field: kind.value.field });
          else if (local === undefined && (name === 'p' || name === 'h'))
            found.push({ on: name, field: kind.value.field });
          else if (local === undefined) found.push({ on: 'name', field: name });
          return;
        }
        walk(operand, locals);
        return;
      }
      case 'callExpr':
        walk(kind.value.target, locals);
        for (const arg of kind.value.args) walk(arg, locals);
        return;
      case 'listExpr':
        for (const element of kind.value.elements) walk(element, locals);
        return;
      case 'structExpr':
        for (const entry of kind.value.entries) {
          if (entry.keyKind.case === 'mapKey') walk(entry.keyKind.value, locals);
          walk(entry.value, locals);
        }
        return;
      case 'comprehensionExpr': {
        const c = kind.value;
        walk(c.iterRange, locals);
        walk(c.accuInit, locals);
        const range = c.iterRange?.exprKind;
        const overMembers =
          range?.case === 'identExpr' && memberLists.has(range.value.name) && !locals.has(range.value.name);
        const inner = new Map(locals);
        inner.set(c.iterVar, overMembers ? 'member' : 'other');
        if (c.iterVar2) inner.set(c.iterVar2, 'other');
        inner.set(c.accuVar, 'other');
        walk(c.loopCondition, inner);
        walk(c.loopStep, inner);
        walk(c.result, inner);
        return;
      }
      default:
        return;
    }
  };
  walk(root, new Map());
  return found;
}
