import type { parse } from '@bufbuild/cel';
import { referencedFields, type FieldReference } from '../portrait/referencedFields.ts';

type Expr = ReturnType<typeof parse>['expr'];

/** `a.b.c` as ['a', 'b', 'c'] when the expression is only selections on a name. */
export function selectChain(expr: Expr): string[] | undefined {
  const kind = expr.exprKind;
  if (kind.case === 'identExpr') return [kind.value.name];
  if (kind.case === 'selectExpr' && kind.value.operand && !kind.value.testOnly) {
    const inner = selectChain(kind.value.operand);
    return inner ? [...inner, kind.value.field] : undefined;
  }
  return undefined;
}

/**
 * The parameters an expression reads, as dotted names: `param.dibao.standard` → 'dibao.standard'.
 * `param` is never a comprehension variable in a policy (the loader refuses one named so).
 */
export function referencedParameters(root: Expr): string[] {
  const found = new Set<string>();
  const walk = (expr: Expr | undefined): void => {
    if (!expr) return;
    const kind = expr.exprKind;
    switch (kind.case) {
      case 'selectExpr': {
        const chain = selectChain(expr);
        if (chain?.[0] === 'param') {
          found.add(chain.slice(1).join('.'));
          return;
        }
        walk(kind.value.operand);
        return;
      }
      case 'callExpr':
        walk(kind.value.target);
        kind.value.args.forEach(walk);
        return;
      case 'listExpr':
        kind.value.elements.forEach(walk);
        return;
      case 'structExpr':
        for (const entry of kind.value.entries) {
          if (entry.keyKind.case === 'mapKey') walk(entry.keyKind.value);
          walk(entry.value);
        }
        return;
      case 'comprehensionExpr': {
        const c = kind.value;
        [c.iterRange, c.accuInit, c.loopCondition, c.loopStep, c.result].forEach(walk);
        return;
      }
      default:
        return;
    }
  };
  walk(root);
  return [...found];
}

/** Comprehension variables an expression binds (to refuse ones that shadow p, h, members or param). */
export function boundNames(root: Expr): string[] {
  const names: string[] = [];
  const walk = (expr: Expr | undefined): void => {
    if (!expr) return;
    const kind = expr.exprKind;
    if (kind.case === 'comprehensionExpr') {
      const c = kind.value;
      names.push(c.iterVar);
      if (c.iterVar2) names.push(c.iterVar2);
      [c.iterRange, c.accuInit, c.loopCondition, c.loopStep, c.result].forEach(walk);
    } else if (kind.case === 'selectExpr') walk(kind.value.operand);
    else if (kind.case === 'callExpr') {
      walk(kind.value.target);
      kind.value.args.forEach(walk);
    } else if (kind.case === 'listExpr') kind.value.elements.forEach(walk);
  };
  walk(root);
  return names;
}

export { referencedFields, type FieldReference };
