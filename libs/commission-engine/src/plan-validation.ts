import { Decimal, isDecimalString } from './money';
import {
  MATCH_FIELDS,
  MISSING_SETTER_OPTIONS,
  ROLES,
  SELF_SET_OPTIONS,
  TIER_BASES,
  TIER_MODES,
  type MatchField,
  type PlanDefinition,
  type PlanRule,
  type Role,
  type RoleTerms,
  type TierStep,
  type Tiers,
} from './plan-definition';

export interface PlanFieldError {
  /** Path into the plan JSON, e.g. "roles.closer.tiers.steps[1].from"; "" for the plan itself. */
  field: string;
  message: string;
}

export type PlanValidationResult = { ok: true; plan: PlanDefinition } | { ok: false; errors: PlanFieldError[] };

const PLAN_KEYS = ['name', 'effective_from', 'effective_to', 'payees', 'priority', 'self_set', 'missing_setter', 'roles'];
const ROLE_KEYS = ['rate', 'flat', 'tiers', 'rules', 'min_per_call', 'max_per_call', 'max_per_period'];
const TIER_KEYS = ['basis', 'mode', 'steps'];
const STEP_KEYS = ['from', 'rate'];
const RULE_KEYS = ['when', 'rate', 'flat'];
const MAX_NAME_LENGTH = 200;
/**
 * Bounds that keep a plan a plan (and validation linear): no real plan has
 * more, and every run reads every plan in force.
 */
export const PLAN_LIMITS = {
  tierSteps: 50,
  rules: 100,
  payees: 1_000,
  valuesPerMatchField: 1_000,
  idLength: 200,
  /** Amounts (flat, caps, tier boundaries) must fit the money columns, DECIMAL(24, 6): at most 12 whole digits, 6 decimals. */
  amountWholeDigits: 12,
  amountDecimals: 6,
  rateDecimals: 10,
  /** Unknown keys reported per object; a body of a million keys gets this many errors, not a million. */
  unknownKeysReported: 20,
} as const;
/** Keys longer than this are never near misses of a known one, and are shortened in messages. */
const MAX_SHOWN_KEY = 64;
const MIN_PRIORITY = -2147483648;
const MAX_PRIORITY = 2147483647;
const ONE = new Decimal(1);

type Json = Record<string, unknown>;

/**
 * Checks a plan as it arrives over the API and returns it with defaults
 * filled in, or every problem found, each naming its field.
 */
export function validatePlanDefinition(input: unknown): PlanValidationResult {
  const errors: PlanFieldError[] = [];
  const plan = readPlan(input, errors);
  return errors.length === 0 && plan ? { ok: true, plan } : { ok: false, errors };
}

function readPlan(input: unknown, errors: PlanFieldError[]): PlanDefinition | null {
  if (!isObject(input)) {
    errors.push({ field: '', message: 'a plan must be a JSON object' });
    return null;
  }
  rejectUnknownKeys(input, PLAN_KEYS, '', errors);

  const name = readName(input.name, errors);
  const effectiveFrom = readDate(input, 'effective_from', true, errors);
  const effectiveTo = readDate(input, 'effective_to', false, errors);
  if (effectiveFrom && effectiveTo && effectiveTo <= effectiveFrom) {
    errors.push({
      field: 'effective_to',
      message: `must be after effective_from (${effectiveFrom}); effective_to is the first day the plan no longer applies`,
    });
  }
  const payees = readPayees(input.payees, errors);
  const priority = readPriority(input.priority, errors);
  const selfSet = readChoice(input, 'self_set', SELF_SET_OPTIONS, 'closer_only', '', errors);
  const missingSetter = readChoice(input, 'missing_setter', MISSING_SETTER_OPTIONS, 'none', '', errors);
  const roles = readRoles(input.roles, errors);

  if (errors.length > 0) return null;
  return {
    name: name!,
    effective_from: effectiveFrom!,
    effective_to: effectiveTo ?? null,
    payees,
    priority,
    self_set: selfSet!,
    missing_setter: missingSetter!,
    roles,
  };
}

function readName(value: unknown, errors: PlanFieldError[]): string | undefined {
  if (value === undefined) {
    errors.push({ field: 'name', message: 'is required' });
  } else if (typeof value !== 'string') {
    errors.push({ field: 'name', message: 'must be a string' });
  } else if (value.trim().length === 0) {
    errors.push({ field: 'name', message: 'must not be empty' });
  } else if (value.length > MAX_NAME_LENGTH) {
    errors.push({ field: 'name', message: `must be at most ${MAX_NAME_LENGTH} characters (got ${value.length})` });
  } else {
    return value;
  }
  return undefined;
}

function readDate(input: Json, key: 'effective_from' | 'effective_to', required: boolean, errors: PlanFieldError[]) {
  const value = input[key];
  if (value === undefined || value === null) {
    if (required) errors.push({ field: key, message: 'is required (a date written YYYY-MM-DD)' });
    return null;
  }
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    errors.push({ field: key, message: `must be a date written YYYY-MM-DD${required ? '' : ', or null'}` });
    return null;
  }
  if (!isCalendarDate(value)) {
    errors.push({ field: key, message: `"${value}" is not a calendar date` });
    return null;
  }
  return value;
}

export function isCalendarDate(value: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return false;
  const year = +match[1];
  const month = +match[2];
  const day = +match[3];
  if (year < 1 || month < 1 || month > 12 || day < 1) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const daysInMonth = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
  return day <= daysInMonth;
}

function readPayees(value: unknown, errors: PlanFieldError[]): string[] | null {
  if (value === undefined || value === null) return null;
  if (!Array.isArray(value) || value.length === 0) {
    errors.push({ field: 'payees', message: 'must be null (a default plan for everyone) or a non-empty list of payee ids' });
    return null;
  }
  if (value.length > PLAN_LIMITS.payees) {
    errors.push({ field: 'payees', message: `must list at most ${PLAN_LIMITS.payees} payees (got ${value.length}); use several plans` });
    return null;
  }
  const seen = new Set<string>();
  value.forEach((payee, index) => {
    const field = `payees[${index}]`;
    if (typeof payee !== 'string' || payee.trim().length === 0 || payee.length > PLAN_LIMITS.idLength) {
      errors.push({ field, message: `must be a non-empty string of at most ${PLAN_LIMITS.idLength} characters (a payee id)` });
    } else if (seen.has(payee)) {
      errors.push({ field, message: `lists "${payee}" a second time` });
    } else {
      seen.add(payee);
    }
  });
  return (value as string[]).slice();
}

function readPriority(value: unknown, errors: PlanFieldError[]): number {
  if (value === undefined) return 0;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < MIN_PRIORITY || value > MAX_PRIORITY) {
    errors.push({ field: 'priority', message: 'must be a whole number such as 0 or 10 (higher wins)' });
    return 0;
  }
  return value;
}

function readChoice<T extends string>(
  input: Json,
  key: string,
  options: readonly T[],
  fallback: T | undefined,
  path: string,
  errors: PlanFieldError[],
): T | undefined {
  const value = input[key];
  if (value === undefined && fallback !== undefined) return fallback;
  if (typeof value === 'string' && (options as readonly string[]).includes(value)) return value as T;
  errors.push({
    field: join(path, key),
    message: `${value === undefined ? 'is required: ' : ''}must be one of ${options.map((o) => `"${o}"`).join(', ')}`,
  });
  return undefined;
}

function readRoles(value: unknown, errors: PlanFieldError[]): PlanDefinition['roles'] {
  if (value === undefined) {
    errors.push({ field: 'roles', message: 'is required: define terms for "closer", "setter" or both' });
    return {};
  }
  if (!isObject(value)) {
    errors.push({ field: 'roles', message: 'must be an object with "closer" and/or "setter" terms' });
    return {};
  }
  const unknown = Object.keys(value).filter((key) => !(ROLES as readonly string[]).includes(key));
  for (const key of unknown.slice(0, PLAN_LIMITS.unknownKeysReported)) {
    errors.push({ field: `roles.${shown(key)}`, message: `unknown role "${shown(key)}"${suggestion(key, ROLES)}; roles are closer and setter` });
  }
  const roles: PlanDefinition['roles'] = {};
  const known = ROLES.filter((role) => value[role] !== undefined);
  if (known.length === 0 && unknown.length === 0) {
    errors.push({ field: 'roles', message: 'must define at least one role: "closer" or "setter"' });
  }
  for (const role of known) {
    const terms = readRoleTerms(role, value[role], errors);
    if (terms) roles[role] = terms;
  }
  return roles;
}

function readRoleTerms(role: Role, value: unknown, errors: PlanFieldError[]): RoleTerms | undefined {
  const path = `roles.${role}`;
  if (!isObject(value)) {
    errors.push({ field: path, message: 'must be an object of terms (rate, flat, tiers, rules, caps)' });
    return undefined;
  }
  rejectUnknownKeys(value, ROLE_KEYS, path, errors);

  const terms: RoleTerms = {};
  const rate = readDecimal(value, 'rate', path, 'rate', errors);
  if (rate !== undefined) terms.rate = rate;
  const flat = readDecimal(value, 'flat', path, 'amount', errors);
  if (flat !== undefined) terms.flat = flat;
  if (value.tiers !== undefined && value.tiers !== null) {
    const tiers = readTiers(value.tiers, `${path}.tiers`, errors);
    if (tiers) terms.tiers = tiers;
  }
  if (value.rules !== undefined && value.rules !== null) terms.rules = readRules(value.rules, `${path}.rules`, errors);
  if (['rate', 'flat', 'tiers', 'rules'].every((key) => value[key] === undefined || value[key] === null)) {
    errors.push({ field: path, message: 'must define at least one of rate, flat, tiers or rules (use "rate": "0" to pay nothing)' });
  }

  terms.min_per_call = readNullableAmount(value, 'min_per_call', path, errors);
  terms.max_per_call = readNullableAmount(value, 'max_per_call', path, errors);
  terms.max_per_period = readNullableAmount(value, 'max_per_period', path, errors);
  if (terms.min_per_call && terms.max_per_call && new Decimal(terms.min_per_call).gt(terms.max_per_call)) {
    errors.push({ field: `${path}.min_per_call`, message: `must not exceed max_per_call (${terms.max_per_call})` });
  }
  return terms;
}

function readNullableAmount(input: Json, key: string, path: string, errors: PlanFieldError[]): string | null {
  if (input[key] === null) return null;
  return readDecimal(input, key, path, 'amount', errors) ?? null;
}

function readTiers(value: unknown, path: string, errors: PlanFieldError[]): Tiers | undefined {
  if (!isObject(value)) {
    errors.push({ field: path, message: 'must be an object with basis, mode and steps' });
    return undefined;
  }
  rejectUnknownKeys(value, TIER_KEYS, path, errors);
  const basis = readChoice(value, 'basis', TIER_BASES, undefined, path, errors);
  const mode = readChoice(value, 'mode', TIER_MODES, undefined, path, errors);
  const steps = readSteps(value.steps, basis, `${path}.steps`, errors);
  if (!basis || !mode || !steps) return undefined;
  return { basis, mode, steps };
}

function readSteps(value: unknown, basis: string | undefined, path: string, errors: PlanFieldError[]): TierStep[] | undefined {
  if (!Array.isArray(value) || value.length === 0) {
    errors.push({ field: path, message: 'must be a non-empty list of {"from", "rate"} steps, the first from "0"' });
    return undefined;
  }
  if (value.length > PLAN_LIMITS.tierSteps) {
    errors.push({ field: path, message: `must have at most ${PLAN_LIMITS.tierSteps} steps (got ${value.length})` });
    return undefined;
  }
  const steps: TierStep[] = [];
  let previous: { from: string; index: number } | null = null;
  value.forEach((step: unknown, index) => {
    const stepPath = `${path}[${index}]`;
    if (!isObject(step)) {
      errors.push({ field: stepPath, message: 'must be an object {"from", "rate"}' });
      return;
    }
    rejectUnknownKeys(step, STEP_KEYS, stepPath, errors);
    const from = readDecimal(step, 'from', stepPath, 'amount', errors, true);
    const rate = readDecimal(step, 'rate', stepPath, 'rate', errors, true);
    if (from !== undefined) {
      const fromValue = new Decimal(from);
      if (index === 0 && !fromValue.isZero()) {
        errors.push({ field: `${stepPath}.from`, message: 'the first step must start at "0"' });
      }
      if (basis === 'count' && !fromValue.isInteger()) {
        errors.push({ field: `${stepPath}.from`, message: 'count tiers count calls: must be a whole number' });
      }
      if (previous && !fromValue.gt(previous.from)) {
        errors.push({
          field: `${stepPath}.from`,
          message: `steps must be strictly ascending: must be greater than steps[${previous.index}].from (${previous.from})`,
        });
      }
      previous = { from, index };
    }
    if (from !== undefined && rate !== undefined) steps.push({ from, rate });
  });
  return steps.length === value.length ? steps : undefined;
}

function readRules(value: unknown, path: string, errors: PlanFieldError[]): PlanRule[] {
  if (!Array.isArray(value)) {
    errors.push({ field: path, message: 'must be a list of rules {"when", "rate"?, "flat"?}' });
    return [];
  }
  if (value.length > PLAN_LIMITS.rules) {
    errors.push({ field: path, message: `must have at most ${PLAN_LIMITS.rules} rules (got ${value.length})` });
    return [];
  }
  const rules: PlanRule[] = [];
  value.forEach((rule: unknown, index) => {
    const rulePath = `${path}[${index}]`;
    if (!isObject(rule)) {
      errors.push({ field: rulePath, message: 'must be an object {"when", "rate"?, "flat"?}' });
      return;
    }
    rejectUnknownKeys(rule, RULE_KEYS, rulePath, errors);
    const when = readWhen(rule.when, `${rulePath}.when`, errors);
    const rate = readDecimal(rule, 'rate', rulePath, 'rate', errors);
    const flat = readDecimal(rule, 'flat', rulePath, 'amount', errors);
    if ((rule.rate === undefined || rule.rate === null) && (rule.flat === undefined || rule.flat === null)) {
      errors.push({ field: rulePath, message: 'a rule must set rate, flat or both' });
    }
    const parsed: PlanRule = { when };
    if (rate !== undefined) parsed.rate = rate;
    if (flat !== undefined) parsed.flat = flat;
    rules.push(parsed);
  });
  return rules;
}

function readWhen(value: unknown, path: string, errors: PlanFieldError[]): PlanRule['when'] {
  if (!isObject(value) || Object.keys(value).length === 0) {
    errors.push({
      field: path,
      message: `must be an object naming at least one call field (${MATCH_FIELDS.join(', ')}) with the values that match`,
    });
    return {};
  }
  const when: PlanRule['when'] = {};
  let unknownReported = 0;
  for (const [key, values] of Object.entries(value)) {
    const field = `${path}.${shown(key)}`;
    if (!(MATCH_FIELDS as readonly string[]).includes(key)) {
      if (unknownReported++ < PLAN_LIMITS.unknownKeysReported) {
        errors.push({ field, message: `unknown match field "${shown(key)}"${suggestion(key, MATCH_FIELDS)}; allowed: ${MATCH_FIELDS.join(', ')}` });
      }
      continue;
    }
    if (!Array.isArray(values) || values.length === 0) {
      errors.push({ field, message: 'must be a non-empty list of values (strings)' });
      continue;
    }
    if (values.length > PLAN_LIMITS.valuesPerMatchField) {
      errors.push({ field, message: `must list at most ${PLAN_LIMITS.valuesPerMatchField} values (got ${values.length})` });
      continue;
    }
    const badIndex = values.findIndex((item) => typeof item !== 'string' || item.length === 0 || item.length > PLAN_LIMITS.idLength);
    if (badIndex >= 0) {
      errors.push({ field: `${field}[${badIndex}]`, message: `must be a non-empty string of at most ${PLAN_LIMITS.idLength} characters` });
      continue;
    }
    when[key as MatchField] = [...(values as string[])];
  }
  return when;
}

/**
 * A decimal value sent as a string. Rates must lie in [0, 1]; amounts
 * (flat, caps, tier boundaries) must be 0 or more.
 */
function readDecimal(input: Json, key: string, path: string, kind: 'rate' | 'amount', errors: PlanFieldError[], required = false): string | undefined {
  const value = input[key];
  const field = join(path, key);
  const example = kind === 'rate' ? '"0.10"' : '"2500.00"';
  if (value === undefined || (value === null && !required)) {
    if (required) errors.push({ field, message: `is required: a decimal string such as ${example}` });
    return undefined;
  }
  if (typeof value === 'number') {
    errors.push({ field, message: `must be a decimal string such as ${example}, not a JSON number: send "${String(value)}"` });
    return undefined;
  }
  if (!isDecimalString(value)) {
    errors.push({ field, message: `must be a decimal string such as ${example} (digits, optional decimal point, at most 32 characters)` });
    return undefined;
  }
  const decimal = new Decimal(value);
  if (value.startsWith('-')) {
    errors.push({ field, message: kind === 'rate' ? 'must be between 0 and 1 (10% is "0.10")' : 'must be 0 or more' });
    return undefined;
  }
  if (kind === 'rate' && decimal.gt(ONE)) {
    errors.push({ field, message: 'must be between 0 and 1 (10% is "0.10")' });
    return undefined;
  }
  const [whole, fraction = ''] = value.split('.');
  if (kind === 'amount' && (whole.replace(/^0+(?=\d)/, '').length > PLAN_LIMITS.amountWholeDigits || fraction.length > PLAN_LIMITS.amountDecimals)) {
    errors.push({
      field,
      message: `must have at most ${PLAN_LIMITS.amountWholeDigits} digits before the decimal point and ${PLAN_LIMITS.amountDecimals} after (amounts are stored as DECIMAL(24, 6))`,
    });
    return undefined;
  }
  if (kind === 'rate' && fraction.length > PLAN_LIMITS.rateDecimals) {
    errors.push({ field, message: `must have at most ${PLAN_LIMITS.rateDecimals} decimals` });
    return undefined;
  }
  return value;
}

function rejectUnknownKeys(input: Json, allowed: readonly string[], path: string, errors: PlanFieldError[]): void {
  let reported = 0;
  for (const key of Object.keys(input)) {
    if (!allowed.includes(key) && reported++ < PLAN_LIMITS.unknownKeysReported) {
      errors.push({ field: join(path, shown(key)), message: `unknown field "${shown(key)}"${suggestion(key, allowed)}; allowed here: ${allowed.join(', ')}` });
    }
  }
}

/** A key as shown in a message: long ones cut (a million-character key is not echoed back). */
function shown(key: string): string {
  return key.length > MAX_SHOWN_KEY ? `${key.slice(0, MAX_SHOWN_KEY)}…` : key;
}

/**
 * ' (did you mean "rate"?)' for a near miss such as "rats", else ''. Only
 * keys within two characters of a candidate's length can be near misses, so
 * a huge key costs nothing: the work is bounded by the candidates' lengths.
 */
function suggestion(key: string, candidates: readonly string[]): string {
  let best: string | null = null;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    if (Math.abs(key.length - candidate.length) > 2) continue;
    const distance = editDistance(key.toLowerCase(), candidate);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best !== null && bestDistance <= Math.max(1, Math.min(2, Math.floor(best.length / 3))) ? ` (did you mean "${best}"?)` : '';
}

/** Edits (insert, delete, substitute, swap two neighbours) from a to b: "rats" → "rate" is 1, "form" → "from" is 1. */
function editDistance(a: string, b: string): number {
  const rows: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      rows[i][j] = Math.min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) rows[i][j] = Math.min(rows[i][j], rows[i - 2][j - 2] + 1);
    }
  }
  return rows[a.length][b.length];
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}
