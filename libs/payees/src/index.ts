export * from './payees.module';
export * from './payees.reader';
export * from './payees.repository';
