import { ApiProperty } from '@nestjs/swagger';
import { PaginationView } from '@app/http-platform';
import type { PayeeRecord, PayeeVersionRecord } from '../payees.repository';

/** A closer or setter: who Aura's team says they are, and how payroll knows them. */
export class PayeeView {
  @ApiProperty({ example: 'user_2abc123xyz' }) id: string;
  @ApiProperty({ type: String, nullable: true }) name: string | null;
  @ApiProperty({ type: String, nullable: true }) email: string | null;
  @ApiProperty({ type: String, nullable: true, description: "The member's role in Aura" }) aura_role: string | null;
  @ApiProperty({ type: String, nullable: true }) employee_id: string | null;
  @ApiProperty({ type: String, nullable: true }) payroll_code: string | null;
  @ApiProperty({ description: "Whether Aura's team lists them now" }) listed_upstream: boolean;
  @ApiProperty() version: number;
  @ApiProperty() first_seen_at: string;
  @ApiProperty() updated_at: string;
}

/** One earlier state of the payee: when it held, who or what changed it, and the fields it had then. */
export const PAYEE_VERSION_SCHEMA = {
  type: 'object' as const,
  properties: {
    version: { type: 'integer' as const },
    source: { type: 'string' as const, description: 'aura (a sync) or finance (PUT /v1/payees/{id})' },
    changed_by: { type: 'string' as const, nullable: true },
    valid_from: { type: 'string' as const },
    valid_to: { type: 'string' as const },
  },
  required: ['version', 'source', 'changed_by', 'valid_from', 'valid_to'],
  additionalProperties: true,
};

export class PayeeDetailView extends PayeeView {
  @ApiProperty({ type: 'array', items: PAYEE_VERSION_SCHEMA, description: 'Earlier versions, with the fields they had' }) history: Record<string, unknown>[];
}

export class PayeesPageView {
  @ApiProperty({ type: [PayeeView] }) data: PayeeView[];
  @ApiProperty({ type: PaginationView }) pagination: PaginationView;
}

export function presentPayee(payee: PayeeRecord): PayeeView {
  return {
    id: payee.id,
    name: payee.name,
    email: payee.email,
    aura_role: payee.auraRole,
    employee_id: payee.employeeId,
    payroll_code: payee.payrollCode,
    listed_upstream: payee.listedUpstream,
    version: payee.version,
    first_seen_at: payee.firstSeenAt.toISOString(),
    updated_at: payee.updatedAt.toISOString(),
  };
}

export function presentPayeeVersion(entry: PayeeVersionRecord): Record<string, unknown> {
  return {
    version: entry.version,
    source: entry.source,
    changed_by: entry.changedBy,
    valid_from: entry.validFrom.toISOString(),
    valid_to: entry.validTo.toISOString(),
    ...entry.snapshot,
  };
}
