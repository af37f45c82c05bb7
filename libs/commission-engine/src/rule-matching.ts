import type { CompiledRule } from './compiled-plan';
import type { MatchField } from './plan-definition';

/**
 * The first rule whose every listed field holds one of its values, or null.
 * A call whose attribute is missing or null matches no list.
 */
export function firstMatchingRule(rules: readonly CompiledRule[], attributes: Partial<Record<MatchField, string | null>>): CompiledRule | null {
  for (const rule of rules) {
    let matches = true;
    for (const [field, values] of rule.conditions) {
      const value = attributes[field];
      if (value === undefined || value === null || !values.has(value)) {
        matches = false;
        break;
      }
    }
    if (matches) return rule;
  }
  return null;
}
