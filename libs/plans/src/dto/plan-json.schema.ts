import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { MATCH_FIELDS, MISSING_SETTER_OPTIONS, PERIOD_PATTERN, SELF_SET_OPTIONS, TIER_BASES, TIER_MODES } from '@app/commission-engine';

/** The plan of product.md, "Plans". */
export const PLAN_EXAMPLE = {
  name: 'Closers and setters 2026',
  effective_from: '2026-01-01',
  effective_to: null,
  payees: null,
  priority: 0,
  self_set: 'closer_only',
  missing_setter: 'none',
  roles: {
    closer: {
      rate: '0.10',
      flat: '0',
      tiers: {
        basis: 'amount',
        mode: 'marginal',
        steps: [
          { from: '0', rate: '0.10' },
          { from: '15000', rate: '0.12' },
        ],
      },
      rules: [{ when: { utm_source: ['google'] }, rate: '0.15' }],
      min_per_call: null,
      max_per_call: '2500',
      max_per_period: null,
    },
    setter: { flat: '100' },
  },
};

const DECIMAL = { type: 'string', pattern: '^\\d+(\\.\\d+)?$', description: 'A decimal written as a string' } satisfies SchemaObject;
const RATE = { ...DECIMAL, description: 'A rate from "0" to "1" written as a string ("0.10" is 10 %)' } satisfies SchemaObject;
const AMOUNT_OR_NULL = { ...DECIMAL, nullable: true, description: 'An amount in the commission currency, or null for no limit' } satisfies SchemaObject;
const DATE = { type: 'string', format: 'date', example: '2026-01-01' } satisfies SchemaObject;

const ROLE_TERMS: SchemaObject = {
  type: 'object',
  additionalProperties: false,
  description: 'At least one of rate, flat, tiers or rules. Line = rate part + flat, then caps, then rounding.',
  properties: {
    rate: RATE,
    flat: { ...DECIMAL, description: 'Added to every line (an amount)' },
    tiers: {
      type: 'object',
      additionalProperties: false,
      required: ['basis', 'mode', 'steps'],
      description: 'Replace rate. Steps start at "0" and ascend strictly; a step covers volume strictly above its from.',
      properties: {
        basis: { type: 'string', enum: [...TIER_BASES] },
        mode: { type: 'string', enum: [...TIER_MODES] },
        steps: {
          type: 'array',
          minItems: 1,
          items: { type: 'object', additionalProperties: false, required: ['from', 'rate'], properties: { from: DECIMAL, rate: RATE } },
        },
      },
    },
    rules: {
      type: 'array',
      description: 'The first rule whose every listed field matches replaces rate (or tiers) and/or flat.',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['when'],
        properties: {
          when: {
            type: 'object',
            description: `Call fields to match, each with the values that match: ${MATCH_FIELDS.join(', ')}`,
            additionalProperties: { type: 'array', items: { type: 'string' } },
          },
          rate: RATE,
          flat: DECIMAL,
        },
      },
    },
    min_per_call: AMOUNT_OR_NULL,
    max_per_call: AMOUNT_OR_NULL,
    max_per_period: AMOUNT_OR_NULL,
  },
};

/** The body of POST /v1/plans, and `plan` in a preview. */
export const PLAN_SCHEMA: SchemaObject = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'effective_from', 'roles'],
  description:
    'A commission plan. Decimals travel as strings. effective_from is inclusive, effective_to exclusive (null: open-ended), ' +
    'both dates in COMMISSION_TIMEZONE. payees null makes a default plan; a plan naming a payee beats a default plan, then higher priority wins. ' +
    'A plan that would tie with an existing one for some payee, role and date is refused with 409.',
  properties: {
    name: { type: 'string', maxLength: 200 },
    effective_from: DATE,
    effective_to: { ...DATE, nullable: true },
    payees: { type: 'array', items: { type: 'string' }, nullable: true, description: 'Payee ids, or null for a default plan' },
    priority: { type: 'integer', default: 0, description: 'Higher wins between plans of the same scope' },
    self_set: { type: 'string', enum: [...SELF_SET_OPTIONS], default: 'closer_only' },
    missing_setter: { type: 'string', enum: [...MISSING_SETTER_OPTIONS], default: 'none' },
    roles: {
      type: 'object',
      additionalProperties: false,
      properties: { closer: ROLE_TERMS, setter: ROLE_TERMS },
    },
  },
  example: PLAN_EXAMPLE,
};

export const PREVIEW_REQUEST_SCHEMA: SchemaObject = {
  type: 'object',
  additionalProperties: false,
  required: ['period', 'plan'],
  properties: {
    period: { type: 'string', pattern: PERIOD_PATTERN.source, example: '2026-03', description: 'The month (YYYY-MM) whose stored calls are paid' },
    plan: PLAN_SCHEMA,
  },
  example: { period: '2026-03', plan: { ...PLAN_EXAMPLE, name: 'Closers 2026, proposed', priority: 1 } },
};

export const SHORTEN_PLAN_SCHEMA: SchemaObject = {
  type: 'object',
  additionalProperties: false,
  required: ['effective_to'],
  properties: {
    effective_to: {
      ...DATE,
      example: '2026-07-01',
      description: 'The first day the plan no longer applies: set it when the plan has none, or move it earlier; it must stay after effective_from.',
    },
  },
  example: { effective_to: '2026-07-01' },
};
