export { PlansModule } from './plans.module';
export { PlansReader } from './plans.reader';
export { PREVIEW_CALL_SOURCE, type PreviewCallSource } from './preview-call-source';
export { PROPOSED_PLAN_ID } from './plan-preview.service';
