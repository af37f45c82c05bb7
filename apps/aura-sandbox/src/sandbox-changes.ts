import { CallStore } from './call-store';
import { PaymentStore } from './payment-store';
import { isObject, SandboxStoreError } from './record-store';
import { isoSeconds, parseIsoDateTime } from './sandbox-time';
import { WebhookSender } from './webhook-sender';

/** A refund of part or all of a payment. */
export interface RefundRequest {
  /** Cents to refund; default: everything not refunded yet. Capped at what remains. */
  amount?: number;
  /** When it was refunded, an ISO date-time; default: the sandbox clock. */
  refundedAt?: string | Date;
  /** Kept as refund_reason; default: the reason already there, if any. */
  reason?: string;
}

/**
 * Changes made the way Aura's users make them, each announced to the
 * webhook subscribers with the record as it is afterwards. Changes straight
 * through a store (`sandbox.store.update`) are silent: a change Aura never
 * told anyone about.
 */
export class SandboxChanges {
  constructor(
    private readonly calls: CallStore,
    private readonly payments: PaymentStore,
    private readonly webhooks: WebhookSender,
    private readonly clock: () => number,
  ) {}

  /** Merge a patch into a call (like PATCH /admin/calls/:id) and send `call.updated`. */
  updateCall(id: string, patch: Record<string, unknown>): Record<string, unknown> {
    const call = this.calls.update(id, patch);
    this.webhooks.emit('call.updated', call);
    return call;
  }

  /** Status `succeeded`, then `payment.succeeded`. */
  succeedPayment(id: string): Record<string, unknown> {
    return this.changePayment(id, { status: 'succeeded' }, 'payment.succeeded');
  }

  /** Status `failed`, then `payment.failed`. */
  failPayment(id: string): Record<string, unknown> {
    return this.changePayment(id, { status: 'failed' }, 'payment.failed');
  }

  /**
   * Refund part or the rest of a payment, then `payment.refunded`: adds to
   * refunded_amount (capped at amount); refund_status `partial` or `full`;
   * status `refunded` once fully refunded, unchanged while partial.
   */
  refundPayment(id: string, request: RefundRequest = {}): Record<string, unknown> {
    const payment = this.payments.peek(id);
    if (payment === undefined) throw new SandboxStoreError(404, 'NOT_FOUND', 'Payment not found');
    return this.changePayment(id, refundPatch(payment, request, this.clock()), 'payment.refunded');
  }

  private changePayment(id: string, patch: Record<string, unknown>, event: string): Record<string, unknown> {
    const payment = this.payments.update(id, patch);
    this.webhooks.emit(event, payment);
    return payment;
  }
}

/** The fields a refund changes, or why it cannot be made. */
export function refundPatch(payment: unknown, request: RefundRequest, nowMs: number): Record<string, unknown> {
  if (typeof request !== 'object' || request === null) throw validation('refund must be an object');
  const { amount: requested, refundedAt, reason } = request;
  if (requested !== undefined && !(typeof requested === 'number' && Number.isSafeInteger(requested) && requested > 0)) {
    throw validation('amount must be a positive integer of cents');
  }
  if (reason !== undefined && typeof reason !== 'string') throw validation('reason must be a string');
  const refundedAtText = refundedAt === undefined ? isoSeconds(nowMs) : toRefundedAt(refundedAt);

  if (!isObject(payment)) throw conflict('Payment record is not an object and cannot be refunded');
  const amount = payment['amount'];
  const already = payment['refunded_amount'] ?? 0;
  if (!isCents(amount) || !isCents(already)) {
    throw conflict('Payment has no integer amount and refunded_amount in cents to refund from');
  }
  if (payment['status'] === 'pending' || payment['status'] === 'failed') {
    throw conflict(`A ${payment['status']} payment cannot be refunded`);
  }
  const remaining = amount - already;
  if (remaining <= 0) throw conflict('Payment is already fully refunded');

  const refunded = already + Math.min(requested ?? remaining, remaining);
  const full = refunded >= amount;
  return {
    refunded_amount: refunded,
    refund_status: full ? 'full' : 'partial',
    refunded_at: refundedAtText,
    refund_reason: reason ?? payment['refund_reason'] ?? null,
    ...(full ? { status: 'refunded' } : {}),
  };
}

function toRefundedAt(value: string | Date): string {
  if (value instanceof Date) {
    if (!Number.isFinite(value.getTime())) throw validation('refunded_at is not a valid date');
    return isoSeconds(value.getTime());
  }
  if (typeof value !== 'string' || parseIsoDateTime(value) === null) {
    throw validation('refunded_at must be an ISO 8601 date-time with a time zone');
  }
  return value;
}

function isCents(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function validation(message: string): SandboxStoreError {
  return new SandboxStoreError(400, 'VALIDATION_FAILED', message);
}

function conflict(message: string): SandboxStoreError {
  return new SandboxStoreError(409, 'CONFLICT', message);
}
