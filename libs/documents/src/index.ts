export * from './statement-document';
export * from './statement-html';
export * from './statement-pdf';
