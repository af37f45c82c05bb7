/**
 * What a statement document shows: the statement view as the API gives it
 * (GET /v1/statements/:id), with the payee's name. Pure data; the renderers
 * below are pure functions of it, so the same statement gives the same bytes.
 */
export interface DocumentLine {
  id: string;
  call_id: string | null;
  role: string | null;
  kind: string;
  amount: string;
  adjusts_line_id: string | null;
  explanation: Record<string, unknown>;
}

export interface StatementDocument {
  id: string;
  payee_id: string;
  payee_name: string | null;
  period: string;
  sequence: number;
  currency: string;
  status: string;
  commission_total: string;
  adjustment_total: string;
  total: string;
  version: number;
  hash: string;
  approved_at: string | null;
  paid_at: string | null;
  payroll_reference: string | null;
  lines: DocumentLine[];
  disputes?: { id: string; line_id: string | null; status: string; message: string; resolution_note: string | null }[];
}

const KIND_LABELS: Record<string, string> = {
  commission: 'Commission',
  adjustment: 'Adjustment',
  manual: 'Added by finance',
  carry_forward: 'Carried forward',
  carried_in: 'Carried in',
};

export function kindLabel(kind: string): string {
  return KIND_LABELS[kind] ?? kind;
}

/** The line's one plain sentence, as the explanation gives it. */
export function sentenceOf(line: DocumentLine): string {
  const sentence = line.explanation['sentence'];
  return typeof sentence === 'string' ? sentence : '';
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** "2026-10" → "October 2026". */
export function periodName(period: string): string {
  const [year, month] = period.split('-').map(Number);
  return `${MONTHS[month - 1] ?? period} ${year}`;
}

export function statusText(document: StatementDocument): string {
  if (document.status === 'paid')
    return `Paid${document.paid_at ? ` on ${document.paid_at.slice(0, 10)}` : ''}${document.payroll_reference ? ` (payroll reference ${document.payroll_reference})` : ''}`;
  if (document.status === 'approved') return `Approved${document.approved_at ? ` on ${document.approved_at.slice(0, 10)}` : ''}`;
  return 'Draft: not approved yet; figures may still change';
}
