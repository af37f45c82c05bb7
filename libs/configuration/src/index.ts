export * from './configuration-error';
export * from './environment';
export * from './configuration.module';
