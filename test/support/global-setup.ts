import { ensureTemplate } from './pglite-template';

export default async function globalSetup(): Promise<void> {
  await ensureTemplate();
}
