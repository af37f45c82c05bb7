import { GeneratedPayment, generatePayments, SandboxPaymentInfo } from './payment-generator';
import { ResolvedDatasetOptions } from './sandbox-options';
import { DAY, HOUR, isoSeconds, MINUTE } from './sandbox-time';
import { SeededRandom } from './seeded-random';
import { generateTeam, GeneratedTeamMember } from './team-generator';

export type MalformedKind = 'missing_id' | 'deal_value_text' | 'deal_value_negative' | 'deal_value_fraction' | 'ended_at_not_a_date';

/** Which generated records were made malformed, so tests can find them. */
export interface MalformedRecordInfo {
  /** The record's id; null for `missing_id`. */
  id: string | null;
  kind: MalformedKind;
  /** The id the record had before it was made malformed. */
  originalId: string;
}

export interface SandboxProduct {
  id: string;
  name: string;
  /** List price in cents. */
  priceCents: number;
}

export interface GeneratedDataset {
  /** Raw records, any order (the store sorts them). */
  records: Record<string, unknown>[];
  closers: string[];
  setters: string[];
  products: SandboxProduct[];
  bookingLinks: string[];
  malformed: MalformedRecordInfo[];
  /** The payments behind every linked_payment_id (any order). */
  payments: GeneratedPayment[];
  paymentInfo: SandboxPaymentInfo[];
  /** Aura's team: the closers and setters it lists (any order; the store sorts them). */
  team: GeneratedTeamMember[];
  /** Closers and setters Aura's team does not list. */
  teamMissing: string[];
  /** The organisation the data belongs to (legacy records and webhooks carry it). */
  organizationId: string;
  /** First instant of the history window (UTC). */
  fromMs: number;
  /** End of the history window (exclusive), at most the sandbox clock. */
  toMs: number;
}

// Every kind but one keeps a valid id, so most malformed records can be found by id.
const MALFORMED_KINDS: readonly MalformedKind[] = ['deal_value_text', 'missing_id', 'deal_value_negative', 'deal_value_fraction', 'ended_at_not_a_date'];

const PRODUCT_NAMES = [
  'Starter Coaching',
  'Growth Accelerator',
  'Mastermind',
  'Done-For-You Funnel',
  'Executive Program',
  'Agency Partner',
  'Sales Bootcamp',
  'Private Advisory',
];

const SUMMARIES = [
  'Prospect is ready to start; agreed on the plan and payment schedule.',
  'Discussed goals and budget; prospect wants to think it over.',
  'Strong fit; objections about timing were handled.',
  'Prospect compared us with a competitor; sent a follow-up offer.',
];

// Shared, never mutated (the store copies on change): keeps 100,000 calls small.
const NO_ACTION_ITEMS: readonly unknown[] = Object.freeze([]);
const FORM_ANSWERS: readonly unknown[] = ['<5k', '5k-10k', '10k-25k', '25k+'].map((budget) =>
  Object.freeze([
    Object.freeze({ field_id: 'budget', label: 'What is your budget?', value: budget }),
    Object.freeze({ field_id: 'goal', label: 'What do you want to achieve?', value: 'Scale revenue', property1: null }),
  ]),
);

/**
 * A deterministic, realistic set of calls and their payments: same options,
 * seed and clock → byte-identical records.
 */
export function generateDataset(options: ResolvedDatasetOptions, seed: number | string, nowMs: number, malformedShare: number): GeneratedDataset {
  const team = new SeededRandom(seed, 'team');
  const closers = Array.from({ length: options.closers }, () => `user_2${team.alphanumeric(26)}`);
  const setters = Array.from({ length: options.setters }, () => `user_2${team.alphanumeric(26)}`);
  const products: SandboxProduct[] = Array.from({ length: options.products }, (_, index) => ({
    id: team.uuid(),
    name: PRODUCT_NAMES[index % PRODUCT_NAMES.length] + (index >= PRODUCT_NAMES.length ? ` ${index + 1}` : ''),
    // 1,000–30,000 currency units in steps of 100, as cents.
    priceCents: team.int(10, 300) * 100 * 100,
  }));
  // Cheaper products sell more often.
  const productWeights = products.map((product) => ({ value: product, weight: 1 / Math.sqrt(product.priceCents) }));
  const bookingLinks = Array.from({ length: options.bookingLinks }, () => team.uuid());
  const organizationId = team.uuid();

  const [year, month] = options.endMonth.split('-').map(Number);
  const fromMs = Date.UTC(year, month - options.months, 1);
  // Past calls end two hours before the clock at the latest.
  const toMs = Math.min(Date.UTC(year, month, 1), nowMs - 2 * HOUR);
  const pastSpan = Math.max(HOUR, toMs - fromMs);

  const random = new SeededRandom(seed, 'calls');
  const upcomingCount = Math.round(options.calls * options.upcomingShare);
  const utmMix = options.utmMix.map((entry) => ({ value: entry, weight: entry.weight }));
  const leads: string[] = [];
  const records: Record<string, unknown>[] = [];

  for (let index = 0; index < options.calls; index++) {
    const upcoming = index < upcomingCount;
    const id = random.uuid();
    const product = random.weighted(productWeights);
    const closer = random.pick(closers);
    const setterRoll = random.next();
    const setter =
      setterRoll < options.missingSetterShare
        ? null
        : setterRoll < options.missingSetterShare + options.selfSetShare || setters.length === 0
          ? closer
          : random.pick(setters);
    const followUp = leads.length > 0 && random.chance(0.2);
    const leadId = followUp ? random.pick(leads) : random.uuid();
    if (!followUp) leads.push(leadId);

    let scheduledMs: number;
    let createdMs: number;
    if (upcoming) {
      createdMs = nowMs - random.int(1, 10 * 24 * 60) * MINUTE;
      scheduledMs = roundToQuarterHour(nowMs + HOUR + random.next() * 21 * DAY);
    } else {
      scheduledMs = Math.min(roundToQuarterHour(fromMs + random.next() * pastSpan), toMs - 15 * MINUTE);
      createdMs = scheduledMs - (HOUR + random.next() * 10 * DAY);
    }
    createdMs += random.int(0, 59) * 1000;

    const status = upcoming
      ? 'scheduled'
      : random.chance(options.closedShare)
        ? 'closed'
        : random.weighted([
            { value: 'completed', weight: 4 },
            { value: 'no_show', weight: 3 },
            { value: 'canceled', weight: 2 },
          ]);
    const held = status === 'closed' || status === 'completed';
    const startedMs = held ? scheduledMs + random.int(0, 5) * MINUTE : null;
    const durationMinutes = held ? random.int(20, 90) : null;
    const endedMs = startedMs !== null && durationMinutes !== null ? startedMs + durationMinutes * MINUTE : null;
    const lastEventMs = endedMs ?? (upcoming ? createdMs : scheduledMs);
    const updatedMs = Math.min(nowMs, lastEventMs + random.int(1, 48 * 60) * MINUTE);

    let dealValue: number | null = product.priceCents;
    if (status === 'closed' && random.chance(0.4)) {
      // Negotiated: 80–95 % of list, in whole currency units of 50, never below 1,000.
      dealValue = Math.max(100_000, Math.round((product.priceCents * (0.8 + random.next() * 0.15)) / 5000) * 5000);
    }
    if (random.chance(options.missingDealValueShare)) dealValue = null;

    const utm = random.weighted(utmMix);
    const hasRecording = held && random.chance(0.9);

    const record: Record<string, unknown> = {
      id,
      status,
      closer_id: closer,
      setter_id: setter,
      lead_id: leadId,
      product_id: product.id,
      booking_link_id: random.pick(bookingLinks),
      linked_payment_id: status === 'closed' && random.chance(options.paymentShare) ? random.uuid() : null,
      expected_deal_value: dealValue,
      call_kind: followUp ? 'follow_up' : 'booking',
      created_at: isoSeconds(createdMs),
      updated_at: isoSeconds(updatedMs),
      scheduled_at: isoSeconds(scheduledMs),
      started_at: startedMs === null ? null : isoSeconds(startedMs),
      ended_at: endedMs === null ? null : isoSeconds(endedMs),
      duration_minutes: durationMinutes,
      utm_source: utm.source,
      utm_medium: utm.source === null ? null : (utm.medium ?? null),
      utm_campaign: utm.source === null || !utm.campaigns?.length ? null : random.pick(utm.campaigns),
      utm_content: utm.source === null ? null : random.pick(['video_a', 'carousel_b', 'text_c']),
      utm_term: utm.source === 'google' ? random.pick(['sales coaching', 'close more deals', 'high ticket']) : null,
      referral: utm.source === null && random.chance(0.3) ? random.pick(['customer_referral', 'partner_podcast']) : null,
      notes: random.chance(0.3) ? 'Prospect asked about payment plans.' : null,
      ai_summary: held ? random.pick(SUMMARIES) : null,
      conferencing_link: ['https://zoom.us/j/', random.int(100_000_000, 999_999_999)].join(''),
      recording_url: hasRecording ? ['https://recordings.example.test/', id, '.mp4'].join('') : null,
      has_analysis: held,
      has_recording: hasRecording,
      guest_rsvp_status: status === 'canceled' ? 'no' : random.pick(['yes', 'yes', 'yes', 'maybe', null]),
      guest_rsvp_confirmed_at: status === 'canceled' ? null : isoSeconds(createdMs + random.int(1, 120) * MINUTE),
      action_items: held
        ? [{ title: 'Send onboarding pack', owner: closer, due_at: isoSeconds((endedMs ?? scheduledMs) + 2 * DAY), notes: null }]
        : NO_ACTION_ITEMS,
      form_data: random.pick(FORM_ANSWERS),
      transcript_data:
        held && random.chance(0.3)
          ? {
              duration_seconds: (durationMinutes ?? 0) * 60,
              language: 'en',
              segments: [
                { start_seconds: 0, end_seconds: 12, speaker: 'closer', text: 'Thanks for joining today.' },
                { start_seconds: 12, end_seconds: 30, speaker: 'guest', text: 'Happy to be here.' },
              ],
            }
          : null,
    };

    if (random.chance(options.legacyShare)) {
      // The older revision of the docs: `outcome` instead of `status`, plus organization_id.
      record['outcome'] = record['status'];
      delete record['status'];
      record['organization_id'] = organizationId;
    }
    records.push(record);
  }

  // Payments are drawn from the calls as generated, before any is made malformed.
  const payments = generatePayments(records, products, options, seed, nowMs);
  const malformed = malform(records, new SeededRandom(seed, 'malformed'), malformedShare);
  // The team too has a stream of its own: the calls and payments stay as they were before it existed.
  const { members: teamMembers, missing: teamMissing } = generateTeam(closers, setters, seed, fromMs, nowMs);
  return {
    records,
    closers,
    setters,
    products,
    bookingLinks,
    malformed,
    payments: payments.records,
    paymentInfo: payments.info,
    team: teamMembers,
    teamMissing,
    organizationId,
    fromMs,
    toMs,
  };
}

/** Turn an exact, seed-chosen share of records into the kinds a client must quarantine. */
function malform(records: Record<string, unknown>[], random: SeededRandom, share: number): MalformedRecordInfo[] {
  const count = Math.min(records.length, Math.round(records.length * share));
  if (count === 0) return [];
  const order = records.map((_, index) => index);
  for (let i = 0; i < count; i++) {
    const j = i + Math.floor(random.next() * (order.length - i));
    [order[i], order[j]] = [order[j], order[i]];
  }
  const chosen = order.slice(0, count).sort((a, b) => a - b);
  return chosen.map((recordIndex, position) => {
    const record = records[recordIndex];
    const kind = MALFORMED_KINDS[position % MALFORMED_KINDS.length];
    const originalId = record['id'] as string;
    switch (kind) {
      case 'missing_id':
        delete record['id'];
        break;
      case 'deal_value_text':
        record['expected_deal_value'] = 'abc';
        break;
      case 'deal_value_negative':
        record['expected_deal_value'] = -5;
        break;
      case 'deal_value_fraction':
        record['expected_deal_value'] = 12.5;
        break;
      case 'ended_at_not_a_date':
        record['ended_at'] = 'not-a-date';
        break;
    }
    return { id: kind === 'missing_id' ? null : originalId, kind, originalId };
  });
}

function roundToQuarterHour(ms: number): number {
  return Math.floor(ms / (15 * MINUTE)) * 15 * MINUTE;
}
