import { ApiProperty } from '@nestjs/swagger';
import { ROLES, type Role } from '@app/commission-engine';

export class PayeePreviewView {
  @ApiProperty() payee_id: string;
  @ApiProperty({ example: '173.47', description: 'Sum of the payee’s rounded lines under the plans in force' }) current_total: string;
  @ApiProperty({ example: '208.16', description: 'Sum of the payee’s rounded lines with the proposed plan added' }) proposed_total: string;
  @ApiProperty({ example: '34.69', description: 'proposed_total − current_total' }) difference: string;
}

export class PreviewTotalsView {
  @ApiProperty() current: string;
  @ApiProperty() proposed: string;
  @ApiProperty() difference: string;
}

export class UnplannedPreviewView {
  @ApiProperty() call_id: string;
  @ApiProperty({ enum: ROLES }) role: Role;
  @ApiProperty() payee_id: string;
}

export class PlanPreviewView {
  @ApiProperty({ example: '2026-03' }) period: string;
  @ApiProperty({ example: 'USD' }) currency: string;
  @ApiProperty({ type: [PayeePreviewView], description: 'Every payee with a line in either case, by payee_id' }) payees: PayeePreviewView[];
  @ApiProperty({ type: PreviewTotalsView }) totals: PreviewTotalsView;
  @ApiProperty({ type: [UnplannedPreviewView], description: '(call, role, payee) no plan in force pays' }) unplanned_current: UnplannedPreviewView[];
  @ApiProperty({ type: [UnplannedPreviewView], description: '(call, role, payee) still unpaid with the proposed plan added' })
  unplanned_proposed: UnplannedPreviewView[];
}
