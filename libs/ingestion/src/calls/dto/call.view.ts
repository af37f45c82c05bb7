import { ApiProperty } from '@nestjs/swagger';
import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { ANY_JSON, PaginationView } from '@app/http-platform';

/** An earlier version of a record: when it held, the sync that saw it, and its fields then. */
export const VERSION_SCHEMA: SchemaObject = {
  type: 'object',
  properties: {
    version: { type: 'integer' },
    valid_from: { type: 'string' },
    valid_to: { type: 'string' },
    sync_run_id: { type: 'string', nullable: true },
  },
  required: ['version', 'valid_from', 'valid_to', 'sync_run_id'],
  additionalProperties: true,
};

/** A stored call as the API shows it, with how the service judged it. */
export class CallView {
  @ApiProperty() id: string;
  @ApiProperty({ type: String, nullable: true, example: 'closed' }) status: string | null;
  @ApiProperty({ type: String, nullable: true }) closer_id: string | null;
  @ApiProperty({ type: String, nullable: true }) setter_id: string | null;
  @ApiProperty({ type: String, nullable: true }) lead_id: string | null;
  @ApiProperty({ type: String, nullable: true }) product_id: string | null;
  @ApiProperty({ type: String, nullable: true }) booking_link_id: string | null;
  @ApiProperty({ type: String, nullable: true }) linked_payment_id: string | null;
  @ApiProperty({ type: String, nullable: true, description: "Aura's expected_deal_value, in its minor units" }) expected_deal_value: string | null;
  @ApiProperty({ type: String, nullable: true, example: '12500.00', description: 'The deal value in money' }) base_amount: string | null;
  @ApiProperty({ type: String, nullable: true }) currency: string | null;
  @ApiProperty({ type: String, nullable: true }) commission_date: string | null;
  @ApiProperty({ type: String, nullable: true, example: '2026-10' }) period: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'The share of the payment refunded (0 to 1)' }) refunded_share: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'What the engine pays on: the base less the refunded share' }) effective_base_amount: string | null;
  @ApiProperty() commissionable: boolean;
  @ApiProperty({ type: String, nullable: true, description: 'Why it earns nothing (payment_pending, payment_failed …); null when it earns' }) reason:
    string | null;
  @ApiProperty({ type: String, nullable: true }) earnings_changed_at: string | null;
  @ApiProperty({ description: 'Aura no longer returns it' }) missing_upstream: boolean;
  @ApiProperty() first_seen_at: string;
  @ApiProperty() last_synced_at: string;
}

export class CallsPageView {
  @ApiProperty({ type: [CallView] }) data: CallView[];
  @ApiProperty({ type: PaginationView }) pagination: PaginationView;
}

/** The payment a call links to, amounts in Aura's minor units as strings. */
export class CallPaymentView {
  @ApiProperty() id: string;
  @ApiProperty({ type: String, nullable: true, example: 'succeeded' }) status: string | null;
  @ApiProperty() amount: string;
  @ApiProperty({ type: String, nullable: true }) currency: string | null;
  @ApiProperty({ type: String, nullable: true }) call_id: string | null;
  @ApiProperty({ type: String, nullable: true }) lead_id: string | null;
  @ApiProperty({ type: String, nullable: true }) payment_date: string | null;
  @ApiProperty({ type: String, nullable: true }) refunded_amount: string | null;
  @ApiProperty({ type: String, nullable: true }) refunded_at: string | null;
  @ApiProperty({ type: String, nullable: true }) refund_status: string | null;
  @ApiProperty({ type: String, nullable: true }) terms_changed_at: string | null;
  @ApiProperty() missing_upstream: boolean;
  @ApiProperty() version: number;
  @ApiProperty() first_seen_at: string;
  @ApiProperty() last_synced_at: string;
  @ApiProperty(ANY_JSON) raw: unknown;
  @ApiProperty({ type: 'array', items: VERSION_SCHEMA }) history: Record<string, unknown>[];
}

/** GET /v1/calls/{id}: the call, its raw record and history, its payment, and every line that pays or adjusts it. */
export class CallDetailView extends CallView {
  @ApiProperty() version: number;
  @ApiProperty({ type: CallPaymentView, nullable: true }) payment: CallPaymentView | null;
  @ApiProperty(ANY_JSON) raw: unknown;
  @ApiProperty({ type: 'array', items: VERSION_SCHEMA }) history: Record<string, unknown>[];
  @ApiProperty({
    type: 'array',
    items: {
      type: 'object',
      additionalProperties: true,
      description:
        'A statement line (as on GET /v1/statements/{id}/lines) with payee_id, statement_id, statement_period, statement_sequence and statement_status',
    },
  })
  lines: Record<string, unknown>[];
}
