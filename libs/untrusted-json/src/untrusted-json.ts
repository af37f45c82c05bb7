/**
 * Checks on a JSON value from upstream before anything tries to store it.
 * PostgreSQL's text and jsonb refuse a NUL character and a lone UTF-16
 * surrogate, and a record nested thousands of levels deep overflows the
 * stack of whatever walks it recursively. One of these in one record must
 * quarantine that record, never fail the page it came in.
 *
 * Every walk here is iterative, so a hostile value cannot overflow the stack.
 */

/** Deeper than this, a record is refused (Aura's records nest four levels at most). */
export const MAX_JSON_DEPTH = 32;

export type JsonProblemReason = 'unstorable_text' | 'too_deep';

export interface JsonProblem {
  reason: JsonProblemReason;
  /** Path of the first offending value, e.g. `transcript_data.segments[0].text`. */
  field: string;
  message: string;
}

// A NUL, a high surrogate not followed by a low one, or a low one not preceded by a high one.
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const UNSTORABLE_GLOBAL = new RegExp(UNSTORABLE.source, 'g');

/** True when PostgreSQL can store the string as text (no NUL, no lone surrogate). */
export function isStorableText(text: string): boolean {
  return !UNSTORABLE.test(text);
}

/** The string with each NUL and lone surrogate replaced by U+FFFD. */
export function storableText(text: string): string {
  return text.replace(UNSTORABLE_GLOBAL, '\ufffd');
}

function childPath(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return path === '' ? key : `${path}.${key}`;
}

/** The first reason `value` cannot be stored as it is, or null. */
export function inspectJson(value: unknown, maxDepth = MAX_JSON_DEPTH): JsonProblem | null {
  const stack: { value: unknown; path: string; depth: number }[] = [{ value, path: '', depth: 0 }];
  while (stack.length > 0) {
    const { value: current, path, depth } = stack.pop()!;
    if (typeof current === 'string') {
      if (!isStorableText(current))
        return {
          reason: 'unstorable_text',
          field: path || '(record)',
          message: `${path || 'the record'} holds a NUL character or a lone UTF-16 surrogate, which the database cannot store as text`,
        };
      continue;
    }
    if (current === null || typeof current !== 'object') continue;
    if (depth >= maxDepth) return { reason: 'too_deep', field: path || '(record)', message: `${path || 'the record'} nests deeper than ${maxDepth} levels` };
    if (Array.isArray(current)) {
      for (let index = current.length - 1; index >= 0; index--) stack.push({ value: current[index], path: childPath(path, index), depth: depth + 1 });
      continue;
    }
    for (const key of Object.keys(current)) {
      if (!isStorableText(key))
        return {
          reason: 'unstorable_text',
          field: childPath(path, storableText(key)),
          message: `a key under ${path || 'the record'} holds a NUL character or a lone UTF-16 surrogate`,
        };
      stack.push({ value: (current as Record<string, unknown>)[key], path: childPath(path, key), depth: depth + 1 });
    }
  }
  return null;
}

/**
 * A copy that can always be stored (for the quarantine): bad text replaced by
 * U+FFFD, anything deeper than `maxDepth` replaced by a marker. Iterative.
 */
export function storableCopy(value: unknown, maxDepth = MAX_JSON_DEPTH): unknown {
  const root: { value: unknown } = { value: null };
  const stack: { source: unknown; assign: (copy: unknown) => void; depth: number }[] = [{ source: value, assign: (copy) => (root.value = copy), depth: 0 }];
  while (stack.length > 0) {
    const { source, assign, depth } = stack.pop()!;
    if (typeof source === 'string') assign(storableText(source));
    else if (source === null || typeof source !== 'object')
      assign(typeof source === 'number' && !Number.isFinite(source) ? null : source === undefined ? null : source);
    else if (depth >= maxDepth) assign(`[deeper than ${maxDepth} levels: not kept]`);
    else if (Array.isArray(source)) {
      const copy: unknown[] = new Array(source.length).fill(null);
      assign(copy);
      source.forEach((item, index) => stack.push({ source: item, assign: (child) => (copy[index] = child), depth: depth + 1 }));
    } else {
      const copy: Record<string, unknown> = {};
      assign(copy);
      for (const key of Object.keys(source)) {
        const safeKey = storableText(key);
        stack.push({ source: (source as Record<string, unknown>)[key], assign: (child) => (copy[safeKey] = child), depth: depth + 1 });
      }
    }
  }
  return root.value;
}

/**
 * The record as JSON text, lossless where possible: JSON.stringify escapes a
 * NUL and a lone surrogate as \u0000 and \ud800, so the text is storable and
 * the original can be read back exactly. Falls back to the storable copy when
 * the value is too deep to serialise.
 */
export function losslessJsonText(value: unknown): string {
  try {
    return JSON.stringify(value) ?? 'null';
  } catch {
    return JSON.stringify(storableCopy(value));
  }
}
