export * from './event-types';
export * from './outbox/event-outbox';
export * from './delivery/delivery-worker';
export * from './delivery/delivery-signature';
export * from './events.module';
