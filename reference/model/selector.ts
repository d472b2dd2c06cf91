/** Kubernetes label selectors: matchLabels AND matchExpressions inside one; a list is ORed; empty list = all. */
export type SelectorOperator = 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';

export interface LabelSelectorRequirement {
  key: string;
  operator: SelectorOperator;
  values: string[];
}

export interface LabelSelector {
  matchLabels: Record<string, string>;
  matchExpressions: LabelSelectorRequirement[];
}

export type Labels = Readonly<Record<string, string>>;

function has(labels: Labels, key: string): boolean {
  return Object.hasOwn(labels, key);
}

export function selectorMatches(sel: LabelSelector, labels: Labels): boolean {
  for (const [k, v] of Object.entries(sel.matchLabels)) {
    if (!has(labels, k) || labels[k] !== v) return false;
  }
  for (const r of sel.matchExpressions) {
    const present = has(labels, r.key);
    switch (r.operator) {
      case 'In':
        if (!present || !r.values.includes(labels[r.key]!)) return false;
        break;
      case 'NotIn':
        if (present && r.values.includes(labels[r.key]!)) return false;
        break;
      case 'Exists':
        if (!present) return false;
        break;
      case 'DoesNotExist':
        if (present) return false;
        break;
    }
  }
  return true;
}

/** A list of selectors: empty selects everything, otherwise any one matching is enough. */
export function anySelectorMatches(sels: readonly LabelSelector[], labels: Labels): boolean {
  return sels.length === 0 || sels.some((s) => selectorMatches(s, labels));
}
