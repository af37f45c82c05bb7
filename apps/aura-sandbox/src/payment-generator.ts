import type { SandboxProduct } from './call-generator';
import { PAYMENT_KINDS, PaymentKind, PaymentMix } from './sandbox-options';
import { SeededRandom } from './seeded-random';
import { DAY, HOUR, isoSeconds, timestampMs } from './sandbox-time';

export type PaymentProvider = 'stripe' | 'fanbasis' | 'wop' | 'manual';

/** A payment as the sandbox generates it (Aura's shape, snake_case, money in cents). */
export interface GeneratedPayment {
  id: string;
  amount: number;
  currency: 'usd' | 'eur';
  status: 'succeeded' | 'pending' | 'failed' | 'refunded';
  call_id: string;
  lead_id: string | null;
  payment_date: string;
  refund_status: 'partial' | 'full' | null;
  refunded_amount: number | null;
  refunded_at: string | null;
  refund_reason: string | null;
  provider: PaymentProvider;
  source: PaymentProvider;
  verification_status: 'verified' | 'unverified';
  matched_product_id: string | null;
  created_at: string;
  updated_at: string;
}

/** Which payment was generated for which call and how it turned out, so tests can find one. */
export interface SandboxPaymentInfo {
  id: string;
  callId: string;
  kind: PaymentKind;
  currency: string;
}

export interface GeneratedPayments {
  /** In the order of the calls they belong to (the store sorts them). */
  records: GeneratedPayment[];
  info: SandboxPaymentInfo[];
}

export interface PaymentGenerationOptions {
  paymentMix: PaymentMix;
  paymentForeignCurrencyShare: number;
}

const PROVIDERS: readonly { value: PaymentProvider; weight: number }[] = [
  { value: 'stripe', weight: 85 },
  { value: 'fanbasis', weight: 7 },
  { value: 'wop', weight: 5 },
  { value: 'manual', weight: 3 },
];

const REFUND_REASONS = [
  'Customer asked to cancel within the guarantee period.',
  'Moved to a cheaper plan.',
  'Duplicate charge.',
  'Goodwill credit after a missed session.',
];

/** Payments can land up to three days after the call that sold them. */
const LATEST_PAYMENT_DELAY_SECONDS = (72 * HOUR) / 1000;

/**
 * One payment for every call that links one (`linked_payment_id`), drawn
 * from its own stream: the calls stay the same whatever is drawn here. Run it
 * on the calls as generated, before any is made malformed, so turning
 * malformed records on does not change the payments either.
 */
export function generatePayments(
  calls: readonly Record<string, unknown>[],
  products: readonly SandboxProduct[],
  options: PaymentGenerationOptions,
  seed: number | string,
  nowMs: number,
): GeneratedPayments {
  const random = new SeededRandom(seed, 'payments');
  const priceByProduct = new Map(products.map((product) => [product.id, product.priceCents]));
  const kinds = PAYMENT_KINDS.map((kind) => ({ value: kind, weight: options.paymentMix[kind] }));
  const records: GeneratedPayment[] = [];
  const info: SandboxPaymentInfo[] = [];
  let partialRefunds = 0;

  for (const call of calls) {
    const id = call['linked_payment_id'];
    const callId = call['id'];
    if (typeof id !== 'string' || typeof callId !== 'string') continue;
    const productId = typeof call['product_id'] === 'string' ? call['product_id'] : null;
    const dealValue = call['expected_deal_value'];
    const amount =
      typeof dealValue === 'number' && Number.isSafeInteger(dealValue) && dealValue >= 0
        ? dealValue
        : ((productId === null ? undefined : priceByProduct.get(productId)) ?? 0);

    const kind = random.weighted(kinds);
    const currency = random.chance(options.paymentForeignCurrencyShare) ? 'eur' : 'usd';
    const provider = random.weighted(PROVIDERS);
    const settled = kind !== 'pending' && kind !== 'failed';
    const verified = settled && random.chance(0.9);

    const soldMs = timestampMs(call['ended_at']) ?? timestampMs(call['scheduled_at']) ?? nowMs;
    const paymentMs = Math.min(nowMs, soldMs + random.int(0, LATEST_PAYMENT_DELAY_SECONDS) * 1000);
    const createdMs = Math.min(nowMs, paymentMs + random.int(5, 300) * 1000);

    let status: GeneratedPayment['status'] = kind === 'partially_refunded' ? 'succeeded' : kind;
    let refund: { amount: number; ms: number; status: 'partial' | 'full'; reason: string } | null = null;
    if (kind === 'refunded' || kind === 'partially_refunded') {
      const full = kind === 'refunded';
      // Half of the partial refunds show status `refunded`, as Aura lets users set it.
      if (!full && partialRefunds++ % 2 === 1) status = 'refunded';
      refund = {
        amount: full ? amount : partialRefundAmount(amount, random),
        ms: Math.min(nowMs, paymentMs + random.int(HOUR / 1000, (30 * DAY) / 1000) * 1000),
        status: full ? 'full' : 'partial',
        reason: random.pick(REFUND_REASONS),
      };
    }
    const updatedMs = refund === null ? Math.min(nowMs, createdMs + (kind === 'pending' ? 0 : random.int(1, 600) * 1000)) : Math.max(createdMs, refund.ms);

    records.push({
      id,
      amount,
      currency,
      status,
      call_id: callId,
      lead_id: typeof call['lead_id'] === 'string' ? call['lead_id'] : null,
      payment_date: isoSeconds(paymentMs),
      refund_status: refund?.status ?? null,
      refunded_amount: refund?.amount ?? null,
      refunded_at: refund === null ? null : isoSeconds(refund.ms),
      refund_reason: refund?.reason ?? null,
      provider,
      source: provider,
      verification_status: verified ? 'verified' : 'unverified',
      matched_product_id: productId,
      created_at: isoSeconds(createdMs),
      updated_at: isoSeconds(updatedMs),
    });
    info.push({ id, callId, kind, currency });
  }
  return { records, info };
}

/** 10–60 % of `amount`, in whole currency units when the amount allows it. */
function partialRefundAmount(amount: number, random: SeededRandom): number {
  const lowUnits = Math.ceil((amount * 0.1) / 100);
  const highUnits = Math.floor((amount * 0.6) / 100);
  if (lowUnits <= highUnits) return random.int(lowUnits, highUnits) * 100;
  return random.int(Math.ceil(amount * 0.1), Math.floor(amount * 0.6));
}
