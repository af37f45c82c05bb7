import Handlebars from 'handlebars';
import { kindLabel, periodName, sentenceOf, type StatementDocument, statusText } from './statement-document';

/**
 * One self-contained, print-ready HTML page (no script, no external asset):
 * who, which month, each line with its sentence, each adjustment with what
 * it adjusts, the totals, the hash, the approval. A4 and Letter alike (the
 * page box is left to the printer; margins in millimetres). Handlebars
 * escapes every value, so text from Aura or finance cannot become markup.
 */
const TEMPLATE = Handlebars.compile<TemplateInput>(
  `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Commission statement {{payeeLabel}} {{period}}</title>
<style>
  @page { margin: 15mm; }
  body { font-family: "DejaVu Sans", Arial, Helvetica, sans-serif; color: #111; font-size: 11pt; margin: 24px; }
  h1 { font-size: 18pt; margin: 0 0 4px; }
  .meta { color: #333; margin: 0 0 16px; }
  .status { display: inline-block; padding: 2px 8px; border: 1px solid #555; border-radius: 3px; }
  table { width: 100%; border-collapse: collapse; }
  th, td { text-align: left; vertical-align: top; padding: 6px 4px; border-bottom: 1px solid #ccc; }
  td.amount, th.amount { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
  tr { page-break-inside: avoid; break-inside: avoid; }
  .sentence { color: #222; }
  .adjusts { color: #555; font-size: 9pt; }
  .totals td { font-weight: bold; border-bottom: none; }
  .hash { color: #555; font-size: 8pt; word-break: break-all; margin-top: 16px; }
  @media print { body { margin: 0; } }
</style>
</head>
<body>
<h1>Commission statement: {{periodName}}</h1>
<p class="meta"><strong>{{payeeLabel}}</strong> ({{payeeId}}) · period {{period}}{{#if supplementary}} · supplementary statement {{sequence}}{{/if}} · <span class="status">{{status}}</span></p>
<table>
<thead><tr><th>#</th><th>Call</th><th>What</th><th class="amount">Amount ({{currency}})</th></tr></thead>
<tbody>
{{#each lines}}
<tr class="line"><td>{{number}}</td><td>{{call}}</td><td><strong>{{label}}</strong> <span class="sentence">{{sentence}}</span>{{#if adjusts}}<div class="adjusts">Adjusts line {{adjusts}}</div>{{/if}}</td><td class="amount">{{amount}}</td></tr>
{{/each}}
</tbody>
<tfoot>
<tr class="totals"><td></td><td></td><td>Commission</td><td class="amount">{{commissionTotal}}</td></tr>
<tr class="totals"><td></td><td></td><td>Adjustments</td><td class="amount">{{adjustmentTotal}}</td></tr>
<tr class="totals"><td></td><td></td><td>Total</td><td class="amount">{{total}}</td></tr>
</tfoot>
</table>
{{#if disputes.length}}
<h2 style="font-size:13pt">Disputes</h2>
<ul>
{{#each disputes}}<li><strong>{{status}}</strong>{{#if line}} (line {{line}}){{/if}}: {{message}}{{#if resolution}} <em>Resolution: {{resolution}}</em>{{/if}}</li>
{{/each}}
</ul>
{{/if}}
<p class="hash">Statement {{id}}, version {{version}}. Hash {{hash}}: anyone can recompute it from GET /v1/statements/{{id}}.</p>
</body>
</html>
`,
  { strict: true },
);

interface TemplateInput {
  id: string;
  payeeLabel: string;
  payeeId: string;
  period: string;
  periodName: string;
  supplementary: boolean;
  sequence: number;
  status: string;
  currency: string;
  lines: { number: number; call: string; label: string; sentence: string; adjusts: string | null; amount: string }[];
  disputes: { status: string; line: string | null; message: string; resolution: string | null }[];
  commissionTotal: string;
  adjustmentTotal: string;
  total: string;
  version: number;
  hash: string;
}

export function renderStatementHtml(document: StatementDocument): string {
  return TEMPLATE({
    id: document.id,
    payeeLabel: document.payee_name ?? document.payee_id,
    payeeId: document.payee_id,
    period: document.period,
    periodName: periodName(document.period),
    supplementary: document.sequence > 1,
    sequence: document.sequence,
    status: statusText(document),
    currency: document.currency,
    lines: document.lines.map((line, index) => ({
      number: index + 1,
      call: line.call_id ?? '',
      label: `${kindLabel(line.kind)}${line.role ? ` (${line.role})` : ''}.`,
      sentence: sentenceOf(line),
      adjusts: line.adjusts_line_id,
      amount: line.amount,
    })),
    disputes: (document.disputes ?? []).map((dispute) => ({
      status: dispute.status,
      line: dispute.line_id,
      message: dispute.message,
      resolution: dispute.resolution_note,
    })),
    commissionTotal: document.commission_total,
    adjustmentTotal: document.adjustment_total,
    total: document.total,
    version: document.version,
    hash: document.hash,
  });
}
