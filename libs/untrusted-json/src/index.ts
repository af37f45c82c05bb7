export * from './untrusted-json';
